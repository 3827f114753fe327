package io.fleetfed.core.schedule;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.internal.Problems;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link ReplicaSchedulingPreference} asks of one cluster (or of every cluster, under the key
 * {@code "*"}): KubeFed's {@code ClusterPreferences}.
 *
 * <pre>{@code
 * ClusterPreferences.weight(2);                                  // weight 2, no minimum, no maximum
 * ClusterPreferences.weight(1).withMinReplicas(2).withMaxReplicas(10);
 * ClusterPreferences.defaults();                                 // min 0, no max, weight 0: no share of replicas
 * }</pre>
 *
 * <p>A cluster gets its minimum first (clusters in priority order, while replicas last), then a share of what
 * remains in proportion to its weight, never more than its maximum. A cluster of weight 0 gets no share: its
 * minimum, and, without rebalance, the replicas it already runs (up to its maximum).
 *
 * @param minReplicas replicas the cluster should get before any is shared out by weight (at least 0; default 0)
 * @param maxReplicas the most replicas the cluster may get; absent (the default) for no limit. When present it
 *     is at least {@code minReplicas}
 * @param weight the cluster's share of the replicas left after every minimum (at least 0; default 0)
 */
public record ClusterPreferences(int minReplicas, Optional<Integer> maxReplicas, int weight) {

  private static final ClusterPreferences DEFAULTS = new ClusterPreferences(0, Optional.empty(), 0);

  /**
   * Validates that no number is negative and that the maximum, when given, is not below the minimum.
   *
   * @throws ValidationException naming every field that is wrong
   */
  public ClusterPreferences {
    Objects.requireNonNull(maxReplicas, "maxReplicas");
    Problems problems = new Problems();
    if (minReplicas < 0) {
      problems.add("minReplicas", "must not be negative (got " + minReplicas + ")");
    }
    if (weight < 0) {
      problems.add("weight", "must not be negative (got " + weight + ")");
    }
    if (maxReplicas.isPresent()) {
      int max = maxReplicas.get();
      if (max < 0) {
        problems.add("maxReplicas", "must not be negative (got " + max + ")");
      } else if (max < minReplicas) {
        problems.add("maxReplicas", "must not be less than minReplicas (" + max + " < " + minReplicas + ")");
      }
    }
    problems.throwIfAny();
  }

  /** KubeFed's defaults: minimum 0, no maximum, weight 0. */
  public static ClusterPreferences defaults() {
    return DEFAULTS;
  }

  /** Weight {@code weight}, minimum 0, no maximum. */
  public static ClusterPreferences weight(int weight) {
    return new ClusterPreferences(0, Optional.empty(), weight);
  }

  /** Minimum {@code minReplicas}, maximum {@code maxReplicas}, weight {@code weight}. */
  public static ClusterPreferences of(int minReplicas, int maxReplicas, int weight) {
    return new ClusterPreferences(minReplicas, Optional.of(maxReplicas), weight);
  }

  /** These preferences with minimum {@code minReplicas}. */
  public ClusterPreferences withMinReplicas(int minReplicas) {
    return new ClusterPreferences(minReplicas, maxReplicas, weight);
  }

  /** These preferences with maximum {@code maxReplicas}. */
  public ClusterPreferences withMaxReplicas(int maxReplicas) {
    return new ClusterPreferences(minReplicas, Optional.of(maxReplicas), weight);
  }

  /** These preferences without a maximum. */
  public ClusterPreferences withoutMaxReplicas() {
    return new ClusterPreferences(minReplicas, Optional.empty(), weight);
  }

  /** These preferences with weight {@code weight}. */
  public ClusterPreferences withWeight(int weight) {
    return new ClusterPreferences(minReplicas, maxReplicas, weight);
  }
}
