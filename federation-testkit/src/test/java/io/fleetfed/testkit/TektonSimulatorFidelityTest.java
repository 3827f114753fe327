package io.fleetfed.testkit;

import static io.fleetfed.testkit.TestSupport.at;
import static io.fleetfed.testkit.TestSupport.awaitState;
import static io.fleetfed.testkit.TestSupport.condition;
import static io.fleetfed.testkit.TestSupport.list;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator against Tekton's semantics: when, matrix, results, retries, section timeouts, what it refuses.
 * Tagged to run on real API servers too, where the namespaces must exist first.
 */
// Runs on the mock only, to keep the build short: TektonSimulatorRealServerTest and federation-it's RunLifecycleTest
// run the simulator on real API servers (it passes there too: -Dfleetfed.sandbox.servers=real).
class TektonSimulatorFidelityTest {

  private static final String NS = "ci";
  private static final String V1 = "v1";
  private static final Map<String, Object> NO_STEPS = Map.of();

  private static FleetSandbox fleet;
  private static SandboxCluster cluster;
  private static TektonSimulator tekton;

  @BeforeAll
  static void start() {
    fleet = FleetSandbox.builder().clusters("fid").start();
    cluster = fleet.cluster("fid");
    TestSupport.namespace(cluster.client(), NS);
    TestSupport.namespace(cluster.client(), "catalog");
    tekton = TektonSimulator.builder().clusters(cluster).start();
  }

  @AfterAll
  static void stop() {
    try {
      tekton.close();
    } finally {
      fleet.close();
    }
  }

  private static Map<String, Object> task(String name, Object... keyValues) {
    Map<String, Object> task = new LinkedHashMap<>();
    task.put("name", name);
    task.put("taskSpec", NO_STEPS);
    for (int i = 0; i < keyValues.length; i += 2) {
      task.put((String) keyValues[i], keyValues[i + 1]);
    }
    return task;
  }

  private static Map<String, Object> when(String input, String operator, String... values) {
    return Map.of("input", input, "operator", operator, "values", List.of(values));
  }

  // ---- when ----

  @Test
  void whenExpressionsSkipTheirTaskOnlyAndTheStatusSaysWhyForEachSkippedTask() {
    Map<String, Object> pipeline = Map.of(
        "params", List.of(Map.of("name", "branch", "default", "feature")),
        "workspaces", List.of(Map.of("name", "source"), Map.of("name", "cache", "optional", true)),
        "tasks", List.of(
            task("deploy", "when", List.of(when("$(params.branch)", "in", "release"))),
            task("after-deploy", "runAfter", List.of("deploy")),
            task("uses-deploy", "params", List.of(Map.of("name", "url", "value", "$(tasks.deploy.results.url)"))),
            task("after-uses", "runAfter", List.of("uses-deploy")),
            task("lint", "when", List.of(when("$(params.branch)", "notin", "release"))),
            task("cache", "when", List.of(when("$(workspaces.cache.bound)", "in", "true"))),
            task("source", "when", List.of(when("$(workspaces.source.bound)", "in", "true"))),
            task("cel-yes", "when", List.of(Map.of("cel",
                "'$(params.branch)' == 'feature' && '$(context.pipelineRun.name)' != ''"))),
            task("cel-no", "when", List.of(Map.of("cel", "'$(params.branch)' == 'main' || false")))),
        "finally", List.of(
            task("notify", "when", List.of(when("$(tasks.status)", "in", "Completed"))),
            task("report", "params", List.of(Map.of("name", "url", "value", "$(tasks.deploy.results.url)"))),
            task("on-failure", "when", List.of(when("$(tasks.lint.status)", "in", "Failed")))));
    create(Tekton.pipelineRuns(V1), "pr-when", Map.of("pipelineSpec", pipeline,
        "workspaces", List.of(Map.of("name", "source", "emptyDir", Map.of()))));

    GenericKubernetesResource done = awaitSucceeded(Tekton.pipelineRuns(V1), "pr-when", "True");
    assertThat(condition(done)).containsEntry("reason", "Completed")
        .containsEntry("message", "Tasks Completed: 5 (Failed: 0, Cancelled 0), Skipped: 7");
    assertThat(list(at(done, "status", "skippedTasks"))).containsExactly(
        Map.of("name", "deploy", "reason", "When Expressions evaluated to false",
            "whenExpressions", List.of(Map.of("input", "feature", "operator", "in", "values", List.of("release")))),
        Map.of("name", "uses-deploy", "reason", "Results were missing"),
        Map.of("name", "after-uses", "reason", "Parent Tasks were skipped"),
        Map.of("name", "cache", "reason", "When Expressions evaluated to false",
            "whenExpressions", List.of(Map.of("input", "false", "operator", "in", "values", List.of("true")))),
        Map.of("name", "cel-no", "reason", "When Expressions evaluated to false",
            "whenExpressions", List.of(Map.of("cel", "'feature' == 'main' || false"))),
        Map.of("name", "report", "reason", "Results were missing"),
        Map.of("name", "on-failure", "reason", "When Expressions evaluated to false",
            "whenExpressions", List.of(Map.of("input", "Succeeded", "operator", "in", "values", List.of("Failed")))));
    assertThat(list(at(done, "status", "childReferences"))).extracting(r -> Json.text(r, "name"))
        .containsExactlyInAnyOrder("pr-when-after-deploy", "pr-when-lint", "pr-when-source", "pr-when-cel-yes",
            "pr-when-notify");
    assertThat(list(at(done, "status", "childReferences"))).filteredOn(r -> Json.text(r, "name")
        .equals("pr-when-lint")).extracting(r -> Json.at(r, "whenExpressions"))
        .containsExactly(List.of(Map.of("input", "feature", "operator", "notin", "values", List.of("release"))));
    for (String skipped : List.of("deploy", "uses-deploy", "after-uses", "cache", "cel-no", "report",
        "on-failure")) {
      assertThat(get(Tekton.taskRuns(V1), "pr-when-" + skipped)).as(skipped).isNull();
    }
  }

  // ---- matrix ----

  @Test
  void aMatrixFansOutOneTaskRunPerCombinationAndItsResultsAggregate() {
    Map<String, Object> build = task("build",
        "taskSpec", Map.of(
            "params", List.of(Map.of("name", "platform", "default", "any"), Map.of("name", "browser"),
                Map.of("name", "mode")),
            "results", List.of(Map.of("name", "image")),
            "steps", List.of(Map.of("name", "build",
                "script", "echo -n \"img-$(params.platform)-$(params.browser)\" > $(results.image.path)"))),
        "params", List.of(Map.of("name", "mode", "value", "fast")),
        "matrix", Map.of(
            "params", List.of(Map.of("name", "platform", "value", List.of("$(params.platforms[*])")),
                Map.of("name", "browser", "value", List.of("chrome"))),
            "include", List.of(Map.of("name", "safari-only", "params", List.of(
                Map.of("name", "browser", "value", "safari"))))));
    Map<String, Object> pipeline = Map.of(
        "params", List.of(Map.of("name", "platforms", "type", "array", "default", List.of("linux", "mac")),
            Map.of("name", "none", "type", "array", "default", List.of())),
        "tasks", List.of(build,
            task("collect", "params", List.of(Map.of("name", "images",
                "value", List.of("$(tasks.build.results.image[*])")))),
            task("empty", "matrix", Map.of("params", List.of(Map.of("name", "x",
                "value", List.of("$(params.none[*])"))))),
            task("after-empty", "runAfter", List.of("empty"))),
        "results", List.of(Map.of("name", "images", "value", "$(tasks.build.results.image[*])")));
    create(Tekton.pipelineRuns(V1), "pr-matrix", Map.of("pipelineSpec", pipeline));

    GenericKubernetesResource done = awaitSucceeded(Tekton.pipelineRuns(V1), "pr-matrix", "True");
    assertThat(condition(done)).containsEntry("reason", "Completed")
        .containsEntry("message", "Tasks Completed: 2 (Failed: 0, Cancelled 0), Skipped: 2");
    assertThat(list(at(done, "status", "skippedTasks"))).containsExactly(
        Map.of("name", "empty", "reason", "Matrix Parameters have an empty array"),
        Map.of("name", "after-empty", "reason", "Parent Tasks were skipped"));
    assertThat(list(at(done, "status", "childReferences")))
        .extracting(r -> Json.text(r, "name"), r -> Json.text(r, "pipelineTaskName")).containsExactly(
            org.assertj.core.groups.Tuple.tuple("pr-matrix-build-0", "build"),
            org.assertj.core.groups.Tuple.tuple("pr-matrix-build-1", "build"),
            org.assertj.core.groups.Tuple.tuple("pr-matrix-build-2", "build"),
            org.assertj.core.groups.Tuple.tuple("pr-matrix-collect", "collect"));
    assertThat(list(Json.spec(get(Tekton.taskRuns(V1), "pr-matrix-build-0")).get("params"))).containsExactly(
        Map.of("name", "mode", "value", "fast"), Map.of("name", "browser", "value", "chrome"),
        Map.of("name", "platform", "value", "linux"));
    assertThat(list(Json.spec(get(Tekton.taskRuns(V1), "pr-matrix-build-1")).get("params"))).containsExactly(
        Map.of("name", "mode", "value", "fast"), Map.of("name", "browser", "value", "chrome"),
        Map.of("name", "platform", "value", "mac"));
    assertThat(list(Json.spec(get(Tekton.taskRuns(V1), "pr-matrix-build-2")).get("params"))).containsExactly(
        Map.of("name", "mode", "value", "fast"), Map.of("name", "browser", "value", "safari"));
    List<String> images = List.of("img-linux-chrome", "img-mac-chrome", "img-any-safari");
    assertThat(list(Json.spec(get(Tekton.taskRuns(V1), "pr-matrix-collect")).get("params")))
        .containsExactly(Map.of("name", "images", "value", images));
    assertThat(list(at(done, "status", "results"))).containsExactly(Map.of("name", "images", "value", images));
    assertThat(get(Tekton.taskRuns(V1), "pr-matrix-empty-0")).isNull();
    assertThat(get(Tekton.taskRuns(V1), "pr-matrix-after-empty")).isNull();
  }

  // ---- results ----

  private static final Map<String, Object> PRODUCER = Map.of(
      "results", List.of(Map.of("name", "commit"), Map.of("name", "scripted"), Map.of("name", "never"),
          Map.of("name", "files", "type", "array")),
      "steps", List.of(Map.of("name", "clone", "script",
          "#!/bin/sh\ngit clone repo\necho -n abc123 > $(results.commit.path)\n"
              + "echo -n '[\"a.go\",\"b.go\"]' > $(results.files.path)\n")));

  @Test
  void aTaskRunWritesTheScriptedOrLiteralValueOfEachDeclaredResult() {
    tekton.script("tr-produce", RunScript.succeeds().withResults(Map.of("scripted", "from-script",
        "extra", "undeclared")));
    create(Tekton.taskRuns(V1), "tr-produce", Map.of("taskSpec", PRODUCER));

    GenericKubernetesResource done = awaitSucceeded(Tekton.taskRuns(V1), "tr-produce", "True");
    assertThat(list(at(done, "status", "results"))).containsExactly(
        Map.of("name", "commit", "type", "string", "value", "abc123"),
        Map.of("name", "scripted", "type", "string", "value", "from-script"),
        Map.of("name", "files", "type", "array", "value", List.of("a.go", "b.go")),
        Map.of("name", "extra", "type", "string", "value", "undeclared"));
  }

  @Test
  void pipelineResultsAndConsumersTakeTaskResults() {
    create(Tekton.pipelineRuns(V1), "pr-results", Map.of("pipelineSpec", Map.of(
        "tasks", List.of(
            task("produce", "taskSpec", PRODUCER),
            task("consume", "params", List.of(Map.of("name", "rev", "value", "rev-$(tasks.produce.results.commit)"),
                Map.of("name", "first", "value", "$(tasks.produce.results.files[0])")))),
        "results", List.of(Map.of("name", "commit", "value", "$(tasks.produce.results.commit)"),
            Map.of("name", "files", "value", "$(tasks.produce.results.files[*])")))));

    GenericKubernetesResource done = awaitSucceeded(Tekton.pipelineRuns(V1), "pr-results", "True");
    assertThat(condition(done)).containsEntry("reason", "Succeeded");
    assertThat(list(at(done, "status", "results"))).containsExactly(Map.of("name", "commit", "value", "abc123"),
        Map.of("name", "files", "value", List.of("a.go", "b.go")));
    assertThat(list(Json.spec(get(Tekton.taskRuns(V1), "pr-results-consume")).get("params"))).containsExactly(
        Map.of("name", "rev", "value", "rev-abc123"), Map.of("name", "first", "value", "a.go"));
  }

  @Test
  void aPipelineResultReadsAFinallyTasksResult() {
    create(Tekton.pipelineRuns(V1), "pr-finally-result", Map.of("pipelineSpec", Map.of(
        "tasks", List.of(task("produce")),
        "finally", List.of(task("report", "taskSpec", PRODUCER)),
        "results", List.of(Map.of("name", "reported", "value", "commit $(finally.report.results.commit)")))));

    GenericKubernetesResource done = awaitSucceeded(Tekton.pipelineRuns(V1), "pr-finally-result", "True");
    assertThat(condition(done)).containsEntry("reason", "Succeeded");
    assertThat(list(at(done, "status", "results"))).containsExactly(
        Map.of("name", "reported", "value", "commit abc123"));
  }

  @Test
  void aConsumedResultThatASucceededTaskDidNotWriteFailsTheRunAsTektonDoes() {
    create(Tekton.pipelineRuns(V1), "pr-no-result", Map.of("pipelineSpec", Map.of("tasks", List.of(
        task("produce", "taskSpec", PRODUCER),
        task("consume", "params", List.of(Map.of("name", "x", "value", "$(tasks.produce.results.never)")))))));
    create(Tekton.pipelineRuns(V1), "pr-no-pipeline-result", Map.of("pipelineSpec", Map.of(
        "tasks", List.of(task("produce", "taskSpec", PRODUCER)),
        "results", List.of(Map.of("name", "missing", "value", "$(tasks.produce.results.never)"),
            Map.of("name", "commit", "value", "$(tasks.produce.results.commit)")))));

    GenericKubernetesResource noResult = awaitSucceeded(Tekton.pipelineRuns(V1), "pr-no-result", "False");
    assertThat(condition(noResult)).containsEntry("reason", "InvalidTaskResultReference")
        .containsEntry("message", "Invalid task result reference: Could not find result with name never for task "
            + "produce");
    assertThat(get(Tekton.taskRuns(V1), "pr-no-result-consume")).isNull();
    GenericKubernetesResource noPipelineResult = awaitSucceeded(Tekton.pipelineRuns(V1), "pr-no-pipeline-result",
        "False");
    assertThat(condition(noPipelineResult)).containsEntry("reason", "CouldntGetPipelineResult")
        .containsEntry("message", "Failed to get PipelineResult from TaskRun Results for PipelineRun "
            + "pr-no-pipeline-result: invalid pipelineresults [missing], the referenced results don't exist");
  }

  // ---- the cluster resolver ----

  @Test
  void theClusterResolverReadsItsTaskAndPipelineFromTheNamespaceItNames() {
    createIn("catalog", Tekton.tasks(V1), "lint", Map.of("results", List.of(Map.of("name", "verdict")),
        "steps", List.of(Map.of("name", "lint", "script", "echo -n clean > $(results.verdict.path)"))));
    createIn("catalog", Tekton.pipelines(V1), "checks", Map.of("tasks", List.of(
        Map.of("name", "lint", "taskRef", clusterRef("task", "lint")),
        task("after", "runAfter", List.of("lint")))));
    create(Tekton.taskRuns(V1), "tr-cluster", Map.of("taskRef", clusterRef("task", "lint")));
    create(Tekton.taskRuns(V1), "tr-cluster-missing", Map.of("taskRef", clusterRef("task", "nowhere")));
    create(Tekton.pipelineRuns(V1), "pr-cluster", Map.of("pipelineRef", clusterRef("pipeline", "checks")));
    create(Tekton.pipelineRuns(V1), "pr-cluster-missing", Map.of("pipelineRef", clusterRef("pipeline", "nowhere")));

    GenericKubernetesResource taskRun = awaitSucceeded(Tekton.taskRuns(V1), "tr-cluster", "True");
    assertThat(list(at(taskRun, "status", "results"))).containsExactly(
        Map.of("name", "verdict", "type", "string", "value", "clean"));
    assertThat(condition(awaitSucceeded(Tekton.taskRuns(V1), "tr-cluster-missing", "False")))
        .containsEntry("reason", "TaskRunResolutionFailed");
    GenericKubernetesResource pipelineRun = awaitSucceeded(Tekton.pipelineRuns(V1), "pr-cluster", "True");
    assertThat(list(at(pipelineRun, "status", "childReferences"))).extracting(r -> Json.text(r, "name"))
        .containsExactly("pr-cluster-lint", "pr-cluster-after");
    assertThat(condition(awaitSucceeded(Tekton.pipelineRuns(V1), "pr-cluster-missing", "False")))
        .containsEntry("reason", "CouldntGetPipeline");
  }

  private static Map<String, Object> clusterRef(String kind, String name) {
    return Map.of("resolver", "cluster", "params", List.of(Map.of("name", "kind", "value", kind),
        Map.of("name", "name", "value", name), Map.of("name", "namespace", "value", "catalog")));
  }

  private static void createIn(String namespace, ResourceDefinitionContext context, String name,
      Map<String, Object> spec) {
    GenericKubernetesResource object = new GenericKubernetesResourceBuilder()
        .withApiVersion(context.getGroup() + "/" + context.getVersion()).withKind(context.getKind())
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .addToAdditionalProperties("spec", spec)
        .build();
    cluster.client().genericKubernetesResources(context).inNamespace(namespace).resource(object).create();
  }

  // ---- retries ----

  @Test
  void aFailedAttemptIsRetriedAndKeptInRetriesStatus() {
    tekton.script("tr-retry", RunScript.succeeds().withFailedAttempts(2));
    create(Tekton.taskRuns(V1), "tr-retry", Map.of("retries", 2, "taskSpec", Map.of("steps",
        List.of(Map.of("name", "flaky")))));

    GenericKubernetesResource done = awaitSucceeded(Tekton.taskRuns(V1), "tr-retry", "True");
    assertThat(at(done, "status", "podName")).isEqualTo("tr-retry-pod-retry2");
    List<Object> retries = list(at(done, "status", "retriesStatus"));
    assertThat(retries).hasSize(2);
    assertThat(retries).extracting(r -> Json.text(r, "podName")).containsExactly("tr-retry-pod",
        "tr-retry-pod-retry1");
    assertThat(retries).extracting(r -> Json.text(Json.list(Json.at(r, "conditions")).get(0), "reason"),
        r -> Json.text(Json.list(Json.at(r, "conditions")).get(0), "message")).containsExactly(
            org.assertj.core.groups.Tuple.tuple("Failed", "attempt 1 failed as scripted"),
            org.assertj.core.groups.Tuple.tuple("Failed", "attempt 2 failed as scripted"));
    assertThat(retries).allSatisfy(r -> assertThat(Json.at(r, "completionTime")).isNotNull());
    assertThat(cluster.client().pods().inNamespace(NS).withName("tr-retry-pod-retry1").get()).isNotNull();
  }

  @Test
  void aPipelineTaskOutOfRetriesFailsThePipelineRun() {
    tekton.script("pr-retries-flaky", RunScript.succeeds().withFailedAttempts(2));
    create(Tekton.pipelineRuns(V1), "pr-retries", Map.of("pipelineSpec", Map.of("tasks", List.of(
        task("flaky", "retries", 1)))));

    GenericKubernetesResource done = awaitSucceeded(Tekton.pipelineRuns(V1), "pr-retries", "False");
    assertThat(condition(done)).containsEntry("reason", "Failed")
        .containsEntry("message", "Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 0");
    GenericKubernetesResource child = get(Tekton.taskRuns(V1), "pr-retries-flaky");
    assertThat(Json.spec(child).get("retries")).isEqualTo(1);
    assertThat(list(at(child, "status", "retriesStatus"))).hasSize(1);
    assertThat(condition(child)).containsEntry("message", "attempt 2 failed as scripted");
  }

  // ---- timeouts ----

  @Test
  void theTasksTimeoutCancelsTheDagAndStillRunsFinally() {
    tekton.script("pr-tasks-timeout-slow", RunScript.runsForever());
    create(Tekton.pipelineRuns(V1), "pr-tasks-timeout", Map.of("timeouts", Map.of("tasks", "300ms"),
        "pipelineSpec", Map.of(
            "tasks", List.of(task("slow"), task("later", "runAfter", List.of("slow"))),
            "finally", List.of(task("cleanup")))));

    GenericKubernetesResource done = awaitSucceeded(Tekton.pipelineRuns(V1), "pr-tasks-timeout", "False");
    assertThat(condition(done)).containsEntry("reason", "Failed")
        .containsEntry("message", "Tasks Completed: 2 (Failed: 1, Cancelled 0), Skipped: 1");
    assertThat(list(at(done, "status", "skippedTasks")))
        .containsExactly(Map.of("name", "later", "reason", "PipelineRun was stopping"));
    GenericKubernetesResource slow = get(Tekton.taskRuns(V1), "pr-tasks-timeout-slow");
    assertThat(condition(slow)).containsEntry("reason", "TaskRunCancelled");
    assertThat(Json.text(Json.spec(slow), "statusMessage"))
        .isEqualTo("TaskRun cancelled as the PipelineRun it belongs to has timed out.");
    assertThat(Json.succeeded(get(Tekton.taskRuns(V1), "pr-tasks-timeout-cleanup"))).isEqualTo("True");
  }

  @Test
  void theFinallyTimeoutCancelsFinallyTasks() {
    tekton.script("pr-finally-timeout-hang", RunScript.runsForever());
    create(Tekton.pipelineRuns(V1), "pr-finally-timeout", Map.of("timeouts", Map.of("finally", "300ms"),
        "pipelineSpec", Map.of("tasks", List.of(task("work")), "finally", List.of(task("hang")))));

    GenericKubernetesResource done = awaitSucceeded(Tekton.pipelineRuns(V1), "pr-finally-timeout", "False");
    assertThat(condition(done)).containsEntry("reason", "Failed")
        .containsEntry("message", "Tasks Completed: 2 (Failed: 1, Cancelled 0), Skipped: 0");
    assertThat(condition(get(Tekton.taskRuns(V1), "pr-finally-timeout-hang")))
        .containsEntry("reason", "TaskRunCancelled");
  }

  // ---- what the simulator cannot tell ----

  @Test
  void whatTheSimulatorCannotTellEndsSimulationUnsupportedNamingTheField() {
    create(Tekton.pipelineRuns(V1), "pr-cel", Map.of("pipelineSpec", Map.of("tasks", List.of(
        task("t", "when", List.of(Map.of("cel", "'main'.matches('ma.*')")))))));
    create(Tekton.pipelineRuns(V1), "pr-unknown-param", Map.of("pipelineSpec", Map.of("tasks", List.of(
        task("t", "params", List.of(Map.of("name", "x", "value", "$(params.nope)")))))));
    create(Tekton.pipelineRuns(V1), "pr-custom", Map.of("pipelineSpec", Map.of("tasks", List.of(
        Map.of("name", "wait", "taskRef", Map.of("apiVersion", "wait.testing.tekton.dev/v1beta1",
            "kind", "Wait"))))));
    create(Tekton.pipelineRuns(V1), "pr-operator", Map.of("pipelineSpec", Map.of("tasks", List.of(
        task("t", "when", List.of(when("a", "equals", "a")))))));
    create(Tekton.taskRuns(V1), "tr-unreadable", Map.of("taskSpec", Map.of(
        "results", List.of(Map.of("name", "date")),
        "steps", List.of(Map.of("name", "stamp", "script", "date > $(results.date.path)")))));

    assertUnsupported(Tekton.pipelineRuns(V1), "pr-cel", "CEL expression \"'main'.matches('ma.*')\" at "
        + "spec.tasks[0].when[0].cel is beyond the plain comparisons the simulator evaluates");
    assertUnsupported(Tekton.pipelineRuns(V1), "pr-unknown-param",
        "the simulator cannot substitute $(params.nope) at spec.tasks[0].params[0].value");
    assertUnsupported(Tekton.pipelineRuns(V1), "pr-custom", "the simulator does not run custom tasks (CustomRuns): "
        + "spec.tasks[0].taskRef is Wait of wait.testing.tekton.dev/v1beta1");
    assertUnsupported(Tekton.pipelineRuns(V1), "pr-operator",
        "operator \"equals\" at spec.tasks[0].when[0].operator is none of Tekton's (in, notin)");
    assertUnsupported(Tekton.taskRuns(V1), "tr-unreadable", "the simulator cannot tell what spec.steps[0] (stamp)"
        + ".script writes to result \"date\" (spec.results[0] of the Task); script it with RunScript.withResults");
    assertThat(get(Tekton.taskRuns(V1), "pr-cel-t")).isNull();
    assertThat(get(Tekton.taskRuns(V1), "pr-custom-wait")).isNull();
  }

  private static void assertUnsupported(ResourceDefinitionContext context, String name, String message) {
    GenericKubernetesResource done = awaitSucceeded(context, name, "False");
    assertThat(condition(done)).as(name).containsEntry("reason", "SimulationUnsupported");
    assertThat(Json.text(condition(done), "message")).as(name).startsWith(message);
  }

  // ---- helpers ----

  private static void create(ResourceDefinitionContext context, String name, Map<String, Object> spec) {
    GenericKubernetesResource object = new GenericKubernetesResourceBuilder()
        .withApiVersion(context.getGroup() + "/" + context.getVersion()).withKind(context.getKind())
        .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .addToAdditionalProperties("spec", spec)
        .build();
    cluster.client().genericKubernetesResources(context).inNamespace(NS).resource(object).create();
  }

  private static GenericKubernetesResource get(ResourceDefinitionContext context, String name) {
    return cluster.client().genericKubernetesResources(context).inNamespace(NS).withName(name).get();
  }

  private static GenericKubernetesResource awaitSucceeded(ResourceDefinitionContext context, String name,
      String status) {
    return awaitState(context.getKind() + " " + name + " to be " + status, () -> get(context, name),
        o -> status.equals(Json.succeeded(o)));
  }
}
