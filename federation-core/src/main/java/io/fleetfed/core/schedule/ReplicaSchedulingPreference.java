package io.fleetfed.core.schedule;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.internal.Problems;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * KubeFed's {@code ReplicaSchedulingPreference} ({@code scheduling.kubefed.io/v1alpha1}, short name {@code rsp}):
 * how many replicas a federated Deployment or ReplicaSet runs in total, and how to spread them over clusters.
 *
 * <pre>{@code
 * ReplicaSchedulingPreference rsp = ReplicaSchedulingPreference.forDeployment(10)
 *     .rebalance(true)
 *     .cluster("dev2", ClusterPreferences.weight(2).withMaxReplicas(6))
 *     .allClusters(ClusterPreferences.weight(1))       // "*": every other cluster
 *     .build();
 * }</pre>
 *
 * <p>In KubeFed the RSP has the namespace and name of the federated object it schedules; here it is passed to
 * {@link ReplicaScheduler#schedule} together with that object, so it carries neither.
 *
 * @param targetKind {@value #FEDERATED_DEPLOYMENT} or {@value #FEDERATED_REPLICA_SET}
 * @param totalReplicas the replicas to run across all clusters (at least 0)
 * @param rebalance whether replicas already running may be moved to match the preferences; when false, a
 *     cluster keeps up to its current replicas (within its maximum and capacity) before the rest is shared
 * @param intersectWithClusterSelector whether only the clusters the target's {@code clusterSelector} matches
 *     take part (KubeFed's {@code intersectWithClusterSelector})
 * @param clusters preferences per cluster name, and under {@value #ALL_CLUSTERS} for every cluster without
 *     its own entry; a cluster with neither gets no replicas. An empty map means {@code {"*": weight 1}}
 *     (see {@link #effectiveClusters()}). Stored sorted by key and unmodifiable
 */
public record ReplicaSchedulingPreference(String targetKind, int totalReplicas, boolean rebalance,
    boolean intersectWithClusterSelector, Map<String, ClusterPreferences> clusters) {

  /** The target kind for federated Deployments. */
  public static final String FEDERATED_DEPLOYMENT = "FederatedDeployment";
  /** The target kind for federated ReplicaSets. */
  public static final String FEDERATED_REPLICA_SET = "FederatedReplicaSet";
  /** The {@link #clusters()} key whose preferences apply to every cluster without its own entry. */
  public static final String ALL_CLUSTERS = "*";

  private static final Set<String> TARGET_KINDS = Set.of(FEDERATED_DEPLOYMENT, FEDERATED_REPLICA_SET);
  private static final Map<String, ClusterPreferences> DEFAULT_CLUSTERS =
      Map.of(ALL_CLUSTERS, ClusterPreferences.weight(1));

  /**
   * Validates every field and copies {@code clusters} into an unmodifiable map sorted by key.
   *
   * @throws ValidationException naming every field that is wrong
   */
  public ReplicaSchedulingPreference {
    Objects.requireNonNull(targetKind, "targetKind");
    Objects.requireNonNull(clusters, "clusters");
    Problems problems = new Problems();
    if (!TARGET_KINDS.contains(targetKind)) {
      problems.add("spec.targetKind", "\"" + targetKind + "\" is not a kind a ReplicaSchedulingPreference can"
          + " schedule: use " + FEDERATED_DEPLOYMENT + " or " + FEDERATED_REPLICA_SET);
    }
    if (totalReplicas < 0) {
      problems.add("spec.totalReplicas", "must not be negative (got " + totalReplicas + ")");
    }
    TreeMap<String, ClusterPreferences> sorted = new TreeMap<>();
    for (Map.Entry<String, ClusterPreferences> e : clusters.entrySet()) {
      String name = Objects.requireNonNull(e.getKey(), "clusters key");
      ClusterPreferences preferences = Objects.requireNonNull(e.getValue(), () -> "clusters[" + name + "]");
      if (name.isEmpty()) {
        problems.add("spec.clusters", "a key is empty: use a cluster name, or \"*\" for every cluster");
      }
      sorted.put(name, preferences);
    }
    problems.throwIfAny();
    clusters = Collections.unmodifiableSortedMap(sorted);
  }

  /** A builder for an RSP of {@code targetKind} ({@value #FEDERATED_DEPLOYMENT} or {@value #FEDERATED_REPLICA_SET}). */
  public static Builder builder(String targetKind) {
    return new Builder(targetKind);
  }

  /** A builder for an RSP scheduling {@code totalReplicas} of a federated Deployment. */
  public static Builder forDeployment(int totalReplicas) {
    return builder(FEDERATED_DEPLOYMENT).totalReplicas(totalReplicas);
  }

  /** A builder for an RSP scheduling {@code totalReplicas} of a federated ReplicaSet. */
  public static Builder forReplicaSet(int totalReplicas) {
    return builder(FEDERATED_REPLICA_SET).totalReplicas(totalReplicas);
  }

  /** A builder holding this RSP's values. */
  public Builder toBuilder() {
    return new Builder(targetKind).totalReplicas(totalReplicas).rebalance(rebalance)
        .intersectWithClusterSelector(intersectWithClusterSelector).clusters(clusters);
  }

  /** This RSP with {@code totalReplicas} instead of its current total. */
  public ReplicaSchedulingPreference withTotalReplicas(int totalReplicas) {
    return new ReplicaSchedulingPreference(targetKind, totalReplicas, rebalance, intersectWithClusterSelector,
        clusters);
  }

  /**
   * The preferences the planner uses: {@link #clusters()}, or {@code {"*": weight 1}} when it is empty (KubeFed
   * applies this default before planning).
   */
  public Map<String, ClusterPreferences> effectiveClusters() {
    return clusters.isEmpty() ? DEFAULT_CLUSTERS : clusters;
  }

  /**
   * The preferences of {@code cluster}: its own entry of {@link #effectiveClusters()}, else the
   * {@value #ALL_CLUSTERS} entry; empty when there is neither, and the cluster gets no replicas.
   */
  public Optional<ClusterPreferences> preferencesFor(String cluster) {
    Map<String, ClusterPreferences> effective = effectiveClusters();
    ClusterPreferences own = effective.get(cluster);
    return Optional.ofNullable(own != null ? own : effective.get(ALL_CLUSTERS));
  }

  /**
   * Builds a {@link ReplicaSchedulingPreference}; {@link #build()} validates. Setters may be called in any order
   * and more than once (the last call wins).
   */
  public static final class Builder {
    private final String targetKind;
    private int totalReplicas;
    private boolean rebalance;
    private boolean intersectWithClusterSelector;
    private final Map<String, ClusterPreferences> clusters = new LinkedHashMap<>();

    private Builder(String targetKind) {
      this.targetKind = Objects.requireNonNull(targetKind, "targetKind");
    }

    /** The total number of replicas (default 0). */
    public Builder totalReplicas(int totalReplicas) {
      this.totalReplicas = totalReplicas;
      return this;
    }

    /** Whether running replicas may be moved (default false). */
    public Builder rebalance(boolean rebalance) {
      this.rebalance = rebalance;
      return this;
    }

    /** Whether only the clusters the target's cluster selector matches take part (default false). */
    public Builder intersectWithClusterSelector(boolean intersectWithClusterSelector) {
      this.intersectWithClusterSelector = intersectWithClusterSelector;
      return this;
    }

    /** The preferences of {@code cluster} (a cluster name, or {@code "*"}). */
    public Builder cluster(String cluster, ClusterPreferences preferences) {
      clusters.put(Objects.requireNonNull(cluster, "cluster"), Objects.requireNonNull(preferences, "preferences"));
      return this;
    }

    /** The preferences of every cluster without its own entry (the {@code "*"} key). */
    public Builder allClusters(ClusterPreferences preferences) {
      return cluster(ALL_CLUSTERS, preferences);
    }

    /** Replaces every cluster entry with {@code clusters}. */
    public Builder clusters(Map<String, ClusterPreferences> clusters) {
      Objects.requireNonNull(clusters, "clusters");
      this.clusters.clear();
      clusters.forEach(this::cluster);
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws ValidationException naming every field that is wrong
     */
    public ReplicaSchedulingPreference build() {
      return new ReplicaSchedulingPreference(targetKind, totalReplicas, rebalance, intersectWithClusterSelector,
          clusters);
    }
  }
}
