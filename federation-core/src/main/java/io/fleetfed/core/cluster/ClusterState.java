package io.fleetfed.core.cluster;

import io.fleetfed.core.internal.Nulls;
import io.fleetfed.core.model.Cluster;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A member cluster as the fleet sees it now.
 *
 * <pre>{@code
 * for (ClusterState c : fleet.clusters()) {
 *   System.out.printf("%s %s%s%n", c.name(), c.health(), c.cordoned() ? " cordoned" : "");
 * }
 * }</pre>
 *
 * @param name the cluster's name (a DNS-1123 label)
 * @param labels the cluster's labels, matched by placement selectors
 * @param health its health from the last probes
 * @param cordoned whether it takes no new placements (its objects stay)
 * @param drained whether its objects were removed and it takes no placements at all
 * @param joined whether its membership is stored in the host cluster (a KubeFedCluster), rather than given
 *     to this fleet only
 * @param message the last probe's detail, such as why the cluster is offline
 */
public record ClusterState(String name, Map<String, String> labels, ClusterHealth health, boolean cordoned,
    boolean drained, boolean joined, Optional<String> message) {

  /** Checks that nothing is null. */
  public ClusterState {
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(Nulls.noNulls(labels, "labels"));
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(message, "message");
  }

  /** The cluster as placement sees it. */
  public Cluster toCluster() {
    return new Cluster(name, labels, health.isReady());
  }

  @Override
  public String toString() {
    return name + " " + health + (cordoned ? " cordoned" : "") + (drained ? " drained" : "");
  }
}
