package io.fleetfed.core.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.internal.Nulls;
import io.fleetfed.core.internal.Problems;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.ClusterOverride;
import io.fleetfed.core.model.ClusterOverrides;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.LabelSelector;
import io.fleetfed.core.model.OverrideOp;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.model.ResourceType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * KubeFed's replica scheduler ({@code pkg/schedulingtypes/replicascheduler.go} and {@code plugin.go}): plans an
 * RSP's replicas over the eligible clusters and writes the result into the federated Deployment or ReplicaSet as
 * its placement and per-cluster {@code /spec/replicas} overrides.
 *
 * <pre>{@code
 * ReplicaSchedulingPreference rsp = ReplicaSchedulingPreference.forDeployment(9)
 *     .cluster("dev2", ClusterPreferences.weight(2))
 *     .cluster("dev3", ClusterPreferences.weight(1))
 *     .build();
 * FederatedResource scheduled = ReplicaScheduler.schedule(nginx, rsp,
 *     List.of(Cluster.ready("dev2"), Cluster.ready("dev3")), Map.of(), Map.of());
 * scheduled.placement().clusters();      // Optional[[dev2, dev3]]
 * scheduled.overridesFor("dev2");        // [replace /spec/replicas 6]
 * }</pre>
 *
 * <p>Measuring what runs where is the caller's part: KubeFed takes a member's {@code status.readyReplicas} as its
 * current replicas when it equals {@code spec.replicas}, else counts its running and ready pods, and when some
 * pods are unschedulable sets the member's capacity to {@code spec.replicas} minus those pods.
 */
public final class ReplicaScheduler {
  /** The path of the override the scheduler writes per cluster. */
  public static final String REPLICAS_PATH = "/spec/replicas";

  private ReplicaScheduler() {}

  /**
   * Schedules {@code target} as {@code pref} asks, KubeFed's way:
   * <ol>
   *   <li>the eligible clusters are the Ready ones; if {@code pref.intersectWithClusterSelector()}, only those
   *       the target's {@code placement().clusterSelector()} matches (the selector applies even when the
   *       placement lists clusters; an absent selector matches none). With no eligible cluster, {@code target} is
   *       returned unchanged;
   *   <li>{@link ReplicaPlanner} plans over them with the key {@code namespace/name};
   *   <li>the placement becomes the list of every cluster of the {@link ReplicaPlan#result() result}, including
   *       those given 0 replicas; its cluster selector is kept;
   *   <li>each of those clusters gets {@code /spec/replicas} set to its result, in place of an existing
   *       {@code /spec/replicas} override or after its other overrides; other clusters lose their
   *       {@code /spec/replicas} override, and an override entry left empty by that is dropped.
   * </ol>
   *
   * @param target a federated Deployment (for {@code FederatedDeployment}) or ReplicaSet (for
   *     {@code FederatedReplicaSet}) of the {@code apps} group
   * @param pref the preferences
   * @param clusters the registered clusters
   * @param currentReplicas replicas running now, per cluster (read only without rebalance)
   * @param capacity the most replicas a cluster can run, for clusters known to be short of room
   * @return the scheduled object; {@code target} itself when nothing changes
   * @throws ValidationException if the target's type does not match {@code pref.targetKind()}, or a count is
   *     negative
   */
  public static FederatedResource schedule(FederatedResource target, ReplicaSchedulingPreference pref,
      Collection<Cluster> clusters, Map<String, Integer> currentReplicas, Map<String, Integer> capacity) {
    Objects.requireNonNull(target, "target");
    return plan(target, pref, clusters, currentReplicas, capacity)
        .map(plan -> apply(target, plan.result()))
        .orElse(target);
  }

  /**
   * The plan {@link #schedule} would apply, or empty when no cluster is eligible (then {@code schedule} changes
   * nothing). Parameters and exceptions are those of {@link #schedule}.
   */
  public static Optional<ReplicaPlan> plan(FederatedResource target, ReplicaSchedulingPreference pref,
      Collection<Cluster> clusters, Map<String, Integer> currentReplicas, Map<String, Integer> capacity) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(pref, "pref");
    Nulls.noNulls(clusters, "clusters");
    Nulls.noNulls(currentReplicas, "currentReplicas");
    Nulls.noNulls(capacity, "capacity");
    checkTarget(target, pref);
    List<String> eligible = eligibleClusters(target, pref, clusters);
    if (eligible.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(ReplicaPlanner.plan(pref, eligible, currentReplicas, capacity, key(target)));
  }

  /**
   * Writes {@code replicas} (cluster to replica count, such as a {@link ReplicaPlan#result()}) into
   * {@code target}: the placement lists exactly those clusters (the cluster selector is kept), each gets a
   * {@code /spec/replicas} override with its count, and other clusters lose theirs. Other overrides are kept in
   * their order; an override entry left empty is dropped; new entries follow the existing ones, by cluster name.
   *
   * @return the updated object; {@code target} itself when nothing changes
   * @throws ValidationException if a cluster name is not valid or a count is negative
   */
  public static FederatedResource apply(FederatedResource target, Map<String, Integer> replicas) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(replicas, "replicas");
    TreeMap<String, Integer> result = new TreeMap<>();
    Problems problems = new Problems();
    for (Map.Entry<String, Integer> e : replicas.entrySet()) {
      String cluster = Objects.requireNonNull(e.getKey(), "replicas key");
      int count = Objects.requireNonNull(e.getValue(), () -> "replicas[" + cluster + "]");
      if (count < 0) {
        problems.add("replicas[" + cluster + "]", "must not be negative (got " + count + ")");
      }
      result.put(cluster, count);
    }
    problems.throwIfAny();

    FederatedResource updated = target.toBuilder()
        .placement(placement(target.placement(), new ArrayList<>(result.keySet())))
        .overrides(overrides(target.overrides(), result))
        .build();
    return updated.equals(target) ? target : updated;
  }

  private static void checkTarget(FederatedResource target, ReplicaSchedulingPreference pref) {
    String kind = pref.targetKind().equals(ReplicaSchedulingPreference.FEDERATED_DEPLOYMENT)
        ? "Deployment" : "ReplicaSet";
    ResourceType type = target.type();
    if (!type.group().equals("apps") || !type.kind().equals(kind)) {
      throw new ValidationException("spec.targetKind", "a ReplicaSchedulingPreference with targetKind "
          + pref.targetKind() + " schedules federated " + kind + "s of the apps group, but " + target.describe()
          + " federates " + type + (type.kind().equals("Deployment") || type.kind().equals("ReplicaSet")
              ? "" : ": only Deployments and ReplicaSets can be scheduled"));
    }
  }

  private static List<String> eligibleClusters(FederatedResource target, ReplicaSchedulingPreference pref,
      Collection<Cluster> clusters) {
    Optional<LabelSelector> selector = target.placement().clusterSelector();
    Set<String> eligible = new LinkedHashSet<>();
    for (Cluster cluster : clusters) {
      Objects.requireNonNull(cluster, "clusters element");
      if (!cluster.ready()) {
        continue;
      }
      if (pref.intersectWithClusterSelector() && !selector.map(s -> s.matches(cluster.labels())).orElse(false)) {
        continue;
      }
      eligible.add(cluster.name());
    }
    return List.copyOf(eligible);
  }

  private static String key(FederatedResource target) {
    return target.namespace().isEmpty() ? target.name() : target.namespace() + "/" + target.name();
  }

  private static Placement placement(Placement current, List<String> sortedNames) {
    if (current.clusters().isPresent()) {
      List<String> existing = new ArrayList<>(current.clusters().get());
      existing.sort(null);
      if (existing.equals(sortedNames)) {
        return current;
      }
    }
    return new Placement(Optional.of(sortedNames), current.clusterSelector());
  }

  private static List<ClusterOverrides> overrides(List<ClusterOverrides> current, Map<String, Integer> result) {
    List<ClusterOverrides> updated = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ClusterOverrides entry : current) {
      String cluster = entry.clusterName();
      seen.add(cluster);
      Integer replicas = result.get(cluster);
      List<ClusterOverride> list = new ArrayList<>();
      boolean written = false;
      for (ClusterOverride override : entry.clusterOverrides()) {
        if (!override.path().equals(REPLICAS_PATH)) {
          list.add(override);
        } else if (replicas != null) {
          list.add(holds(override, replicas) ? override : replicasOverride(override.op(), replicas));
          written = true;
        }
        // else: a stale replica override of a cluster no longer scheduled; it goes.
      }
      if (replicas != null && !written) {
        list.add(replicasOverride(OverrideOp.REPLACE, replicas));
      }
      if (!list.isEmpty() || entry.clusterOverrides().isEmpty()) {
        updated.add(list.equals(entry.clusterOverrides()) ? entry : new ClusterOverrides(cluster, list));
      }
    }
    result.forEach((cluster, replicas) -> {
      if (!seen.contains(cluster)) {
        updated.add(ClusterOverrides.of(cluster, replicasOverride(OverrideOp.REPLACE, replicas)));
      }
    });
    return updated;
  }

  /** Whether {@code override} already sets the replicas to {@code replicas} (KubeFed compares the numbers). */
  private static boolean holds(ClusterOverride override, int replicas) {
    if (override.op() == OverrideOp.REMOVE || override.value().isEmpty()) {
      return false;
    }
    JsonNode value = override.value().get();
    if (value.isIntegralNumber()) {
      return value.canConvertToLong() && value.longValue() == replicas;
    }
    return value.isFloatingPointNumber() && value.doubleValue() == replicas;
  }

  /** A replica override; an {@code add} stays an {@code add} (KubeFed only changes the value), else {@code replace}. */
  private static ClusterOverride replicasOverride(OverrideOp existingOp, int replicas) {
    return existingOp == OverrideOp.ADD
        ? ClusterOverride.add(REPLICAS_PATH, replicas)
        : ClusterOverride.replace(REPLICAS_PATH, replicas);
  }
}
