package io.fleetfed.core.model;

import io.fleetfed.core.internal.Names;
import io.fleetfed.core.internal.Nulls;
import io.fleetfed.core.internal.Problems;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Kubernetes resource type: API group, version, kind, plural resource name and scope.
 *
 * <pre>{@code
 * ResourceType deployments = ResourceType.namespaced("apps", "v1", "Deployment", "deployments");
 * ResourceType clusterTasks = ResourceType.cluster("tekton.dev", "v1beta1", "ClusterTask", "clustertasks");
 * deployments.apiVersion();   // "apps/v1"
 * }</pre>
 *
 * @param group the API group; empty for the core group ({@code v1} ConfigMaps, Secrets…)
 * @param version the API version, such as {@code v1} or {@code v1beta1}
 * @param kind the kind, such as {@code Deployment}
 * @param plural the plural resource name used in URLs, such as {@code deployments}
 * @param scope namespaced or cluster-scoped
 * @param shortNames short names kubectl accepts, such as {@code deploy}; may be empty
 */
public record ResourceType(
    String group, String version, String kind, String plural, Scope scope, List<String> shortNames) {

  private static final Pattern VERSION = Pattern.compile("v[0-9]+((alpha|beta)[0-9]+)?");
  private static final Pattern KIND = Pattern.compile("[A-Z][A-Za-z0-9]*");

  /** Validates every component. */
  public ResourceType {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(plural, "plural");
    Objects.requireNonNull(scope, "scope");
    shortNames = List.copyOf(Nulls.noNulls(shortNames, "shortNames"));
    Problems problems = new Problems();
    if (!group.isEmpty()) {
      Names.dns1123SubdomainProblem(group).ifPresent(p -> problems.add("group", "\"" + group + "\" " + p));
    }
    if (!VERSION.matcher(version).matches()) {
      problems.add("version", "\"" + version + "\" is not a Kubernetes API version (such as v1, v1beta1)");
    }
    if (!KIND.matcher(kind).matches()) {
      problems.add("kind", "\"" + kind + "\" is not a kind: use an upper-camel-case name such as Deployment");
    }
    Names.dns1123LabelProblem(plural).ifPresent(p -> problems.add("plural", "\"" + plural + "\" " + p));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < shortNames.size(); i++) {
      String shortName = shortNames.get(i);
      int index = i;
      Names.dns1123LabelProblem(shortName)
          .ifPresent(p -> problems.add("shortNames[" + index + "]", "\"" + shortName + "\" " + p));
      if (!seen.add(shortName)) {
        problems.add("shortNames[" + i + "]", "\"" + shortName + "\" appears more than once");
      }
    }
    problems.throwIfAny();
  }

  /** A namespaced type without short names. */
  public static ResourceType namespaced(String group, String version, String kind, String plural) {
    return new ResourceType(group, version, kind, plural, Scope.NAMESPACED, List.of());
  }

  /** A cluster-scoped type without short names. */
  public static ResourceType cluster(String group, String version, String kind, String plural) {
    return new ResourceType(group, version, kind, plural, Scope.CLUSTER, List.of());
  }

  /** This type with {@code shortNames}. */
  public ResourceType withShortNames(String... shortNames) {
    return new ResourceType(group, version, kind, plural, scope, List.of(shortNames));
  }

  /** This type at another API version of the same group. */
  public ResourceType withVersion(String version) {
    return new ResourceType(group, version, kind, plural, scope, shortNames);
  }

  /** {@code group/version}, or just {@code version} for the core group. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** The singular name kubectl accepts: the kind in lower case. */
  public String singular() {
    return kind.toLowerCase(Locale.ROOT);
  }

  /** {@code plural} for the core group, otherwise {@code plural.group}: the name kubectl and KubeFed use. */
  public String qualifiedName() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  /** Whether this is the core {@code v1} Namespace kind, which KubeFed federates specially. */
  public boolean isNamespace() {
    return group.isEmpty() && kind.equals("Namespace");
  }

  /** Whether objects of this type live in a namespace. */
  public boolean isNamespaced() {
    return scope == Scope.NAMESPACED;
  }

  /**
   * Why {@code apiVersion} cannot be this type's: not a string of this type's group and a valid version
   * ({@code apps/v1beta2} may stand for {@code apps/v1} Deployments, {@code v1} or {@code apps/} cannot); empty when
   * it can.
   */
  public Optional<String> apiVersionProblem(String apiVersion) {
    if (apiVersion.isEmpty()) {
      return Optional.of("must be a non-empty string");
    }
    if (!groupOf(apiVersion).equals(group)) {
      return Optional.of("\"" + apiVersion + "\" is not in the API group of " + kind + " ("
          + (group.isEmpty() ? "the core group" : group) + ")");
    }
    String versionPart = apiVersion.substring(apiVersion.indexOf('/') + 1);
    if (!VERSION.matcher(versionPart).matches()) {
      return Optional.of("\"" + apiVersion + "\" has no valid version (such as " + apiVersion() + ")");
    }
    return Optional.empty();
  }

  /**
   * The group part of an {@code apiVersion} string: {@code "apps"} for {@code "apps/v1"}, empty for {@code "v1"}.
   */
  public static String groupOf(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  /** A short description for messages, such as {@code Deployment (apps/v1, deployments.apps, Namespaced)}. */
  @Override
  public String toString() {
    return kind + " (" + apiVersion() + ", " + qualifiedName() + ", " + scope.wireName() + ")";
  }
}
