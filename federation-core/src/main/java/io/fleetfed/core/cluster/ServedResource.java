package io.fleetfed.core.cluster;

import io.fleetfed.core.model.ResourceType;
import java.util.Locale;
import java.util.Objects;

/**
 * One resource as a cluster's API discovery lists it: its type (group, preferred version, kind, plural, scope and
 * short names) and its singular name, which is how {@code kubectl} and {@code kubefedctl enable} find a type by
 * any of its names.
 *
 * <pre>{@code
 * for (ServedResource r : host.servedResources()) {
 *   if (r.isNamed("deploy")) {
 *     System.out.println(r.type().qualifiedName());          // deployments.apps
 *   }
 * }
 * }</pre>
 *
 * @param type the resource type at its group's preferred version, with the short names discovery lists
 * @param singular the singular name discovery lists ({@code deployment}); the lower-cased kind when it lists none
 */
public record ServedResource(ResourceType type, String singular) {

  /** Checks both components; an empty {@code singular} becomes the lower-cased kind, as kubectl reads it. */
  public ServedResource {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(singular, "singular");
    if (singular.isEmpty()) {
      singular = type.kind().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Whether {@code name} names this resource as {@code kubefedctl enable} matches names: the plural, the singular,
   * the kind or a short name (case ignored), or {@code plural.group}.
   */
  public boolean isNamed(String name) {
    Objects.requireNonNull(name, "name");
    String lower = name.toLowerCase(Locale.ROOT);
    return type.plural().equals(lower) || singular.equals(lower)
        || type.kind().toLowerCase(Locale.ROOT).equals(lower) || type.shortNames().contains(lower)
        || (!type.group().isEmpty() && (type.plural() + "." + type.group()).equals(lower));
  }
}
