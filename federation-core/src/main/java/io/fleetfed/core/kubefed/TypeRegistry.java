package io.fleetfed.core.kubefed;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.model.ResourceType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The federated types fleetfed knows: an immutable map from target types to their
 * {@link FederatedTypeConfig}s.
 *
 * <pre>{@code
 * TypeRegistry types = TypeRegistry.standard()   // built-ins plus every FederatedTypeProvider on the classpath
 *     .with(ResourceType.namespaced("example.com", "v1", "Widget", "widgets"));
 * FederatedTypeConfig widgets = types.lookup("widget");          // as kubefedctl enable looks names up
 * types.forFederated("types.kubefed.io/v1beta1", "FederatedWidget");
 * }</pre>
 *
 * <p>Each target type ({@code plural.group}) has one configuration; registering another for the same target
 * replaces it (a FederatedTypeConfig read from a file wins over a built-in). Two targets may not share a
 * federated kind.
 */
public final class TypeRegistry {
  private static final TypeRegistry BUILT_IN = new TypeRegistry(Map.of(), Map.of()).withAll(BuiltInTypes.ALL);

  private final Map<String, FederatedTypeConfig> byName;
  private final Map<String, List<String>> shortNames;

  private TypeRegistry(Map<String, FederatedTypeConfig> byName, Map<String, List<String>> shortNames) {
    this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    this.shortNames = Collections.unmodifiableMap(new LinkedHashMap<>(shortNames));
  }

  /** The types KubeFed federates by default ({@link BuiltInTypes}). */
  public static TypeRegistry builtIn() {
    return BUILT_IN;
  }

  /**
   * The built-in types plus those of every {@link FederatedTypeProvider} found by {@link ServiceLoader} with
   * the context class loader (for example the Tekton kinds when {@code federation-tekton} is on the classpath).
   *
   * @throws ValidationException if providers contribute conflicting types
   */
  public static TypeRegistry standard() {
    TypeRegistry registry = BUILT_IN;
    for (FederatedTypeProvider provider : ServiceLoader.load(FederatedTypeProvider.class)) {
      registry = registry.withAll(provider.types());
    }
    return registry;
  }

  /** This registry plus {@code target} with KubeFed's conventional configuration. */
  public TypeRegistry with(ResourceType target) {
    return with(FederatedTypeConfig.forTarget(target));
  }

  /** This registry plus every type of {@code targets}. */
  public TypeRegistry withAll(Collection<ResourceType> targets) {
    TypeRegistry registry = this;
    for (ResourceType target : targets) {
      registry = registry.with(target);
    }
    return registry;
  }

  /**
   * This registry plus {@code config}, which replaces any configuration of the same target.
   *
   * @throws ValidationException if another target already uses the same federated kind
   */
  public TypeRegistry with(FederatedTypeConfig config) {
    for (FederatedTypeConfig existing : byName.values()) {
      if (!existing.name().equals(config.name())
          && existing.federated().group().equals(config.federated().group())
          && existing.federated().kind().equals(config.federated().kind())) {
        throw new ValidationException("spec.federatedType.kind", config.federated().kind() + " already federates "
            + existing.name() + "; it cannot also federate " + config.name());
      }
    }
    Map<String, FederatedTypeConfig> copy = new LinkedHashMap<>(byName);
    copy.put(config.name(), config);
    Map<String, List<String>> names = new LinkedHashMap<>(shortNames);
    if (!config.target().shortNames().isEmpty()) {
      names.put(config.name(), config.target().shortNames());
    }
    // FederatedTypeConfigs carry no short names: one that replaces a type keeps the short names it had, so
    // "deploy" still finds deployments.apps.
    return new TypeRegistry(copy, names);
  }

  /** Every configuration, in registration order. */
  public List<FederatedTypeConfig> all() {
    return List.copyOf(byName.values());
  }

  /** The configuration named {@code plural[.group]}, if registered. */
  public Optional<FederatedTypeConfig> byName(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * The configuration whose federated type has this {@code apiVersion} and {@code kind}, such as
   * {@code types.kubefed.io/v1beta1} and {@code FederatedDeployment}.
   */
  public Optional<FederatedTypeConfig> forFederated(String apiVersion, String kind) {
    return byName.values().stream()
        .filter(c -> c.federated().apiVersion().equals(apiVersion) && c.federated().kind().equals(kind))
        .findFirst();
  }

  /** The configuration whose target has this group and kind (any version). */
  public Optional<FederatedTypeConfig> forTarget(String group, String kind) {
    return byName.values().stream()
        .filter(c -> c.target().group().equals(group) && c.target().kind().equals(kind))
        .findFirst();
  }

  /**
   * Finds a type by any name {@code kubectl} and {@code kubefedctl enable} accept: the plural
   * ({@code deployments}), the singular ({@code deployment}), the kind ({@code Deployment}), a short name
   * ({@code deploy}) or {@code plural.group} ({@code deployments.apps}). Case is ignored except in
   * {@code plural.group}. When several types match, one in the core group wins, as in kubefedctl.
   *
   * @throws ValidationException if no type, or several types outside the core group, match
   */
  public FederatedTypeConfig lookup(String name) {
    FederatedTypeConfig exact = byName.get(name);
    if (exact != null) {
      return exact;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    List<FederatedTypeConfig> matches = new ArrayList<>();
    for (FederatedTypeConfig config : byName.values()) {
      ResourceType t = config.target();
      if (t.plural().equals(lower) || t.singular().equals(lower)
          || shortNames.getOrDefault(config.name(), List.of()).contains(lower)) {
        matches.add(config);
      }
    }
    if (matches.size() > 1) {
      List<FederatedTypeConfig> core =
          matches.stream().filter(c -> c.target().group().isEmpty()).collect(Collectors.toList());
      if (core.size() == 1) {
        return core.get(0);
      }
    }
    if (matches.size() == 1) {
      return matches.get(0);
    }
    if (matches.isEmpty()) {
      throw new ValidationException("", "no federated type is named \"" + name + "\"; known types: "
          + String.join(", ", byName.keySet()) + ". Register others by group, version, kind, plural and scope");
    }
    throw new ValidationException("", "multiple resources are matched by \"" + name + "\": "
        + matches.stream().map(FederatedTypeConfig::name).collect(Collectors.joining(", "))
        + "; use the qualified name (plural.group)");
  }

  @Override
  public String toString() {
    return "TypeRegistry" + byName.keySet();
  }
}
