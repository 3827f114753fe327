package io.fleetfed.core.model;

import io.fleetfed.core.ValidationException;
import java.util.Objects;

/** Whether objects of a type live in a namespace or in the cluster as a whole. */
public enum Scope {
  /** Objects live in a namespace (ConfigMaps, Deployments, TaskRuns…). */
  NAMESPACED("Namespaced"),
  /** Objects belong to the whole cluster (Namespaces, ClusterRoles, ClusterTasks…). */
  CLUSTER("Cluster");

  private final String wireName;

  Scope(String wireName) {
    this.wireName = wireName;
  }

  /** The name Kubernetes uses in CRDs and FederatedTypeConfigs: {@code Namespaced} or {@code Cluster}. */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses {@code Namespaced} or {@code Cluster}.
   *
   * @throws ValidationException for anything else
   */
  public static Scope parse(String value) {
    Objects.requireNonNull(value, "value");
    for (Scope scope : values()) {
      if (scope.wireName.equals(value)) {
        return scope;
      }
    }
    throw new ValidationException("", "scope \"" + value + "\" is not valid: use Namespaced or Cluster");
  }
}
