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

  /** One object of each name: {@code "Secret", "a", "b", "ConfigMap", "c"} gives Secrets a, b and ConfigMap c. */
  private static List<String> objects(String... kindsAndNames) {
    List<String> out = new ArrayList<>();
    String kind = "";
    for (String s : kindsAndNames) {
      if (Character.isUpperCase(s.charAt(0))) {
        kind = s;
      } else {
        out.add("apiVersion: v1\nkind: " + kind + "\nmetadata: {name: " + s + ", namespace: ci}\n");
      }
    }
    return out;
  }

  private static List<String> with(List<String> objects, String... more) {
    List<String> out = new ArrayList<>(objects);
    out.addAll(List.of(more));
    return out;
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
    rows.add(new Row("an inline taskSpec: steps' env and envFrom, a sidecar, the step template, Task volumes", """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: t-1, namespace: ci}
        spec:
          taskSpec:
            stepTemplate:
              envFrom: [{configMapRef: {name: template-cm}}]
            steps:
            - name: s
              image: alpine
              env:
              - {name: A, value: plain}
              - {name: B, valueFrom: {secretKeyRef: {name: env-secret, key: k}}}
              - {name: C, valueFrom: {configMapKeyRef: {name: env-cm, key: k}}}
              envFrom: [{secretRef: {name: from-secret}}, {configMapRef: {name: from-cm}}]
            sidecars:
            - {name: side, image: redis, env: [{name: D, valueFrom: {secretKeyRef: {name: side-secret, key: k}}}]}
            volumes:
            - {name: v1, secret: {secretName: vol-secret}}
            - {name: v2, configMap: {name: vol-cm}}
            - {name: v3, persistentVolumeClaim: {claimName: vol-claim}}
            - name: v4
              projected: {sources: [{secret: {name: proj-secret}}, {configMap: {name: proj-cm}}]}
            - {name: v5, emptyDir: {}}
        """, List.of(), objects("Secret", "env-secret", "from-secret", "side-secret", "vol-secret", "proj-secret",
            "ConfigMap", "template-cm", "env-cm", "from-cm", "vol-cm", "proj-cm", "PersistentVolumeClaim",
            "vol-claim"), List.of(
            "v1 Secret ci/env-secret <- spec.taskSpec.steps[0].env[1].valueFrom.secretKeyRef",
            "v1 ConfigMap ci/env-cm <- spec.taskSpec.steps[0].env[2].valueFrom.configMapKeyRef",
            "v1 Secret ci/from-secret <- spec.taskSpec.steps[0].envFrom[0].secretRef",
            "v1 ConfigMap ci/from-cm <- spec.taskSpec.steps[0].envFrom[1].configMapRef",
            "v1 Secret ci/side-secret <- spec.taskSpec.sidecars[0].env[0].valueFrom.secretKeyRef",
            "v1 ConfigMap ci/template-cm <- spec.taskSpec.stepTemplate.envFrom[0].configMapRef",
            "v1 Secret ci/vol-secret <- spec.taskSpec.volumes[0].secret",
            "v1 ConfigMap ci/vol-cm <- spec.taskSpec.volumes[1].configMap",
            "v1 PersistentVolumeClaim ci/vol-claim <- spec.taskSpec.volumes[2].persistentVolumeClaim",
            "v1 Secret ci/proj-secret <- spec.taskSpec.volumes[3].projected.sources[0].secret",
            "v1 ConfigMap ci/proj-cm <- spec.taskSpec.volumes[3].projected.sources[1].configMap")));
    rows.add(new Row("a referenced Task's steps, and a StepAction's env and envFrom", """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: t-1, namespace: ci}
        spec: {taskRef: {name: build}}
        """, List.of(), with(objects("Secret", "task-secret", "action-secret", "ConfigMap", "action-cm"), """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: build, namespace: ci}
        spec:
          steps:
          - {name: a, ref: {name: act}}
          - {name: b, image: alpine, envFrom: [{secretRef: {name: task-secret}}]}
        """, """
        apiVersion: tekton.dev/v1beta1
        kind: StepAction
        metadata: {name: act, namespace: ci}
        spec:
          image: alpine
          env: [{name: X, valueFrom: {secretKeyRef: {name: action-secret, key: k}}}]
          envFrom: [{configMapRef: {name: action-cm}}]
        """), List.of("tekton.dev/v1 Task ci/build <- spec.taskRef",
            "tekton.dev/v1beta1 StepAction ci/act <- Task build: spec.steps[0].ref",
            "v1 Secret ci/task-secret <- Task build: spec.steps[1].envFrom[0].secretRef",
            "v1 Secret ci/action-secret <- StepAction act: spec.env[0].valueFrom.secretKeyRef",
            "v1 ConfigMap ci/action-cm <- StepAction act: spec.envFrom[0].configMapRef")));
    rows.add(new Row("a v1 PipelineRun's pod templates: taskRunTemplate's and a taskRunSpec's, with its account", """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: p-1, namespace: ci}
        spec:
          pipelineSpec: {tasks: [{name: a, taskSpec: {steps: [{name: s, image: alpine}]}}]}
          taskRunTemplate:
            podTemplate:
              imagePullSecrets: [{name: pull}]
              volumes: [{name: v, secret: {secretName: template-secret}}]
          taskRunSpecs:
          - pipelineTaskName: a
            serviceAccountName: deployer
            podTemplate: {volumes: [{name: v, configMap: {name: spec-cm}}]}
        """, List.of(), with(objects("Secret", "pull", "template-secret", "deploy-key", "ConfigMap", "spec-cm"), """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: deployer, namespace: ci}
        secrets: [{name: deploy-key}]
        """), List.of("v1 Secret ci/pull <- spec.taskRunTemplate.podTemplate.imagePullSecrets[0]",
            "v1 Secret ci/template-secret <- spec.taskRunTemplate.podTemplate.volumes[0].secret",
            "v1 ServiceAccount ci/deployer <- spec.taskRunSpecs[0].serviceAccountName",
            "v1 ConfigMap ci/spec-cm <- spec.taskRunSpecs[0].podTemplate.volumes[0].configMap",
            "v1 Secret ci/deploy-key <- ServiceAccount deployer: secrets[0]")));
    rows.add(new Row("a v1beta1 PipelineRun's spec.podTemplate and taskRunSpecs' taskPodTemplate", """
        apiVersion: tekton.dev/v1beta1
        kind: PipelineRun
        metadata: {name: p-1, namespace: ci}
        spec:
          pipelineSpec: {tasks: [{name: a, taskSpec: {steps: [{name: s, image: alpine}]}}]}
          podTemplate: {volumes: [{name: v, secret: {secretName: old-secret}}]}
          taskRunSpecs: [{pipelineTaskName: a, taskPodTemplate: {imagePullSecrets: [{name: old-pull}]}}]
        """, List.of(), objects("Secret", "old-secret", "old-pull"), List.of(
            "v1 Secret ci/old-secret <- spec.podTemplate.volumes[0].secret",
            "v1 Secret ci/old-pull <- spec.taskRunSpecs[0].taskPodTemplate.imagePullSecrets[0]")));
    rows.add(new Row("an inline pipelineSpec's inline taskSpec", """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: p-1, namespace: ci}
        spec:
          pipelineSpec:
            tasks:
            - name: a
              taskSpec:
                steps: [{name: s, image: alpine, envFrom: [{secretRef: {name: inline}}]}]
        """, List.of(), objects("Secret", "inline"), List.of(
            "v1 Secret ci/inline <- spec.pipelineSpec.tasks[0].taskSpec.steps[0].envFrom[0].secretRef")));
    rows.add(new Row("optional references: propagated when present, skipped when absent", """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: t-1, namespace: ci}
        spec:
          taskSpec:
            steps:
            - name: s
              image: alpine
              env:
              - {name: A, valueFrom: {secretKeyRef: {name: here, key: k, optional: true}}}
              - {name: B, valueFrom: {secretKeyRef: {name: gone, key: k, optional: true}}}
              - {name: C, valueFrom: {configMapKeyRef: {name: gone-cm, key: k, optional: true}}}
              envFrom: [{secretRef: {name: gone-too, optional: true}}, {configMapRef: {name: here-cm, optional: true}}]
            volumes:
            - {name: v, secret: {secretName: gone-vol, optional: true}}
            - name: p
              projected: {sources: [{configMap: {name: gone-proj, optional: true}}]}
        """, List.of(), objects("Secret", "here", "ConfigMap", "here-cm"), List.of(
            "v1 Secret ci/here <- spec.taskSpec.steps[0].env[0].valueFrom.secretKeyRef",
            "v1 ConfigMap ci/here-cm <- spec.taskSpec.steps[0].envFrom[1].configMapRef")));
    rows.add(new Row("substitution: the run's params, a Task's defaults, a pipeline's defaults through a pipeline task,"
        + " a step's params into a StepAction, the namespace", """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: p-1, namespace: ci}
        spec:
          params: [{name: env, value: prod}]
          pipelineSpec:
            params: [{name: env}, {name: team, default: web}]
            tasks:
            - name: a
              params: [{name: secret, value: "$(params.team)-$(params.env)"}]
              taskRef: {name: deploy}
        """, List.of(), with(objects("Secret", "web-prod", "default-key", "ci-ca", "ConfigMap", "from-step"), """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: deploy, namespace: ci}
        spec:
          params: [{name: secret}, {name: key, default: default-key}]
          steps:
          - name: s
            image: alpine
            env:
            - {name: A, valueFrom: {secretKeyRef: {name: $(params.secret), key: k}}}
            - {name: B, valueFrom: {secretKeyRef: {name: "$(params['key'])", key: k}}}
            - {name: C, valueFrom: {secretKeyRef: {name: $(context.taskRun.namespace)-ca, key: k}}}
          - name: t
            ref: {name: act}
            params: [{name: cm, value: from-$(params.key)}]
        """, """
        apiVersion: tekton.dev/v1beta1
        kind: StepAction
        metadata: {name: act, namespace: ci}
        spec:
          params: [{name: cm}]
          envFrom: [{configMapRef: {name: $(params.cm)}}]
        """, """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: from-default-key, namespace: ci}
        """), List.of("tekton.dev/v1 Task ci/deploy <- spec.pipelineSpec.tasks[0].taskRef",
            "v1 Secret ci/web-prod <- Task deploy: spec.steps[0].env[0].valueFrom.secretKeyRef",
            "v1 Secret ci/default-key <- Task deploy: spec.steps[0].env[1].valueFrom.secretKeyRef",
            "v1 Secret ci/ci-ca <- Task deploy: spec.steps[0].env[2].valueFrom.secretKeyRef",
            "tekton.dev/v1beta1 StepAction ci/act <- Task deploy: spec.steps[1].ref",
            "v1 ConfigMap ci/from-default-key <- StepAction act: spec.envFrom[0].configMapRef")));
    rows.add(new Row("one Task used with two values reads both Secrets", """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: p-1, namespace: ci}
        spec:
          pipelineSpec:
            tasks:
            - {name: a, taskRef: {name: deploy}, params: [{name: target, value: staging}]}
            - {name: b, taskRef: {name: deploy}, params: [{name: target, value: prod}]}
        """, List.of(), with(objects("Secret", "staging", "prod"), """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: deploy, namespace: ci}
        spec:
          params: [{name: target}]
          steps: [{name: s, image: alpine, envFrom: [{secretRef: {name: $(params.target)}}]}]
        """), List.of("tekton.dev/v1 Task ci/deploy <- spec.pipelineSpec.tasks[0].taskRef",
            "v1 Secret ci/staging <- Task deploy: spec.steps[0].envFrom[0].secretRef",
            "v1 Secret ci/prod <- Task deploy: spec.steps[0].envFrom[0].secretRef")));
    rows.add(new Row("resolver credentials: git token and gitToken, http password, bundles secret and account; hub"
        + " none", """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: p-1, namespace: ci}
        spec:
          params: [{name: tok, value: git-token}]
          pipelineSpec:
            params: [{name: tok}]
            tasks:
            - name: a
              taskRef:
                resolver: git
                params: [{name: url, value: x}, {name: token, value: $(params.tok)}, {name: tokenKey, value: t}]
            - name: b
              taskRef: {resolver: git, params: [{name: gitToken, value: other-token}]}
            - name: c
              taskRef: {resolver: http, params: [{name: url, value: x}, {name: http-password-secret, value: web}]}
            - name: d
              taskRef:
                resolver: bundles
                params: [{name: bundle, value: x}, {name: secret, value: registry}, {name: serviceAccount,
                  value: puller}]
            - name: e
              taskRef: {resolver: hub, params: [{name: name, value: git-clone}]}
        """, List.of(), with(objects("Secret", "git-token", "other-token", "web", "registry"), """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: puller, namespace: ci}
        """), List.of("v1 Secret ci/git-token <- spec.pipelineSpec.tasks[0].taskRef.params[1]",
            "v1 Secret ci/other-token <- spec.pipelineSpec.tasks[1].taskRef.params[0]",
            "v1 Secret ci/web <- spec.pipelineSpec.tasks[2].taskRef.params[1]",
            "v1 Secret ci/registry <- spec.pipelineSpec.tasks[3].taskRef.params[1]",
            "v1 ServiceAccount ci/puller <- spec.pipelineSpec.tasks[3].taskRef.params[2]")));
    rows.add(new Row("the cluster resolver: a Task in another namespace from the source, a Pipeline given, a"
        + " StepAction", """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: p-1, namespace: ci}
        spec:
          pipelineRef:
            resolver: cluster
            params: [{name: kind, value: pipeline}, {name: name, value: shipped}, {name: namespace, value: ci}]
        """, List.of("""
        apiVersion: tekton.dev/v1
        kind: Pipeline
        metadata: {name: shipped}
        spec:
          tasks:
          - name: a
            taskRef:
              resolver: cluster
              params: [{name: kind, value: task}, {name: name, value: shared}, {name: namespace, value: catalog}]
        """), with(objects("Secret", "shared-secret"), """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: shared, namespace: catalog}
        spec:
          steps:
          - name: s
            ref:
              resolver: cluster
              params: [{name: kind, value: stepaction}, {name: name, value: act}, {name: namespace, value: catalog}]
            envFrom: [{secretRef: {name: shared-secret}}]
        """, """
        apiVersion: tekton.dev/v1beta1
        kind: StepAction
        metadata: {name: act, namespace: catalog}
        spec: {image: alpine}
        """), List.of("tekton.dev/v1 Pipeline ci/shipped <- spec.pipelineRef",
            "tekton.dev/v1 Task catalog/shared <- Pipeline shipped (run.yaml, document 2): spec.tasks[0].taskRef",
            "v1 Secret ci/shared-secret <- Task catalog/shared: spec.steps[0].envFrom[0].secretRef",
            "tekton.dev/v1beta1 StepAction catalog/act <- Task catalog/shared: spec.steps[0].ref")));
    rows.add(new Row("pipelines in pipelines: a child pipelineRef, recursively, and an inline child pipelineSpec", """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: p-1, namespace: ci}
        spec:
          pipelineSpec:
            tasks:
            - {name: child, pipelineRef: {name: child}}
            - name: inline
              pipelineSpec:
                tasks: [{name: x, taskSpec: {steps: [{name: s, image: a, envFrom: [{secretRef: {name: deep}}]}]}}]
        """, List.of(), with(objects("Secret", "deep"), """
        apiVersion: tekton.dev/v1
        kind: Pipeline
        metadata: {name: child, namespace: ci}
        spec: {tasks: [{name: g, pipelineRef: {name: grandchild}}]}
        """, """
        apiVersion: tekton.dev/v1
        kind: Pipeline
        metadata: {name: grandchild, namespace: ci}
        spec: {tasks: [{name: t, taskRef: {name: leaf}}]}
        """, """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: leaf, namespace: ci}
        spec: {steps: [{name: s, image: alpine}]}
        """), List.of("tekton.dev/v1 Pipeline ci/child <- spec.pipelineSpec.tasks[0].pipelineRef",
            "v1 Secret ci/deep <- spec.pipelineSpec.tasks[1].pipelineSpec.tasks[0].taskSpec.steps[0].envFrom[0]"
                + ".secretRef",
            "tekton.dev/v1 Pipeline ci/grandchild <- Pipeline child: spec.tasks[0].pipelineRef",
            "tekton.dev/v1 Task ci/leaf <- Pipeline grandchild: spec.tasks[0].taskRef")));
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

  /** A refusal: the run, what is given and in the source, and the one message naming every missing object. */
  private record Refusal(String rule, String run, List<String> given, List<String> source, String message) {
    @Override
    public String toString() {
      return rule;
    }
  }

  static Stream<Refusal> refusals() {
    return Stream.of(new Refusal("a run's own step: the field path in the run", """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: t-1, namespace: ci}
        spec:
          taskSpec:
            steps:
            - name: s
              image: alpine
              env:
              - {name: A, value: a}
              - {name: B, valueFrom: {secretKeyRef: {name: maybe, key: k, optional: true}}}
              - {name: C, valueFrom: {secretKeyRef: {name: db, key: password}}}
        """, List.of(), List.of(), "cannot dispatch TaskRun ci/t-1: a dependency is neither given nor in the source"
        + " cluster dev1 (the host): Secret ci/db (spec.taskSpec.steps[0].env[2].valueFrom.secretKeyRef). Nothing was"
        + " created."),
        new Refusal("a given Task's step: the Task, its document, the field path", """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: t-1, namespace: ci}
        spec: {taskRef: {name: build}}
        """, List.of("""
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: build}
        spec:
          steps:
          - {name: a, image: alpine}
          - {name: b, image: alpine, envFrom: [{secretRef: {name: creds}}]}
        """), List.of(), "cannot dispatch TaskRun ci/t-1: a dependency is neither given nor in the source cluster"
        + " dev1 (the host): Secret ci/creds (Task build (run.yaml, document 2): spec.steps[1].envFrom[0].secretRef)."
        + " Nothing was created."),
        new Refusal("one object needed twice, a resolver token and a ConfigMap volume: each path, each object", """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: p-1, namespace: ci}
        spec:
          pipelineSpec:
            tasks:
            - name: a
              taskRef: {resolver: git, params: [{name: token, value: creds}]}
            - name: b
              taskSpec:
                steps: [{name: s, image: alpine, envFrom: [{secretRef: {name: creds}}]}]
                volumes: [{name: v, configMap: {name: settings}}]
        """, List.of(), List.of(), "cannot dispatch PipelineRun ci/p-1: 2 dependencies are neither given nor in the"
        + " source cluster dev1 (the host): Secret ci/creds (spec.pipelineSpec.tasks[0].taskRef.params[0],"
        + " spec.pipelineSpec.tasks[1].taskSpec.steps[0].envFrom[0].secretRef); ConfigMap ci/settings"
        + " (spec.pipelineSpec.tasks[1].taskSpec.volumes[0].configMap). Nothing was created."),
        new Refusal("a Task through the cluster resolver, in its namespace", """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: t-1, namespace: ci}
        spec:
          taskRef:
            resolver: cluster
            params: [{name: kind, value: task}, {name: name, value: lint}, {name: namespace, value: catalog}]
        """, List.of(), List.of(), "cannot dispatch TaskRun ci/t-1: a dependency is neither given nor in the source"
        + " cluster dev1 (the host): Task catalog/lint (spec.taskRef). Nothing was created."),
        new Refusal("a pod template's image-pull Secret and a taskRunSpec's ServiceAccount", """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: p-1, namespace: ci}
        spec:
          pipelineSpec: {tasks: [{name: a, taskSpec: {steps: [{name: s, image: alpine}]}}]}
          taskRunTemplate: {podTemplate: {imagePullSecrets: [{name: pull}]}}
          taskRunSpecs: [{pipelineTaskName: a, serviceAccountName: deployer}]
        """, List.of(), List.of(), "cannot dispatch PipelineRun ci/p-1: 2 dependencies are neither given nor in the"
        + " source cluster dev1 (the host): Secret ci/pull (spec.taskRunTemplate.podTemplate.imagePullSecrets[0]);"
        + " ServiceAccount ci/deployer (spec.taskRunSpecs[0].serviceAccountName). Nothing was created."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void aMissingRequiredObjectIsNamedWithTheFieldThatNeedsItAndTheRun(Refusal r) {
    assertThatThrownBy(() -> result(r.run(), r.given(), r.source())).isInstanceOf(DispatchException.class)
        .hasMessage(r.message());
  }

  @Test
  void aRunFromAFileIsNamedWithItsDocument() {
    ObjectNode run = yaml("""
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: t-1, namespace: ci}
        spec: {taskRef: {name: nowhere}}
        """);
    assertThatThrownBy(() -> Closure.of(run, "run.yaml, document 3", List.of(), source(List.of()), "dev1"))
        .hasMessageStartingWith("cannot dispatch TaskRun ci/t-1 (run.yaml, document 3): a dependency is");
  }

  @Test
  void aNameKnownOnlyWhenTheRunRunsIsSkippedWithAWarning() {
    Closure.Result r = result("""
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: p-1, namespace: ci}
        spec:
          pipelineSpec:
            params: [{name: unset}]
            tasks:
            - name: a
              taskSpec: {steps: [{name: s, image: alpine}], results: [{name: secret}]}
            - name: b
              params: [{name: secret, value: $(tasks.a.results.secret)}]
              taskRef: {name: use}
            - name: c
              taskRef:
                resolver: cluster
                params: [{name: kind, value: task}, {name: name, value: $(params.unset)}]
        """, List.of(), List.of("""
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: use, namespace: ci}
        spec:
          params: [{name: secret, default: never-used}]
          steps: [{name: s, image: alpine, envFrom: [{secretRef: {name: $(params.secret)}}]}]
        """));
    assertThat(r.dependencies()).extracting(ClosureTest::describe)
        .as("the default does not stand in for a value given but unknown")
        .containsExactly("tekton.dev/v1 Task ci/use <- spec.pipelineSpec.tasks[1].taskRef");
    assertThat(r.warnings()).containsExactly(
        "spec.pipelineSpec.tasks[2].taskRef: the cluster resolver's task ci/$(params.unset) is known only when the run"
            + " runs, so it was not propagated: it must exist on the member",
        "Task use: spec.steps[0].envFrom[0].secretRef: the Secret name \"$(params.secret)\" is known only when the"
            + " run runs, so it was not propagated: it must exist on the member");
  }

  @Test
  void aPipelineThatRunsInsideItselfIsReadOnce() {
    Closure.Result r = result("""
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: p-1, namespace: ci}
        spec: {pipelineRef: {name: a}}
        """, List.of(), List.of("""
        apiVersion: tekton.dev/v1
        kind: Pipeline
        metadata: {name: a, namespace: ci}
        spec: {tasks: [{name: to-b, pipelineRef: {name: b}}]}
        """, """
        apiVersion: tekton.dev/v1
        kind: Pipeline
        metadata: {name: b, namespace: ci}
        spec: {tasks: [{name: to-a, pipelineRef: {name: a}}, {name: self, pipelineRef: {name: b}}]}
        """));
    assertThat(r.dependencies()).extracting(ClosureTest::describe).containsExactly(
        "tekton.dev/v1 Pipeline ci/a <- spec.pipelineRef",
        "tekton.dev/v1 Pipeline ci/b <- Pipeline a: spec.tasks[0].pipelineRef");
    assertThat(r.warnings()).containsExactly(
        "Pipeline b: spec.tasks[0].pipelineRef: Pipeline a runs inside itself (a cycle): its references were read once",
        "Pipeline b: spec.tasks[1].pipelineRef: Pipeline b runs inside itself (a cycle): its references were read"
            + " once");
  }

  @Test
  void aGivenObjectTheRunDoesNotUseIsNotPropagatedAndSaidSo() {
    Closure.Result r = result("""
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: t-1, namespace: ci}
        spec: {taskRef: {name: build}}
        """, List.of("""
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: build}
        spec: {steps: [{name: s, image: alpine}]}
        """, """
        apiVersion: v1
        kind: Secret
        metadata: {name: spare}
        """), List.of());
    assertThat(r.dependencies()).extracting(ClosureTest::describe)
        .containsExactly("tekton.dev/v1 Task ci/build <- spec.taskRef");
    assertThat(r.warnings()).containsExactly("Secret spare (run.yaml, document 3) is not needed by TaskRun ci/t-1:"
        + " not propagated");
  }
}
