package io.fleetfed.tekton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.model.LabelSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Where a run goes and why, rule by rule: each row is a fleet (states, loads, capacities), a request's constraints,
 * and the choice or the refusal it must give, with the reason each other cluster was passed over.
 */
class ClusterChooserTest {
  private static final ClusterChooser.Constraints ANY = new ClusterChooser.Constraints(false, Set.of(),
      LabelSelector.everything());

  /** One fleet and request, and what the choice must be. */
  private record Row(String rule, List<ClusterState> clusters, Map<String, Integer> load,
      ClusterChooser.Capacities capacities, ClusterChooser.Constraints constraints, Map<String, String> tried,
      Map<String, String> notServed, Optional<String> winner, String reason, Map<String, String> passedOver) {
    /** A row where every cluster serves the run's version. */
    Row(String rule, List<ClusterState> clusters, Map<String, Integer> load, ClusterChooser.Capacities capacities,
        ClusterChooser.Constraints constraints, Map<String, String> tried, Optional<String> winner, String reason,
        Map<String, String> passedOver) {
      this(rule, clusters, load, capacities, constraints, tried, Map.of(), winner, reason, passedOver);
    }

    @Override
    public String toString() {
      return rule;
    }
  }

  private static ClusterState ready(String name, String... labels) {
    Map<String, String> l = new LinkedHashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      l.put(labels[i], labels[i + 1]);
    }
    return new ClusterState(name, l, ClusterHealth.READY, false, false, true, Optional.empty());
  }

  private static ClusterState state(String name, ClusterHealth health, boolean cordoned, boolean drained) {
    return new ClusterState(name, Map.of(), health, cordoned, drained, true,
        health.isReady() ? Optional.empty() : Optional.of("cluster is not reachable"));
  }

  private static ClusterChooser.Capacities capacity(int defaultCapacity, Object... given) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < given.length; i += 2) {
      m.put((String) given[i], (Integer) given[i + 1]);
    }
    return new ClusterChooser.Capacities(m, defaultCapacity);
  }

  private static Map<String, Integer> load(Object... pairs) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], (Integer) pairs[i + 1]);
    }
    return m;
  }

  private static Map<String, String> reasons(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  static Stream<Row> choices() {
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("the host runs nothing unless allowed; ties go to the first name",
        List.of(ready("dev1"), ready("dev2"), ready("dev3")), load(), capacity(10), ANY, Map.of(),
        Optional.of("dev2"), "least loaded: 0 of 10 runs",
        reasons("dev1", "the host cluster runs no pipelines unless the request allows it",
            "dev3", "as loaded (0 of 10 runs); ties go to the first name")));
    rows.add(new Row("a request that allows the host may get it",
        List.of(ready("dev1"), ready("dev2")), load("dev2", 3), capacity(10),
        new ClusterChooser.Constraints(true, Set.of(), LabelSelector.everything()), Map.of(),
        Optional.of("dev1"), "least loaded: 0 of 10 runs",
        reasons("dev2", "more loaded: 3 of 10 runs against 0 of 10 runs on dev1")));
    rows.add(new Row("only the requested clusters; a requested non-member is named",
        List.of(ready("dev1"), ready("dev2"), ready("dev3")), load(), capacity(10),
        new ClusterChooser.Constraints(false, Set.of("dev3", "dev9"), LabelSelector.everything()), Map.of(),
        Optional.of("dev3"), "the only eligible cluster (0 of 10 runs)",
        reasons("dev1", "the host cluster runs no pipelines unless the request allows it",
            "dev2", "not among the requested clusters [dev3, dev9]", "dev9", "not a member of the fleet")));
    rows.add(new Row("only clusters whose labels match the selector",
        List.of(ready("dev2", "security", "low"), ready("dev3", "security", "high")), load(), capacity(10),
        new ClusterChooser.Constraints(false, Set.of(), LabelSelector.matchLabels(Map.of("security", "high"))),
        Map.of(), Optional.of("dev3"), "the only eligible cluster (0 of 10 runs)",
        reasons("dev2", "its labels {security=low} do not match the selector security=high")));
    rows.add(new Row("a cluster tried already is passed over with why it was left",
        List.of(ready("dev2"), ready("dev3")), load(), capacity(10), ANY, Map.of("dev2", "CreationFailed"),
        Optional.of("dev3"), "the only eligible cluster (0 of 10 runs)",
        reasons("dev2", "tried already: CreationFailed")));
    rows.add(new Row("drained, cordoned and not Ready clusters are passed over, each saying why",
        List.of(state("a", ClusterHealth.READY, true, true), state("b", ClusterHealth.READY, true, false),
            state("c", ClusterHealth.OFFLINE, false, false), state("d", ClusterHealth.NOT_READY, false, false),
            ready("e")), load(), capacity(10), ANY, Map.of(), Optional.of("e"),
        "the only eligible cluster (0 of 10 runs)",
        reasons("a", "drained", "b", "cordoned", "c", "OFFLINE (cluster is not reachable)",
            "d", "NOT_READY (cluster is not reachable)")));
    rows.add(new Row("the lower load against capacity wins, not the lower load",
        List.of(ready("big"), ready("small")), load("big", 6, "small", 2), capacity(10, "big", 20, "small", 2),
        ANY, Map.of(), Optional.of("big"), "least loaded: 6 of 20 runs",
        reasons("small", "more loaded: 2 of 2 runs against 6 of 20 runs on big")));
    rows.add(new Row("the capacity label counts unless the dispatcher gives one; a bad label is the default",
        List.of(ready("a", "fleetfed.io/capacity", "4"), ready("b", "fleetfed.io/capacity", "4"),
            ready("c", "fleetfed.io/capacity", "many")),
        load("a", 2, "b", 2, "c", 5), capacity(10, "b", 8), ANY, Map.of(), Optional.of("b"),
        "least loaded: 2 of 8 runs",
        reasons("a", "more loaded: 2 of 4 runs against 2 of 8 runs on b",
            "c", "more loaded: 5 of 10 runs against 2 of 8 runs on b")));
    rows.add(new Row("equal load-to-capacity ratios go to the lower load, then to the first name",
        List.of(ready("a"), ready("b"), ready("c"), ready("d")), load("a", 3, "b", 1, "c", 2, "d", 1),
        capacity(2, "a", 6, "c", 4), ANY, Map.of(), Optional.of("b"), "least loaded: 1 of 2 runs",
        reasons("a", "more loaded: 3 of 6 runs against 1 of 2 runs on b",
            "c", "more loaded: 2 of 4 runs against 1 of 2 runs on b",
            "d", "as loaded (1 of 2 runs); ties go to the first name")));
    rows.add(new Row("when every cluster is full the least loaded still takes it, and the reason says so",
        List.of(ready("a"), ready("b")), load("a", 2, "b", 3), capacity(2), ANY, Map.of(), Optional.of("a"),
        "least loaded: 2 of 2 runs; every eligible cluster is at capacity, so the run may queue there",
        reasons("b", "more loaded: 3 of 2 runs against 2 of 2 runs on a")));
    rows.add(new Row("a capacity of zero takes nothing while another cluster can",
        List.of(ready("a"), ready("b")), load("b", 9), capacity(10, "a", 0), ANY, Map.of(), Optional.of("b"),
        "least loaded: 9 of 10 runs", reasons("a", "more loaded: 0 of 0 runs against 9 of 10 runs on b")));
    rows.add(new Row("no eligible cluster: the refusal names every cluster's reason",
        List.of(ready("dev1"), state("dev2", ClusterHealth.OFFLINE, false, false)), load(), capacity(10), ANY,
        Map.of(), Optional.empty(), "no cluster can run TaskRun ci/build-1: dev1: the host cluster runs no "
            + "pipelines unless the request allows it; dev2: OFFLINE (cluster is not reachable)", Map.of()));
    rows.add(new Row("a Ready cluster that cannot take the run's version at all is passed over, saying why",
        List.of(ready("dev2"), ready("dev3")), load("dev3", 5), capacity(10), ANY, Map.of(),
        Map.of("dev2", "dev2 serves taskruns.tekton.dev at v1alpha1, not at v1"), Optional.of("dev3"),
        "the only eligible cluster (5 of 10 runs)",
        reasons("dev2", "cannot take the run's version: dev2 serves taskruns.tekton.dev at v1alpha1, not at v1")));
    rows.add(new Row("a cluster not Ready is not asked about versions: its health is the reason",
        List.of(state("dev2", ClusterHealth.OFFLINE, false, false), ready("dev3")), load(), capacity(10), ANY,
        Map.of(), Map.of("dev2", "must not be asked"), Optional.of("dev3"), "the only eligible cluster (0 of 10 runs)",
        reasons("dev2", "OFFLINE (cluster is not reachable)")));
    rows.add(new Row("no member at all", List.of(), load(), capacity(10), ANY, Map.of(), Optional.empty(),
        "no cluster can run TaskRun ci/build-1: the fleet has no members", Map.of()));
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("choices")
  void choosesAndExplains(Row row) {
    if (row.winner().isEmpty()) {
      assertThatThrownBy(() -> choose(row)).isInstanceOfSatisfying(DispatchException.class, e -> {
        assertThat(e.getMessage()).isEqualTo(row.reason());
        assertThat(e.kind()).isEqualTo("TaskRun");
        assertThat(e.namespace()).isEqualTo("ci");
        assertThat(e.name()).isEqualTo("build-1");
        assertThat(e.cluster()).isEmpty();
      });
      return;
    }
    ClusterChoice choice = choose(row);
    assertThat(choice.cluster()).isEqualTo(row.winner().get());
    assertThat(choice.reason()).isEqualTo(row.reason());
    assertThat(choice.passedOver()).isEqualTo(row.passedOver());
  }

  private static ClusterChoice choose(Row row) {
    return ClusterChooser.choose(row.constraints(), row.clusters(), cluster -> {
      assertThat(row.passedOver().get(cluster)).as("the load of %s, which is not eligible", cluster)
          .satisfiesAnyOf(why -> assertThat(why).isNull(), why -> assertThat(why).startsWith("more loaded"),
              why -> assertThat(why).startsWith("as loaded"));
      return row.load().getOrDefault(cluster, 0);
    }, row.capacities(), "dev1", row.tried(), cluster -> Optional.ofNullable(row.notServed().get(cluster)),
        "TaskRun", "ci", "build-1");
  }
}
