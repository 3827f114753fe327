package io.fleetfed.core.schedule;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.internal.Problems;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What {@link ReplicaPlanner} decided: the replicas each cluster should run, and the extra replicas worth
 * asking of clusters that lack capacity.
 *
 * <pre>{@code
 * ReplicaSchedulingPreference rsp = ReplicaSchedulingPreference.forDeployment(10).rebalance(true).build();
 * ReplicaPlan plan = ReplicaPlanner.plan(rsp, List.of("dev2", "dev3"), Map.of(), Map.of("dev3", 2), "ci/nginx");
 * plan.plan();       // {dev2=8, dev3=2}
 * plan.overflow();   // {dev3=3}
 * plan.result();     // {dev2=8, dev3=5}: what the scheduler writes
 * }</pre>
 *
 * @param plan replicas per cluster; every cluster the planner was given appears, some with 0. Sorted by cluster
 *     name and unmodifiable
 * @param overflow per cluster whose capacity was reached, the replicas beyond it that would be welcome if they
 *     can be scheduled after all (KubeFed's overflow). Sorted by cluster name and unmodifiable
 */
public record ReplicaPlan(Map<String, Integer> plan, Map<String, Integer> overflow) {

  /**
   * Validates that no count is negative, and copies both maps.
   *
   * @throws ValidationException naming every negative count
   */
  public ReplicaPlan {
    Problems problems = new Problems();
    plan = sortedCopy(plan, "plan", problems);
    overflow = sortedCopy(overflow, "overflow", problems);
    problems.throwIfAny();
  }

  /**
   * What KubeFed's replica scheduler makes of the plan: per cluster, the planned replicas plus its overflow.
   * Every cluster of {@link #plan()} appears, including those with 0 replicas (each gets a
   * {@code /spec/replicas} override of 0), and so does any cluster that has only an overflow. Sorted by
   * cluster name and unmodifiable.
   *
   * @throws ArithmeticException if a sum exceeds {@link Integer#MAX_VALUE} (a planner result never does)
   */
  public Map<String, Integer> result() {
    TreeMap<String, Integer> result = new TreeMap<>(plan);
    overflow.forEach((cluster, extra) -> result.merge(cluster, extra, Math::addExact));
    return Collections.unmodifiableSortedMap(result);
  }

  /** The sum of {@link #plan()}: the replicas placed, which never exceeds the RSP's {@code totalReplicas}. */
  public long plannedTotal() {
    long total = 0;
    for (int replicas : plan.values()) {
      total += replicas;
    }
    return total;
  }

  private static SortedMap<String, Integer> sortedCopy(Map<String, Integer> counts, String field,
      Problems problems) {
    Objects.requireNonNull(counts, field);
    TreeMap<String, Integer> copy = new TreeMap<>();
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      String cluster = Objects.requireNonNull(e.getKey(), () -> field + " key");
      int replicas = Objects.requireNonNull(e.getValue(), () -> field + "[" + cluster + "]");
      if (replicas < 0) {
        problems.add(field + "[" + cluster + "]", "must not be negative (got " + replicas + ")");
      }
      copy.put(cluster, replicas);
    }
    return Collections.unmodifiableSortedMap(copy);
  }
}
