package io.fleetfed.core.schedule;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.internal.Problems;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * KubeFed's replica planner ({@code pkg/controller/util/planner}): decides how many of an RSP's
 * {@code totalReplicas} each cluster runs. Same inputs, same numbers as KubeFed.
 *
 * <pre>{@code
 * ReplicaSchedulingPreference rsp = ReplicaSchedulingPreference.forDeployment(50)
 *     .allClusters(ClusterPreferences.weight(1)).build();
 * ReplicaPlan plan = ReplicaPlanner.plan(rsp, List.of("A", "B", "C"), Map.of(), Map.of(), "");
 * plan.plan();   // {A=16, B=17, C=17}
 * }</pre>
 *
 * <p>How it decides:
 * <ol>
 *   <li>Each cluster takes its own preferences, else those of {@code "*"}; a cluster with neither gets 0 and
 *       takes no further part. An RSP without cluster preferences means {@code {"*": weight 1}}.
 *   <li>Clusters are ranked by weight, highest first; equal weights are ranked by a 32-bit FNV-1 hash of the
 *       cluster name followed by the key (the target's {@code namespace/name}), lowest first, so that single
 *       replicas of different objects do not all land on the same cluster.
 *   <li>In rank order, each cluster gets its minimum, as far as replicas and its capacity last.
 *   <li>Without rebalance, in rank order, a cluster already running more than that keeps up to its current
 *       replicas (within its maximum and capacity) as far as replicas last; these count towards its share
 *       below rather than on top of it.
 *   <li>Then, in passes until every replica is placed or a pass changes nothing, the remaining replicas are
 *       shared by weight, fractions rounded up, in rank order. A cluster reaching its maximum or its capacity
 *       leaves the later passes; replicas beyond its capacity are recorded as its overflow.
 *   <li>Without rebalance, each overflow is cut to the replicas that could not be placed at all, and zero
 *       overflows are dropped.
 * </ol>
 */
public final class ReplicaPlanner {
  private static final int FNV32_OFFSET_BASIS = 0x811C9DC5;
  private static final int FNV32_PRIME = 0x01000193;

  private static final Comparator<Ranked> RANK = Comparator.comparingInt((Ranked r) -> r.preferences.weight())
      .reversed()
      .thenComparingLong(r -> r.hash)
      .thenComparing(r -> r.cluster);

  private ReplicaPlanner() {}

  /**
   * Plans {@code pref.totalReplicas()} over {@code availableClusters}.
   *
   * @param pref the preferences; its {@code targetKind} and {@code intersectWithClusterSelector} play no part
   * @param availableClusters the clusters to plan for (KubeFed: the Ready clusters); a name given twice counts
   *     once
   * @param currentReplicas replicas running now, per cluster; only read without rebalance. Clusters missing
   *     from the map run none
   * @param capacity the most replicas a cluster can run, for clusters known to be short of room; clusters
   *     missing from the map have no limit
   * @param key the tie-break key, {@code namespace/name} of the scheduled object in KubeFed
   * @return the plan, with an entry for every available cluster
   * @throws ValidationException if a current replica count or a capacity is negative
   */
  public static ReplicaPlan plan(ReplicaSchedulingPreference pref, Collection<String> availableClusters,
      Map<String, Integer> currentReplicas, Map<String, Integer> capacity, String key) {
    Objects.requireNonNull(pref, "pref");
    Objects.requireNonNull(availableClusters, "availableClusters");
    Objects.requireNonNull(key, "key");
    checkCounts(currentReplicas, "currentReplicas", capacity, "capacity");

    Map<String, Long> plan = new HashMap<>();
    Map<String, Long> overflow = new HashMap<>();
    List<Ranked> ranked = new ArrayList<>();
    for (String cluster : new LinkedHashSet<>(availableClusters)) {
      Objects.requireNonNull(cluster, "availableClusters element");
      Optional<ClusterPreferences> preferences = pref.preferencesFor(cluster);
      if (preferences.isPresent()) {
        ranked.add(new Ranked(cluster, fnv1(cluster, key), preferences.get()));
      } else {
        plan.put(cluster, 0L);
      }
    }
    ranked.sort(RANK);

    long remaining = pref.totalReplicas();

    // Minimums first, in rank order.
    for (Ranked r : ranked) {
      long min = Math.min(r.preferences.minReplicas(), remaining);
      Integer cap = capacity.get(r.cluster);
      if (cap != null) {
        min = Math.min(min, cap);
      }
      remaining -= min;
      plan.put(r.cluster, min);
    }

    // Without rebalance, running replicas stay where they are (they count towards the weighted share later).
    Map<String, Long> preallocated = new HashMap<>();
    if (!pref.rebalance()) {
      for (Ranked r : ranked) {
        long planned = plan.get(r.cluster);
        Integer current = currentReplicas.get(r.cluster);
        if (current != null && current > planned) {
          long target = current;
          if (r.preferences.maxReplicas().isPresent()) {
            target = Math.min(target, r.preferences.maxReplicas().get());
          }
          Integer cap = capacity.get(r.cluster);
          if (cap != null) {
            target = Math.min(target, cap);
          }
          long extra = Math.max(0, Math.min(target - planned, remaining));
          remaining -= extra;
          preallocated.put(r.cluster, extra);
          plan.put(r.cluster, planned + extra);
        }
      }
    }

    // Share the rest by weight, in passes, until all is placed or a pass changes nothing.
    List<Ranked> active = ranked;
    boolean modified = true;
    while (modified && remaining > 0) {
      modified = false;
      long weightSum = 0;
      for (Ranked r : active) {
        weightSum += r.preferences.weight();
      }
      List<Ranked> stillOpen = new ArrayList<>(active.size());
      long distribute = remaining;
      // With no weight left nobody gets more, and nobody stays for another pass.
      for (int i = 0; weightSum > 0 && i < active.size(); i++) {
        Ranked r = active.get(i);
        long start = plan.get(r.cluster);
        // Both operands are non-negative, so '/' truncates exactly as Go's does: this rounds up.
        long extra = Math.min((distribute * r.preferences.weight() + weightSum - 1) / weightSum, remaining);

        long prealloc = preallocated.getOrDefault(r.cluster, 0L);
        long usedPrealloc = Math.min(extra, prealloc);
        preallocated.put(r.cluster, prealloc - usedPrealloc);
        extra -= usedPrealloc;
        if (usedPrealloc > 0) {
          modified = true;
        }

        long total = start + extra;
        boolean full = false;
        if (r.preferences.maxReplicas().isPresent() && total > r.preferences.maxReplicas().get()) {
          total = r.preferences.maxReplicas().get();
          full = true;
        }
        Integer cap = capacity.get(r.cluster);
        if (cap != null && total > cap) {
          overflow.put(r.cluster, total - cap);
          total = cap;
          full = true;
        }
        if (!full) {
          stillOpen.add(r);
        }
        remaining -= total - start;
        plan.put(r.cluster, total);
        if (total > start) {
          modified = true;
        }
      }
      active = stillOpen;
    }

    if (!pref.rebalance()) {
      // Without rebalance, only ask for as many extra replicas as could not be placed anywhere.
      Map<String, Long> trimmed = new HashMap<>();
      for (Map.Entry<String, Long> e : overflow.entrySet()) {
        long value = Math.min(e.getValue(), remaining);
        if (value > 0) {
          trimmed.put(e.getKey(), value);
        }
      }
      overflow = trimmed;
    }
    return new ReplicaPlan(toInts(plan), toInts(overflow));
  }

  /**
   * The tie-break hash: 32-bit FNV-1 (not FNV-1a) over the UTF-8 bytes of {@code cluster} and then of
   * {@code key}, as an unsigned value.
   */
  static long fnv1(String cluster, String key) {
    int hash = FNV32_OFFSET_BASIS;
    hash = fnv1(hash, cluster.getBytes(StandardCharsets.UTF_8));
    hash = fnv1(hash, key.getBytes(StandardCharsets.UTF_8));
    return Integer.toUnsignedLong(hash);
  }

  private static int fnv1(int hash, byte[] bytes) {
    int h = hash;
    for (byte b : bytes) {
      h *= FNV32_PRIME;
      h ^= b & 0xFF;
    }
    return h;
  }

  private static void checkCounts(Map<String, Integer> first, String firstField, Map<String, Integer> second,
      String secondField) {
    Objects.requireNonNull(first, firstField);
    Objects.requireNonNull(second, secondField);
    Problems problems = new Problems();
    checkCounts(first, firstField, problems);
    checkCounts(second, secondField, problems);
    problems.throwIfAny();
  }

  private static void checkCounts(Map<String, Integer> counts, String field, Problems problems) {
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      String cluster = Objects.requireNonNull(e.getKey(), () -> field + " key");
      int count = Objects.requireNonNull(e.getValue(), () -> field + "[" + cluster + "]");
      if (count < 0) {
        problems.add(field + "[" + cluster + "]", "must not be negative (got " + count + ")");
      }
    }
  }

  private static Map<String, Integer> toInts(Map<String, Long> counts) {
    Map<String, Integer> ints = new HashMap<>();
    counts.forEach((cluster, count) -> ints.put(cluster, Math.toIntExact(count)));
    return ints;
  }

  /** A cluster with its preferences and tie-break hash. */
  private static final class Ranked {
    final String cluster;
    final long hash;
    final ClusterPreferences preferences;

    Ranked(String cluster, long hash, ClusterPreferences preferences) {
      this.cluster = cluster;
      this.hash = hash;
      this.preferences = preferences;
    }
  }
}
