package io.fleetfed.tekton;

import static io.fleetfed.tekton.TektonSandbox.WAIT;
import static io.fleetfed.tekton.TektonSandbox.create;
import static io.fleetfed.tekton.TektonSandbox.get;
import static io.fleetfed.tekton.TektonSandbox.unique;
import static io.fleetfed.tekton.TektonSandbox.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.cluster.ResourceContexts;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.testkit.Await;
import io.fleetfed.testkit.EnableFleet;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.RunScript;
import io.fleetfed.testkit.TektonSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A dispatch key is one run for as long as its record is kept: across dispatchers, threads, fleets and restarts. */
@EnableFleetSandbox(clusters = {"dev1", "dev2", "dev3"})
@EnableFleet(host = "dev1", members = {"dev2", "dev3"})
class DispatchKeyTest {
  private static FleetSandbox sandbox;
  private static TektonSimulator tekton;
  private RunDispatcher dispatcher;
  private String ns;

  @BeforeAll
  static void simulateTekton() {
    tekton = TektonSimulator.builder().clusters(List.of(sandbox.cluster("dev2"), sandbox.cluster("dev3")))
        .defaults(RunScript.succeedsAfter(Duration.ofMillis(50))).start();
  }

  @AfterAll
  static void stopTekton() {
    tekton.close();
  }

  @BeforeEach
  void start(RunDispatcher dispatcher) {
    this.dispatcher = dispatcher;
    ns = unique("ci");
    create(sandbox.cluster("dev1").client(), TektonTypes.TASK, """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: build, namespace: %s}
        spec:
          steps: [{name: compile, image: alpine}]
        """.formatted(ns));
  }

  private DispatchRequest request(String name, String key) {
    return DispatchRequest.builder(yaml("""
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: %s, namespace: %s}
        spec: {taskRef: {name: build}}
        """.formatted(name, ns))).key(key).build();
  }

  /** As {@link #request}, carrying its Task, for a fleet without a host to read it from. */
  private DispatchRequest withTask(String name, String key) {
    return request(name, key).toBuilder().dependency(yaml("""
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: build, namespace: %s}
        spec:
          steps: [{name: compile, image: alpine}]
        """.formatted(ns))).build();
  }

  /** The TaskRuns in the test's namespace on every member that carry {@code key}. */
  private List<String> runsOf(String key) {
    List<String> runs = new ArrayList<>();
    for (String member : List.of("dev2", "dev3")) {
      for (GenericKubernetesResource r : sandbox.cluster(member).client()
          .genericKubernetesResources(ResourceContexts.of(TektonTypes.TASK_RUN)).inNamespace(ns).list().getItems()) {
        if (key.equals(r.getMetadata().getAnnotations().get(RunDispatcher.DISPATCH_KEY_ANNOTATION))) {
          runs.add(member + "/" + r.getMetadata().getName());
        }
      }
    }
    return runs;
  }

  private ClusterFleet freshFleet() {
    return sandbox.fleet().host("dev1").members("dev2", "dev3").start();
  }

  @Test
  @DisplayName("tr-a, then tr-b on the same dispatcher, then tr-c from a restarted one, all with key K: one run")
  void oneRunAfterTheFirstEnded() {
    RunHandle a = dispatcher.dispatch(request("tr-a", "K"));
    assertThat(a.await(WAIT).phase()).isEqualTo(RunPhase.SUCCEEDED);
    Await.until(WAIT, "the ended run is forgotten", () -> dispatcher.handle(ns, "K").isEmpty());

    assertThatThrownBy(() -> dispatcher.dispatch(request("tr-b", "K")))
        .isInstanceOf(DispatchException.class)
        .hasMessageContaining("dispatch key \"K\" belongs to TaskRun " + ns + "/tr-a")
        .hasMessageContaining("not TaskRun " + ns + "/tr-b");
    try (ClusterFleet fleet = freshFleet(); RunDispatcher restarted = RunDispatcher.builder(fleet).build()) {
      assertThatThrownBy(() -> restarted.dispatch(request("tr-c", "K")))
          .isInstanceOf(DispatchException.class)
          .hasMessageContaining("dispatch key \"K\" belongs to TaskRun " + ns + "/tr-a")
          .satisfies(e -> assertThat(((DispatchException) e).name()).isEqualTo("tr-c"));
      // the same request again follows the one run, ended
      RunHandle again = restarted.dispatch(request("tr-a", "K"));
      assertThat(again.cluster()).isEqualTo(a.cluster());
      assertThat(again.await(WAIT).phase()).isEqualTo(RunPhase.SUCCEEDED);
    }
    assertThat(runsOf("K")).containsExactly(a.cluster() + "/tr-a");
  }

  @Test
  @DisplayName("a retry after the run was pruned from its member ends as the record noted, without a second run")
  void prunedRunIsNotRunAgain() {
    RunHandle a = dispatcher.dispatch(request("tr-p", "pruned"));
    assertThat(a.await(WAIT).phase()).isEqualTo(RunPhase.SUCCEEDED);
    sandbox.cluster(a.cluster()).client().genericKubernetesResources(ResourceContexts.of(TektonTypes.TASK_RUN))
        .inNamespace(ns).withName("tr-p").delete();
    // the dispatcher sees it deleted and notes on the record how it ended
    Await.until(WAIT, "the record notes the end", () -> record("pruned")
        .map(r -> r.path("metadata").path("annotations").has(Records.ENDED)).orElse(false));
    assertThat(Records.outcome(new ObjectMapper(), record("pruned").orElseThrow()).phase())
        .isEqualTo(RunPhase.SUCCEEDED);

    try (ClusterFleet fleet = freshFleet(); RunDispatcher restarted = RunDispatcher.builder(fleet).build()) {
      RunStatus outcome = restarted.dispatch(request("tr-p", "pruned")).await(WAIT);
      assertThat(outcome.phase()).isEqualTo(RunPhase.SUCCEEDED);
      assertThat(outcome.message()).contains("is no longer on " + a.cluster());
    }
    assertThat(runsOf("pruned")).isEmpty();
  }

  @Test
  @DisplayName("once the record's retention has passed, the key is free and makes a new run")
  void retentionFreesTheKey() {
    try (ClusterFleet fleet = freshFleet();
        RunDispatcher shortLived = RunDispatcher.builder(fleet).recordRetention(Duration.ZERO).build()) {
      RunHandle first = shortLived.dispatch(request("tr-r1", "short"));
      assertThat(first.await(WAIT).phase()).isEqualTo(RunPhase.SUCCEEDED);
      Await.until(WAIT, "the record expired", () -> record("short").isEmpty());
      RunHandle second = shortLived.dispatch(request("tr-r2", "short"));
      assertThat(second.await(WAIT).phase()).isEqualTo(RunPhase.SUCCEEDED);
    }
    assertThat(runsOf("short")).hasSize(2);
  }

  @Test
  @DisplayName("16 threads on 2 fleets, each naming its own run, one key: one run, every loser told whose key it is")
  void racingDispatchersMakeOneRun() throws Exception {
    try (ClusterFleet fleet = freshFleet(); RunDispatcher second = RunDispatcher.builder(fleet).build()) {
      ExecutorService pool = Executors.newFixedThreadPool(16);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<RunHandle>> calls = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        RunDispatcher d = i % 2 == 0 ? dispatcher : second;
        String name = "race-" + (i % 4);   // four names, so some threads send the same request
        calls.add(pool.submit(() -> {
          go.await();
          return d.dispatch(request(name, "raced"));
        }));
      }
      go.countDown();
      Set<String> won = ConcurrentHashMap.newKeySet();
      List<String> refusals = new ArrayList<>();
      for (Future<RunHandle> f : calls) {
        try {
          won.add(f.get().name());
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(DispatchException.class);
          refusals.add(e.getCause().getMessage());
        }
      }
      pool.shutdown();
      assertThat(won).hasSize(1);
      String winner = won.iterator().next();
      assertThat(refusals).hasSizeGreaterThanOrEqualTo(8)
          .allSatisfy(m -> assertThat(m).contains("dispatch key \"raced\" belongs to TaskRun " + ns + "/" + winner));
      assertThat(runsOf("raced")).hasSize(1).allSatisfy(r -> assertThat(r).endsWith("/" + winner));
    }
  }

  @Test
  @DisplayName("a key that is no object name gets a record named by a readable prefix and its hash")
  void recordNamedAfterTheKey() {
    String key = "CI/build #4711";
    RunHandle h = dispatcher.dispatch(request("tr-n", key));
    String recordName = "ci-build-4711-" + RunDispatcher.keyHash(key);
    assertThat(record(key)).isPresent();
    assertThat(Records.name(key, ns)).isEqualTo(recordName);
    assertThat(record(key).orElseThrow().path("spec").path("template").path("metadata").path("name").asText())
        .isEqualTo("tr-n");
    assertThat(h.await(WAIT).phase()).isEqualTo(RunPhase.SUCCEEDED);
    // a run dispatched without a key has its own name as its record's, as before
    dispatcher.dispatch(DispatchRequest.builder(request("tr-plain", "x").run()).build()).await(WAIT);
    assertThat(get(sandbox.cluster("dev1").client(), Records.recordType(TektonTypes.TASK_RUN), ns, "tr-plain"))
        .isPresent();
  }

  @Test
  @DisplayName("without a host cluster, a restarted dispatcher finds the key's run on its member")
  void withoutAHostTheMemberRunIsTheRecord() {
    String runName;
    try (ClusterFleet fleet = sandbox.fleet().members("dev2", "dev3").start();
        RunDispatcher first = RunDispatcher.builder(fleet).build()) {
      RunHandle h = first.dispatch(withTask("tr-h1", "hostless"));
      runName = h.name();
      assertThat(h.await(WAIT).phase()).isEqualTo(RunPhase.SUCCEEDED);
    }
    try (ClusterFleet fleet = sandbox.fleet().members("dev2", "dev3").start();
        RunDispatcher restarted = RunDispatcher.builder(fleet).build()) {
      assertThatThrownBy(() -> restarted.dispatch(withTask("tr-h2", "hostless")))
          .isInstanceOf(DispatchException.class)
          .hasMessageContaining("dispatch key \"hostless\" belongs to TaskRun " + ns + "/" + runName);
      assertThat(restarted.dispatch(withTask("tr-h1", "hostless")).await(WAIT).phase())
          .isEqualTo(RunPhase.SUCCEEDED);
    }
    assertThat(runsOf("hostless")).hasSize(1);
  }

  private java.util.Optional<ObjectNode> record(String key) {
    return get(sandbox.cluster("dev1").client(), Records.recordType(TektonTypes.TASK_RUN), ns,
        Records.name(key, ns));
  }
}
