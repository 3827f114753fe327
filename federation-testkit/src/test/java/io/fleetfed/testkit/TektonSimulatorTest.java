package io.fleetfed.testkit;

import static io.fleetfed.testkit.TestSupport.at;
import static io.fleetfed.testkit.TestSupport.awaitState;
import static io.fleetfed.testkit.TestSupport.condition;
import static io.fleetfed.testkit.TestSupport.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator on two clusters; tagged to run on real API servers too, where the namespaces and the
 * ServiceAccounts the runs name must exist first.
 */
// Runs on the mock only, to keep the build short: TektonSimulatorRealServerTest and federation-it's RunLifecycleTest
// run the simulator on real API servers (it passes there too: -Dfleetfed.sandbox.servers=real).
class TektonSimulatorTest {

  private static final String NS = "ci";
  private static final String V1 = "v1";
  private static final String V1BETA1 = "v1beta1";

  private static FleetSandbox fleet;
  private static SandboxCluster dev1;
  private static SandboxCluster dev2;
  private static TektonSimulator tekton;

  @BeforeAll
  static void start() {
    fleet = FleetSandbox.builder().clusters("dev1", "dev2").start();
    dev1 = fleet.cluster("dev1");
    dev2 = fleet.cluster("dev2");
    for (SandboxCluster cluster : List.of(dev1, dev2)) {
      prepare(cluster);
      TestSupport.namespace(cluster.client(), "load");
    }
    tekton = TektonSimulator.builder()
        .clusters(fleet.clusters())
        .defaults(RunScript.succeedsAfter(Duration.ofMillis(50)))
        .task("lint", RunScript.failsAfter(Duration.ofMillis(50), "Failed", "lint found 3 problems"))
        .run("tr-results", RunScript.succeedsAfter(Duration.ofMillis(150))
            .withResults(Map.of("digest", "sha256:0123", "url", "registry.example/app")))
        .start();
  }

  @AfterAll
  static void stop() {
    try {
      tekton.close();
    } finally {
      fleet.close();
    }
  }

  // ---- TaskRuns ----

  @Test
  void aTaskRunRunsItsTaskStepsInAPodAndSucceedsWithResults() {
    KubernetesClient client = dev1.client();
    create(dev1, Tekton.tasks(V1), "build", Map.of("steps", List.of(
        Map.of("name", "compile", "image", "maven:3"),
        Map.of("name", "test"),
        Map.of("image", "alpine"))));
    create(dev1, Tekton.taskRuns(V1), "tr-results", Map.of("taskRef", Map.of("name", "build")));

    GenericKubernetesResource running = awaitReason(dev1, Tekton.taskRuns(V1), "tr-results", "Running");
    assertThat(condition(running)).containsEntry("status", "Unknown");
    assertThat(at(running, "status", "podName")).isEqualTo("tr-results-pod");
    assertThat(at(running, "status", "startTime")).isNotNull();
    assertThat(list(at(running, "status", "steps")))
        .extracting(s -> Json.text(s, "name"), s -> Json.text(s, "container"), s -> Json.at(s, "running") != null)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("compile", "step-compile", true),
            org.assertj.core.groups.Tuple.tuple("test", "step-test", true),
            org.assertj.core.groups.Tuple.tuple("unnamed-2", "step-unnamed-2", true));

    GenericKubernetesResource done = awaitSucceeded(dev1, Tekton.taskRuns(V1), "tr-results", "True");
    assertThat(condition(done)).containsEntry("reason", "Succeeded")
        .containsEntry("message", "All Steps have completed executing")
        .containsKey("lastTransitionTime");
    assertThat(list(at(done, "status", "conditions"))).hasSize(1);
    assertThat(at(done, "status", "completionTime")).isNotNull();
    assertThat(list(at(done, "status", "steps"))).allSatisfy(step -> {
      assertThat(Json.at(step, "terminated", "exitCode")).isEqualTo(0);
      assertThat(Json.text(step, "terminated", "reason")).isEqualTo("Completed");
      assertThat(Json.at(step, "terminated", "startedAt")).isNotNull();
      assertThat(Json.at(step, "terminated", "finishedAt")).isNotNull();
    });
    assertThat(list(at(done, "status", "results"))).containsExactlyInAnyOrder(
        Map.of("name", "digest", "type", "string", "value", "sha256:0123"),
        Map.of("name", "url", "type", "string", "value", "registry.example/app"));
    assertThat(at(done, "status", "taskResults")).isNull();

    Pod pod = client.pods().inNamespace(NS).withName("tr-results-pod").get();
    assertThat(pod.getMetadata().getLabels()).containsEntry("tekton.dev/taskRun", "tr-results")
        .containsEntry("tekton.dev/task", "build");
    assertThat(pod.getSpec().getContainers()).extracting(c -> c.getName(), c -> c.getImage()).containsExactly(
        org.assertj.core.groups.Tuple.tuple("step-compile", "maven:3"),
        org.assertj.core.groups.Tuple.tuple("step-test", "busybox"),
        org.assertj.core.groups.Tuple.tuple("step-unnamed-2", "alpine"));
    Await.until(TestSupport.TIMEOUT, "the pod to succeed", () -> "Succeeded".equals(
        client.pods().inNamespace(NS).withName("tr-results-pod").get().getStatus().getPhase()));
  }

  @Test
  void aV1beta1TaskRunWritesTaskResultsAndFindsItsTaskAtTheOtherVersion() {
    tekton.script("tr-beta", RunScript.succeeds().withResults(Map.of("commit", "abc123")));
    create(dev1, Tekton.tasks(V1), "clone", Map.of("steps", List.of(Map.of("name", "clone"))));
    create(dev1, Tekton.taskRuns(V1BETA1), "tr-beta", Map.of("taskRef", Map.of("name", "clone")));

    GenericKubernetesResource done = awaitSucceeded(dev1, Tekton.taskRuns(V1BETA1), "tr-beta", "True");
    assertThat(list(at(done, "status", "taskResults")))
        .containsExactly(Map.of("name", "commit", "type", "string", "value", "abc123"));
    assertThat(at(done, "status", "results")).isNull();
    if (fleet.servers() == ServerKind.REAL) {
      assertThat(get(dev1, Tekton.taskRuns(V1), "tr-beta").getMetadata().getUid())
          .as("a real server serves the one object at both versions").isEqualTo(done.getMetadata().getUid());
    } else {
      assertThat(get(dev1, Tekton.taskRuns(V1), "tr-beta")).as("the mock's v1 store is separate").isNull();
    }
  }

  @Test
  void aScriptedFailureEndsFalseWithItsReasonAndAFailedLastStep() {
    create(dev1, Tekton.tasks(V1), "lint", Map.of("steps", List.of(Map.of("name", "prepare"),
        Map.of("name", "check"))));
    create(dev1, Tekton.taskRuns(V1), "tr-lint", Map.of("taskRef", Map.of("name", "lint")));

    GenericKubernetesResource done = awaitSucceeded(dev1, Tekton.taskRuns(V1), "tr-lint", "False");
    assertThat(condition(done)).containsEntry("reason", "Failed").containsEntry("message", "lint found 3 problems");
    assertThat(list(at(done, "status", "steps"))).extracting(s -> Json.at(s, "terminated", "exitCode"))
        .containsExactly(0, 1);
    assertThat(at(done, "status", "completionTime")).isNotNull();
    assertThat(at(done, "status", "results")).isNull();
    Await.until(TestSupport.TIMEOUT, "the pod to fail", () -> "Failed".equals(
        dev1.client().pods().inNamespace(NS).withName("tr-lint-pod").get().getStatus().getPhase()));
  }

  @Test
  void aMissingTaskFailsResolution() {
    create(dev1, Tekton.taskRuns(V1), "tr-missing", Map.of("taskRef", Map.of("name", "git-clone")));

    GenericKubernetesResource done = awaitSucceeded(dev1, Tekton.taskRuns(V1), "tr-missing", "False");
    assertThat(condition(done)).containsEntry("reason", "TaskRunResolutionFailed")
        .containsEntry("message", "tasks.tekton.dev \"git-clone\" not found");
    assertThat(at(done, "status", "completionTime")).isNotNull();
    assertThat(at(done, "status", "podName")).isNull();
    assertThat(dev1.client().pods().inNamespace(NS).withName("tr-missing-pod").get()).isNull();
  }

  @Test
  void aClusterTaskIsFoundClusterWideAndAMissingOneIsNamed() {
    dev1.client().genericKubernetesResources(Tekton.clusterTasks()).resource(object(Tekton.clusterTasks(), null,
        "shared-build", Map.of("steps", List.of(Map.of("name", "build"))))).create();
    create(dev1, Tekton.taskRuns(V1BETA1), "tr-cluster-task",
        Map.of("taskRef", Map.of("name", "shared-build", "kind", "ClusterTask")));
    create(dev1, Tekton.taskRuns(V1BETA1), "tr-no-cluster-task",
        Map.of("taskRef", Map.of("name", "nowhere", "kind", "ClusterTask")));

    GenericKubernetesResource done = awaitSucceeded(dev1, Tekton.taskRuns(V1BETA1), "tr-cluster-task", "True");
    assertThat(list(at(done, "status", "steps"))).extracting(s -> Json.text(s, "name")).containsExactly("build");
    assertThat(dev1.client().pods().inNamespace(NS).withName("tr-cluster-task-pod").get().getMetadata().getLabels())
        .containsEntry("tekton.dev/clusterTask", "shared-build");
    GenericKubernetesResource missing = awaitSucceeded(dev1, Tekton.taskRuns(V1BETA1), "tr-no-cluster-task",
        "False");
    assertThat(condition(missing)).containsEntry("reason", "TaskRunResolutionFailed")
        .containsEntry("message", "clustertasks.tekton.dev \"nowhere\" not found");
  }

  @Test
  void aPendingTaskRunWaitsUntilTheFieldIsCleared() {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("status", "TaskRunPending");
    spec.put("taskSpec", Map.of("steps", List.of(Map.of("name", "hello"))));
    create(dev1, Tekton.taskRuns(V1), "tr-pending", spec);

    GenericKubernetesResource pending = awaitReason(dev1, Tekton.taskRuns(V1), "tr-pending", "TaskRunPending");
    assertThat(condition(pending)).containsEntry("status", "Unknown")
        .containsEntry("message", "TaskRun \"tr-pending\" is pending");
    assertThat(dev1.client().pods().inNamespace(NS).withName("tr-pending-pod").get()).isNull();

    dev1.client().genericKubernetesResources(Tekton.taskRuns(V1)).inNamespace(NS).withName("tr-pending")
        .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"remove\",\"path\":\"/spec/status\"}]");

    GenericKubernetesResource done = awaitSucceeded(dev1, Tekton.taskRuns(V1), "tr-pending", "True");
    assertThat(at(done, "status", "podName")).isEqualTo("tr-pending-pod");
  }

  @Test
  void aStartDelayKeepsTheRunPendingWithoutAPodFirst() {
    tekton.script("tr-delayed", RunScript.succeeds().withStartDelay(Duration.ofMillis(300)));
    create(dev1, Tekton.taskRuns(V1), "tr-delayed", Map.of("taskSpec", Map.of()));

    GenericKubernetesResource pending = awaitReason(dev1, Tekton.taskRuns(V1), "tr-delayed", "Pending");
    assertThat(at(pending, "status", "podName")).isNull();
    assertThat(at(pending, "status", "startTime")).isNull();
    GenericKubernetesResource done = awaitSucceeded(dev1, Tekton.taskRuns(V1), "tr-delayed", "True");
    assertThat(list(at(done, "status", "steps"))).extracting(s -> Json.text(s, "name"))
        .containsExactly("unnamed-0");
  }

  @Test
  void cancellingARunningTaskRunEndsItAndDeletesItsPod() {
    tekton.script("tr-cancel", RunScript.runsForever());
    create(dev1, Tekton.taskRuns(V1), "tr-cancel", Map.of("taskSpec", Map.of("steps", List.of(Map.of("name",
        "wait")))));
    awaitReason(dev1, Tekton.taskRuns(V1), "tr-cancel", "Running");
    Await.until(TestSupport.TIMEOUT, "the pod", () -> pod(dev1, "tr-cancel-pod") != null);

    dev1.client().genericKubernetesResources(Tekton.taskRuns(V1)).inNamespace(NS).withName("tr-cancel").edit(tr -> {
      Map<String, Object> spec = Json.copy(Json.spec(tr));
      spec.put("status", "TaskRunCancelled");
      spec.put("statusMessage", "cancelled by the test");
      tr.setAdditionalProperty("spec", spec);
      return tr;
    });

    GenericKubernetesResource done = awaitSucceeded(dev1, Tekton.taskRuns(V1), "tr-cancel", "False");
    assertThat(condition(done)).containsEntry("reason", "TaskRunCancelled")
        .containsEntry("message", "TaskRun \"tr-cancel\" was cancelled. cancelled by the test");
    assertThat(at(done, "status", "completionTime")).isNotNull();
    Await.until(TestSupport.TIMEOUT, "the pod to be deleted", () -> pod(dev1, "tr-cancel-pod") == null);
  }

  @Test
  void aTimedOutTaskRunFailsAndLosesItsPodAndLogs() {
    tekton.script("tr-timeout", RunScript.runsForever());
    create(dev1, Tekton.taskRuns(V1), "tr-timeout", Map.of("timeout", "300ms", "taskSpec", Map.of("steps",
        List.of(Map.of("name", "sleep")))));

    GenericKubernetesResource done = awaitSucceeded(dev1, Tekton.taskRuns(V1), "tr-timeout", "False");
    assertThat(condition(done)).containsEntry("reason", "TaskRunTimeout")
        .containsEntry("message", "TaskRun \"tr-timeout\" failed to finish within \"300ms\"");
    assertThat(at(done, "status", "completionTime")).isNotNull();
    assertThat(list(at(done, "status", "steps"))).extracting(s -> Json.text(s, "terminated", "reason"))
        .containsExactly("TaskRunTimeout");
    Await.until(TestSupport.TIMEOUT, "the pod to be deleted", () -> pod(dev1, "tr-timeout-pod") == null);
    assertThatThrownBy(() -> dev1.client().pods().inNamespace(NS).withName("tr-timeout-pod").getLog())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
  }

  @Test
  void aRunManagedByAnotherControllerIsLeftAlone() {
    create(dev1, Tekton.taskRuns(V1), "tr-kueue", Map.of("managedBy", "kueue.x-k8s.io/multikueue",
        "taskSpec", Map.of()));
    create(dev1, Tekton.pipelineRuns(V1), "pr-kueue", Map.of("managedBy", "kueue.x-k8s.io/multikueue",
        "pipelineRef", Map.of("name", "nowhere")));
    create(dev1, Tekton.taskRuns(V1), "tr-tekton-managed", Map.of("managedBy", "tekton.dev/pipeline",
        "taskSpec", Map.of()));

    awaitSucceeded(dev1, Tekton.taskRuns(V1), "tr-tekton-managed", "True");
    assertThat(get(dev1, Tekton.taskRuns(V1), "tr-kueue").getAdditionalProperties()).doesNotContainKey("status");
    assertThat(get(dev1, Tekton.pipelineRuns(V1), "pr-kueue").getAdditionalProperties())
        .doesNotContainKey("status");
    assertThat(pod(dev1, "tr-kueue-pod")).isNull();
  }

  // ---- logs ----

  @Test
  void stepLogsAreServedThroughFabric8() throws Exception {
    tekton.script("tr-logs", RunScript.succeeds().withLog("build", "compiling\ndone\n"));
    create(dev2, Tekton.taskRuns(V1), "tr-logs", Map.of("taskSpec", Map.of("steps", List.of(
        Map.of("name", "build"), Map.of("name", "test")))));
    awaitSucceeded(dev2, Tekton.taskRuns(V1), "tr-logs", "True");
    PodResource pod = dev2.client().pods().inNamespace(NS).withName("tr-logs-pod");

    assertThat(pod.inContainer("step-build").getLog()).isEqualTo("compiling\ndone\n");
    assertThat(pod.inContainer("step-test").getLog()).isEqualTo("step test of taskrun tr-logs on dev2\n");
    assertThat(pod.inContainer("step-build").tailingLines(1).getLog()).isEqualTo("done\n");
    assertThat(pod.inContainer("step-build").usingTimestamps().getLog()).matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\S+Z "
        + "compiling\n\\S+ done\n");
    try (InputStream in = pod.inContainer("step-build").getLogInputStream()) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("compiling\ndone\n");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (LogWatch watch = pod.inContainer("step-build").watchLog(out)) {
      Await.until(TestSupport.TIMEOUT, "the followed log", () -> out.toString(StandardCharsets.UTF_8)
          .equals("compiling\ndone\n"));
      assertThat(watch).isNotNull();
    }
    for (int i = 0; i < 40; i++) { // one after the other, on the sandbox's client, which does not retry
      try (LogWatch watch = pod.inContainer("step-build").watchLog();
          InputStream in = watch.getOutput()) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).as("follow #" + i)
            .isEqualTo("compiling\ndone\n");
      }
    }
  }

  @Test
  void aMultiStepPodNeedsAContainerNameAndAnUnknownPodIsNotFound() {
    create(dev2, Tekton.taskRuns(V1), "tr-two-steps", Map.of("taskSpec", Map.of("steps", List.of(
        Map.of("name", "a"), Map.of("name", "b")))));
    awaitSucceeded(dev2, Tekton.taskRuns(V1), "tr-two-steps", "True");
    KubernetesClient client = dev2.client();

    assertThatThrownBy(() -> client.pods().inNamespace(NS).withName("tr-two-steps-pod").getLog())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(400);
          assertThat(e.getMessage())
              .contains("a container name must be specified for pod tr-two-steps-pod, choose one of: [step-a step-b]");
        });
    assertThatThrownBy(() -> client.pods().inNamespace(NS).withName("tr-two-steps-pod").inContainer("step-c")
        .getLog()).isInstanceOfSatisfying(KubernetesClientException.class,
            e -> assertThat(e.getCode()).isEqualTo(400));
    assertThatThrownBy(() -> client.pods().inNamespace(NS).withName("no-such-pod").inContainer("step-a").getLog())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
  }

  // ---- PipelineRuns ----

  @Test
  void aPipelineRunRunsItsTasksInRunAfterOrderAndSucceeds() {
    tekton.taskScript("p3-fetch", RunScript.succeedsAfter(Duration.ofMillis(300))
        .withResults(Map.of("commit", "abc123")));
    tekton.pipelineScript("p3", RunScript.succeeds().withResults(Map.of("deployed", "yes")));
    for (String task : List.of("p3-fetch", "p3-build", "p3-test")) {
      create(dev1, Tekton.tasks(V1), task, Map.of("steps", List.of(Map.of("name", "run"))));
    }
    create(dev1, Tekton.pipelines(V1), "p3", Map.of(
        "params", List.of(Map.of("name", "repo", "default", "https://example.com/app.git")),
        "tasks", List.of(
            Map.of("name", "fetch", "taskRef", Map.of("name", "p3-fetch"),
                "params", List.of(Map.of("name", "url", "value", "$(params.repo)")),
                "workspaces", List.of(Map.of("name", "output", "workspace", "source"))),
            Map.of("name", "build", "taskRef", Map.of("name", "p3-build"), "runAfter", List.of("fetch"),
                "params", List.of(Map.of("name", "revision", "value", "$(tasks.fetch.results.commit)"))),
            Map.of("name", "test", "taskRef", Map.of("name", "p3-test"), "runAfter", List.of("build"))),
        "results", List.of(Map.of("name", "commit", "value", "$(tasks.fetch.results.commit)"))));
    create(dev1, Tekton.pipelineRuns(V1), "pr-three", Map.of(
        "pipelineRef", Map.of("name", "p3"),
        "taskRunTemplate", Map.of("serviceAccountName", "builder"),
        "workspaces", List.of(Map.of("name", "source", "emptyDir", Map.of()))), Map.of("team", "a"));

    awaitSucceeded(dev1, Tekton.taskRuns(V1), "pr-three-fetch", "Unknown");
    assertThat(get(dev1, Tekton.taskRuns(V1), "pr-three-build")).as("build runs after fetch").isNull();
    assertThat(get(dev1, Tekton.taskRuns(V1), "pr-three-test")).isNull();
    GenericKubernetesResource running = awaitReason(dev1, Tekton.pipelineRuns(V1), "pr-three", "Running");
    assertThat(at(running, "status", "startTime")).isNotNull();

    GenericKubernetesResource done = awaitSucceeded(dev1, Tekton.pipelineRuns(V1), "pr-three", "True");
    assertThat(condition(done)).containsEntry("reason", "Succeeded")
        .containsEntry("message", "Tasks Completed: 3 (Failed: 0, Cancelled 0), Skipped: 0");
    assertThat(at(done, "status", "completionTime")).isNotNull();
    assertThat(list(at(done, "status", "childReferences"))).containsExactly(
        Map.of("apiVersion", "tekton.dev/v1", "kind", "TaskRun", "name", "pr-three-fetch", "pipelineTaskName",
            "fetch"),
        Map.of("apiVersion", "tekton.dev/v1", "kind", "TaskRun", "name", "pr-three-build", "pipelineTaskName",
            "build"),
        Map.of("apiVersion", "tekton.dev/v1", "kind", "TaskRun", "name", "pr-three-test", "pipelineTaskName",
            "test"));
    assertThat(list(at(done, "status", "results"))).containsExactly(
        Map.of("name", "commit", "value", "abc123"), Map.of("name", "deployed", "value", "yes"));

    GenericKubernetesResource fetch = get(dev1, Tekton.taskRuns(V1), "pr-three-fetch");
    GenericKubernetesResource build = get(dev1, Tekton.taskRuns(V1), "pr-three-build");
    assertThat(fetch.getMetadata().getLabels()).containsEntry("tekton.dev/pipelineRun", "pr-three")
        .containsEntry("tekton.dev/pipelineTask", "fetch").containsEntry("tekton.dev/pipeline", "p3")
        .containsEntry("tekton.dev/task", "p3-fetch").containsEntry("team", "a");
    OwnerReference owner = fetch.getMetadata().getOwnerReferences().get(0);
    assertThat(owner.getKind()).isEqualTo("PipelineRun");
    assertThat(owner.getName()).isEqualTo("pr-three");
    assertThat(owner.getUid()).isEqualTo(get(dev1, Tekton.pipelineRuns(V1), "pr-three").getMetadata().getUid());
    assertThat(owner.getController()).isTrue();
    assertThat(Json.text(Json.spec(fetch), "serviceAccountName")).isEqualTo("builder");
    assertThat(Json.spec(fetch).get("managedBy")).isNull();
    assertThat(list(Json.spec(fetch).get("params")))
        .containsExactly(Map.of("name", "url", "value", "https://example.com/app.git"));
    assertThat(list(Json.spec(fetch).get("workspaces")))
        .containsExactly(Map.of("name", "output", "emptyDir", Map.of()));
    assertThat(list(Json.spec(build).get("params")))
        .containsExactly(Map.of("name", "revision", "value", "abc123"));
    assertThat(Json.text(Json.status(build), "startTime"))
        .isGreaterThanOrEqualTo(Json.text(Json.status(fetch), "completionTime"));
    assertThat(pod(dev1, "pr-three-build-pod").getMetadata().getLabels())
        .containsEntry("tekton.dev/pipelineRun", "pr-three").containsEntry("tekton.dev/pipelineTask", "build");
  }

  @Test
  void aV1beta1PipelineRunWritesPipelineResultsAndTakesItsServiceAccount() {
    tekton.script("pr-beta", RunScript.succeeds().withResults(Map.of("image", "app:1")));
    create(dev1, Tekton.pipelineRuns(V1BETA1), "pr-beta", Map.of(
        "serviceAccountName", "beta-builder",
        "pipelineSpec", Map.of("tasks", List.of(Map.of("name", "only", "taskSpec", Map.of("steps",
            List.of(Map.of("name", "go"))))))));

    GenericKubernetesResource done = awaitSucceeded(dev1, Tekton.pipelineRuns(V1BETA1), "pr-beta", "True");
    assertThat(list(at(done, "status", "pipelineResults")))
        .containsExactly(Map.of("name", "image", "value", "app:1"));
    GenericKubernetesResource child = get(dev1, Tekton.taskRuns(V1BETA1), "pr-beta-only");
    assertThat(child.getApiVersion()).isEqualTo("tekton.dev/v1beta1");
    assertThat(Json.text(Json.spec(child), "serviceAccountName")).isEqualTo("beta-builder");
    assertThat(Json.succeeded(child)).isEqualTo("True");
  }

  @Test
  void aFailedChildStopsNewTasksAndFailsThePipelineRunOnceTheOthersFinish() {
    tekton.taskScript("pf-bad", RunScript.failsAfter(Duration.ofMillis(50), "Failed", "exit 1"));
    tekton.taskScript("pf-slow", RunScript.succeedsAfter(Duration.ofMillis(400)));
    for (String task : List.of("pf-bad", "pf-slow", "pf-after")) {
      create(dev1, Tekton.tasks(V1), task, Map.of("steps", List.of(Map.of("name", "run"))));
    }
    create(dev1, Tekton.pipelineRuns(V1), "pr-fails", Map.of("pipelineSpec", Map.of("tasks", List.of(
        Map.of("name", "bad", "taskRef", Map.of("name", "pf-bad")),
        Map.of("name", "slow", "taskRef", Map.of("name", "pf-slow")),
        Map.of("name", "after", "taskRef", Map.of("name", "pf-after"), "runAfter", List.of("bad"))))));

    awaitSucceeded(dev1, Tekton.taskRuns(V1), "pr-fails-bad", "False");
    GenericKubernetesResource done = awaitSucceeded(dev1, Tekton.pipelineRuns(V1), "pr-fails", "False");
    assertThat(condition(done)).containsEntry("reason", "Failed")
        .containsEntry("message", "Tasks Completed: 2 (Failed: 1, Cancelled 0), Skipped: 1");
    assertThat(Json.succeeded(get(dev1, Tekton.taskRuns(V1), "pr-fails-slow"))).as("running siblings finish")
        .isEqualTo("True");
    assertThat(get(dev1, Tekton.taskRuns(V1), "pr-fails-after")).isNull();
    assertThat(list(at(done, "status", "skippedTasks"))).extracting(s -> Json.text(s, "name"))
        .containsExactly("after");
  }

  @Test
  void cancellingAPipelineRunCancelsItsChildren() {
    tekton.taskScript("pc-forever", RunScript.runsForever());
    create(dev1, Tekton.tasks(V1), "pc-forever", Map.of("steps", List.of(Map.of("name", "wait"))));
    create(dev1, Tekton.pipelineRuns(V1), "pr-cancel", Map.of("pipelineSpec", Map.of("tasks", List.of(
        Map.of("name", "first", "taskRef", Map.of("name", "pc-forever")),
        Map.of("name", "second", "taskRef", Map.of("name", "pc-forever"), "runAfter", List.of("first"))))));
    awaitReason(dev1, Tekton.taskRuns(V1), "pr-cancel-first", "Running");

    dev1.client().genericKubernetesResources(Tekton.pipelineRuns(V1)).inNamespace(NS).withName("pr-cancel")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"status\":\"Cancelled\"}}");

    GenericKubernetesResource done = awaitSucceeded(dev1, Tekton.pipelineRuns(V1), "pr-cancel", "False");
    assertThat(condition(done)).containsEntry("reason", "Cancelled")
        .containsEntry("message", "PipelineRun \"pr-cancel\" was cancelled");
    GenericKubernetesResource child = awaitSucceeded(dev1, Tekton.taskRuns(V1), "pr-cancel-first", "False");
    assertThat(Json.text(Json.spec(child), "status")).isEqualTo("TaskRunCancelled");
    assertThat(condition(child)).containsEntry("reason", "TaskRunCancelled");
    assertThat(get(dev1, Tekton.taskRuns(V1), "pr-cancel-second")).isNull();
  }

  @Test
  void aPipelineRunTimesOutAndCancelsItsChildren() {
    tekton.script("pr-slow-child", RunScript.runsForever());
    create(dev1, Tekton.pipelineRuns(V1), "pr-slow", Map.of("timeouts", Map.of("pipeline", "400ms"),
        "pipelineSpec", Map.of("tasks", List.of(Map.of("name", "child", "taskSpec", Map.of())))));

    GenericKubernetesResource done = awaitSucceeded(dev1, Tekton.pipelineRuns(V1), "pr-slow", "False");
    assertThat(condition(done)).containsEntry("reason", "PipelineRunTimeout")
        .containsEntry("message", "PipelineRun \"pr-slow\" failed to finish within \"400ms\"");
    GenericKubernetesResource child = awaitSucceeded(dev1, Tekton.taskRuns(V1), "pr-slow-child", "False");
    assertThat(condition(child)).containsEntry("reason", "TaskRunCancelled");
    assertThat(Json.text(Json.spec(child), "statusMessage")).contains("timed out");
  }

  @Test
  void aPendingPipelineRunStartsWhenCleared() {
    create(dev1, Tekton.pipelineRuns(V1), "pr-pending", Map.of("status", "PipelineRunPending",
        "pipelineSpec", Map.of("tasks", List.of(Map.of("name", "t", "taskSpec", Map.of())))));
    GenericKubernetesResource pending = awaitReason(dev1, Tekton.pipelineRuns(V1), "pr-pending",
        "PipelineRunPending");
    assertThat(condition(pending)).containsEntry("status", "Unknown");
    assertThat(get(dev1, Tekton.taskRuns(V1), "pr-pending-t")).isNull();

    dev1.client().genericKubernetesResources(Tekton.pipelineRuns(V1)).inNamespace(NS).withName("pr-pending")
        .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"remove\",\"path\":\"/spec/status\"}]");
    awaitSucceeded(dev1, Tekton.pipelineRuns(V1), "pr-pending", "True");
  }

  @Test
  void aMissingPipelineOrTaskFailsBeforeAnythingIsCreated() {
    create(dev1, Tekton.pipelineRuns(V1), "pr-no-pipeline", Map.of("pipelineRef", Map.of("name", "ghost")));
    create(dev1, Tekton.pipelines(V1), "half", Map.of("tasks", List.of(
        Map.of("name", "inline", "taskSpec", Map.of()),
        Map.of("name", "gone", "taskRef", Map.of("name", "ghost-task")))));
    create(dev1, Tekton.pipelineRuns(V1), "pr-no-task", Map.of("pipelineRef", Map.of("name", "half")));

    GenericKubernetesResource noPipeline = awaitSucceeded(dev1, Tekton.pipelineRuns(V1), "pr-no-pipeline",
        "False");
    assertThat(condition(noPipeline)).containsEntry("reason", "CouldntGetPipeline");
    assertThat(Json.text(condition(noPipeline), "message")).contains("pipelines.tekton.dev \"ghost\" not found");
    GenericKubernetesResource noTask = awaitSucceeded(dev1, Tekton.pipelineRuns(V1), "pr-no-task", "False");
    assertThat(condition(noTask)).containsEntry("reason", "CouldntGetTask");
    assertThat(Json.text(condition(noTask), "message")).contains("tasks.tekton.dev \"ghost-task\" not found");
    assertThat(at(noTask, "status", "completionTime")).isNotNull();
    assertThat(dev1.client().genericKubernetesResources(Tekton.taskRuns(V1)).inNamespace(NS)
        .withLabel("tekton.dev/pipelineRun", "pr-no-task").list().getItems()).isEmpty();
  }

  // ---- the simulator ----

  @Test
  void theTektonCrdsAreRegisteredForDiscovery() {
    KubernetesClient client = dev2.client();
    assertThat(client.apiextensions().v1().customResourceDefinitions().withName("clustertasks.tekton.dev").get()
        .getSpec().getScope()).isEqualTo("Cluster");
    assertThat(client.apiextensions().v1().customResourceDefinitions().list().getItems())
        .extracting(crd -> crd.getMetadata().getName())
        .contains("tasks.tekton.dev", "taskruns.tekton.dev", "pipelines.tekton.dev", "pipelineruns.tekton.dev",
            "stepactions.tekton.dev", "customruns.tekton.dev", "clustertasks.tekton.dev");
    assertThat(client.genericKubernetesResources("tekton.dev/v1", "TaskRun").inNamespace(NS).list()).isNotNull();
  }

  @Test
  void manyRunsAtOnceAllFinish() {
    long before = tekton.finishedRuns();
    KubernetesClient client = dev2.client();
    int count = 200;
    for (int i = 0; i < count; i++) {
      client.genericKubernetesResources(Tekton.taskRuns(V1)).inNamespace("load").resource(object(
          Tekton.taskRuns(V1), "load", "many-" + i, Map.of("taskSpec", Map.of()))).create();
    }
    Await.until(Duration.ofSeconds(25), count + " runs to succeed", () -> client.genericKubernetesResources(
        Tekton.taskRuns(V1)).inNamespace("load").list().getItems().stream()
        .filter(tr -> "True".equals(Json.succeeded(tr))).count() == count);
    assertThat(tekton.finishedRuns() - before).isGreaterThanOrEqualTo(count);
  }

  @Test
  void aRunWhoseClusterGoesOfflineFinishesOnceItIsBack() {
    // long enough that its completion is written while the cluster is offline, however late Running is seen
    tekton.script("tr-outage", RunScript.succeedsAfter(Duration.ofSeconds(2)));
    create(dev2, Tekton.taskRuns(V1), "tr-outage", Map.of("taskSpec", Map.of()));
    awaitReason(dev2, Tekton.taskRuns(V1), "tr-outage", "Running");
    long failedBefore = tekton.failedWrites();
    dev2.goOffline();
    try {
      Await.until(TestSupport.TIMEOUT, "the simulator to fail a write to the offline cluster",
          () -> tekton.failedWrites() > failedBefore);
    } finally {
      dev2.goOnline();
    }
    awaitSucceeded(dev2, Tekton.taskRuns(V1), "tr-outage", "True");
    create(dev2, Tekton.taskRuns(V1), "tr-after-outage", Map.of("taskSpec", Map.of()));
    awaitSucceeded(dev2, Tekton.taskRuns(V1), "tr-after-outage", "True");
  }

  @Test
  void startingNeedsDistinctClustersAndCloseIsIdempotent() {
    assertThatThrownBy(() -> TektonSimulator.builder().start()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TektonSimulator.start(dev1, dev1)).isInstanceOf(IllegalArgumentException.class);
    try (FleetSandbox other = FleetSandbox.builder().clusters("solo").start()) {
      prepare(other.cluster("solo"));
      TektonSimulator simulator = TektonSimulator.start(List.of(other.cluster("solo")));
      assertThat(simulator.clusters()).containsExactly(other.cluster("solo"));
      assertThat(simulator.defaults()).isEqualTo(RunScript.succeeds());
      simulator.close();
      simulator.close();
      assertThat(simulator.isClosed()).isTrue();
    }
  }

  @Test
  void listenersHearOfEveryFinishedRun() {
    List<TektonSimulator.FinishedRun> heard = new CopyOnWriteArrayList<>();
    try (FleetSandbox other = FleetSandbox.builder().clusters("solo").start();
        TektonSimulator simulator = TektonSimulator.builder().clusters(other.cluster("solo"))
            .onFinished(heard::add).start()) {
      prepare(other.cluster("solo"));
      create(other.cluster("solo"), Tekton.pipelineRuns(V1), "pr-heard", Map.of("pipelineSpec", Map.of("tasks",
          List.of(Map.of("name", "one", "taskSpec", Map.of())))));
      Await.until(TestSupport.TIMEOUT, "two finished runs", () -> heard.size() == 2);
      assertThat(heard).extracting(TektonSimulator.FinishedRun::name).containsExactly("pr-heard-one", "pr-heard");
      assertThat(heard.get(1)).satisfies(run -> {
        assertThat(run.cluster()).isEqualTo("solo");
        assertThat(run.kind()).isEqualTo("PipelineRun");
        assertThat(run.apiVersion()).isEqualTo("tekton.dev/v1");
        assertThat(run.namespace()).isEqualTo(NS);
        assertThat(run.status()).isEqualTo("True");
        assertThat(run.reason()).isEqualTo("Succeeded");
        assertThat(run.nanoTime()).isGreaterThanOrEqualTo(heard.get(0).nanoTime());
      });
      assertThat(simulator.finishedRuns()).isEqualTo(2);
    }
  }

  @Test
  void runScriptsAreImmutableValues() {
    RunScript base = RunScript.succeedsAfter(Duration.ofMillis(10));
    RunScript changed = base.withResults(Map.of("a", "1")).withLog("build", "x\n")
        .withStartDelay(Duration.ofMillis(5));
    assertThat(base.results()).isEmpty();
    assertThat(changed.results()).containsEntry("a", "1");
    assertThat(changed.log("build")).hasValue("x\n");
    assertThat(changed.log("other")).isEqualTo(Optional.empty());
    assertThat(changed.startDelay()).isEqualTo(Duration.ofMillis(5));
    assertThat(changed.duration()).isEqualTo(Duration.ofMillis(10));
    assertThat(changed.succeed()).isTrue();
    assertThat(RunScript.runsForever().forever()).isTrue();
    RunScript failing = RunScript.failsAfter(Duration.ZERO, "StepFailed", "boom");
    assertThat(failing.succeed()).isFalse();
    assertThat(failing.reason()).isEqualTo("StepFailed");
    assertThat(failing.message()).isEqualTo("boom");
    assertThat(RunScript.succeeds().withResults(Map.of("a", "1")))
        .isEqualTo(RunScript.succeeds().withResults(Map.of("a", "1")));
    assertThatThrownBy(() -> RunScript.succeedsAfter(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RunScript.failsAfter(Duration.ZERO, " ", "m"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> changed.results().put("b", "2")).isInstanceOf(UnsupportedOperationException.class);
  }

  // ---- helpers ----

  /** The namespace the runs are created in and the ServiceAccounts they name, as a real cluster needs them. */
  private static void prepare(SandboxCluster cluster) {
    KubernetesClient client = cluster.client();
    TestSupport.namespace(client, NS);
    for (String account : List.of("builder", "beta-builder")) {
      if (client.serviceAccounts().inNamespace(NS).withName(account).get() == null) {
        client.serviceAccounts().inNamespace(NS).resource(new ServiceAccountBuilder().withNewMetadata()
            .withName(account).withNamespace(NS).endMetadata().build()).create();
      }
    }
  }

  private static GenericKubernetesResource object(ResourceDefinitionContext context, String namespace, String name,
      Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(context.getGroup() + "/" + context.getVersion()).withKind(context.getKind())
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .addToAdditionalProperties("spec", spec)
        .build();
  }

  private static void create(SandboxCluster cluster, ResourceDefinitionContext context, String name,
      Map<String, Object> spec) {
    create(cluster, context, name, spec, Map.of());
  }

  private static void create(SandboxCluster cluster, ResourceDefinitionContext context, String name,
      Map<String, Object> spec, Map<String, String> labels) {
    GenericKubernetesResource object = object(context, NS, name, spec);
    object.getMetadata().setLabels(new LinkedHashMap<>(labels));
    cluster.client().genericKubernetesResources(context).inNamespace(NS).resource(object).create();
  }

  private static GenericKubernetesResource get(SandboxCluster cluster, ResourceDefinitionContext context,
      String name) {
    return cluster.client().genericKubernetesResources(context).inNamespace(NS).withName(name).get();
  }

  private static Pod pod(SandboxCluster cluster, String name) {
    return cluster.client().pods().inNamespace(NS).withName(name).get();
  }

  /** Waits until the run's Succeeded condition has this status (True, False or Unknown). */
  private static GenericKubernetesResource awaitSucceeded(SandboxCluster cluster, ResourceDefinitionContext context,
      String name, String status) {
    return awaitState(context.getKind() + " " + name + " to be " + status, () -> get(cluster, context, name),
        o -> status.equals(Json.succeeded(o)));
  }

  /** Waits until the run's Succeeded condition has this reason. */
  private static GenericKubernetesResource awaitReason(SandboxCluster cluster, ResourceDefinitionContext context,
      String name, String reason) {
    return awaitState(context.getKind() + " " + name + " to have reason " + reason, () -> get(cluster, context, name),
        o -> reason.equals(Json.succeededReason(o)));
  }
}
