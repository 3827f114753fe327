package io.fleetfed.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetfed.core.ValidationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The planner, case by case. The cases of KubeFed's {@code planner_test.go} are re-expressed here with their
 * expected numbers (facts about KubeFed's behaviour), followed by cases of our own.
 */
class ReplicaPlannerTest {

  /** One planner case: the inputs and the expected plan and overflow. */
  record Case(String name, Map<String, ClusterPreferences> preferences, int total, boolean rebalance,
      List<String> clusters, Map<String, Integer> current, Map<String, Integer> capacity,
      Map<String, Integer> plan, Map<String, Integer> overflow) {
    @Override
    public String toString() {
      return name;
    }
  }

  // ---- a small vocabulary for the table ----

  private static ClusterPreferences w(int weight) {
    return ClusterPreferences.weight(weight);
  }

  private static ClusterPreferences wMax(int weight, int max) {
    return ClusterPreferences.weight(weight).withMaxReplicas(max);
  }

  private static ClusterPreferences minW(int min, int weight) {
    return ClusterPreferences.weight(weight).withMinReplicas(min);
  }

  private static ClusterPreferences minMaxW(int min, int max, int weight) {
    return ClusterPreferences.of(min, max, weight);
  }

  private static Map<String, ClusterPreferences> prefs(Object... keysAndPreferences) {
    Map<String, ClusterPreferences> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndPreferences.length; i += 2) {
      map.put((String) keysAndPreferences[i], (ClusterPreferences) keysAndPreferences[i + 1]);
    }
    return map;
  }

  private static Map<String, Integer> n(Object... keysAndCounts) {
    Map<String, Integer> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndCounts.length; i += 2) {
      map.put((String) keysAndCounts[i], (Integer) keysAndCounts[i + 1]);
    }
    return map;
  }

  private static List<String> clusters(String... names) {
    return List.of(names);
  }

  /** KubeFed's doCheck: rebalance false, nothing running, no capacity limits, no overflow expected. */
  private static Case check(String name, Map<String, ClusterPreferences> preferences, int total,
      List<String> clusters, Map<String, Integer> plan) {
    return new Case(name, preferences, total, false, clusters, Map.of(), Map.of(), plan, Map.of());
  }

  /** KubeFed's doCheckWithExisting: rebalance false, replicas running, no capacity limits, no overflow. */
  private static Case existing(String name, Map<String, ClusterPreferences> preferences, int total,
      List<String> clusters, Map<String, Integer> current, Map<String, Integer> plan) {
    return new Case(name, preferences, total, false, clusters, current, Map.of(), plan, Map.of());
  }

  /** KubeFed's doCheckWithExistingAndCapacity. */
  private static Case capacity(String name, boolean rebalance, Map<String, ClusterPreferences> preferences,
      int total, List<String> clusters, Map<String, Integer> current, Map<String, Integer> capacity,
      Map<String, Integer> plan, Map<String, Integer> overflow) {
    return new Case(name, preferences, total, rebalance, clusters, current, capacity, plan, overflow);
  }

  static Stream<Case> kubefedCases() {
    List<Case> cases = new ArrayList<>();
    // TestEqual
    cases.add(check("equal: 50 over 3 (hash dependent)", prefs("*", w(1)), 50, clusters("A", "B", "C"),
        n("A", 16, "B", 17, "C", 17)));
    cases.add(check("equal: 50 over 2", prefs("*", w(1)), 50, clusters("A", "B"), n("A", 25, "B", 25)));
    cases.add(check("equal: 1 over 2 (hash dependent)", prefs("*", w(1)), 1, clusters("A", "B"),
        n("A", 0, "B", 1)));
    cases.add(check("equal: 1 over 4 (hash dependent)", prefs("*", w(1)), 1, clusters("A", "B", "C", "D"),
        n("A", 0, "B", 0, "C", 0, "D", 1)));
    cases.add(check("equal: 1 over 1", prefs("*", w(1)), 1, clusters("A"), n("A", 1)));
    cases.add(check("equal: no cluster", prefs("*", w(1)), 1, clusters(), n()));

    // TestEqualWithExisting
    cases.add(existing("existing: C runs 30 of 50", prefs("*", w(1)), 50, clusters("A", "B", "C"), n("C", 30),
        n("A", 10, "B", 10, "C", 30)));
    cases.add(existing("existing: A runs 30 of 50", prefs("*", w(1)), 50, clusters("A", "B"), n("A", 30),
        n("A", 30, "B", 20)));
    for (int a : new int[] {0, 1, 4, 5, 6, 7}) {
      cases.add(existing("existing: 15 with A=" + a + " B=8", prefs("*", w(1)), 15, clusters("A", "B"),
          n("A", a, "B", 8), n("A", 7, "B", 8)));
    }
    cases.add(existing("existing: large numbers", prefs("*", w(1)), 500000, clusters("A", "B"), n("A", 300000),
        n("A", 300000, "B", 200000)));
    cases.add(existing("existing: A runs fewer than its share", prefs("*", w(1)), 50, clusters("A", "B"),
        n("A", 10), n("A", 25, "B", 25)));
    cases.add(existing("existing: B runs more than the total (hash dependent, KubeFed TODO #31816)",
        prefs("*", w(1)), 50, clusters("A", "B"), n("A", 10, "B", 70), n("A", 0, "B", 50)));
    cases.add(existing("existing: 1 replica stays where it runs", prefs("*", w(1)), 1, clusters("A", "B"),
        n("A", 30), n("A", 1, "B", 0)));
    cases.add(existing("existing: both below their share", prefs("*", w(1)), 50, clusters("A", "B"),
        n("A", 10, "B", 20), n("A", 25, "B", 25)));

    // TestWithExistingAndCapacity
    cases.add(capacity("capacity: C holds 10, rebalance", true, prefs("*", w(1)), 50, clusters("A", "B", "C"),
        n(), n("C", 10), n("A", 20, "B", 20, "C", 10), n("C", 7)));
    cases.add(capacity("capacity: B holds 10, A not available, rebalance", true, prefs("A", w(10000), "B", w(1)),
        50, clusters("B", "C"), n(), n("B", 10), n("B", 10, "C", 0), n("B", 40)));
    cases.add(capacity("capacity: B holds 10 of its 40, rebalance", true, prefs("A", w(1), "B", w(2)), 60,
        clusters("A", "B", "C"), n(), n("B", 10), n("A", 50, "B", 10, "C", 0), n("B", 30)));
    cases.add(capacity("capacity: max and capacity, rebalance", true,
        prefs("A", wMax(10000, 10), "B", w(1), "C", wMax(1, 21), "D", wMax(1, 10)), 71,
        clusters("A", "B", "C", "D"), n(), n("C", 10), n("A", 10, "B", 41, "C", 10, "D", 10), n("C", 11)));
    cases.add(capacity("capacity: both full, no rebalance", false, prefs("A", w(1), "B", w(1)), 60,
        clusters("A", "B", "C"), n(), n("A", 10, "B", 10), n("A", 10, "B", 10, "C", 0), n("A", 20, "B", 20)));
    cases.add(capacity("capacity: no overflow once all is placed, no rebalance", false,
        prefs("A", w(1), "B", w(5)), 60, clusters("A", "B", "C"), n(), n("B", 10), n("A", 50, "B", 10, "C", 0),
        n()));
    cases.add(capacity("capacity: minimums and capacity, no rebalance", false, prefs("*", minW(20, 0)), 50,
        clusters("A", "B", "C"), n(), n("B", 10), n("A", 20, "B", 10, "C", 20), n()));
    cases.add(capacity("capacity: minimums and capacity, rebalance", true, prefs("*", minW(20, 1)), 60,
        clusters("A", "B"), n(), n("B", 10), n("A", 50, "B", 10), n("B", 15)));

    // TestMin
    cases.add(check("min: 2 each, weight 0", prefs("*", minW(2, 0)), 50, clusters("A", "B", "C"),
        n("A", 2, "B", 2, "C", 2)));
    cases.add(check("min: 20 each of 50 (hash dependent)", prefs("*", minW(20, 0)), 50, clusters("A", "B", "C"),
        n("A", 10, "B", 20, "C", 20)));
    cases.add(check("min: A wants 100", prefs("*", minW(20, 0), "A", minW(100, 1)), 50, clusters("A", "B", "C"),
        n("A", 50, "B", 0, "C", 0)));
    cases.add(check("min: 10 to 12 each", prefs("*", minMaxW(10, 12, 1)), 50, clusters("A", "B", "C"),
        n("A", 12, "B", 12, "C", 12)));

    // TestMax
    cases.add(check("max: 2 each", prefs("*", wMax(1, 2)), 50, clusters("A", "B", "C"),
        n("A", 2, "B", 2, "C", 2)));
    cases.add(check("max: weight 0 gets nothing", prefs("*", wMax(0, 2)), 50, clusters("A", "B", "C"),
        n("A", 0, "B", 0, "C", 0)));

    // TestWeight
    cases.add(check("weight: 1 to 2", prefs("A", w(1), "B", w(2)), 60, clusters("A", "B", "C"),
        n("A", 20, "B", 40, "C", 0)));
    cases.add(check("weight: overwhelming", prefs("A", w(10000), "B", w(1)), 50, clusters("A", "B", "C"),
        n("A", 50, "B", 0, "C", 0)));
    cases.add(check("weight: heavy cluster unavailable", prefs("A", w(10000), "B", w(1)), 50, clusters("B", "C"),
        n("B", 50, "C", 0)));
    cases.add(check("weight: heavy cluster capped", prefs("A", wMax(10000, 10), "B", w(1), "C", w(1)), 50,
        clusters("A", "B", "C"), n("A", 10, "B", 20, "C", 20)));
    cases.add(check("weight: two capped", prefs("A", wMax(10000, 10), "B", w(1), "C", wMax(1, 10)), 50,
        clusters("A", "B", "C"), n("A", 10, "B", 30, "C", 10)));
    cases.add(check("weight: three capped",
        prefs("A", wMax(10000, 10), "B", w(1), "C", wMax(1, 21), "D", wMax(1, 10)), 71,
        clusters("A", "B", "C", "D"), n("A", 10, "B", 30, "C", 21, "D", 10)));
    cases.add(check("weight: three capped, five clusters",
        prefs("A", wMax(10000, 10), "B", w(1), "C", wMax(1, 21), "D", wMax(1, 10), "E", w(1)), 91,
        clusters("A", "B", "C", "D", "E"), n("A", 10, "B", 25, "C", 21, "D", 10, "E", 25)));
    return cases.stream();
  }

  static Stream<Case> ownCases() {
    List<Case> cases = new ArrayList<>();
    cases.add(check("empty preferences mean {*: weight 1}", prefs(), 50, clusters("A", "B", "C"),
        n("A", 16, "B", 17, "C", 17)));
    cases.add(check("no preference and no *: 0 replicas, still planned", prefs("A", w(1)), 7,
        clusters("A", "B", "C"), n("A", 7, "B", 0, "C", 0)));
    cases.add(check("own entry wins over *", prefs("*", w(1), "C", w(3)), 40, clusters("A", "B", "C"),
        n("A", 8, "B", 8, "C", 24)));
    cases.add(check("ties: E, D, C, B, A with key \"\"", prefs("*", w(1)), 3, clusters("A", "B", "C", "D", "E"),
        n("A", 0, "B", 0, "C", 1, "D", 1, "E", 1)));
    cases.add(check("min: not enough for every minimum, higher weight first", prefs("*", minW(4, 1),
        "A", minW(4, 2)), 6, clusters("A", "B", "C"), n("A", 4, "B", 0, "C", 2)));
    cases.add(check("zero replicas", prefs("*", minW(3, 1)), 0, clusters("A", "B"), n("A", 0, "B", 0)));
    cases.add(check("all weights 0: minimums only", prefs("*", minW(1, 0)), 10, clusters("A", "B"),
        n("A", 1, "B", 1)));
    cases.add(check("a name given twice counts once", prefs("*", w(1)), 50, clusters("A", "B", "A"),
        n("A", 25, "B", 25)));
    cases.add(capacity("rebalance moves running replicas", true, prefs("*", w(1)), 50, clusters("A", "B"),
        n("A", 10, "B", 70), n(), n("A", 25, "B", 25), n()));
    cases.add(capacity("no rebalance: running replicas kept within max", false, prefs("*", wMax(1, 35)), 50,
        clusters("A", "B"), n("A", 45), n(), n("A", 35, "B", 15), n()));
    cases.add(capacity("no rebalance: running replicas kept within capacity", false, prefs("*", w(1)), 50,
        clusters("A", "B"), n("A", 45), n("A", 30), n("A", 30, "B", 20), n()));
    cases.add(capacity("capacity 0: everything overflows there, rebalance", true, prefs("*", w(1)), 10,
        clusters("A", "B"), n(), n("A", 0, "B", 0), n("A", 0, "B", 0), n("A", 5, "B", 5)));
    cases.add(capacity("capacity 0: overflow trimmed to what is unplaced, no rebalance", false,
        prefs("*", w(1)), 10, clusters("A", "B"), n(), n("A", 0, "B", 0), n("A", 0, "B", 0),
        n("A", 5, "B", 5)));
    cases.add(capacity("capacity below minimum", false, prefs("*", minW(5, 0)), 10, clusters("A", "B"), n(),
        n("A", 2), n("A", 2, "B", 5), n()));
    cases.add(capacity("current replicas of an unavailable cluster play no part", false, prefs("*", w(1)), 10,
        clusters("A", "B"), n("Z", 10), n("Z", 1), n("A", 5, "B", 5), n()));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"kubefedCases", "ownCases"})
  void plans(Case c) {
    ReplicaSchedulingPreference rsp = ReplicaSchedulingPreference.forDeployment(c.total())
        .rebalance(c.rebalance()).clusters(c.preferences()).build();

    ReplicaPlan plan = ReplicaPlanner.plan(rsp, c.clusters(), c.current(), c.capacity(), "");

    assertThat(plan.plan()).as("plan").containsExactlyInAnyOrderEntriesOf(c.plan());
    assertThat(plan.overflow()).as("overflow").containsExactlyInAnyOrderEntriesOf(c.overflow());
    assertThat(plan.plannedTotal()).isLessThanOrEqualTo(c.total());
  }

  @Test
  void hashIsFnv1Over32BitsOfNameThenKey() {
    assertThat(ReplicaPlanner.fnv1("A", "")).isEqualTo(84696414L);
    assertThat(ReplicaPlanner.fnv1("B", "")).isEqualTo(84696413L);
    assertThat(ReplicaPlanner.fnv1("C", "")).isEqualTo(84696412L);
    assertThat(ReplicaPlanner.fnv1("D", "")).isEqualTo(84696411L);
    assertThat(ReplicaPlanner.fnv1("E", "")).isEqualTo(84696410L);
    // Published FNV-1 (not FNV-1a) test vectors.
    assertThat(ReplicaPlanner.fnv1("", "")).isEqualTo(0x811C9DC5L);
    assertThat(ReplicaPlanner.fnv1("a", "")).isEqualTo(0x050C5D7EL);
    assertThat(ReplicaPlanner.fnv1("foobar", "")).isEqualTo(0x31F0B262L);
    // The name, then the key, as one stream of bytes.
    assertThat(ReplicaPlanner.fnv1("foo", "bar")).isEqualTo(ReplicaPlanner.fnv1("foobar", ""));
    // Unsigned: this one is above 2^31.
    assertThat(ReplicaPlanner.fnv1("dev3", "web/nginx")).isEqualTo(2312921644L);
    assertThat(ReplicaPlanner.fnv1("dev2", "web/nginx")).isEqualTo(1512789043L);
  }

  @Test
  void tiesGoToTheLowestUnsignedHash() {
    ReplicaSchedulingPreference one = ReplicaSchedulingPreference.forDeployment(1)
        .allClusters(ClusterPreferences.weight(1)).build();
    // With key "", E has the lowest hash.
    assertThat(ReplicaPlanner.plan(one, List.of("A", "B", "C", "D", "E"), Map.of(), Map.of(), "").plan())
        .containsEntry("E", 1);
    // dev3's hash is negative as a signed int; compared unsigned, dev2's is lower.
    assertThat(ReplicaPlanner.plan(one, List.of("dev3", "dev2"), Map.of(), Map.of(), "web/nginx").plan())
        .containsExactly(Map.entry("dev2", 1), Map.entry("dev3", 0));
  }

  @Test
  void theOrderOfTheClustersDoesNotMatter() {
    ReplicaSchedulingPreference rsp = ReplicaSchedulingPreference.forDeployment(7)
        .allClusters(ClusterPreferences.weight(1)).build();
    ReplicaPlan forward = ReplicaPlanner.plan(rsp, List.of("A", "B", "C", "D"), Map.of(), Map.of(), "k");
    ReplicaPlan backward = ReplicaPlanner.plan(rsp, List.of("D", "C", "B", "A"), Map.of(), Map.of(), "k");
    assertThat(backward).isEqualTo(forward);
  }

  @Test
  void mapsAreSortedByClusterName() {
    ReplicaSchedulingPreference rsp = ReplicaSchedulingPreference.forDeployment(10).rebalance(true)
        .allClusters(ClusterPreferences.weight(1)).build();
    ReplicaPlan plan = ReplicaPlanner.plan(rsp, List.of("dev3", "dev2"), Map.of(), Map.of("dev3", 2), "ci/nginx");
    assertThat(plan.plan()).containsExactly(Map.entry("dev2", 8), Map.entry("dev3", 2));
    assertThat(plan.overflow()).containsExactly(Map.entry("dev3", 3));
    assertThat(plan.result()).containsExactly(Map.entry("dev2", 8), Map.entry("dev3", 5));
  }

  @Test
  void rejectsNegativeCounts() {
    ReplicaSchedulingPreference rsp = ReplicaSchedulingPreference.forDeployment(1).build();
    assertThatThrownBy(() -> ReplicaPlanner.plan(rsp, List.of("A"), Map.of("A", -1), Map.of("A", -2), ""))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("currentReplicas[A]: must not be negative (got -1)")
        .hasMessageContaining("capacity[A]: must not be negative (got -2)");
  }
}
