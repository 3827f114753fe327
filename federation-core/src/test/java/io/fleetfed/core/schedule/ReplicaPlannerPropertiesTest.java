package io.fleetfed.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of the planner over random preferences, clusters, running replicas and capacities. */
class ReplicaPlannerPropertiesTest {
  private static final List<String> CLUSTERS = List.of("a", "b", "c", "d", "e", "f");
  private static final String SEED = "20240601";

  /** One random planner input. */
  record Scenario(ReplicaSchedulingPreference pref, List<String> available, Map<String, Integer> current,
      Map<String, Integer> capacity, String key) {

    ReplicaPlan plan() {
      return ReplicaPlanner.plan(pref, available, current, capacity, key);
    }

    Set<String> distinctAvailable() {
      return new LinkedHashSet<>(available);
    }
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<ClusterPreferences> preferences = Combinators.combine(
            Arbitraries.integers().between(0, 10),
            Arbitraries.integers().between(0, 15).optional(0.5),
            Arbitraries.integers().between(0, 5))
        .as((min, extra, weight) -> new ClusterPreferences(min, extra.map(e -> min + e), weight));
    List<String> keys = new ArrayList<>(CLUSTERS);
    keys.add("*");
    Arbitrary<Map<String, ClusterPreferences>> clusterPreferences =
        Arbitraries.maps(Arbitraries.of(keys), preferences).ofMaxSize(keys.size());
    Arbitrary<ReplicaSchedulingPreference> pref = Combinators.combine(
            Arbitraries.integers().between(0, 120), Arbitraries.of(true, false), clusterPreferences)
        .as((total, rebalance, clusters) -> ReplicaSchedulingPreference.forDeployment(total)
            .rebalance(rebalance).clusters(clusters).build());
    Arbitrary<List<String>> available = Arbitraries.of(CLUSTERS).list().ofMaxSize(8);
    Arbitrary<Map<String, Integer>> current =
        Arbitraries.maps(Arbitraries.of(CLUSTERS), Arbitraries.integers().between(0, 80)).ofMaxSize(6);
    Arbitrary<Map<String, Integer>> capacity =
        Arbitraries.maps(Arbitraries.of(CLUSTERS), Arbitraries.integers().between(0, 40)).ofMaxSize(6);
    Arbitrary<String> key = Arbitraries.strings().withChars("abc/-xyz").ofMaxLength(10);
    return Combinators.combine(pref, available, current, capacity, key).as(Scenario::new);
  }

  @Property(tries = 500, seed = SEED)
  void neverPlansMoreThanTheTotal(@ForAll("scenarios") Scenario s) {
    ReplicaPlan plan = s.plan();

    assertThat(plan.plannedTotal()).isLessThanOrEqualTo(s.pref().totalReplicas());
    assertThat(plan.plan().values()).allMatch(n -> n >= 0);
  }

  @Property(tries = 500, seed = SEED)
  void plansEveryAvailableClusterAndOnlyThose(@ForAll("scenarios") Scenario s) {
    ReplicaPlan plan = s.plan();

    assertThat(plan.plan().keySet()).containsExactlyInAnyOrderElementsOf(s.distinctAvailable());
    assertThat(plan.overflow().keySet()).allMatch(c -> s.capacity().containsKey(c) && plan.plan().containsKey(c));
    assertThat(plan.overflow().values()).allMatch(n -> n > 0);
    assertThat(plan.result().keySet()).isEqualTo(plan.plan().keySet());
    plan.result().forEach((c, n) -> assertThat(n).isEqualTo(plan.plan().get(c) + plan.overflow().getOrDefault(c, 0)));
  }

  @Property(tries = 500, seed = SEED)
  void respectsMaximumsAndCapacities(@ForAll("scenarios") Scenario s) {
    ReplicaPlan plan = s.plan();

    plan.plan().forEach((cluster, n) -> {
      Optional<ClusterPreferences> preferences = s.pref().preferencesFor(cluster);
      if (preferences.isEmpty()) {
        assertThat(n).as("cluster without preferences").isZero();
      } else {
        preferences.get().maxReplicas()
            .ifPresent(max -> assertThat(n).as("max of " + cluster).isLessThanOrEqualTo(max));
      }
      Integer capacity = s.capacity().get(cluster);
      if (capacity != null) {
        assertThat(n).as("capacity of " + cluster).isLessThanOrEqualTo(capacity);
      }
    });
  }

  @Property(tries = 500, seed = SEED)
  void respectsMinimumsWhenTheyCanAllBeMet(@ForAll("scenarios") Scenario s) {
    Map<String, Integer> reachableMinimum = new HashMap<>();
    for (String cluster : s.distinctAvailable()) {
      s.pref().preferencesFor(cluster).ifPresent(p -> reachableMinimum.put(cluster,
          Math.min(p.minReplicas(), s.capacity().getOrDefault(cluster, Integer.MAX_VALUE))));
    }
    long needed = reachableMinimum.values().stream().mapToLong(Integer::longValue).sum();
    ReplicaPlan plan = s.plan();

    if (needed <= s.pref().totalReplicas()) {
      reachableMinimum.forEach((cluster, min) ->
          assertThat(plan.plan().get(cluster)).as("min of " + cluster).isGreaterThanOrEqualTo(min));
    }
  }

  @Property(tries = 500, seed = SEED)
  void placesEverythingWhenSomeWeightedClusterIsUnbounded(@ForAll("scenarios") Scenario s) {
    boolean unbounded = s.distinctAvailable().stream().anyMatch(cluster -> !s.capacity().containsKey(cluster)
        && s.pref().preferencesFor(cluster).filter(p -> p.weight() > 0 && p.maxReplicas().isEmpty()).isPresent());

    if (unbounded) {
      assertThat(s.plan().plannedTotal()).isEqualTo(s.pref().totalReplicas());
    }
  }

  @Property(tries = 500, seed = SEED)
  void withoutRebalanceOverflowAsksOnlyForWhatIsUnplaced(@ForAll("scenarios") Scenario s) {
    ReplicaPlan plan = s.plan();

    if (!s.pref().rebalance()) {
      long unplaced = s.pref().totalReplicas() - plan.plannedTotal();
      assertThat(plan.overflow().values()).allMatch(n -> n <= unplaced);
    }
  }

  @Property(tries = 500, seed = SEED)
  void isDeterministic(@ForAll("scenarios") Scenario s) {
    List<String> reversed = new ArrayList<>(s.available());
    Collections.reverse(reversed);
    ReplicaSchedulingPreference rebuilt = s.pref().toBuilder().clusters(new HashMap<>(s.pref().clusters())).build();

    ReplicaPlan first = s.plan();
    ReplicaPlan again = ReplicaPlanner.plan(rebuilt, reversed, new TreeMap<>(s.current()),
        new HashMap<>(s.capacity()), s.key());

    assertThat(again).isEqualTo(first);
    assertThat(again.plan()).containsExactlyEntriesOf(first.plan());
  }
}
