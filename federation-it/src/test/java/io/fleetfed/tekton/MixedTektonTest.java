package io.fleetfed.tekton;

import static io.fleetfed.tekton.TektonSandbox.WAIT;
import static io.fleetfed.tekton.TektonSandbox.create;
import static io.fleetfed.tekton.TektonSandbox.get;
import static io.fleetfed.tekton.TektonSandbox.unique;
import static io.fleetfed.tekton.TektonSandbox.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.kubefed.VersionConverters;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.testkit.Await;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.RunScript;
import io.fleetfed.testkit.TektonRelease;
import io.fleetfed.testkit.TektonSimulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A fleet mid-upgrade, as in the scenario: dev2 runs Tekton 0.24 (Tasks and runs at {@code v1alpha1} and
 * {@code v1beta1} only), dev3 a current Tekton ({@code v1beta1} and {@code v1}); the host dev1 keeps the
 * definitions at {@code v1}. Objects and dispatched runs reach each member in a version it serves, and run there.
 * On mock and real API servers.
 */
@Tag("real-api-servers")
@EnableFleetSandbox(clusters = {"dev1", "dev2", "dev3"}, tekton = {"dev1=current", "dev2=0.24", "dev3=current"})
class MixedTektonTest {
  private static FleetSandbox sandbox;
  private static TektonSimulator tekton;
  private static ClusterFleet fleet;
  private String ns;

  @BeforeAll
  static void start() {
    tekton = TektonSimulator.builder().clusters(sandbox.cluster("dev2"), sandbox.cluster("dev3"))
        .release("dev2", TektonRelease.V0_24).release("dev3", TektonRelease.CURRENT)
        .defaults(RunScript.succeeds().withResults(Map.of("digest", "sha256:0123"))).start();
    fleet = sandbox.fleet().host("dev1").members("dev1", "dev2", "dev3").build();
  }

  @AfterAll
  static void stop() {
    fleet.close();
    tekton.close();
  }

  @BeforeEach
  void namespace() {
    ns = unique("mixed");
  }

  private FederatedResource federated(io.fleetfed.core.model.ResourceType type, String name, String yaml,
      String... clusters) {
    return FederatedResource.builder(type).namespace(ns).name(name).template(yaml(yaml))
        .placement(Placement.clusters(clusters)).build();
  }

  private static final String GIT_CLONE = """
      spec:
        params: [{name: url, type: string}]
        steps:
        - name: clone
          image: alpine/git
          script: git clone $(params.url)
          computeResources: {requests: {cpu: 100m}}
      """;

  @Test
  void aFederatedTaskRunWithoutApiVersionSucceedsOnTekton024WrittenAsV1beta1() {
    fleet.propagate(federated(TektonTypes.TASK, "git-clone", GIT_CLONE, "dev2")).orThrow();
    PropagationResult run = fleet.propagate(federated(TektonTypes.TASK_RUN, "git-clone-test", """
        spec:
          taskRef: {name: git-clone}
          params: [{name: url, value: https://github.com/kelseyhightower/nocode}]
        """, "dev2"));

    assertThat(run.cluster("dev2").orElseThrow().action()).isEqualTo(ClusterAction.CREATED);
    assertThat(fleet.versionOn("dev2", TektonTypes.TASK_RUN).type().apiVersion()).isEqualTo("tekton.dev/v1beta1");
    var dev2 = sandbox.cluster("dev2").client();
    Await.until(WAIT, "git-clone-test Succeeded on dev2", () -> get(dev2, TektonTypes.TASK_RUN.withVersion("v1beta1"),
        ns, "git-clone-test").map(r -> r.at("/status/conditions/0/reason").asText()).orElse("")
        .equals("Succeeded"));
    ObjectNode there = get(dev2, TektonTypes.TASK_RUN.withVersion("v1beta1"), ns, "git-clone-test").orElseThrow();
    assertThat(there.path("apiVersion").asText()).isEqualTo("tekton.dev/v1beta1");
    assertThat(there.at("/status/taskResults/0/name").asText()).isEqualTo("digest");
    ObjectNode task = get(dev2, TektonTypes.TASK.withVersion("v1beta1"), ns, "git-clone").orElseThrow();
    assertThat(task.at("/spec/steps/0/resources/requests/cpu").asText()).isEqualTo("100m");
    assertThat(task.at("/spec/steps/0").has("computeResources")).isFalse();
  }

  @Test
  void aPipelineGoesToEachMemberInItsOwnVersionAndIsUnchangedTheSecondTime() {
    FederatedResource pipeline = federated(TektonTypes.PIPELINE, "build", """
        spec:
          tasks:
          - name: compile
            taskSpec:
              steps: [{name: go, image: golang, computeResources: {limits: {memory: 1Gi}}}]
        """, "dev2", "dev3");

    PropagationResult first = fleet.propagate(pipeline);
    PropagationResult second = fleet.propagate(pipeline);

    assertThat(first.clusters().values()).allSatisfy(o -> assertThat(o.action()).isEqualTo(ClusterAction.CREATED));
    assertThat(second.clusters().values())
        .allSatisfy(o -> assertThat(o.action()).isEqualTo(ClusterAction.UNCHANGED));
    ObjectNode onDev2 = get(sandbox.cluster("dev2").client(), TektonTypes.PIPELINE.withVersion("v1beta1"), ns,
        "build").orElseThrow();
    ObjectNode onDev3 = get(sandbox.cluster("dev3").client(), TektonTypes.PIPELINE, ns, "build").orElseThrow();
    assertThat(onDev2.at("/spec/tasks/0/taskSpec/steps/0/resources/limits/memory").asText()).isEqualTo("1Gi");
    assertThat(onDev3.path("apiVersion").asText()).isEqualTo("tekton.dev/v1");
    assertThat(onDev3.at("/spec/tasks/0/taskSpec/steps/0/computeResources/limits/memory").asText())
        .isEqualTo("1Gi");
    assertThat(fleet.inspect(pipeline)).allSatisfy(r -> assertThat(r.upToDate()).as(r.toString()).isTrue());
  }

  @Test
  void aDispatchedPipelineRunRunsOnEachMemberInItsVersionAndReportsInTheRunsOwn() {
    create(sandbox.cluster("dev1").client(), TektonTypes.TASK, """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: build, namespace: %s}
        spec:
          results: [{name: digest}]
          steps: [{name: compile, image: golang, computeResources: {requests: {cpu: 500m}}}]
        """.formatted(ns));
    create(sandbox.cluster("dev1").client(), TektonTypes.PIPELINE, """
        apiVersion: tekton.dev/v1
        kind: Pipeline
        metadata: {name: build-and-test, namespace: %s}
        spec:
          results: [{name: digest, value: $(tasks.build.results.digest)}]
          tasks:
          - {name: build, taskRef: {name: build}}
          - {name: test, runAfter: [build], taskRef: {name: build}}
        """.formatted(ns));
    try (RunDispatcher dispatcher = RunDispatcher.builder(fleet).build()) {
      for (String member : List.of("dev2", "dev3")) {
        RunHandle handle = dispatcher.dispatch(DispatchRequest.builder(yaml("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata: {name: run-%s, namespace: %s}
            spec:
              pipelineRef: {name: build-and-test}
              timeouts: {pipeline: 30m}
              taskRunTemplate: {serviceAccountName: default}
            """.formatted(member, ns))).clusters(List.of(member)).build());

        RunStatus outcome = handle.await(WAIT);

        assertThat(outcome.phase()).as(member + ": " + outcome).isEqualTo(RunPhase.SUCCEEDED);
        assertThat(outcome.results()).containsEntry("digest", "sha256:0123");
        assertThat(outcome.children()).extracting(ChildRunStatus::pipelineTask).containsExactly("build", "test");
      }
    }
    ObjectNode onDev2 = get(sandbox.cluster("dev2").client(), TektonTypes.PIPELINE_RUN.withVersion("v1beta1"), ns,
        "run-dev2").orElseThrow();
    assertThat(onDev2.at("/spec/timeout").asText()).isEqualTo("30m");
    assertThat(onDev2.at("/spec/serviceAccountName").asText()).isEqualTo("default");
    assertThat(onDev2.at("/status/taskRuns").size()).isEqualTo(2);   // as Tekton 0.24 reports children
    ObjectNode taskOnDev2 = get(sandbox.cluster("dev2").client(), TektonTypes.TASK.withVersion("v1beta1"), ns,
        "build").orElseThrow();
    assertThat(taskOnDev2.at("/spec/steps/0/resources/requests/cpu").asText()).isEqualTo("500m");
    ObjectNode onDev3 = get(sandbox.cluster("dev3").client(), TektonTypes.PIPELINE_RUN, ns, "run-dev3")
        .orElseThrow();
    assertThat(onDev3.at("/spec/timeouts/pipeline").asText()).isEqualTo("30m");
  }

  @Test
  void aRunOnTekton024IsCancelledWithTheValueItsWebhookAccepts() {
    tekton.taskScript("sleep", RunScript.succeedsAfter(Duration.ofMinutes(10)));
    create(sandbox.cluster("dev1").client(), TektonTypes.TASK, """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: sleep, namespace: %s}
        spec:
          steps: [{name: sleep, image: alpine}]
        """.formatted(ns));
    try (RunDispatcher dispatcher = RunDispatcher.builder(fleet).build()) {
      RunHandle handle = dispatcher.dispatch(DispatchRequest.builder(yaml("""
          apiVersion: tekton.dev/v1
          kind: PipelineRun
          metadata: {name: long, namespace: %s}
          spec:
            pipelineSpec:
              tasks: [{name: sleep, taskRef: {name: sleep}}]
          """.formatted(ns))).clusters(List.of("dev2")).build());
      Await.until(WAIT, "the run to start on dev2", () -> handle.status().phase() == RunPhase.RUNNING);

      handle.cancel();

      RunStatus outcome = handle.await(WAIT);
      assertThat(outcome.phase()).as(outcome.toString()).isEqualTo(RunPhase.CANCELLED);
      assertThat(outcome.reason()).isEqualTo("PipelineRunCancelled");
      assertThat(get(sandbox.cluster("dev2").client(), TektonTypes.PIPELINE_RUN.withVersion("v1beta1"), ns, "long")
          .orElseThrow().at("/spec/status").asText()).isEqualTo("PipelineRunCancelled");
    }
  }

  @Test
  void withoutAConverterAMemberThatServesOnlyOtherVersionsIsPassedOverSayingWhy() {
    try (ClusterFleet plain = sandbox.fleet().host("dev1").members("dev1", "dev2", "dev3")
            .configure(b -> b.converters(VersionConverters.none())).build();
         RunDispatcher dispatcher = RunDispatcher.builder(plain).build()) {
      DispatchRequest toDev2 = DispatchRequest.builder(yaml("""
          apiVersion: tekton.dev/v1
          kind: TaskRun
          metadata: {name: nowhere, namespace: %s}
          spec:
            taskSpec: {steps: [{name: s, image: alpine}]}
          """.formatted(ns))).clusters(List.of("dev2")).build();

      assertThatThrownBy(() -> dispatcher.explain(toDev2)).isInstanceOf(DispatchException.class)
          .hasMessageContaining("dev2: cannot take the run's version: dev2 serves taskruns.tekton.dev at v1beta1,"
              + " v1alpha1, not at v1; no converter converts TaskRun from v1 to v1beta1 or v1alpha1");
      PropagationResult propagated = plain.propagate(federated(TektonTypes.TASK, "t", GIT_CLONE, "dev2"));
      assertThat(propagated.cluster("dev2").orElseThrow().status().reason()).isEqualTo("VersionNotServed");
    }
  }
}
