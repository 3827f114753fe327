package io.fleetfed.tekton;

import static io.fleetfed.tekton.TektonSandbox.WAIT;
import static io.fleetfed.tekton.TektonSandbox.create;
import static io.fleetfed.tekton.TektonSandbox.get;
import static io.fleetfed.tekton.TektonSandbox.unique;
import static io.fleetfed.tekton.TektonSandbox.yaml;
import static io.fleetfed.testkit.FleetAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.testkit.Await;
import io.fleetfed.testkit.EnableFleet;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.RunScript;
import io.fleetfed.testkit.TektonSimulator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Runs from dispatch to outcome on a sandbox fleet whose members run a simulated Tekton. */
@Tag("real-api-servers")
@EnableFleetSandbox(clusters = {"dev1", "dev2", "dev3"})
@EnableFleet(host = "dev1", members = {"dev2", "dev3"})
class RunLifecycleTest {
  private static FleetSandbox sandbox;
  private static TektonSimulator tekton;
  private ClusterFleet fleet;
  private RunDispatcher dispatcher;
  private String ns;

  @BeforeAll
  static void simulateTekton() {
    tekton = TektonSimulator.start(sandbox.cluster("dev2"), sandbox.cluster("dev3"));
    // the host holds the Tasks and Pipelines the dispatcher sends along with a run: it serves Tekton's kinds too
    sandbox.cluster("dev1").registerCrds(TektonSimulator.crds());
  }

  @AfterAll
  static void stopTekton() {
    tekton.close();
  }

  @BeforeEach
  void start(ClusterFleet fleet, RunDispatcher dispatcher) {
    this.fleet = fleet;
    this.dispatcher = dispatcher;
    ns = unique("ci");
  }

  private void task(String name, String... steps) {
    StringBuilder s = new StringBuilder();
    for (String step : steps) {
      s.append("  - {name: ").append(step).append(", image: alpine}\n");
    }
    create(sandbox.cluster("dev1").client(), TektonTypes.TASK, """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: %s, namespace: %s}
        spec:
          steps:
        %s""".formatted(name, ns, s));
  }

  private ObjectNode taskRun(String name, String task) {
    return yaml("""
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: %s, namespace: %s}
        spec: {taskRef: {name: %s}}
        """.formatted(name, ns, task));
  }

  @Test
  @DisplayName("a TaskRun succeeds: await gives Tekton's reason, times, results, steps; listeners saw it run")
  void taskRunSucceeds() {
    task("build", "compile", "test");
    tekton.script("b-ok", RunScript.succeedsAfter(Duration.ofMillis(200)).withResults(Map.of("digest", "sha256:1"))
        .withLog("compile", "compiled 12 files\n"));
    List<RunStatus> seen = new CopyOnWriteArrayList<>();
    RunHandle handle = dispatcher.dispatch(DispatchRequest.builder(taskRun("b-ok", "build")).build(), seen::add);

    RunStatus outcome = handle.await(WAIT);

    assertThat(outcome).succeeded();
    assertThat(outcome.reason()).isEqualTo("Succeeded");
    assertThat(outcome.cluster()).isEqualTo(handle.cluster());
    assertThat(outcome.startTime()).isPresent();
    assertThat(outcome.completionTime()).isPresent();
    assertThat(outcome.results()).containsEntry("digest", "sha256:1");
    assertThat(outcome.podName()).contains("b-ok-pod");
    assertThat(outcome.steps()).extracting(StepStatus::name).containsExactly("compile", "test");
    Await.until(WAIT, "the listener told of the outcome", () -> seen.contains(outcome));
    assertThat(seen).extracting(RunStatus::phase).contains(RunPhase.RUNNING);
    List<StepLog> logs = handle.logs();
    assertThat(logs).extracting(StepLog::step).containsExactly("compile", "test");
    assertThat(logs.get(0).text()).isEqualTo("compiled 12 files\n");
  }

  @Test
  @DisplayName("a v1beta1 TaskRun's taskResults are read as results")
  void v1beta1Results() {
    create(sandbox.cluster("dev1").client(), TektonTypes.TASK.withVersion("v1beta1"), """
        apiVersion: tekton.dev/v1beta1
        kind: Task
        metadata: {name: old, namespace: %s}
        spec: {steps: [{name: s, image: alpine}]}
        """.formatted(ns));
    tekton.script("old-1", RunScript.succeeds().withResults(Map.of("answer", "42")));
    RunHandle handle = dispatcher.dispatch(DispatchRequest.builder(yaml("""
        apiVersion: tekton.dev/v1beta1
        kind: TaskRun
        metadata: {name: old-1, namespace: %s}
        spec: {taskRef: {name: old}}
        """.formatted(ns))).build());

    RunStatus outcome = handle.await(WAIT);

    assertThat(outcome).succeeded();
    assertThat(outcome.results()).containsEntry("answer", "42");
  }

  @Test
  @DisplayName("a failing TaskRun ends FAILED with Tekton's reason and message")
  void taskRunFails() {
    task("flaky", "s");
    tekton.script("f-1", RunScript.failsAfter(Duration.ofMillis(50), "StepFailed", "step s exited with 1"));
    RunStatus outcome = dispatcher.dispatch(DispatchRequest.builder(taskRun("f-1", "flaky")).build()).await(WAIT);

    assertThat(outcome).hasPhase(RunPhase.FAILED);
    assertThat(outcome.reason()).isEqualTo("StepFailed");
    assertThat(outcome.message()).isEqualTo("step s exited with 1");
  }

  @Test
  @DisplayName("cancel() sets spec.status TaskRunCancelled on the member and the run ends CANCELLED")
  void cancelTaskRun() {
    task("long", "s");
    tekton.script("c-1", RunScript.runsForever());
    RunHandle handle = dispatcher.dispatch(DispatchRequest.builder(taskRun("c-1", "long")).build());
    Await.until(WAIT, "running", () -> handle.status().phase() == RunPhase.RUNNING);

    handle.cancel();
    RunStatus outcome = handle.await(WAIT);

    assertThat(outcome).hasPhase(RunPhase.CANCELLED);
    assertThat(outcome.reason()).isEqualTo("TaskRunCancelled");
    assertThat(get(sandbox.cluster(handle.cluster()).client(), TektonTypes.TASK_RUN, ns, "c-1").orElseThrow()
        .at("/spec/status").asText()).isEqualTo("TaskRunCancelled");
  }

  @Test
  @DisplayName("the request's timeout becomes spec.timeout and the run ends TIMED_OUT")
  void timeout() {
    task("slow", "s");
    tekton.script("t-1", RunScript.runsForever());
    RunHandle handle = dispatcher.dispatch(DispatchRequest.builder(taskRun("t-1", "slow"))
        .timeout(Duration.ofMillis(300)).build());

    RunStatus outcome = handle.await(WAIT);

    assertThat(outcome).hasPhase(RunPhase.TIMED_OUT);
    assertThat(outcome.reason()).isEqualTo("TaskRunTimeout");
    assertThat(get(sandbox.cluster(handle.cluster()).client(), TektonTypes.TASK_RUN, ns, "t-1").orElseThrow()
        .at("/spec/timeout").asText()).isEqualTo("300ms");
  }

  private void pipeline() {
    task("fetch", "clone");
    task("build", "compile");
    task("test", "unit");
    create(sandbox.cluster("dev1").client(), TektonTypes.PIPELINE, """
        apiVersion: tekton.dev/v1
        kind: Pipeline
        metadata: {name: ship, namespace: %s}
        spec:
          tasks:
          - {name: fetch, taskRef: {name: fetch}}
          - {name: build, taskRef: {name: build}, runAfter: [fetch]}
          - {name: test, taskRef: {name: test}, runAfter: [build]}
        """.formatted(ns));
  }

  private ObjectNode pipelineRun(String name) {
    return yaml("""
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: %s, namespace: %s}
        spec: {pipelineRef: {name: ship}}
        """.formatted(name, ns));
  }

  @Test
  @DisplayName("a PipelineRun with three Tasks succeeds with each child TaskRun's status, and its logs")
  void pipelineRunSucceeds() {
    pipeline();
    RunHandle handle = dispatcher.dispatch(DispatchRequest.builder(pipelineRun("p-1")).build());

    RunStatus outcome = handle.await(WAIT);

    assertThat(outcome).succeeded().hasChildren("fetch", "build", "test");
    assertThat(outcome.children()).allSatisfy(c -> {
      assertThat(c.phase()).isEqualTo(RunPhase.SUCCEEDED);
      assertThat(c.name()).isEqualTo("p-1-" + c.pipelineTask());
      assertThat(c.podName()).isPresent();
    });
    assertThat(handle.logs()).extracting(StepLog::label)
        .containsExactly("[fetch:clone]", "[build:compile]", "[test:unit]");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handle.streamLogs(out);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("[build:compile] ");
  }

  @Test
  @DisplayName("a PipelineRun of six parallel Tasks: each status told once and only forward; the phases once each")
  void listenersOfParallelTasks() {
    StringBuilder tasks = new StringBuilder();
    for (String t : List.of("fetch", "build", "test")) {
      task(t, "prepare", "check");
    }
    for (String[] t : new String[][] {{"fetch", "fetch"}, {"build", "build"}, {"test", "test"}, {"a", "fetch"},
        {"b", "build"}, {"c", "test"}}) {
      tasks.append("    - {name: ").append(t[0]).append(", taskRef: {name: ").append(t[1]).append("}}\n");
    }
    create(sandbox.cluster("dev1").client(), TektonTypes.PIPELINE, """
        apiVersion: tekton.dev/v1
        kind: Pipeline
        metadata: {name: fan, namespace: %s}
        spec:
          tasks:
        %s""".formatted(ns, tasks));
    List<RunStatus> told = new CopyOnWriteArrayList<>();
    List<RunStatus> phases = new CopyOnWriteArrayList<>();
    RunHandle handle = dispatcher.dispatch(DispatchRequest.builder(yaml("""
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: fan-1, namespace: %s}
        spec: {pipelineRef: {name: fan}}
        """.formatted(ns))).build(), all(told::add, RunListener.onPhaseChange(phases::add)));

    RunStatus outcome = handle.await(WAIT);

    assertThat(outcome).succeeded();
    Await.until(WAIT, "the listeners told of the outcome", () -> told.contains(outcome) && phases.contains(outcome));
    assertThat(told).doesNotHaveDuplicates();
    for (int n = 1; n < told.size(); n++) {
      int i = n;
      RunStatus before = told.get(i - 1);
      RunStatus now = told.get(i);
      // news, not the same TaskRuns listed in another order (as when the PipelineRun first references them)
      assertThat(RunHandle.sameButForChildOrder(before, now)).as("status %d is news: %s", i, now).isFalse();
      for (ChildRunStatus child : before.children()) {   // no TaskRun told back in an older state
        ChildRunStatus later = now.children().stream().filter(c -> c.name().equals(child.name())).findFirst()
            .orElseThrow(() -> new AssertionError("status " + i + " lost TaskRun " + child.name()));
        assertThat(later.phase().isDone() || !child.phase().isDone()).as("%s at %d: %s after %s", child.name(), i,
            later.phase(), child.phase()).isTrue();
        assertThat(later.steps().size()).as("%s's steps at %d", child.name(), i)
            .isGreaterThanOrEqualTo(child.steps().size());
      }
    }
    long running = told.stream().filter(s -> s.phase() == RunPhase.RUNNING).count();
    assertThat(running).as("RUNNING told once per change of a TaskRun or the run, at least").isGreaterThan(5);
    // the phase listener: the phases told, each once (RUNNING once for all six TaskRuns), in order
    List<RunPhase> transitions = new ArrayList<>();
    told.forEach(s -> {
      if (transitions.isEmpty() || transitions.get(transitions.size() - 1) != s.phase()) {
        transitions.add(s.phase());
      }
    });
    assertThat(phases).extracting(RunStatus::phase).containsExactlyElementsOf(transitions)
        .containsOnlyOnce(RunPhase.RUNNING).endsWith(RunPhase.SUCCEEDED);
  }

  private static RunListener all(RunListener... listeners) {
    return s -> {
      for (RunListener l : listeners) {
        l.onStatus(s);
      }
    };
  }

  @Test
  @DisplayName("cancelling a PipelineRun sets spec.status Cancelled; it ends CANCELLED")
  void cancelPipelineRun() {
    pipeline();
    tekton.taskScript("fetch", RunScript.runsForever());
    try {
      RunHandle handle = dispatcher.dispatch(DispatchRequest.builder(pipelineRun("p-2")).build());
      Await.until(WAIT, "the first child running", () -> handle.status().children().stream()
          .anyMatch(c -> c.phase() == RunPhase.RUNNING));

      handle.cancel();

      RunStatus outcome = handle.await(WAIT);
      assertThat(outcome).hasPhase(RunPhase.CANCELLED);
      assertThat(outcome.reason()).isEqualTo("Cancelled");
    } finally {
      tekton.taskScript("fetch", RunScript.succeeds());
    }
  }

  @Test
  @DisplayName("a run whose cluster is lost after it started ends CLUSTER_LOST, and is not run elsewhere")
  void clusterLostAfterStart() {
    task("long", "s");
    tekton.script("l-1", RunScript.runsForever());
    RunHandle handle = dispatcher.dispatch(DispatchRequest.builder(taskRun("l-1", "long")).build());
    Await.until(WAIT, "running", () -> handle.status().phase() == RunPhase.RUNNING);
    String first = handle.cluster();
    String other = first.equals("dev2") ? "dev3" : "dev2";

    sandbox.cluster(first).goOffline();
    try {
      RunStatus outcome = handle.await(WAIT);

      assertThat(outcome).hasPhase(RunPhase.CLUSTER_LOST);
      assertThat(outcome.reason()).isEqualTo("ClusterLost");
      assertThat(outcome.cluster()).isEqualTo(first);
      assertThat(handle.failovers()).isEmpty();
      assertThat(handle.status()).isEqualTo(outcome);
      assertThat(get(sandbox.cluster(other).client(), TektonTypes.TASK_RUN, ns, "l-1")).isEmpty();
    } finally {
      sandbox.cluster(first).goOnline();
    }
  }

  @Test
  @DisplayName("with rerunOnClusterLoss a started run whose cluster is lost runs again on the next cluster")
  void rerunOnClusterLoss() {
    task("long", "s");
    tekton.script("r-1", RunScript.runsForever());
    RunHandle handle = dispatcher.dispatch(DispatchRequest.builder(taskRun("r-1", "long"))
        .rerunOnClusterLoss(true).build());
    Await.until(WAIT, "running", () -> handle.status().phase() == RunPhase.RUNNING);
    String first = handle.cluster();

    tekton.script("r-1", RunScript.succeeds());
    sandbox.cluster(first).goOffline();
    try {
      RunStatus outcome = handle.await(WAIT);

      assertThat(outcome).succeeded();
      assertThat(outcome.cluster()).isNotEqualTo(first);
      assertThat(handle.failovers().get(first)).contains("after the run started");
    } finally {
      sandbox.cluster(first).goOnline();
    }
  }

  @Test
  @DisplayName("dispatching the same key again after the run ended returns its outcome without a second run")
  void retryAfterOutcome() {
    task("build", "s");
    DispatchRequest request = DispatchRequest.builder(taskRun("k-1", "build")).key("job-1").build();
    RunStatus first = dispatcher.dispatch(request).await(WAIT);

    try (ClusterFleet again = sandbox.fleet().host("dev1").members("dev2", "dev3").start();
        RunDispatcher restarted = RunDispatcher.builder(again).build()) {
      RunHandle handle = restarted.dispatch(request);

      assertThat(handle.cluster()).isEqualTo(first.cluster());
      assertThat(handle.await(WAIT)).succeeded();
    }
  }
}
