package io.fleetfed.testkit;

import static io.fleetfed.testkit.TestSupport.at;
import static io.fleetfed.testkit.TestSupport.awaitState;
import static io.fleetfed.testkit.TestSupport.condition;
import static io.fleetfed.testkit.TestSupport.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A mixed sandbox: dev2 plays Tekton 0.24, dev3 today's Tekton. Tagged to run on real API servers too, where the
 * API server itself refuses the versions a cluster's CRDs do not serve.
 */
@Tag("real-api-servers")
class TektonReleaseTest {

  private static final String NS = "ci";
  private static final String V1 = "v1";
  private static final String V1BETA1 = "v1beta1";
  private static final String V1ALPHA1 = "v1alpha1";

  private static FleetSandbox fleet;
  private static SandboxCluster dev2;
  private static SandboxCluster dev3;
  private static TektonSimulator tekton;

  @BeforeAll
  static void start() {
    fleet = FleetSandbox.builder().clusters("dev2", "dev3")
        .tektonCrds("dev2", TektonRelease.V0_24)
        .start();
    dev2 = fleet.cluster("dev2");
    dev3 = fleet.cluster("dev3");
    TestSupport.namespace(dev2.client(), NS);
    TestSupport.namespace(dev3.client(), NS);
    tekton = TektonSimulator.builder().clusters(fleet.clusters())
        .release("dev2", TektonRelease.V0_24)
        .defaults(RunScript.succeedsAfter(Duration.ofMillis(50)))
        .task("compile", RunScript.succeeds().withResults(Map.of("digest", "sha256:0123")))
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

  // ---- what the clusters serve ----

  @Test
  void aV024ClusterServesExactlyTheVersionsOfTekton024() {
    KubernetesClient client = dev2.client();
    assertThat(plurals(client.getApiResources("tekton.dev/v1beta1")))
        .containsExactlyInAnyOrder("tasks", "taskruns", "pipelines", "pipelineruns", "clustertasks");
    assertThat(plurals(client.getApiResources("tekton.dev/v1alpha1"))).containsExactlyInAnyOrder("tasks", "taskruns",
        "pipelines", "pipelineruns", "clustertasks", "conditions", "pipelineresources", "runs");
    APIResource taskRuns = client.getApiResources("tekton.dev/v1beta1").getResources().stream()
        .filter(r -> r.getName().equals("taskruns")).findFirst().orElseThrow();
    assertThat(taskRuns.getShortNames()).containsExactly("tr", "trs");
    assertThat(taskRuns.getCategories()).containsExactly("tekton", "tekton-pipelines");
    assertThat(taskRuns.getNamespaced()).isTrue();
    APIResource clusterTasks = client.getApiResources("tekton.dev/v1beta1").getResources().stream()
        .filter(r -> r.getName().equals("clustertasks")).findFirst().orElseThrow();
    assertThat(clusterTasks.getNamespaced()).isFalse();

    assertThat(notFound(() -> client.getApiResources("tekton.dev/v1"))).isTrue();
    assertThatThrownBy(() -> client.genericKubernetesResources(Tekton.taskRuns(V1)).inNamespace(NS).list())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    assertThatThrownBy(() -> client.genericKubernetesResources(Tekton.taskRuns(V1)).inNamespace(NS)
        .resource(run(Tekton.taskRuns(V1), "refused", Map.of("taskSpec", steps("a")))).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    assertThat(client.genericKubernetesResources(Tekton.taskRuns(V1BETA1)).inNamespace(NS).list()).isNotNull();

    assertThat(TektonRelease.V0_24.servedVersions("TaskRun")).containsExactly(V1ALPHA1, V1BETA1);
    assertThat(TektonRelease.V0_24.servedVersions("Condition")).containsExactly(V1ALPHA1);
    assertThat(TektonRelease.V0_24.servedVersions("StepAction")).isEmpty();
    assertThat(tekton.release("dev2")).isEqualTo(TektonRelease.V0_24);
    assertThat(tekton.release("dev3")).isEqualTo(TektonRelease.CURRENT);
  }

  @Test
  void aCurrentClusterServesV1AndNoLegacyKinds() {
    KubernetesClient client = dev3.client();
    assertThat(plurals(client.getApiResources("tekton.dev/v1")))
        .containsExactlyInAnyOrder("tasks", "taskruns", "pipelines", "pipelineruns");
    assertThat(plurals(client.getApiResources("tekton.dev/v1beta1"))).contains("stepactions", "customruns",
        "clustertasks");
    assertThat(plurals(client.getApiResources("tekton.dev/v1alpha1"))).containsExactly("stepactions");
  }

  // ---- runs on 0.24 ----

  @Test
  void aV1beta1TaskRunOnV024SucceedsWithTaskResults() {
    tekton.script("tr-024", RunScript.succeeds().withResults(Map.of("commit", "abc123")));
    create(dev2, Tekton.taskRuns(V1BETA1), "tr-024", Map.of("taskSpec", steps("compile"), "timeout", "1h"));

    GenericKubernetesResource done = awaitSucceeded(dev2, Tekton.taskRuns(V1BETA1), "tr-024");
    assertThat(condition(done)).containsEntry("status", "True").containsEntry("reason", "Succeeded");
    assertThat(list(at(done, "status", "taskResults")))
        .containsExactly(Map.of("name", "commit", "value", "abc123"));   // 0.24's results had no type
    assertThat(at(done, "status", "results")).isNull();
    assertThat(at(done, "status", "podName")).isEqualTo("tr-024-pod");
  }

  @Test
  void aV1beta1PipelineRunOnV024ReportsItsChildrenInTheTaskRunsMap() {
    create(dev2, Tekton.tasks(V1BETA1), "compile", Map.of("steps", steps("build").get("steps"),
        "results", List.of(Map.of("name", "digest"))));
    create(dev2, Tekton.pipelineRuns(V1BETA1), "pr-024", Map.of(
        "timeout", "1h",
        "timeouts", Map.of("pipeline", "1ms"),   // 0.25's field: 0.24 ignores it
        "pipelineSpec", Map.of(
            "tasks", List.of(
                Map.of("name", "build", "taskRef", Map.of("name", "compile")),
                Map.of("name", "check", "runAfter", List.of("build"), "taskSpec", steps("check")),
                Map.of("name", "never", "taskSpec", steps("never"), "when", List.of(
                    Map.of("input", "a", "operator", "in", "values", List.of("b"))))),
            "results", List.of(Map.of("name", "image", "value", "$(tasks.build.results.digest)")))));

    GenericKubernetesResource done = awaitSucceeded(dev2, Tekton.pipelineRuns(V1BETA1), "pr-024");
    assertThat(condition(done)).containsEntry("status", "True").containsEntry("reason", "Completed");
    assertThat(list(at(done, "status", "skippedTasks"))).singleElement()    // 0.24's had no reason
        .satisfies(skipped -> assertThat(Json.map(skipped).keySet().stream().map(String::valueOf).toList())
            .containsExactly("name", "whenExpressions"));
    assertThat(at(done, "status", "childReferences")).isNull();
    assertThat(list(at(done, "status", "pipelineResults")))
        .containsExactly(Map.of("name", "image", "value", "sha256:0123"));
    Map<?, ?> taskRuns = Json.map(at(done, "status", "taskRuns"));
    assertThat(taskRuns.keySet().stream().map(String::valueOf).toList())
        .containsExactlyInAnyOrder("pr-024-build", "pr-024-check");
    assertThat(Json.text(taskRuns.get("pr-024-build"), "pipelineTaskName")).isEqualTo("build");
    assertThat(Json.text(taskRuns.get("pr-024-check"), "pipelineTaskName")).isEqualTo("check");
    for (Object entry : taskRuns.values()) {
      List<?> conditions = Json.list(Json.at(entry, "status", "conditions"));
      assertThat(conditions).hasSize(1);
      assertThat(Json.text(conditions.get(0), "status")).isEqualTo("True");
      assertThat(Json.at(entry, "status", "podName")).isNotNull();
    }
    assertThat(list(Json.at(taskRuns.get("pr-024-build"), "status", "taskResults")))
        .extracting(r -> Json.text(r, "name")).containsExactly("digest");

    GenericKubernetesResource child = get(dev2, Tekton.taskRuns(V1BETA1), "pr-024-build");
    assertThat(child.getApiVersion()).isEqualTo("tekton.dev/v1beta1");
    assertThat(child.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(owner -> assertThat(owner.getApiVersion()).isEqualTo("tekton.dev/v1beta1"));
    assertThat(list(at(child, "status", "taskResults"))).isNotEmpty();
  }

  @Test
  void aV1alpha1RunOnV024IsNotSimulated() {
    create(dev2, Tekton.taskRuns(V1ALPHA1), "tr-alpha", Map.of("taskSpec", steps("a")));

    GenericKubernetesResource done = awaitSucceeded(dev2, Tekton.taskRuns(V1ALPHA1), "tr-alpha");
    assertThat(condition(done)).containsEntry("status", "False").containsEntry("reason", "SimulationUnsupported");
    assertThat((String) condition(done).get("message")).contains("tekton.dev/v1alpha1");
  }

  @Test
  void featuresTekton024LackedAreUnsupportedThere() {
    create(dev2, Tekton.taskRuns(V1BETA1), "tr-pending", Map.of("taskSpec", steps("a"), "status",
        "TaskRunPending"));
    create(dev2, Tekton.taskRuns(V1BETA1), "tr-stepaction", Map.of("taskSpec", Map.of("steps",
        List.of(Map.of("name", "s", "ref", Map.of("name", "git-clone"))))));
    create(dev2, Tekton.pipelineRuns(V1BETA1), "pr-matrix", Map.of("pipelineSpec", Map.of("tasks", List.of(
        Map.of("name", "m", "taskSpec", steps("a"), "matrix", Map.of("params", List.of(
            Map.of("name", "os", "value", List.of("linux", "mac")))))))));

    assertThat(message(awaitSucceeded(dev2, Tekton.taskRuns(V1BETA1), "tr-pending")))
        .contains("spec.status TaskRunPending");
    assertThat(message(awaitSucceeded(dev2, Tekton.taskRuns(V1BETA1), "tr-stepaction")))
        .contains("StepActions", "spec.steps[0].ref");
    assertThat(message(awaitSucceeded(dev2, Tekton.pipelineRuns(V1BETA1), "pr-matrix")))
        .contains("matrix", "spec.tasks[0].matrix");
    create(dev2, Tekton.pipelineRuns(V1BETA1), "pr-condition", Map.of("pipelineSpec", Map.of("tasks", List.of(
        Map.of("name", "c", "taskSpec", steps("a"), "conditions", List.of(Map.of("conditionRef", "ready")))))));
    assertThat(message(awaitSucceeded(dev2, Tekton.pipelineRuns(V1BETA1), "pr-condition")))
        .contains("Conditions", "spec.tasks[0].conditions");
  }

  @Test
  void aPipelineRunCancelledOnV024SaysPipelineRunCancelledAndCancelledIsNotKnownThere() {
    tekton.script("pr-stop-a", RunScript.runsForever());
    tekton.script("pr-new-stop-a", RunScript.runsForever());
    Map<String, Object> spec = Map.of("pipelineSpec", Map.of("tasks", List.of(Map.of("name", "a",
        "taskSpec", steps("a")))));
    create(dev2, Tekton.pipelineRuns(V1BETA1), "pr-stop", spec);
    create(dev2, Tekton.pipelineRuns(V1BETA1), "pr-new-stop", spec);
    for (String name : List.of("pr-stop", "pr-new-stop")) {
      awaitState(name + " to run its child", () -> get(dev2, Tekton.taskRuns(V1BETA1), name + "-a"),
          child -> "Running".equals(Json.succeededReason(child)));
    }

    patchSpecStatus(dev2, "pr-stop", "PipelineRunCancelled");     // 0.24's value
    patchSpecStatus(dev2, "pr-new-stop", "Cancelled");            // v0.25 on: 0.24's webhook refused it

    GenericKubernetesResource cancelled = awaitSucceeded(dev2, Tekton.pipelineRuns(V1BETA1), "pr-stop");
    assertThat(condition(cancelled)).containsEntry("status", "False").containsEntry("reason", "PipelineRunCancelled");
    assertThat(condition(awaitSucceeded(dev2, Tekton.taskRuns(V1BETA1), "pr-stop-a")))
        .containsEntry("reason", "TaskRunCancelled");
    assertThat(message(awaitSucceeded(dev2, Tekton.pipelineRuns(V1BETA1), "pr-new-stop")))
        .contains("spec.status Cancelled");
  }

  @Test
  void managedByIsIgnoredOnV024AsAnUnknownField() {
    create(dev2, Tekton.taskRuns(V1BETA1), "tr-managed", Map.of("taskSpec", steps("a"),
        "managedBy", "example.com/elsewhere"));

    assertThat(condition(awaitSucceeded(dev2, Tekton.taskRuns(V1BETA1), "tr-managed")))
        .containsEntry("reason", "Succeeded");
  }

  // ---- the current cluster, beside it ----

  @Test
  void theCurrentClusterRunsV1AndReportsChildReferences() {
    tekton.script("tr-v1", RunScript.succeeds().withResults(Map.of("commit", "abc123")));
    create(dev3, Tekton.taskRuns(V1), "tr-v1", Map.of("taskSpec", steps("compile")));
    create(dev3, Tekton.pipelineRuns(V1BETA1), "pr-current", Map.of("pipelineSpec", Map.of(
        "tasks", List.of(Map.of("name", "a", "taskSpec", steps("a"))))));

    GenericKubernetesResource taskRun = awaitSucceeded(dev3, Tekton.taskRuns(V1), "tr-v1");
    assertThat(list(at(taskRun, "status", "results"))).extracting(r -> Json.text(r, "name"))
        .containsExactly("commit");
    GenericKubernetesResource pipelineRun = awaitSucceeded(dev3, Tekton.pipelineRuns(V1BETA1), "pr-current");
    assertThat(condition(pipelineRun)).containsEntry("reason", "Succeeded");
    assertThat(list(at(pipelineRun, "status", "childReferences"))).hasSize(1);
    assertThat(at(pipelineRun, "status", "taskRuns")).isNull();
  }

  @Test
  void aReleaseForAClusterTheSimulatorIsNotGivenIsRefused() {
    assertThatThrownBy(() -> TektonSimulator.builder().clusters(dev3).release("dev2", TektonRelease.V0_24).start())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dev2");
    assertThatThrownBy(() -> tekton.release("dev9")).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- helpers ----

  private static List<String> plurals(APIResourceList list) {
    assertThat(list).isNotNull();
    return list.getResources().stream().map(APIResource::getName).filter(name -> !name.contains("/")).toList();
  }

  private static boolean notFound(java.util.function.Supplier<APIResourceList> read) {
    try {
      return read.get() == null;
    } catch (KubernetesClientException e) {
      return e.getCode() == 404;
    }
  }

  private static Map<String, Object> steps(String name) {
    return Map.of("steps", List.of(Map.of("name", name, "image", "alpine")));
  }

  private static GenericKubernetesResource run(ResourceDefinitionContext context, String name,
      Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(context.getGroup() + "/" + context.getVersion()).withKind(context.getKind())
        .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .addToAdditionalProperties("spec", spec)
        .build();
  }

  private static void create(SandboxCluster cluster, ResourceDefinitionContext context, String name,
      Map<String, Object> spec) {
    cluster.client().genericKubernetesResources(context).inNamespace(NS).resource(run(context, name, spec)).create();
  }

  private static GenericKubernetesResource get(SandboxCluster cluster, ResourceDefinitionContext context,
      String name) {
    return cluster.client().genericKubernetesResources(context).inNamespace(NS).withName(name).get();
  }

  /** Waits until the run has finished (its Succeeded condition True or False). */
  private static GenericKubernetesResource awaitSucceeded(SandboxCluster cluster, ResourceDefinitionContext context,
      String name) {
    return awaitState(context.getKind() + " " + name + " to finish", () -> get(cluster, context, name),
        o -> "True".equals(Json.succeeded(o)) || "False".equals(Json.succeeded(o)));
  }

  private static void patchSpecStatus(SandboxCluster cluster, String pipelineRun, String value) {
    cluster.client().genericKubernetesResources(Tekton.pipelineRuns(V1BETA1)).inNamespace(NS).withName(pipelineRun)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"status\":\"" + value + "\"}}");
  }

  private static String message(GenericKubernetesResource run) {
    Map<String, Object> condition = condition(run);
    assertThat(condition).containsEntry("status", "False").containsEntry("reason", "SimulationUnsupported");
    return String.valueOf(condition.get("message"));
  }
}
