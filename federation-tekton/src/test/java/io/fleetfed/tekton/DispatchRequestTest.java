package io.fleetfed.tekton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a dispatch request from a file: every problem names the file, the document and its kind and name. */
class DispatchRequestTest {

  /** The shape of Tekton's examples/v1/pipelineruns/pipelinerun.yaml: a ClusterRoleBinding beside the run. */
  private static final String EXAMPLE = """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {generateName: default-cluster-admin-}
      subjects: [{kind: ServiceAccount, name: default, namespace: default}]
      roleRef: {kind: ClusterRole, name: cluster-admin, apiGroup: rbac.authorization.k8s.io}
      ---
      apiVersion: tekton.dev/v1
      kind: Task
      metadata: {name: git-clone}
      spec: {steps: [{name: clone, image: alpine/git}]}
      ---
      apiVersion: tekton.dev/v1
      kind: Pipeline
      metadata: {name: demo.pipeline}
      spec: {tasks: [{name: fetch, taskRef: {name: git-clone}}]}
      ---
      apiVersion: v1
      kind: Secret
      metadata: {generateName: token-}
      ---
      apiVersion: tekton.dev/v1
      kind: PipelineRun
      metadata: {name: demo-pipeline-run-1}
      spec: {pipelineRef: {name: demo.pipeline}}
      """;

  private static List<String> problems(String yaml) {
    try {
      DispatchRequest.read("run.yaml", yaml).build();
    } catch (ValidationException e) {
      return e.violations().stream().map(Object::toString).toList();
    }
    throw new AssertionError("no problem found");
  }

  @Test
  void documentsNoRunCanUseAreIgnoredWithAWarningNamingThem() {
    DispatchRequest request = DispatchRequest.read("pipelinerun.yaml", EXAMPLE).build();

    assertThat(request.ignored()).containsExactly(
        "pipelinerun.yaml, document 1: ClusterRoleBinding default-cluster-admin-*: ignored: a run does not read a"
            + " ClusterRoleBinding (dispatch propagates only Tekton definitions, ServiceAccounts, Secrets, ConfigMaps"
            + " and PersistentVolumeClaims); create it on the members yourself if the run needs it",
        "pipelinerun.yaml, document 4: Secret token-*: ignored: it has no metadata.name, so no run can name it");
    assertThat(request.dependencies()).extracting(d -> d.path("kind").asText()).containsExactly("Task", "Pipeline");
    assertThat(request.dependencySources()).containsExactly("pipelinerun.yaml, document 2",
        "pipelinerun.yaml, document 3");
    assertThat(request.source()).isEqualTo("pipelinerun.yaml, document 5");
    assertThat(request.toBuilder().build().ignored()).as("kept by toBuilder").isEqualTo(request.ignored());
  }

  @Test
  void aProblemOfTheRunNamesItsDocument() {
    assertThat(problems("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        ---
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: Build_1, namespace: ci}
        """)).containsExactly(
        "run.yaml, document 2: TaskRun ci/Build_1: metadata.name: \"Build_1\" is not a valid Kubernetes name"
            + " (lower-case letters, digits, '-' and '.')",
        "run.yaml, document 2: TaskRun ci/Build_1: spec: is required");
  }

  @Test
  void aDocumentThatIsNotAKubernetesObjectNamesItsPosition() {
    assertThat(problems("""
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: b-1}
        spec: {taskRef: {name: build}}
        ---
        metadata: {name: build}
        spec: {steps: []}
        ---
        - a list
        """)).containsExactly(
        "run.yaml, document 2: (no kind) build: apiVersion: is required: a document must be a Kubernetes object",
        "run.yaml, document 2: (no kind) build: kind: is required: a document must be a Kubernetes object",
        "run.yaml, document 3: is not a mapping (apiVersion, kind, metadata...)");
  }

  @Test
  void twoRunsAreNamedWithTheirDocuments() {
    assertThat(problems("""
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: a, namespace: ci}
        spec: {}
        ---
        apiVersion: tekton.dev/v1beta1
        kind: PipelineRun
        metadata: {generateName: b-}
        spec: {}
        """)).containsExactly("run.yaml: kind: holds 2 runs (document 1: TaskRun ci/a; document 2: PipelineRun b-*);"
        + " dispatch one at a time");
  }

  @Test
  void aDependencyGivenInCodeIsNamedByItsPositionAndKind() {
    ObjectNode run = new ObjectMapper().createObjectNode();
    run.put("apiVersion", "tekton.dev/v1").put("kind", "TaskRun").putObject("metadata").put("name", "t-1");
    run.putObject("spec");
    ObjectNode binding = new ObjectMapper().createObjectNode();
    binding.put("apiVersion", "rbac.authorization.k8s.io/v1").put("kind", "ClusterRoleBinding")
        .putObject("metadata").put("generateName", "admin-");

    assertThatThrownBy(() -> DispatchRequest.builder(run).dependency(binding).build())
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations()).extracting(Object::toString)
            .containsExactly("request, dependencies[0]: ClusterRoleBinding admin-*: metadata.name: is required: a run"
                + " names what it needs (generateName cannot be named)"));
  }
}
