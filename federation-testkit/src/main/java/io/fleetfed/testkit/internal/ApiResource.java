package io.fleetfed.testkit.internal;

import java.util.List;

/**
 * One resource type as discovery lists it: its group, version, kind, plural and scope.
 *
 * @param group the API group, empty for the core group
 * @param version the version, such as {@code v1}
 * @param kind the kind, such as {@code ConfigMap}
 * @param plural the plural, the resource's name in paths, such as {@code configmaps}
 * @param singular the singular name
 * @param namespaced whether objects live in a namespace
 * @param shortNames kubectl's short names, such as {@code cm}
 * @param categories categories such as {@code all}
 * @param statusSubresource whether {@code <plural>/status} is served
 */
public record ApiResource(String group, String version, String kind, String plural, String singular,
    boolean namespaced, List<String> shortNames, List<String> categories, boolean statusSubresource) {

  /** The verbs every sandbox resource supports. */
  static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  // copies the lists, so that the record is immutable
  public ApiResource {
    shortNames = List.copyOf(shortNames);
    categories = List.copyOf(categories);
  }

  /**
   * The {@code apiVersion} of this resource's objects.
   *
   * @return {@code version} for the core group, {@code group/version} otherwise
   */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /**
   * The path prefix of this resource's group and version.
   *
   * @return {@code /api/v1} or {@code /apis/<group>/<version>}
   */
  public String groupVersionPath() {
    return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
  }

  /**
   * The path of one object or of a list.
   *
   * @param namespace the namespace, or {@code null} for a cluster-scoped kind or every namespace
   * @param name the name, or {@code null} for the list
   * @return the request path, without a query
   */
  public String path(String namespace, String name) {
    StringBuilder path = new StringBuilder(groupVersionPath());
    if (namespaced && namespace != null) {
      path.append("/namespaces/").append(namespace);
    }
    path.append('/').append(plural);
    if (name != null) {
      path.append('/').append(name);
    }
    return path.toString();
  }
}
