package io.fleetfed.core.status;

import io.fleetfed.core.internal.Nulls;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one {@code propagate} or {@code delete} did, cluster by cluster. Per-cluster failures are results, not
 * exceptions; {@link #orThrow()} turns them into one.
 *
 * <pre>{@code
 * PropagationResult result = fleet.propagate(nginx);
 * result.cluster("dev2").map(ClusterOutcome::action);    // CREATED
 * result.orThrow();                                      // PropagationFailedException if any cluster failed
 * }</pre>
 *
 * @param key the federated object
 * @param condition the aggregate {@code Propagation} condition
 * @param clusters each listed cluster's outcome, by name
 * @param problem why nothing was sent, when placement or rendering failed ({@code ComputePlacementFailed})
 */
public record PropagationResult(ResourceKey key, PropagationCondition condition,
    Map<String, ClusterOutcome> clusters, Optional<String> problem) {

  /** Checks that nothing is null and sorts the clusters by name. */
  public PropagationResult {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(condition, "condition");
    Objects.requireNonNull(problem, "problem");
    clusters = Collections.unmodifiableSortedMap(new TreeMap<>(Nulls.noNulls(clusters, "clusters")));
  }

  /** Whether every listed cluster ended as it should be. */
  public boolean isSuccess() {
    return condition.status();
  }

  /** One cluster's outcome, if that cluster is listed. */
  public Optional<ClusterOutcome> cluster(String name) {
    return Optional.ofNullable(clusters.get(name));
  }

  /**
   * The clusters whose copy this call did {@code action} to, sorted by name; for instance where KubeFed's copies
   * were taken over:
   *
   * <pre>{@code
   * for (PropagationResult r : fleet.propagateAll(migrated)) {
   *   r.clustersWith(ClusterAction.TAKEN_OVER).forEach(c -> log.info("{}: took over KubeFed's copy on {}", r.key(), c));
   * }
   * }</pre>
   */
  public List<String> clustersWith(ClusterAction action) {
    Objects.requireNonNull(action, "action");
    return clusters.values().stream().filter(o -> o.action() == action).map(ClusterOutcome::cluster).toList();
  }

  /** The outcomes that are not OK. */
  public List<ClusterOutcome> failures() {
    return clusters.values().stream().filter(o -> !o.isOk()).toList();
  }

  /**
   * Returns this result if it is a success.
   *
   * @throws PropagationFailedException naming each failed cluster and its reason
   */
  public PropagationResult orThrow() {
    if (!isSuccess()) {
      throw new PropagationFailedException(this);
    }
    return this;
  }

  @Override
  public String toString() {
    return key + " " + condition + problem.map(p -> " (" + p + ")").orElse("") + " " + clusters.values();
  }
}
