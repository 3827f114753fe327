package io.fleetfed.tekton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fleetfed.core.model.ResourceType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a run needs in the cluster that runs it: each row is a run, what the request gives, what the source cluster
 * holds, and the dependencies (in order, each with why) or the refusal that must come of it.
 */
class ClosureTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * One closure to compute.
   *
   * @param source the source cluster's objects, one YAML document each
   * @param expected each dependency as {@code apiVersion Kind namespace/name <- why}
   */
  private record Row(String rule, String run, List<String> given, List<String> source, List<String> expected) {
    @Override
    public String toString() {
      return rule;
    }
  }

  private static ObjectNode yaml(String text) {
    try {
      return (ObjectNode) YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A source cluster holding {@code objects}; optional reads are answered the same way. */
  private static Closure.Source source(List<String> objects) {
    Map<String, ObjectNode> byKey = new LinkedHashMap<>();
    for (String text : objects) {
      ObjectNode o = yaml(text);
      byKey.put(o.path("apiVersion").asText() + " " + o.path("kind").asText() + " "
          + o.path("metadata").path("namespace").asText() + "/" + o.path("metadata").path("name").asText(), o);
    }
    return (type, ns, name, optional) -> Optional.ofNullable(byKey.get(type.apiVersion() + " " + type.kind() + " "
        + ns + "/" + name)).map(ObjectNode::deepCopy);
  }

  private static List<Closure.Dependency> closure(Row row) {
    return result(row.run(), row.given(), row.source()).dependencies();
  }

  /** The closure of {@code run}, the given objects coming from documents 2, 3... of {@code run.yaml}. */
  static Closure.Result result(String run, List<String> given, List<String> source) {
    List<Closure.Given> objects = new ArrayList<>();
    for (int i = 0; i < given.size(); i++) {
      objects.add(new Closure.Given(yaml(given.get(i)), "run.yaml, document " + (i + 2)));
    }
    return Closure.of(yaml(run), "request", objects, source(source), "dev1 (the host)");
  }

  private static String describe(Closure.Dependency d) {
    ResourceType t = d.type();
    String ns = d.object().path("metadata").path("namespace").asText();
    return t.apiVersion() + " " + t.kind() + " " + ns + "/" + d.object().path("metadata").path("name").asText()
        + " <- " + d.why();
  }

  static Stream<Row> closures() {
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("a TaskRun's Task, found at v1, and the default ServiceAccount when the source has one", """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: clone-1, namespace: ci}
        spec: {taskRef: {name: git-clone}}
        """, List.of(), List.of("""
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: git-clone, namespace: ci}
        spec: {steps: [{name: clone, image: alpine/git}]}
        """, """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: default, namespace: ci}
        """), List.of("tekton.dev/v1 Task ci/git-clone <- spec.taskRef",
            "v1 ServiceAccount ci/default <- spec.serviceAccountName")));
    rows.add(new Row("a Task only at v1beta1 is found there; a missing default ServiceAccount is no problem", """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: clone-1, namespace: ci}
        spec: {taskRef: {name: old}}
        """, List.of(), List.of("""
        apiVersion: tekton.dev/v1beta1
        kind: Task
        metadata: {name: old, namespace: ci}
        spec: {steps: [{name: s, image: alpine}]}
        """), List.of("tekton.dev/v1beta1 Task ci/old <- spec.taskRef")));
    rows.add(new Row("a ClusterTask is cluster-scoped; a resolver, a custom task and an inline spec need nothing", """
        apiVersion: tekton.dev/v1beta1
        kind: PipelineRun
        metadata: {name: p-1, namespace: ci}
        spec:
          pipelineSpec:
            tasks:
            - {name: a, taskRef: {name: shared, kind: ClusterTask}}
            - {name: b, taskRef: {resolver: git, params: [{name: url, value: x}]}}
            - {name: c, taskRef: {apiVersion: example.dev/v1, kind: Wait, name: w}}
            - {name: d, taskSpec: {steps: [{name: s, image: alpine}]}}
        """, List.of(), List.of("""
        apiVersion: tekton.dev/v1beta1
        kind: ClusterTask
        metadata: {name: shared}
        spec: {steps: [{name: s, image: alpine}]}
        """), List.of("tekton.dev/v1beta1 ClusterTask /shared <- spec.pipelineSpec.tasks[0].taskRef")));
    rows.add(new Row("a Pipeline's Tasks (finally too), and the StepActions their steps name", """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: p-1, namespace: ci}
        spec: {pipelineRef: {name: build}}
        """, List.of(), List.of("""
        apiVersion: tekton.dev/v1
        kind: Pipeline
        metadata: {name: build, namespace: ci}
        spec:
          tasks: [{name: compile, taskRef: {name: compile}}]
          finally: [{name: report, taskRef: {name: report}}]
        """, """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: compile, namespace: ci}
        spec: {steps: [{name: go, ref: {name: go-build}}]}
        """, """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: report, namespace: ci}
        spec: {steps: [{name: post, image: curl}]}
        """, """
        apiVersion: tekton.dev/v1beta1
        kind: StepAction
        metadata: {name: go-build, namespace: ci}
        spec: {image: golang}
        """), List.of("tekton.dev/v1 Pipeline ci/build <- spec.pipelineRef",
            "tekton.dev/v1 Task ci/compile <- Pipeline build: spec.tasks[0].taskRef",
            "tekton.dev/v1 Task ci/report <- Pipeline build: spec.finally[0].taskRef",
            "tekton.dev/v1beta1 StepAction ci/go-build <- Task compile: spec.steps[0].ref")));
    rows.add(new Row("a ServiceAccount, its Secrets but its token, its and the pod template's image-pull Secrets", """
        apiVersion: tekton.dev/v1beta1
        kind: TaskRun
        metadata: {name: t-1, namespace: ci}
        spec:
          serviceAccountName: builder
          taskSpec: {steps: [{name: s, image: alpine}]}
          podTemplate: {imagePullSecrets: [{name: pull-2}]}
        """, List.of(), List.of("""
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: builder, namespace: ci}
        secrets: [{name: git-creds}, {name: builder-token-x1y2}]
        imagePullSecrets: [{name: pull-1}]
        """, """
        apiVersion: v1
        kind: Secret
        metadata: {name: git-creds, namespace: ci}
        """, """
        apiVersion: v1
        kind: Secret
        metadata: {name: pull-1, namespace: ci}
        """, """
        apiVersion: v1
        kind: Secret
        metadata: {name: pull-2, namespace: ci}
        """), List.of("v1 ServiceAccount ci/builder <- spec.serviceAccountName",
            "v1 Secret ci/pull-2 <- spec.podTemplate.imagePullSecrets[0]",
            "v1 Secret ci/git-creds <- ServiceAccount builder: secrets[0]",
            "v1 Secret ci/pull-1 <- ServiceAccount builder: imagePullSecrets[0]")));
    rows.add(new Row("a v1 PipelineRun's taskRunTemplate and taskRunSpecs accounts", """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: p-1, namespace: ci}
        spec:
          pipelineSpec: {tasks: [{name: a, taskSpec: {steps: [{name: s, image: alpine}]}}]}
          taskRunTemplate: {serviceAccountName: runner}
          taskRunSpecs: [{pipelineTaskName: a, serviceAccountName: deployer}]
        """, List.of(), List.of("""
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: runner, namespace: ci}
        """, """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: deployer, namespace: ci}
        """), List.of("v1 ServiceAccount ci/runner <- spec.taskRunTemplate.serviceAccountName",
            "v1 ServiceAccount ci/deployer <- spec.taskRunSpecs[0].serviceAccountName")));
    rows.add(new Row("workspaces: a Secret, a ConfigMap, a claim, projected sources; optional ones may be absent",
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: t-1, namespace: ci}
        spec:
          taskSpec: {steps: [{name: s, image: alpine}]}
          workspaces:
          - {name: creds, secret: {secretName: creds}}
          - {name: settings, configMap: {name: settings}}
          - {name: maybe, configMap: {name: absent, optional: true}}
          - {name: cache, persistentVolumeClaim: {claimName: cache}}
          - name: bundle
            projected: {sources: [{secret: {name: token}}, {configMap: {name: ca}}]}
        """, List.of(), List.of("""
        apiVersion: v1
        kind: Secret
        metadata: {name: creds, namespace: ci}
        """, """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: ci}
        """, """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: cache, namespace: ci}
        spec: {volumeName: pv-123, accessModes: [ReadWriteOnce]}
        """, """
        apiVersion: v1
        kind: Secret
        metadata: {name: token, namespace: ci}
        """, """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: ca, namespace: ci}
        """), List.of("v1 Secret ci/creds <- spec.workspaces[0].secret",
            "v1 ConfigMap ci/settings <- spec.workspaces[1].configMap",
            "v1 PersistentVolumeClaim ci/cache <- spec.workspaces[3].persistentVolumeClaim",
            "v1 Secret ci/token <- spec.workspaces[4].projected.sources[0].secret",
            "v1 ConfigMap ci/ca <- spec.workspaces[4].projected.sources[1].configMap")));
    rows.add(new Row("what the request gives wins over the source cluster's", """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: t-1, namespace: ci}
        spec: {taskRef: {name: build}}
        """, List.of("""
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: build}
        spec: {steps: [{name: given, image: alpine}]}
        """), List.of("""
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: build, namespace: ci}
        spec: {steps: [{name: from-the-source, image: alpine}]}
        """), List.of("tekton.dev/v1 Task ci/build <- spec.taskRef")));
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("closures")
  void findsWhatTheRunNeeds(Row row) {
    assertThat(closure(row)).extracting(ClosureTest::describe).containsExactlyElementsOf(row.expected());
  }

  @Test
  void theRequestsObjectIsTheOneUsed() {
    Row given = closures().filter(r -> r.rule().startsWith("what the request gives")).findFirst().orElseThrow();
    Closure.Dependency task = closure(given).get(0);
    assertThat(task.object().at("/spec/steps/0/name").asText()).isEqualTo("given");
    assertThat(task.object().at("/metadata/namespace").asText()).as("the run's namespace").isEqualTo("ci");
  }

  @Test
  void copiesLoseWhatOnlyTheirSourceClusterCanSay() {
    Row row = new Row("clean", """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: t-1, namespace: ci}
        spec:
          taskRef: {name: build}
          workspaces: [{name: cache, persistentVolumeClaim: {claimName: cache}}]
        """, List.of(), List.of("""
        apiVersion: tekton.dev/v1
        kind: Task
        metadata:
          name: build
          namespace: ci
          uid: 1234
          resourceVersion: "77"
          creationTimestamp: "2026-01-01T00:00:00Z"
          finalizers: [x]
          labels: {fleetfed.io/managed: "true", app: build}
          annotations:
            fleetfed.io/hash: abc
            kubectl.kubernetes.io/last-applied-configuration: "{}"
            team: ci
        spec: {steps: [{name: s, image: alpine}]}
        status: {anything: true}
        """, """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: cache, namespace: ci, annotations: {pv.kubernetes.io/bind-completed: "yes"}}
        spec: {volumeName: pv-123}
        """), List.of());
    List<Closure.Dependency> deps = closure(row);
    ObjectNode task = deps.get(0).object();
    assertThat(task.has("status")).isFalse();
    assertThat(task.path("metadata").has("uid")).isFalse();
    assertThat(task.path("metadata").has("resourceVersion")).isFalse();
    assertThat(task.path("metadata").has("creationTimestamp")).isFalse();
    assertThat(task.path("metadata").has("finalizers")).isFalse();
    assertThat(task.path("metadata").path("labels").has("fleetfed.io/managed")).isFalse();
    assertThat(task.at("/metadata/labels/app").asText()).isEqualTo("build");
    assertThat(task.path("metadata").path("annotations").has("fleetfed.io/hash")).isFalse();
    assertThat(task.path("metadata").path("annotations").has("kubectl.kubernetes.io/last-applied-configuration"))
        .isFalse();
    assertThat(task.at("/metadata/annotations/team").asText()).isEqualTo("ci");
    ObjectNode claim = deps.stream().filter(d -> d.type().kind().equals("PersistentVolumeClaim")).findFirst()
        .orElseThrow().object();
    assertThat(claim.at("/spec/volumeName").isMissingNode()).as("the member binds a volume of its own").isTrue();
    assertThat(claim.path("metadata").path("annotations").has("pv.kubernetes.io/bind-completed")).isFalse();
  }

  @Test
  void everyMissingDependencyIsNamedWithWhyInOneRefusal() {
    Row row = new Row("missing", """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: p-1, namespace: ci}
        spec:
          pipelineRef: {name: build}
          workspaces:
          - {name: creds, secret: {secretName: creds}}
          - {name: maybe, secret: {secretName: maybe, optional: true}}
        """, List.of(), List.of(), List.of());
    assertThatThrownBy(() -> closure(row)).isInstanceOfSatisfying(DispatchException.class, e -> {
      assertThat(e.getMessage()).isEqualTo("cannot dispatch PipelineRun ci/p-1: 2 dependencies are neither given nor "
          + "in the source cluster dev1 (the host): Pipeline ci/build (spec.pipelineRef); Secret "
          + "ci/creds (spec.workspaces[0].secret). Nothing was created.");
      assertThat(e.kind()).isEqualTo("PipelineRun");
      assertThat(e.namespace()).isEqualTo("ci");
      assertThat(e.name()).isEqualTo("p-1");
      assertThat(e.cluster()).isEmpty();
    });
  }
}
