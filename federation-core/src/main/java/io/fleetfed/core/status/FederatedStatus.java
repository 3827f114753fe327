package io.fleetfed.core.status;

import io.fleetfed.core.internal.Nulls;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The live status of one federated object across the fleet, as KubeFed kept it in the federated object's
 * {@code .status}: the aggregate {@code Propagation} condition and each cluster's status.
 *
 * <pre>{@code
 * FederatedStatus status = fleet.await(ResourceKey.of(nginx), FederatedStatus::isPropagated, Duration.ofSeconds(30));
 * status.cluster("dev2").flatMap(c -> c.remoteStatusAt("/readyReplicas"));
 * }</pre>
 *
 * <p>The clusters listed are those the object is placed on, plus those that still hold a copy it no longer
 * should (a copy being removed); a copy that is gone is not listed, as in KubeFed.
 *
 * @param key the federated object
 * @param condition the aggregate condition
 * @param clusters each listed cluster's status, by name
 * @param deleted whether the federated object was deleted from the fleet and all its copies are gone
 */
public record FederatedStatus(ResourceKey key, PropagationCondition condition, Map<String, ClusterStatus> clusters,
    boolean deleted) {

  /** Checks that nothing is null and sorts the clusters by name. */
  public FederatedStatus {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(condition, "condition");
    clusters = Collections.unmodifiableSortedMap(new TreeMap<>(Nulls.noNulls(clusters, "clusters")));
  }

  /** Whether every listed cluster is as it should be. */
  public boolean isPropagated() {
    return condition.status();
  }

  /** One cluster's status, if that cluster is listed. */
  public Optional<ClusterStatus> cluster(String name) {
    return Optional.ofNullable(clusters.get(name));
  }

  @Override
  public String toString() {
    return key + " " + condition + " " + clusters.values() + (deleted ? " deleted" : "");
  }
}
