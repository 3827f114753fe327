package io.fleetfed.tekton;

import static io.fleetfed.tekton.TektonSandbox.WAIT;
import static io.fleetfed.tekton.TektonSandbox.get;
import static io.fleetfed.testkit.FleetAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.core.cluster.ResourceContexts;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.testkit.Await;
import io.fleetfed.testkit.EnableFleet;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.RunScript;
import io.fleetfed.testkit.TektonSimulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Tekton's kind of examples, as files a user would dispatch ({@code src/test/resources/tekton-examples}): each is
 * read with {@link DispatchRequest#read}, dispatched to one of two members running a simulated Tekton, and checked
 * for its outcome, skipped tasks, child runs, results, and what reached the member (and only that member).
 * Objects an example takes from the host are in {@code tekton-examples/host/<example>.yaml}, created in the host
 * first. Every example has a namespace of its own, so the examples share one sandbox without a reset.
 */
@EnableFleetSandbox(clusters = {"dev1", "dev2", "dev3"})
@EnableFleet(host = "dev1", members = {"dev2", "dev3"})
class TektonExamplesTest {
  private static final String DIR = "tekton-examples/";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ResourceType PVCS = Closure.PVCS;
  private static final ResourceType CLUSTER_ROLE_BINDINGS = ResourceType.cluster("rbac.authorization.k8s.io", "v1",
      "ClusterRoleBinding", "clusterrolebindings");

  private static FleetSandbox sandbox;
  private static TektonSimulator tekton;
  private RunDispatcher dispatcher;

  @BeforeAll
  static void simulateTekton() {
    tekton = TektonSimulator.builder().clusters(sandbox.cluster("dev2"), sandbox.cluster("dev3"))
        .defaults(RunScript.succeedsAfter(Duration.ofMillis(20))).start();
  }

  @AfterAll
  static void stopTekton() {
    tekton.close();
  }

  @BeforeEach
  void start(RunDispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  // ---- workspaces ----------------------------------------------------------------------------------------------

  @Test
  @DisplayName("taskrun-workspace-emptydir: two steps share an emptyDir; the literal result; nothing but the run sent")
  void workspaceEmptyDir() {
    Example e = dispatch("taskrun-workspace-emptydir");

    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.outcome.results()).containsExactly(entry("status", "note-read"));
    assertThat(e.outcome.steps()).extracting(StepStatus::name).containsExactly("leave-note", "read-note");
    assertThat(e.request.dependencies()).isEmpty();
    assertThat(e.memberObjects(BuiltInTypes.SECRETS)).isEmpty();
    assertThat(e.memberObjects(BuiltInTypes.CONFIG_MAPS)).isEmpty();
    assertThat(e.memberObjects(TektonTypes.TASK)).isEmpty();
    assertThat(e.memberObjects(TektonTypes.TASK_RUN)).containsExactly("scratch-notes");
    assertThat(e.onMember(TektonTypes.TASK_RUN, "scratch-notes").at("/spec/workspaces/0/emptyDir").isObject())
        .isTrue();
  }

  @Test
  @DisplayName("taskrun-workspace-pvc: the claim goes to the run's member only, its spec kept")
  void workspacePvc() {
    Example e = dispatch("taskrun-workspace-pvc");

    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    ObjectNode claim = e.assertCopied(PVCS, "maven-cache");
    assertThat(claim.at("/spec/resources/requests/storage").asText()).isEqualTo("2Gi");
    assertThat(claim.at("/spec/accessModes/0").asText()).isEqualTo("ReadWriteOnce");
    assertThat(e.onMember(TektonTypes.TASK_RUN, "warm-cache").at("/spec/workspaces/0/subPath").asText())
        .isEqualTo("m2");
  }

  @Test
  @DisplayName("pipelinerun-workspace-volumeclaimtemplate: no claim copied (the member makes it); two children in "
      + "runAfter order")
  void workspaceVolumeClaimTemplate() {
    Example e = dispatch("pipelinerun-workspace-volumeclaimtemplate");

    assertThat(e.outcome).succeeded().hasChildren("checkout", "count-lines");
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.childNames()).containsExactly("checkout-and-count-checkout", "checkout-and-count-count-lines");
    e.assertRanInOrder("checkout", "count-lines");
    assertThat(e.skipped()).isEmpty();
    assertThat(e.memberObjects(PVCS)).isEmpty();
    assertThat(e.memberObjects(TektonTypes.PIPELINE_RUN)).containsExactly("checkout-and-count");
  }

  @Test
  @DisplayName("taskrun-workspace-configmap: the ConfigMap bound as a workspace reaches the member with its data")
  void workspaceConfigMap() {
    Example e = dispatch("taskrun-workspace-configmap");

    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    ObjectNode settings = e.assertCopied(BuiltInTypes.CONFIG_MAPS, "build-settings");
    assertThat(settings.at("/data/toolchain").asText()).isEqualTo("temurin-17");
    assertThat(settings.at("/metadata/labels/fleetfed.io~1managed").asText()).isEqualTo("true");
  }

  @Test
  @DisplayName("taskrun-workspace-secret: the Secret bound as a workspace reaches the member with its keys")
  void workspaceSecret() {
    Example e = dispatch("taskrun-workspace-secret");

    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    ObjectNode key = e.assertCopied(BuiltInTypes.SECRETS, "deploy-key");
    assertThat(secretValue(key, "id_ed25519")).isEqualTo("not-a-real-key");
    assertThat(secretValue(key, "known_hosts")).startsWith("git.example.com");
  }

  @Test
  @DisplayName("taskrun-workspace-projected: a projected workspace's ConfigMap and Secret both reach the member")
  void workspaceProjected() {
    Example e = dispatch("taskrun-workspace-projected");

    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    e.assertCopied(BuiltInTypes.CONFIG_MAPS, "registry-config");
    e.assertCopied(BuiltInTypes.SECRETS, "registry-auth");
  }

  // ---- params --------------------------------------------------------------------------------------------------

  @Test
  @DisplayName("taskrun-params-string-defaults: the default and the given value meet in the result; the Task is "
      + "sent")
  void paramsStringDefaults() {
    Example e = dispatch("taskrun-params-string-defaults");

    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.outcome.results()).containsExactly(entry("line", "Howdy, fleet"));
    assertThat(e.assertCopied(TektonTypes.TASK, "greet").at("/spec/params/0/default").asText()).isEqualTo("Howdy");
  }

  @Test
  @DisplayName("taskrun-params-array: array params reach the member as arrays; the string param fills the result")
  void paramsArray() {
    Example e = dispatch("taskrun-params-array");

    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.outcome.results()).containsExactly(entry("report-file", "lint.sarif"));
    assertThat(e.onMember(TektonTypes.TASK_RUN, "lint-some").at("/spec/params/0/value"))
        .isEqualTo(JSON.valueToTree(List.of("src/main", "src/test")));
    assertThat(e.outcome.steps()).extracting(StepStatus::name).containsExactly("lint", "note");
  }

  @Test
  @DisplayName("pipelinerun-params-object: the object param's keys, given over the default, reach the child")
  void paramsObject() {
    Example e = dispatch("pipelinerun-params-object");

    assertThat(e.outcome).succeeded().hasChildren("clone");
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.childParams("clone-object-clone")).containsExactly(
        entry("url", "https://git.example.com/team/service.git"), entry("revision", "v2.3.1"));
  }

  @Test
  @DisplayName("pipelinerun-params-array: the array default goes whole to the child, the string param as given")
  void paramsPipelineArray() {
    Example e = dispatch("pipelinerun-params-array");

    assertThat(e.outcome).succeeded().hasChildren("test");
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.childParams("test-modules-test")).containsExactly(entry("modules", "[\"core\",\"api\",\"cli\"]"),
        entry("profile", "ci"));
  }

  // ---- results -------------------------------------------------------------------------------------------------

  @Test
  @DisplayName("taskrun-results: a string, an array and an object result, typed on the member")
  void taskResults() {
    Example e = dispatch("taskrun-results");

    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.outcome.results()).containsExactly(entry("commit", "9f1c2ab"),
        entry("modules", "[\"core\",\"cli\"]"),
        entry("image", "{\"url\":\"registry.example.com/app\",\"digest\":\"sha256:feed\"}"));
    JsonNode results = e.onMember(TektonTypes.TASK_RUN, "describe-build").at("/status/results");
    assertThat(results.findValuesAsText("type")).containsExactly("string", "array", "object");
  }

  @Test
  @DisplayName("pipelinerun-results-between-tasks: a result becomes the next task's param and the pipeline's results")
  void resultsBetweenTasks() {
    Example e = dispatch("pipelinerun-results-between-tasks");

    assertThat(e.outcome).succeeded().hasChildren("compute-version", "tag");
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.outcome.results()).containsExactly(entry("version", "1.4.0"), entry("tag", "v1.4.0"));
    assertThat(e.childParams("version-and-tag-tag")).containsExactly(entry("version", "1.4.0"));
    e.assertRanInOrder("compute-version", "tag");
  }

  // ---- finally -------------------------------------------------------------------------------------------------

  @Test
  @DisplayName("pipelinerun-finally: the failed build stops the DAG; finally runs, guarded on the failure; Failed")
  void finallyTasks() {
    tekton.script("build-with-cleanup-compile", RunScript.failsAfter(Duration.ofMillis(20), "Failed",
        "\"step-make\" exited with code 2"));
    Example e = dispatch("pipelinerun-finally");

    assertThat(e.outcome).hasPhase(RunPhase.FAILED);
    assertThat(e.outcome.reason()).isEqualTo("Failed");
    assertThat(e.outcome.message()).isEqualTo("Tasks Completed: 3 (Failed: 1, Cancelled 0), Skipped: 2");
    assertThat(e.outcome.children()).extracting(ChildRunStatus::pipelineTask, ChildRunStatus::phase)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("compile", RunPhase.FAILED),
            org.assertj.core.groups.Tuple.tuple("cleanup", RunPhase.SUCCEEDED),
            org.assertj.core.groups.Tuple.tuple("notify-failure", RunPhase.SUCCEEDED));
    assertThat(e.skipped()).containsExactly(entry("package", "PipelineRun was stopping"),
        entry("notify-success", "When Expressions evaluated to false"));
    assertThat(e.childParams("build-with-cleanup-notify-failure")).containsExactly(entry("compile-status", "Failed"));
    e.assertRanInOrder("compile", "cleanup");
  }

  @Test
  @DisplayName("pipelinerun-finally-results: a finally task reads a task result; the pipeline result is finally's")
  void finallyResults() {
    Example e = dispatch("pipelinerun-finally-results");

    assertThat(e.outcome).succeeded().hasChildren("unit-tests", "summarise");
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.outcome.results()).containsExactly(entry("summary", "128 tests passed"));
    assertThat(e.childParams("summarise-summarise")).containsExactly(entry("passed", "128"));
    e.assertRanInOrder("unit-tests", "summarise");
  }

  // ---- when ----------------------------------------------------------------------------------------------------

  @Test
  @DisplayName("pipelinerun-when-params: in/notin on params; the skipped task's dependent still runs; Completed")
  void whenParams() {
    Example e = dispatch("pipelinerun-when-params");

    assertThat(e.outcome).succeeded().hasChildren("smoke-test", "preview");
    assertThat(e.outcome.reason()).isEqualTo("Completed");
    assertThat(e.outcome.message()).isEqualTo("Tasks Completed: 2 (Failed: 0, Cancelled 0), Skipped: 1");
    assertThat(e.skipped()).containsExactly(entry("deploy-production", "When Expressions evaluated to false"));
    assertThat(e.skippedWhen("deploy-production")).isEqualTo(JSON.valueToTree(List.of(Map.of(
        "input", "feature/login", "operator", "in", "values", List.of("main", "release")))));
    assertThat(e.childNames()).doesNotContain("branch-gates-deploy-production");
  }

  @Test
  @DisplayName("pipelinerun-when-cel: the CEL expression that holds runs its task, the other is skipped")
  void whenCel() {
    Example e = dispatch("pipelinerun-when-cel");

    assertThat(e.outcome).succeeded().hasChildren("review-checks");
    assertThat(e.outcome.reason()).isEqualTo("Completed");
    assertThat(e.skipped()).containsExactly(entry("publish", "When Expressions evaluated to false"));
    assertThat(e.skippedWhen("publish")).isEqualTo(JSON.valueToTree(List.of(Map.of(
        "cel", "'pull_request' == 'push' || 'pull_request' == 'tag'"))));
  }

  @Test
  @DisplayName("pipelinerun-when-workspace-bound: the unbound optional workspace skips its task, the bound one runs")
  void whenWorkspaceBound() {
    Example e = dispatch("pipelinerun-when-workspace-bound");

    assertThat(e.outcome).succeeded().hasChildren("build");
    assertThat(e.outcome.reason()).isEqualTo("Completed");
    assertThat(e.skipped()).containsExactly(entry("restore-cache", "When Expressions evaluated to false"));
    assertThat(e.skippedWhen("restore-cache").at("/0/input").asText()).isEqualTo("false");
  }

  @Test
  @DisplayName("pipelinerun-when-results: a result skips the deploy; its runAfter dependent runs, its result's "
      + "consumer is skipped")
  void whenResults() {
    Example e = dispatch("pipelinerun-when-results");

    assertThat(e.outcome).succeeded().hasChildren("detect-changes", "audit");
    assertThat(e.outcome.reason()).isEqualTo("Completed");
    assertThat(e.skipped()).containsExactly(entry("deploy", "When Expressions evaluated to false"),
        entry("announce", "Results were missing"));
    e.assertRanInOrder("detect-changes", "audit");
  }

  // ---- matrix --------------------------------------------------------------------------------------------------

  @Test
  @DisplayName("pipelinerun-matrix: 2 x 2 combinations, one TaskRun each, the fixed param on every one")
  void matrix() {
    Example e = dispatch("pipelinerun-matrix");

    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.outcome.children()).hasSize(4).allSatisfy(c -> assertThat(c.pipelineTask()).isEqualTo("build"));
    assertThat(e.childNames()).containsExactly("cross-build-build-0", "cross-build-build-1", "cross-build-build-2",
        "cross-build-build-3");
    List<String> combinations = new ArrayList<>();
    for (String child : e.childNames()) {
      Map<String, String> p = e.childParams(child);
      assertThat(p).containsEntry("flags", "-trimpath");
      combinations.add(p.get("goos") + "/" + p.get("goarch"));
    }
    assertThat(combinations).containsExactlyInAnyOrder("linux/amd64", "linux/arm64", "darwin/amd64",
        "darwin/arm64");
  }

  @Test
  @DisplayName("pipelinerun-matrix-include: include adds -race to 1.22 and a combination of its own (tip)")
  void matrixInclude() {
    Example e = dispatch("pipelinerun-matrix-include");

    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.childNames()).containsExactly("go-versions-test-0", "go-versions-test-1", "go-versions-test-2");
    assertThat(e.childParams("go-versions-test-0")).containsExactly(entry("go-version", "1.21"));
    assertThat(e.childParams("go-versions-test-1")).containsOnly(entry("go-version", "1.22"), entry("flags", "-race"));
    assertThat(e.childParams("go-versions-test-2")).containsExactly(entry("go-version", "tip"));
  }

  @Test
  @DisplayName("pipelinerun-matrix-empty: an empty matrix array skips the task and its dependent; the rest runs")
  void matrixEmpty() {
    Example e = dispatch("pipelinerun-matrix-empty");

    assertThat(e.outcome).succeeded().hasChildren("docs");
    assertThat(e.outcome.reason()).isEqualTo("Completed");
    assertThat(e.outcome.message()).isEqualTo("Tasks Completed: 1 (Failed: 0, Cancelled 0), Skipped: 2");
    assertThat(e.skipped()).containsExactly(entry("deploy", "Matrix Parameters have an empty array"),
        entry("verify", "Parent Tasks were skipped"));
    assertThat(e.childNames()).containsExactly("no-targets-docs");
  }

  @Test
  @DisplayName("pipelinerun-matrix-results: each combination's result, gathered for the next task and the pipeline")
  void matrixResults() {
    Example e = dispatch("pipelinerun-matrix-results");

    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.childNames()).containsExactly("images-per-platform-build-image-0",
        "images-per-platform-build-image-1", "images-per-platform-build-image-2", "images-per-platform-manifest");
    String images = "[\"app-linux-amd64\",\"app-linux-arm64\",\"app-windows-amd64\"]";
    assertThat(e.outcome.results()).containsExactly(entry("images", images));
    assertThat(e.childParams("images-per-platform-manifest")).containsExactly(entry("images", images));
  }

  // ---- sidecars and StepActions --------------------------------------------------------------------------------

  @Test
  @DisplayName("taskrun-sidecar: the sidecar's env Secret goes with the run; the steps run")
  void sidecar() {
    Example e = dispatch("taskrun-sidecar");

    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.outcome.steps()).extracting(StepStatus::name).containsExactly("wait-for-db", "test");
    assertThat(secretValue(e.assertCopied(BuiltInTypes.SECRETS, "postgres-password"), "password"))
        .isEqualTo("s3cret");
  }

  @Test
  @DisplayName("taskrun-stepaction: the StepAction a step references goes to the member")
  void stepAction() {
    Example e = dispatch("taskrun-stepaction");

    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.outcome.steps()).extracting(StepStatus::name).containsExactly("banner", "build");
    assertThat(e.assertCopied(TektonTypes.STEP_ACTION, "print-banner").at("/spec/image").asText())
        .isEqualTo("busybox:1.36");
  }

  @Test
  @DisplayName("pipelinerun-stepaction-from-host: the Task and its StepAction come from the host to the member")
  void stepActionFromHost() {
    Example e = dispatch("pipelinerun-stepaction-from-host");

    assertThat(e.outcome).succeeded().hasChildren("fetch");
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.request.dependencies()).isEmpty();
    e.assertCopied(TektonTypes.TASK, "git-fetch");
    e.assertCopied(TektonTypes.STEP_ACTION, "git-clone-action");
    assertThat(e.childParams("fetch-sources-fetch")).containsExactly(
        entry("url", "https://git.example.com/team/app.git"));
  }

  // ---- Secrets and ConfigMaps through env, envFrom, volumes, pod templates -------------------------------------

  @Test
  @DisplayName("taskrun-env-secret-configmap: secretKeyRef and configMapKeyRef objects go; the unused Secret does not")
  void envKeyRefs() {
    Example e = dispatch("taskrun-env-secret-configmap");

    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(secretValue(e.assertCopied(BuiltInTypes.SECRETS, "db-credentials"), "password")).isEqualTo("hunter2");
    assertThat(e.assertCopied(BuiltInTypes.CONFIG_MAPS, "db-endpoint").at("/data/url").asText())
        .startsWith("jdbc:postgresql");
    assertThat(e.memberObjects(BuiltInTypes.SECRETS)).containsExactly("db-credentials");
    assertThat(e.otherMember(BuiltInTypes.SECRETS, "unrelated-token")).isEmpty();
  }

  @Test
  @DisplayName("taskrun-envfrom: the step template's envFrom ConfigMap and a step's envFrom Secret go to the member")
  void envFrom() {
    Example e = dispatch("taskrun-envfrom");

    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.assertCopied(BuiltInTypes.CONFIG_MAPS, "proxy-settings").at("/data/NO_PROXY").asText())
        .isEqualTo(".svc,.cluster.local");
    assertThat(secretValue(e.assertCopied(BuiltInTypes.SECRETS, "npm-token"), "TOKEN")).isEqualTo("npm_abc");
  }

  @Test
  @DisplayName("taskrun-volumes: the host's Task and its volumes' Secret and ConfigMap reach the member")
  void volumes() {
    Example e = dispatch("taskrun-volumes");

    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.outcome.steps()).extracting(StepStatus::name).containsExactly("sign");
    e.assertCopied(TektonTypes.TASK, "sign");
    e.assertCopied(BuiltInTypes.SECRETS, "signing-cert");
    e.assertCopied(BuiltInTypes.CONFIG_MAPS, "cosign-policy");
  }

  @Test
  @DisplayName("taskrun-podtemplate: the pod template's volume ConfigMap and image-pull Secret reach the member")
  void podTemplate() {
    Example e = dispatch("taskrun-podtemplate");

    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    e.assertCopied(BuiltInTypes.CONFIG_MAPS, "ca-bundle");
    assertThat(e.assertCopied(BuiltInTypes.SECRETS, "private-registry").path("type").asText())
        .isEqualTo("kubernetes.io/dockerconfigjson");
  }

  // ---- resolvers -----------------------------------------------------------------------------------------------

  @Test
  @DisplayName("pipelinerun-cluster-resolver: the catalog Task goes to its own namespace on the member")
  void clusterResolver() {
    Example e = dispatch("pipelinerun-cluster-resolver");

    assertThat(e.outcome).succeeded().hasChildren("lint", "report");
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    e.assertRanInOrder("lint", "report");
    assertThat(get(e.member, TektonTypes.TASK, "cluster-resolver-catalog", "shellcheck")).isPresent();
    assertThat(get(e.other, TektonTypes.TASK, "cluster-resolver-catalog", "shellcheck")).isEmpty();
    assertThat(e.memberObjects(TektonTypes.TASK)).as("nothing copied into the run's own namespace").isEmpty();
  }

  @Test
  @DisplayName("pipelinerun-cluster-resolver-pipeline: the shared Pipeline goes to its namespace, its Tasks to the "
      + "run's; its tasks run")
  void clusterResolverPipeline() {
    Example e = dispatch("pipelinerun-cluster-resolver-pipeline");

    assertThat(e.outcome).succeeded().hasChildren("audit", "licenses");
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    e.assertRanInOrder("audit", "licenses");
    assertThat(e.childParams("standard-checks-audit")).containsExactly(entry("severity", "high"));
    assertThat(get(e.member, TektonTypes.PIPELINE, "cluster-resolver-pipelines", "checks")).isPresent();
    assertThat(get(e.other, TektonTypes.PIPELINE, "cluster-resolver-pipelines", "checks")).isEmpty();
    e.assertCopied(TektonTypes.TASK, "dependency-audit");
    e.assertCopied(TektonTypes.TASK, "license-check");
    assertThat(e.memberObjects(TektonTypes.PIPELINE)).as("no Pipeline in the run's own namespace").isEmpty();
  }

  @Test
  @DisplayName("pipelinerun-git-resolver: the git resolver's token Secret goes to the member; the Task does not")
  void gitResolverInPipeline() {
    Example e = dispatch("pipelinerun-git-resolver");

    assertThat(e.outcome).succeeded().hasChildren("build");
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(secretValue(e.assertCopied(BuiltInTypes.SECRETS, "catalog-git-token"), "token"))
        .isEqualTo("ghp_notreal");
    assertThat(e.memberObjects(TektonTypes.TASK)).isEmpty();
  }

  @Test
  @DisplayName("taskrun-git-resolver-token: a TaskRun's git resolver token Secret goes to the member")
  void gitResolverTaskRun() {
    Example e = dispatch("taskrun-git-resolver-token");

    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(secretValue(e.assertCopied(BuiltInTypes.SECRETS, "gitlab-token"), "api-token"))
        .isEqualTo("glpat-notreal");
    assertThat(e.memberObjects(TektonTypes.TASK)).isEmpty();
  }

  // ---- retries and timeouts ------------------------------------------------------------------------------------

  @Test
  @DisplayName("taskrun-retries: a failed first attempt is retried; it succeeds in the retry's pod")
  void taskRunRetries() {
    tekton.script("flaky-download", RunScript.succeeds().withFailedAttempts(1));
    Example e = dispatch("taskrun-retries");

    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.outcome.podName()).contains("flaky-download-pod-retry1");
    JsonNode retries = e.onMember(TektonTypes.TASK_RUN, "flaky-download").at("/status/retriesStatus");
    assertThat(retries).hasSize(1);
    assertThat(retries.at("/0/podName").asText()).isEqualTo("flaky-download-pod");
  }

  @Test
  @DisplayName("pipelinerun-retries: a task out of retries fails the run; the finally task still runs")
  void pipelineRunRetries() {
    tekton.script("e2e-with-retry-e2e", RunScript.succeeds().withFailedAttempts(2));
    Example e = dispatch("pipelinerun-retries");

    assertThat(e.outcome).hasPhase(RunPhase.FAILED);
    assertThat(e.outcome.reason()).isEqualTo("Failed");
    assertThat(e.outcome.children()).extracting(ChildRunStatus::pipelineTask, ChildRunStatus::phase)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("e2e", RunPhase.FAILED),
            org.assertj.core.groups.Tuple.tuple("collect-videos", RunPhase.SUCCEEDED));
    ObjectNode child = e.onMember(TektonTypes.TASK_RUN, "e2e-with-retry-e2e");
    assertThat(child.at("/spec/retries").asInt()).isEqualTo(1);
    assertThat(child.at("/status/retriesStatus")).hasSize(1);
  }

  @Test
  @DisplayName("taskrun-timeout: the run outlives spec.timeout and ends TIMED_OUT, TaskRunTimeout")
  void taskRunTimeout() {
    tekton.script("hung-build", RunScript.runsForever());
    Example e = dispatch("taskrun-timeout");

    assertThat(e.outcome).hasPhase(RunPhase.TIMED_OUT);
    assertThat(e.outcome.reason()).isEqualTo("TaskRunTimeout");
    assertThat(e.onMember(TektonTypes.TASK_RUN, "hung-build").at("/spec/timeout").asText()).isEqualTo("400ms");
  }

  @Test
  @DisplayName("pipelinerun-timeouts-tasks: timeouts.tasks cancels the hung task, skips the next; finally runs")
  void pipelineTasksTimeout() {
    tekton.script("bounded-tasks-soak-test", RunScript.runsForever());
    Example e = dispatch("pipelinerun-timeouts-tasks");

    assertThat(e.outcome).hasPhase(RunPhase.FAILED);
    assertThat(e.outcome.reason()).isEqualTo("Failed");
    assertThat(e.outcome.children()).extracting(ChildRunStatus::pipelineTask, ChildRunStatus::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("soak-test", "TaskRunCancelled"),
            org.assertj.core.groups.Tuple.tuple("teardown", "Succeeded"));
    assertThat(e.skipped()).containsOnlyKeys("publish");
  }

  @Test
  @DisplayName("pipelinerun-timeouts-pipeline: timeouts.pipeline ends the run TIMED_OUT, PipelineRunTimeout")
  void pipelineTimeout() {
    tekton.script("bounded-pipeline-load-test", RunScript.runsForever());
    Example e = dispatch("pipelinerun-timeouts-pipeline");

    assertThat(e.outcome).hasPhase(RunPhase.TIMED_OUT);
    assertThat(e.outcome.reason()).isEqualTo("PipelineRunTimeout");
    assertThat(e.childNames()).containsExactly("bounded-pipeline-load-test");
    // as in Tekton, the children are cancelled after the PipelineRun has ended
    Await.until(WAIT, "the hung child cancelled", () -> "TaskRunCancelled".equals(
        e.onMember(TektonTypes.TASK_RUN, "bounded-pipeline-load-test").at("/status/conditions/0/reason").asText()));
    assertThat(e.onMember(TektonTypes.TASK_RUN, "bounded-pipeline-load-test").at("/spec/statusMessage").asText())
        .isEqualTo("TaskRun cancelled as the PipelineRun it belongs to has timed out.");
  }

  // ---- ServiceAccounts -----------------------------------------------------------------------------------------

  @Test
  @DisplayName("pipelinerun-serviceaccount: the account, its git Secret and its pull Secret reach the member; the "
      + "children run as it")
  void serviceAccount() {
    Example e = dispatch("pipelinerun-serviceaccount");

    assertThat(e.outcome).succeeded().hasChildren("clone", "build");
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    e.assertCopied(BuiltInTypes.SERVICE_ACCOUNTS, "ci-builder");
    assertThat(e.assertCopied(BuiltInTypes.SECRETS, "git-basic-auth").at("/metadata/annotations/tekton.dev~1git-0")
        .asText()).isEqualTo("https://git.example.com");
    e.assertCopied(BuiltInTypes.SECRETS, "registry-pull");
    for (String child : e.childNames()) {
      assertThat(e.onMember(TektonTypes.TASK_RUN, child).at("/spec/serviceAccountName").asText()).as(child)
          .isEqualTo("ci-builder");
    }
  }

  @Test
  @DisplayName("pipelinerun-taskrunspecs: the deploy task runs as its own account, the test as the run's; both go")
  void taskRunSpecs() {
    Example e = dispatch("pipelinerun-taskrunspecs");

    assertThat(e.outcome).succeeded().hasChildren("test", "deploy");
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    e.assertCopied(BuiltInTypes.SERVICE_ACCOUNTS, "tester");
    e.assertCopied(BuiltInTypes.SERVICE_ACCOUNTS, "deployer");
    e.assertCopied(BuiltInTypes.SECRETS, "prod-kubeconfig");
    assertThat(e.onMember(TektonTypes.TASK_RUN, "test-then-deploy-test").at("/spec/serviceAccountName").asText())
        .isEqualTo("tester");
    assertThat(e.onMember(TektonTypes.TASK_RUN, "test-then-deploy-deploy").at("/spec/serviceAccountName").asText())
        .isEqualTo("deployer");
  }

  // ---- pipelines -----------------------------------------------------------------------------------------------

  @Test
  @DisplayName("pipelinerun-dag-from-host: a five-task DAG from the host's Pipeline and Tasks runs in runAfter order")
  void dagFromHost() {
    Example e = dispatch("pipelinerun-dag-from-host");

    assertThat(e.outcome).succeeded().hasChildren("fetch", "lint", "unit-test", "package", "publish");
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.outcome.message()).isEqualTo("Tasks Completed: 5 (Failed: 0, Cancelled 0), Skipped: 0");
    e.assertRanInOrder("fetch", "lint");
    e.assertRanInOrder("fetch", "unit-test");
    e.assertRanInOrder("lint", "package");
    e.assertRanInOrder("unit-test", "package");
    e.assertRanInOrder("package", "publish");
    e.assertCopied(TektonTypes.PIPELINE, "release");
    for (String task : List.of("git-fetch", "lint", "unit-test", "package", "publish")) {
      e.assertCopied(TektonTypes.TASK, task);
    }
    assertThat(e.childParams("release-1-4-0-package")).containsExactly(entry("version", "1.4.0"));
  }

  @Test
  @DisplayName("pipelinerun-with-clusterrolebinding: the generateName ClusterRoleBinding is ignored with a warning")
  void extraClusterRoleBinding() {
    Example e = dispatch("pipelinerun-with-clusterrolebinding");

    assertThat(e.request.ignored()).singleElement().asString()
        .startsWith("pipelinerun-with-clusterrolebinding.yaml, document 1: ClusterRoleBinding")
        .contains("ignored");
    assertThat(e.request.dependencies()).isEmpty();
    assertThat(e.outcome).succeeded().hasChildren("list");
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    for (String c : sandbox.clusterNames()) {
      assertThat(sandbox.cluster(c).client().genericKubernetesResources(ResourceContexts.of(CLUSTER_ROLE_BINDINGS))
          .list().getItems()).as(c).noneMatch(b -> b.getMetadata().getName().startsWith("default-view-"));
    }
  }

  @Test
  @DisplayName("pipelinerun-pipeline-in-pipeline: the child Pipeline and its Task go; the simulator says it cannot "
      + "run it")
  void pipelineInPipeline() {
    Example e = dispatch("pipelinerun-pipeline-in-pipeline");

    e.assertCopied(TektonTypes.PIPELINE, "security-scan");
    e.assertCopied(TektonTypes.TASK, "trivy-scan");
    assertThat(e.outcome).hasPhase(RunPhase.FAILED);
    assertThat(e.outcome.reason()).isEqualTo("SimulationUnsupported");
    assertThat(e.outcome.message()).contains("Pipelines in Pipelines").contains("spec.tasks[1].pipelineRef");
    assertThat(e.outcome.children()).isEmpty();
  }

  @Test
  @DisplayName("taskrun-failing-step: a failing step ends the TaskRun FAILED with Tekton's reason and message")
  void failingStep() {
    tekton.script("red-tests", RunScript.failsAfter(Duration.ofMillis(20), "Failed",
        "\"step-test\" exited with code 1"));
    Example e = dispatch("taskrun-failing-step");

    assertThat(e.outcome).hasPhase(RunPhase.FAILED);
    assertThat(e.outcome.reason()).isEqualTo("Failed");
    assertThat(e.outcome.message()).isEqualTo("\"step-test\" exited with code 1");
    assertThat(e.outcome.steps()).extracting(StepStatus::name, StepStatus::exitCode).containsExactly(
        org.assertj.core.groups.Tuple.tuple("compile", java.util.Optional.of(0)),
        org.assertj.core.groups.Tuple.tuple("test", java.util.Optional.of(1)));
  }

  @Test
  @DisplayName("taskrun-generatename: the generateName run is named from its key's hash; its tee'd result")
  void generateName() {
    Example e = dispatch("taskrun-generatename");

    assertThat(e.handle.name()).startsWith("nightly-report-").hasSize("nightly-report-".length() + 10);
    assertThat(e.outcome).succeeded();
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.outcome.name()).isEqualTo(e.handle.name());
    assertThat(e.outcome.results()).containsExactly(entry("day", "monday"));
    assertThat(e.memberObjects(TektonTypes.TASK_RUN)).containsExactly(e.handle.name());
  }

  @Test
  @DisplayName("pipelinerun-v1beta1: a v1beta1 run's ServiceAccount and Secret go; pipelineResults are its results")
  void v1beta1PipelineRun() {
    Example e = dispatch("pipelinerun-v1beta1");

    assertThat(e.outcome).succeeded().hasChildren("build");
    assertThat(e.outcome.reason()).isEqualTo("Succeeded");
    assertThat(e.outcome.results()).containsExactly(entry("artifact", "app-1.0.jar"));
    e.assertCopied(BuiltInTypes.SERVICE_ACCOUNTS, "legacy-builder");
    assertThat(e.assertCopied(BuiltInTypes.SECRETS, "legacy-git").path("type").asText())
        .isEqualTo("kubernetes.io/ssh-auth");
    assertThat(get(e.member, TektonTypes.PIPELINE_RUN.withVersion("v1beta1"), e.namespace, "legacy-build")
        .orElseThrow().at("/status/pipelineResults/0/value").asText()).isEqualTo("app-1.0.jar");
    assertThat(e.onMember(TektonTypes.TASK_RUN.withVersion("v1beta1"), "legacy-build-build")
        .at("/spec/serviceAccountName").asText()).isEqualTo("legacy-builder");
  }

  // ---- the harness ---------------------------------------------------------------------------------------------

  /** One dispatched example: its request, handle and outcome, and the member it ran on beside the other one. */
  private static final class Example {
    final String name;
    final DispatchRequest request;
    final RunHandle handle;
    final RunStatus outcome;
    final String namespace;
    final KubernetesClient member;
    final KubernetesClient other;

    Example(String name, DispatchRequest request, RunHandle handle, RunStatus outcome) {
      this.name = name;
      this.request = request;
      this.handle = handle;
      this.outcome = outcome;
      this.namespace = request.namespace();
      assertThat(handle.cluster()).as("a member, never the host").isIn("dev2", "dev3");
      this.member = sandbox.cluster(handle.cluster()).client();
      this.other = sandbox.cluster(handle.cluster().equals("dev2") ? "dev3" : "dev2").client();
    }

    /** The object on the run's member, in its namespace; fails if absent. */
    ObjectNode onMember(ResourceType type, String objectName) {
      return get(member, type, namespace, objectName)
          .orElseThrow(() -> new AssertionError(type.kind() + " " + namespace + "/" + objectName + " is not on "
              + handle.cluster() + " (" + name + ")"));
    }

    /** Checks the object is on the run's member, as fleetfed's copy, and not on the other member; returns it. */
    ObjectNode assertCopied(ResourceType type, String objectName) {
      ObjectNode copy = onMember(type, objectName);
      assertThat(copy.at("/metadata/labels/fleetfed.io~1managed").asText())
          .as(type.kind() + " " + objectName + " is fleetfed's copy").isEqualTo("true");
      assertThat(otherMember(type, objectName)).as(type.kind() + " " + objectName + " on the other member").isEmpty();
      return copy;
    }

    java.util.Optional<ObjectNode> otherMember(ResourceType type, String objectName) {
      return get(other, type, namespace, objectName);
    }

    /** The names of the objects of {@code type} in the run's namespace on its member. */
    List<String> memberObjects(ResourceType type) {
      return member.genericKubernetesResources(ResourceContexts.of(type)).inNamespace(namespace).list().getItems()
          .stream().map(r -> r.getMetadata().getName()).sorted().toList();
    }

    /** The PipelineRun's {@code status.skippedTasks} on the member, name to reason, in order. */
    Map<String, String> skipped() {
      Map<String, String> out = new LinkedHashMap<>();
      for (JsonNode s : run().at("/status/skippedTasks")) {
        out.put(s.path("name").asText(), s.path("reason").asText());
      }
      return out;
    }

    /** The when expressions Tekton reports for a skipped task (after substitution). */
    JsonNode skippedWhen(String task) {
      for (JsonNode s : run().at("/status/skippedTasks")) {
        if (s.path("name").asText().equals(task)) {
          return s.path("whenExpressions");
        }
      }
      throw new AssertionError(task + " was not skipped");
    }

    ObjectNode run() {
      ResourceType type = request.kind().equals("PipelineRun") ? TektonTypes.PIPELINE_RUN : TektonTypes.TASK_RUN;
      String apiVersion = request.run().path("apiVersion").asText();
      return onMember(type.withVersion(apiVersion.substring(apiVersion.indexOf('/') + 1)), handle.name());
    }

    List<String> childNames() {
      return outcome.children().stream().map(ChildRunStatus::name).toList();
    }

    /** A child TaskRun's params on the member; arrays and objects as JSON text. */
    Map<String, String> childParams(String child) {
      Map<String, String> out = new LinkedHashMap<>();
      for (JsonNode p : onMember(TektonTypes.TASK_RUN, child).at("/spec/params")) {
        JsonNode v = p.path("value");
        out.put(p.path("name").asText(), v.isTextual() ? v.asText() : v.toString());
      }
      return out;
    }

    /** Checks that the child of {@code after} started once the child of {@code before} had completed. */
    void assertRanInOrder(String before, String after) {
      ChildRunStatus first = child(before);
      ChildRunStatus second = child(after);
      Instant done = first.completionTime().orElseThrow(() -> new AssertionError(before + " did not complete"));
      Instant started = second.startTime().orElseThrow(() -> new AssertionError(after + " did not start"));
      assertThat(started).as(after + " started after " + before + " completed").isAfterOrEqualTo(done);
    }

    ChildRunStatus child(String pipelineTask) {
      return outcome.children().stream().filter(c -> c.pipelineTask().equals(pipelineTask)).findFirst()
          .orElseThrow(() -> new AssertionError("no child for " + pipelineTask + " in " + childNames()));
    }
  }

  /** Creates the example's host objects (if it has any), reads its file, dispatches it and awaits the outcome. */
  private Example dispatch(String example) {
    String hostObjects = resource(DIR + "host/" + example + ".yaml");
    if (hostObjects != null) {
      createInHost(hostObjects);
    }
    String file = example + ".yaml";
    String yaml = resource(DIR + file);
    assertThat(yaml).as(file).isNotNull();
    DispatchRequest request = DispatchRequest.read(file, yaml).build();
    RunHandle handle = dispatcher.dispatch(request);
    RunStatus outcome = handle.await(WAIT);
    assertThat(outcome).isDone();
    return new Example(example, request, handle, outcome);
  }

  private static String resource(String path) {
    try (InputStream in = TektonExamplesTest.class.getClassLoader().getResourceAsStream(path)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final Map<String, ResourceType> HOST_KINDS = Map.of(
      "Task", TektonTypes.TASK, "Pipeline", TektonTypes.PIPELINE, "StepAction", TektonTypes.STEP_ACTION,
      "Secret", BuiltInTypes.SECRETS, "ConfigMap", BuiltInTypes.CONFIG_MAPS,
      "ServiceAccount", BuiltInTypes.SERVICE_ACCOUNTS, "PersistentVolumeClaim", PVCS);

  private static void createInHost(String yaml) {
    KubernetesClient host = sandbox.cluster("dev1").client();
    try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(yaml)) {
      while (parser.nextToken() != null) {
        ObjectNode o = (ObjectNode) YAML.readTree(parser);
        String kind = o.path("kind").asText();
        ResourceType type = HOST_KINDS.get(kind);
        assertThat(type).as("a host object's kind: " + kind).isNotNull();
        String version = o.path("apiVersion").asText();
        type = type.withVersion(version.substring(version.indexOf('/') + 1));
        String ns = o.at("/metadata/namespace").asText();
        if (host.namespaces().withName(ns).get() == null) {
          host.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
              .create();
        }
        host.genericKubernetesResources(ResourceContexts.of(type)).inNamespace(ns)
            .resource(JSON.convertValue(o, GenericKubernetesResource.class)).create();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String secretValue(ObjectNode secret, String key) {
    JsonNode data = secret.path("data").path(key);
    return data.isTextual() ? new String(Base64.getDecoder().decode(data.asText()), StandardCharsets.UTF_8)
        : secret.path("stringData").path(key).asText();
  }
}
