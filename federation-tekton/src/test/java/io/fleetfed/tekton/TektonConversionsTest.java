package io.fleetfed.tekton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fleetfed.core.kubefed.ConversionException;
import io.fleetfed.core.kubefed.VersionConverter;
import io.fleetfed.core.kubefed.VersionConverters;
import io.fleetfed.core.model.ResourceType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TektonConversionsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final TektonConversions CONVERSIONS = new TektonConversions();

  // ---- realistic whole objects: each file is the other's conversion, so round trips are exact -----------------

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"task", "taskrun", "pipeline", "pipelinerun"})
  @DisplayName("a realistic v1beta1 object converts to its v1 fixture, and back")
  void wholeObjects(String kind) {
    ObjectNode v1beta1 = resource(kind + "-v1beta1.yaml");
    ObjectNode v1 = resource(kind + "-v1.yaml");

    assertThat(CONVERSIONS.convert(v1beta1, "v1")).isEqualTo(v1);
    assertThat(CONVERSIONS.convert(v1, "v1beta1")).isEqualTo(v1beta1);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"task", "taskrun", "pipeline", "pipelinerun"})
  @DisplayName("v1beta1 → v1 → v1beta1 and v1 → v1beta1 → v1 give the original back, and leave the input alone")
  void roundTrips(String kind) {
    ObjectNode v1beta1 = resource(kind + "-v1beta1.yaml");
    ObjectNode v1 = resource(kind + "-v1.yaml");
    ObjectNode v1beta1Before = v1beta1.deepCopy();
    ObjectNode v1Before = v1.deepCopy();

    assertThat(CONVERSIONS.convert(CONVERSIONS.convert(v1beta1, "v1"), "v1beta1")).isEqualTo(v1beta1Before);
    assertThat(CONVERSIONS.convert(CONVERSIONS.convert(v1, "v1beta1"), "v1")).isEqualTo(v1Before);
    assertThat(v1beta1).isEqualTo(v1beta1Before);
    assertThat(v1).isEqualTo(v1Before);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"task", "taskrun", "pipeline", "pipelinerun"})
  @DisplayName("metadata, the hash annotation included, is carried over as it is")
  void metadataUnchanged(String kind) {
    ObjectNode v1beta1 = resource(kind + "-v1beta1.yaml");

    ObjectNode v1 = CONVERSIONS.convert(v1beta1, "v1");

    assertThat(v1.get("metadata")).isEqualTo(v1beta1.get("metadata"));
    assertThat(v1.path("metadata").path("annotations").path("fleetfed.io/hash").asText()).isNotEmpty()
        .isEqualTo(v1beta1.path("metadata").path("annotations").path("fleetfed.io/hash").asText());
    assertThat(v1.get("apiVersion").asText()).isEqualTo("tekton.dev/v1");
    assertThat(v1.get("kind")).isEqualTo(v1beta1.get("kind"));
  }

  @Test
  @DisplayName("converting to the version an object has returns an equal copy, not the object")
  void sameVersionIsACopy() {
    ObjectNode v1 = resource("taskrun-v1.yaml");

    ObjectNode copy = CONVERSIONS.convert(v1, "v1");

    assertThat(copy).isEqualTo(v1).isNotSameAs(v1);
    copy.put("kind", "changed");
    assertThat(v1.get("kind").asText()).isEqualTo("TaskRun");
  }

  // ---- every mapping, in both directions ----------------------------------------------------------------------

  record Mapping(String name, String kind, String v1beta1, String v1) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Mapping> mappings() {
    List<Mapping> rows = new ArrayList<>();
    rows.add(new Mapping("Task step resources ↔ computeResources", "Task", """
        spec:
          steps:
            - {name: a, image: alpine}
            - {name: b, image: alpine, resources: {requests: {cpu: 1}}}
        """, """
        spec:
          steps:
            - {name: a, image: alpine}
            - {name: b, image: alpine, computeResources: {requests: {cpu: 1}}}
        """));
    rows.add(new Mapping("Task stepTemplate resources ↔ computeResources", "Task", """
        spec:
          stepTemplate: {image: alpine, resources: {limits: {memory: 1Gi}}}
          steps: [{name: a}]
        """, """
        spec:
          stepTemplate: {image: alpine, computeResources: {limits: {memory: 1Gi}}}
          steps: [{name: a}]
        """));
    rows.add(new Mapping("Task sidecar resources ↔ computeResources", "Task", """
        spec:
          steps: [{name: a, image: alpine}]
          sidecars: [{name: db, image: postgres, resources: {requests: {memory: 256Mi}}}]
        """, """
        spec:
          steps: [{name: a, image: alpine}]
          sidecars: [{name: db, image: postgres, computeResources: {requests: {memory: 256Mi}}}]
        """));
    rows.add(new Mapping("Task results, params, workspaces, volumes and displayName unchanged", "Task", """
        spec:
          displayName: Build
          params: [{name: p, type: array, default: [a]}]
          results: [{name: r, type: object, properties: {u: {type: string}}}]
          workspaces: [{name: w, readOnly: true}]
          volumes: [{name: v, emptyDir: {}}]
          steps: [{name: a, image: alpine}]
        """, """
        spec:
          displayName: Build
          params: [{name: p, type: array, default: [a]}]
          results: [{name: r, type: object, properties: {u: {type: string}}}]
          workspaces: [{name: w, readOnly: true}]
          volumes: [{name: v, emptyDir: {}}]
          steps: [{name: a, image: alpine}]
        """));
    rows.add(new Mapping("Task step ref, params, results and when (StepActions) unchanged", "Task", """
        spec:
          steps:
            - name: clone
              ref: {resolver: git, params: [{name: url, value: u}]}
              params: [{name: url, value: $(params.url)}]
              results: [{name: commit, type: string}]
              when: [{cel: "'$(params.x)' == 'y'"}]
        """, """
        spec:
          steps:
            - name: clone
              ref: {resolver: git, params: [{name: url, value: u}]}
              params: [{name: url, value: $(params.url)}]
              results: [{name: commit, type: string}]
              when: [{cel: "'$(params.x)' == 'y'"}]
        """));
    rows.add(new Mapping("Pipeline task and finally taskSpec: steps' resources ↔ computeResources", "Pipeline", """
        spec:
          tasks:
            - name: t
              taskSpec: {metadata: {labels: {a: b}}, steps: [{name: s, resources: {limits: {cpu: 1}}}]}
          finally:
            - name: f
              taskSpec: {stepTemplate: {resources: {limits: {cpu: 1}}}, steps: [{name: s}]}
        """, """
        spec:
          tasks:
            - name: t
              taskSpec: {metadata: {labels: {a: b}}, steps: [{name: s, computeResources: {limits: {cpu: 1}}}]}
          finally:
            - name: f
              taskSpec: {stepTemplate: {computeResources: {limits: {cpu: 1}}}, steps: [{name: s}]}
        """));
    rows.add(new Mapping("Pipeline in pipeline: pipelineSpec converted, pipelineRef unchanged", "Pipeline", """
        spec:
          tasks:
            - name: inner
              pipelineSpec: {tasks: [{name: t, taskSpec: {steps: [{name: s, resources: {}}]}}]}
            - name: other
              pipelineRef: {name: other}
        """, """
        spec:
          tasks:
            - name: inner
              pipelineSpec: {tasks: [{name: t, taskSpec: {steps: [{name: s, computeResources: {}}]}}]}
            - name: other
              pipelineRef: {name: other}
        """));
    rows.add(new Mapping("taskRef kind ClusterTask, custom tasks and resolver refs unchanged", "Pipeline", """
        spec:
          tasks:
            - {name: a, taskRef: {name: lint, kind: ClusterTask}}
            - {name: b, taskRef: {apiVersion: example.com/v1, kind: Wait, name: w}}
            - name: c
              taskRef:
                resolver: bundles
                params: [{name: bundle, value: r/t:1}, {name: name, value: t}, {name: kind, value: task}]
            - {name: d, taskRef: {resolver: cluster, params: [{name: name, value: t}]}}
        """, """
        spec:
          tasks:
            - {name: a, taskRef: {name: lint, kind: ClusterTask}}
            - {name: b, taskRef: {apiVersion: example.com/v1, kind: Wait, name: w}}
            - name: c
              taskRef:
                resolver: bundles
                params: [{name: bundle, value: r/t:1}, {name: name, value: t}, {name: kind, value: task}]
            - {name: d, taskRef: {resolver: cluster, params: [{name: name, value: t}]}}
        """));
    rows.add(new Mapping("TaskRun stepOverrides ↔ stepSpecs", "TaskRun", """
        spec:
          taskRef: {name: build}
          stepOverrides: [{name: build, resources: {requests: {memory: 1Gi}}}]
        """, """
        spec:
          taskRef: {name: build}
          stepSpecs: [{name: build, computeResources: {requests: {memory: 1Gi}}}]
        """));
    rows.add(new Mapping("TaskRun sidecarOverrides ↔ sidecarSpecs", "TaskRun", """
        spec:
          taskRef: {name: build}
          sidecarOverrides: [{name: docker, resources: {limits: {cpu: 2}}}]
        """, """
        spec:
          taskRef: {name: build}
          sidecarSpecs: [{name: docker, computeResources: {limits: {cpu: 2}}}]
        """));
    rows.add(new Mapping("TaskRun taskSpec converted; serviceAccountName, podTemplate, managedBy unchanged",
        "TaskRun", """
        spec:
          serviceAccountName: sa
          podTemplate: {nodeSelector: {a: b}}
          managedBy: kueue.x-k8s.io/multikueue
          timeout: 1h
          taskSpec: {steps: [{name: s, image: alpine, resources: {requests: {cpu: 1}}}]}
        """, """
        spec:
          serviceAccountName: sa
          podTemplate: {nodeSelector: {a: b}}
          managedBy: kueue.x-k8s.io/multikueue
          timeout: 1h
          taskSpec: {steps: [{name: s, image: alpine, computeResources: {requests: {cpu: 1}}}]}
        """));
    rows.add(new Mapping("TaskRun status taskResults ↔ results", "TaskRun", """
        status:
          podName: p
          taskResults: [{name: digest, type: string, value: sha256:1}]
        """, """
        status:
          podName: p
          results: [{name: digest, type: string, value: sha256:1}]
        """));
    rows.add(new Mapping("TaskRun status retriesStatus taskResults ↔ results", "TaskRun", """
        status:
          retriesStatus: [{podName: p, taskResults: [{name: r, value: x}]}]
        """, """
        status:
          retriesStatus: [{podName: p, results: [{name: r, value: x}]}]
        """));
    rows.add(new Mapping("TaskRun status steps terminated.reason ↔ terminationReason", "TaskRun", """
        status:
          steps:
            - {name: a, container: step-a, terminated: {exitCode: 0, reason: Completed}}
            - {name: b, container: step-b, running: {startedAt: "2026-12-01T10:00:00Z"}}
        """, """
        status:
          steps:
            - {name: a, container: step-a, terminated: {exitCode: 0, reason: Completed}, terminationReason: Completed}
            - {name: b, container: step-b, running: {startedAt: "2026-12-01T10:00:00Z"}}
        """));
    rows.add(new Mapping("TaskRun status taskSpec converted, provenance refSource unchanged", "TaskRun", """
        status:
          taskSpec: {steps: [{name: s, resources: {limits: {cpu: 1}}}]}
          provenance: {refSource: {uri: u, digest: {sha1: a}}, featureFlags: {x: true}}
          steps: [{name: s, provenance: {refSource: {uri: u}}}]
        """, """
        status:
          taskSpec: {steps: [{name: s, computeResources: {limits: {cpu: 1}}}]}
          provenance: {refSource: {uri: u, digest: {sha1: a}}, featureFlags: {x: true}}
          steps: [{name: s, provenance: {refSource: {uri: u}}}]
        """));
    rows.add(new Mapping("PipelineRun serviceAccountName ↔ taskRunTemplate.serviceAccountName", "PipelineRun", """
        spec:
          pipelineRef: {name: p}
          serviceAccountName: sa
        """, """
        spec:
          pipelineRef: {name: p}
          taskRunTemplate: {serviceAccountName: sa}
        """));
    rows.add(new Mapping("PipelineRun podTemplate ↔ taskRunTemplate.podTemplate", "PipelineRun", """
        spec:
          pipelineRef: {name: p}
          podTemplate: {nodeSelector: {pool: ci}}
        """, """
        spec:
          pipelineRef: {name: p}
          taskRunTemplate: {podTemplate: {nodeSelector: {pool: ci}}}
        """));
    rows.add(new Mapping("PipelineRun both into one taskRunTemplate", "PipelineRun", """
        spec:
          podTemplate: {nodeSelector: {pool: ci}}
          serviceAccountName: sa
        """, """
        spec:
          taskRunTemplate: {serviceAccountName: sa, podTemplate: {nodeSelector: {pool: ci}}}
        """));
    rows.add(new Mapping("PipelineRun timeouts unchanged", "PipelineRun", """
        spec:
          timeouts: {pipeline: 2h, tasks: 1h, finally: 30m}
        """, """
        spec:
          timeouts: {pipeline: 2h, tasks: 1h, finally: 30m}
        """));
    rows.add(new Mapping("PipelineRun taskRunSpecs taskServiceAccountName/taskPodTemplate ↔ "
        + "serviceAccountName/podTemplate", "PipelineRun", """
        spec:
          taskRunSpecs:
            - {pipelineTaskName: a, taskServiceAccountName: sa, taskPodTemplate: {nodeSelector: {x: y}}}
            - {pipelineTaskName: b, timeout: 5m, metadata: {labels: {l: v}}}
        """, """
        spec:
          taskRunSpecs:
            - {pipelineTaskName: a, serviceAccountName: sa, podTemplate: {nodeSelector: {x: y}}}
            - {pipelineTaskName: b, timeout: 5m, metadata: {labels: {l: v}}}
        """));
    rows.add(new Mapping("PipelineRun taskRunSpecs stepOverrides/sidecarOverrides ↔ stepSpecs/sidecarSpecs",
        "PipelineRun", """
        spec:
          taskRunSpecs:
            - pipelineTaskName: a
              stepOverrides: [{name: s, resources: {limits: {cpu: 1}}}]
              sidecarOverrides: [{name: c, resources: {limits: {cpu: 2}}}]
              computeResources: {limits: {cpu: 3}}
        """, """
        spec:
          taskRunSpecs:
            - pipelineTaskName: a
              stepSpecs: [{name: s, computeResources: {limits: {cpu: 1}}}]
              sidecarSpecs: [{name: c, computeResources: {limits: {cpu: 2}}}]
              computeResources: {limits: {cpu: 3}}
        """));
    rows.add(new Mapping("PipelineRun pipelineSpec converted", "PipelineRun", """
        spec:
          pipelineSpec:
            tasks: [{name: t, taskSpec: {steps: [{name: s, resources: {limits: {cpu: 1}}}]}}]
        """, """
        spec:
          pipelineSpec:
            tasks: [{name: t, taskSpec: {steps: [{name: s, computeResources: {limits: {cpu: 1}}}]}}]
        """));
    rows.add(new Mapping("PipelineRun status pipelineResults ↔ results", "PipelineRun", """
        status:
          pipelineResults: [{name: digest, value: sha256:1}, {name: list, value: [a, b]}]
        """, """
        status:
          results: [{name: digest, value: sha256:1}, {name: list, value: [a, b]}]
        """));
    rows.add(new Mapping("PipelineRun status pipelineSpec converted, childReferences unchanged", "PipelineRun", """
        status:
          pipelineSpec: {finally: [{name: f, taskSpec: {sidecars: [{name: c, resources: {}}]}}]}
          childReferences:
            - {apiVersion: tekton.dev/v1, kind: TaskRun, name: pr-a, pipelineTaskName: a}
            - {apiVersion: tekton.dev/v1beta1, kind: CustomRun, name: pr-b, pipelineTaskName: b}
        """, """
        status:
          pipelineSpec: {finally: [{name: f, taskSpec: {sidecars: [{name: c, computeResources: {}}]}}]}
          childReferences:
            - {apiVersion: tekton.dev/v1, kind: TaskRun, name: pr-a, pipelineTaskName: a}
            - {apiVersion: tekton.dev/v1beta1, kind: CustomRun, name: pr-b, pipelineTaskName: b}
        """));
    rows.add(new Mapping("fields neither version knows of are copied", "TaskRun", """
        spec:
          taskRef: {name: t}
          futureField: {a: 1}
        status:
          futureStatus: [1, 2]
        """, """
        spec:
          taskRef: {name: t}
          futureField: {a: 1}
        status:
          futureStatus: [1, 2]
        """));
    return rows.stream();
  }

  @ParameterizedTest(name = "v1beta1 → v1: {0}")
  @MethodSource("mappings")
  void mapsToV1(Mapping m) {
    assertThat(CONVERSIONS.convert(object(m.kind(), "v1beta1", m.v1beta1()), "v1"))
        .isEqualTo(object(m.kind(), "v1", m.v1()));
  }

  @ParameterizedTest(name = "v1 → v1beta1: {0}")
  @MethodSource("mappings")
  void mapsToV1beta1(Mapping m) {
    assertThat(CONVERSIONS.convert(object(m.kind(), "v1", m.v1()), "v1beta1"))
        .isEqualTo(object(m.kind(), "v1beta1", m.v1beta1()));
  }

  // ---- mappings that go one way, as Tekton's do --------------------------------------------------------------

  record OneWay(String name, String kind, String from, String body, String to, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<OneWay> oneWays() {
    List<OneWay> rows = new ArrayList<>();
    rows.add(new OneWay("PipelineRun v1beta1 timeout → timeouts.pipeline", "PipelineRun", "v1beta1", """
        spec:
          pipelineRef: {name: p}
          timeout: 1h30m
        """, "v1", """
        spec:
          pipelineRef: {name: p}
          timeouts: {pipeline: 1h30m}
        """));
    rows.add(new OneWay("PipelineRun v1 timeouts with only pipeline → v1beta1 timeout, which 0.24 knows too",
        "PipelineRun", "v1", """
        spec:
          timeouts: {pipeline: 1h30m}
        """, "v1beta1", """
        spec:
          timeout: 1h30m
        """));
    rows.add(new OneWay("PipelineRun v1 timeouts with tasks → v1beta1 timeouts as they are", "PipelineRun", "v1",
        """
        spec:
          timeouts: {pipeline: 1h30m, tasks: 1h}
        """, "v1beta1", """
        spec:
          timeouts: {pipeline: 1h30m, tasks: 1h}
        """));
    rows.add(new OneWay("TaskRun taskRef bundle → bundles resolver", "TaskRun", "v1beta1", """
        spec:
          taskRef: {name: build, bundle: "registry.example.com/tasks:1"}
        """, "v1", """
        spec:
          taskRef:
            resolver: bundles
            params:
              - {name: bundle, value: "registry.example.com/tasks:1"}
              - {name: name, value: build}
              - {name: kind, value: Task}
        """));
    rows.add(new OneWay("pipeline task taskRef bundle keeps its kind", "Pipeline", "v1beta1", """
        spec:
          tasks:
            - name: a
              taskRef: {name: build, kind: Task, bundle: "r/t:1"}
          finally:
            - name: f
              taskRef: {name: notify, bundle: "r/t:2"}
        """, "v1", """
        spec:
          tasks:
            - name: a
              taskRef:
                resolver: bundles
                params: [{name: bundle, value: "r/t:1"}, {name: name, value: build}, {name: kind, value: Task}]
          finally:
            - name: f
              taskRef:
                resolver: bundles
                params: [{name: bundle, value: "r/t:2"}, {name: name, value: notify}, {name: kind, value: Task}]
        """));
    rows.add(new OneWay("PipelineRun pipelineRef bundle → bundles resolver with kind Pipeline", "PipelineRun",
        "v1beta1", """
        spec:
          pipelineRef: {name: release, bundle: "r/p:1"}
        """, "v1", """
        spec:
          pipelineRef:
            resolver: bundles
            params: [{name: bundle, value: "r/p:1"}, {name: name, value: release}, {name: kind, value: Pipeline}]
        """));
    rows.add(new OneWay("v1 bundles resolver stays a resolver ref in v1beta1", "TaskRun", "v1", """
        spec:
          taskRef:
            resolver: bundles
            params: [{name: bundle, value: "r/t:1"}, {name: name, value: build}, {name: kind, value: Task}]
        """, "v1beta1", """
        spec:
          taskRef:
            resolver: bundles
            params: [{name: bundle, value: "r/t:1"}, {name: name, value: build}, {name: kind, value: Task}]
        """));
    rows.add(new OneWay("PipelineRun status taskRuns and runs maps → childReferences", "PipelineRun", "v1beta1", """
        status:
          taskRuns:
            pr-build:
              pipelineTaskName: build
              status: {podName: pr-build-pod, conditions: [{type: Succeeded, status: "True"}]}
            pr-test:
              pipelineTaskName: test
              whenExpressions: [{input: a, operator: in, values: [a]}]
              status: {podName: pr-test-pod}
          runs:
            pr-wait:
              pipelineTaskName: wait
              status: {conditions: [{type: Succeeded, status: "True"}]}
        """, "v1", """
        status:
          childReferences:
            - {apiVersion: tekton.dev/v1beta1, kind: TaskRun, name: pr-build, pipelineTaskName: build}
            - apiVersion: tekton.dev/v1beta1
              kind: TaskRun
              name: pr-test
              pipelineTaskName: test
              whenExpressions: [{input: a, operator: in, values: [a]}]
            - {apiVersion: tekton.dev/v1alpha1, kind: Run, name: pr-wait, pipelineTaskName: wait}
        """));
    rows.add(new OneWay("taskRuns map beside childReferences adds only the children not listed", "PipelineRun",
        "v1beta1", """
        status:
          childReferences:
            - {apiVersion: tekton.dev/v1beta1, kind: TaskRun, name: pr-build, pipelineTaskName: build}
          taskRuns:
            pr-build: {pipelineTaskName: build, status: {podName: pr-build-pod}}
            pr-test: {pipelineTaskName: test, status: {podName: pr-test-pod}}
        """, "v1", """
        status:
          childReferences:
            - {apiVersion: tekton.dev/v1beta1, kind: TaskRun, name: pr-build, pipelineTaskName: build}
            - {apiVersion: tekton.dev/v1beta1, kind: TaskRun, name: pr-test, pipelineTaskName: test}
        """));
    rows.add(new OneWay("v1 childReferences are kept in v1beta1", "PipelineRun", "v1", """
        status:
          childReferences: [{apiVersion: tekton.dev/v1, kind: TaskRun, name: pr-a, pipelineTaskName: a}]
        """, "v1beta1", """
        status:
          childReferences: [{apiVersion: tekton.dev/v1, kind: TaskRun, name: pr-a, pipelineTaskName: a}]
        """));
    rows.add(new OneWay("provenance configSource → refSource", "TaskRun", "v1beta1", """
        status:
          provenance: {configSource: {uri: u, digest: {sha1: a}, entryPoint: e}}
          steps: [{name: s, provenance: {configSource: {uri: u2}}}]
        """, "v1", """
        status:
          provenance: {refSource: {uri: u, digest: {sha1: a}, entryPoint: e}}
          steps: [{name: s, provenance: {refSource: {uri: u2}}}]
        """));
    rows.add(new OneWay("provenance configSource equal to refSource is left out", "PipelineRun", "v1beta1", """
        status:
          provenance: {configSource: {uri: u}, refSource: {uri: u}}
        """, "v1", """
        status:
          provenance: {refSource: {uri: u}}
        """));
    rows.add(new OneWay("v1beta1-only fields holding nothing are left out", "TaskRun", "v1beta1", """
        spec:
          resources: {}
          taskSpec: {resources: null, steps: [{name: s, ports: []}]}
        status:
          cloudEvents: []
        """, "v1", """
        spec:
          taskSpec: {steps: [{name: s}]}
        status: {}
        """));
    rows.add(new OneWay("an empty bundle is no bundle", "TaskRun", "v1beta1", """
        spec:
          taskRef: {name: build, kind: Task, bundle: ""}
        """, "v1", """
        spec:
          taskRef: {name: build, kind: Task}
        """));
    rows.add(new OneWay("an empty v1 taskRunTemplate is left out", "PipelineRun", "v1", """
        spec:
          taskRunTemplate: {}
          pipelineRef: {name: p}
        """, "v1beta1", """
        spec:
          pipelineRef: {name: p}
        """));
    rows.add(new OneWay("a v1 step's terminationReason equal to terminated.reason is left out", "TaskRun", "v1", """
        status:
          steps: [{name: s, terminated: {exitCode: 1, reason: Error}, terminationReason: Error}]
        """, "v1beta1", """
        status:
          steps: [{name: s, terminated: {exitCode: 1, reason: Error}}]
        """));
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oneWays")
  void mapsOneWay(OneWay m) {
    assertThat(CONVERSIONS.convert(object(m.kind(), m.from(), m.body()), m.to()))
        .isEqualTo(object(m.kind(), m.to(), m.expected()));
  }

  // ---- refusals: a field with no equivalent is named, never dropped -------------------------------------------

  record Refusal(String kind, String from, String body, String to, String field) {
    @Override
    public String toString() {
      return kind + " " + field + " → " + to;
    }
  }

  static Stream<Refusal> refusals() {
    List<Refusal> rows = new ArrayList<>();
    rows.add(new Refusal("Task", "v1beta1", """
        spec:
          resources: {inputs: [{name: src, type: git}]}
        """, "v1", "spec.resources"));
    rows.add(new Refusal("Task", "v1beta1", """
        spec:
          inputs: {params: [{name: p}]}
        """, "v1", "spec.inputs"));
    rows.add(new Refusal("Task", "v1beta1", """
        spec:
          outputs: {resources: [{name: img, type: image}]}
        """, "v1", "spec.outputs"));
    for (String field : List.of("ports", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle",
        "terminationMessagePath", "terminationMessagePolicy", "stdin", "stdinOnce", "tty")) {
      rows.add(new Refusal("Task", "v1beta1", """
          spec:
            steps: [{name: a}, {name: b}, {name: c, %s: x}]
          """.formatted(field), "v1", "spec.steps[2]." + field));
      rows.add(new Refusal("Task", "v1beta1", """
          spec:
            stepTemplate: {%s: x}
          """.formatted(field), "v1", "spec.stepTemplate." + field));
    }
    rows.add(new Refusal("Task", "v1beta1", """
        spec:
          stepTemplate: {name: template}
        """, "v1", "spec.stepTemplate.name"));
    rows.add(new Refusal("Task", "v1beta1", """
        spec:
          steps: [{name: a, resources: {limits: {cpu: 1}}, computeResources: {limits: {cpu: 2}}}]
        """, "v1", "spec.steps[0].resources"));
    rows.add(new Refusal("Task", "v1", """
        spec:
          sidecars: [{name: a, resources: {limits: {cpu: 1}}, computeResources: {limits: {cpu: 2}}}]
        """, "v1beta1", "spec.sidecars[0].computeResources"));
    rows.add(new Refusal("Pipeline", "v1beta1", """
        spec:
          resources: [{name: src, type: git}]
        """, "v1", "spec.resources"));
    rows.add(new Refusal("Pipeline", "v1beta1", """
        spec:
          tasks:
            - {name: a, taskRef: {name: a}}
            - {name: b, taskRef: {name: b}, resources: {inputs: [{name: src, resource: src}]}}
        """, "v1", "spec.tasks[1].resources"));
    rows.add(new Refusal("Pipeline", "v1beta1", """
        spec:
          tasks: [{name: a, conditions: [{conditionRef: is-main}]}]
        """, "v1", "spec.tasks[0].conditions"));
    rows.add(new Refusal("Pipeline", "v1beta1", """
        spec:
          finally: [{name: f, taskSpec: {steps: [{name: s, tty: true}]}}]
        """, "v1", "spec.finally[0].taskSpec.steps[0].tty"));
    rows.add(new Refusal("Pipeline", "v1beta1", """
        spec:
          tasks: [{name: a, taskRef: {name: t, bundle: "r/t:1", resolver: bundles}}]
        """, "v1", "spec.tasks[0].taskRef.bundle"));
    rows.add(new Refusal("TaskRun", "v1beta1", """
        spec:
          resources: {inputs: [{name: src, resourceRef: {name: repo}}]}
        """, "v1", "spec.resources"));
    rows.add(new Refusal("TaskRun", "v1beta1", """
        spec:
          inputs: {params: [{name: p, value: v}]}
        """, "v1", "spec.inputs"));
    rows.add(new Refusal("TaskRun", "v1beta1", """
        spec:
          taskSpec: {resources: {outputs: [{name: img, type: image}]}}
        """, "v1", "spec.taskSpec.resources"));
    rows.add(new Refusal("TaskRun", "v1beta1", """
        spec:
          stepOverrides: [{name: s}]
          stepSpecs: [{name: s}]
        """, "v1", "spec.stepOverrides"));
    rows.add(new Refusal("TaskRun", "v1beta1", """
        status:
          cloudEvents: [{target: http://sink, status: {condition: Sent}}]
        """, "v1", "status.cloudEvents"));
    rows.add(new Refusal("TaskRun", "v1beta1", """
        status:
          resourcesResult: [{key: digest, value: sha256:1}]
        """, "v1", "status.resourcesResult"));
    rows.add(new Refusal("TaskRun", "v1beta1", """
        status:
          taskSpec: {resources: {inputs: [{name: src, type: git}]}}
        """, "v1", "status.taskSpec.resources"));
    rows.add(new Refusal("TaskRun", "v1beta1", """
        status:
          retriesStatus: [{podName: a}, {podName: b, cloudEvents: [{target: http://sink}]}]
        """, "v1", "status.retriesStatus[1].cloudEvents"));
    rows.add(new Refusal("TaskRun", "v1beta1", """
        status:
          provenance: {configSource: {uri: a}, refSource: {uri: b}}
        """, "v1", "status.provenance.configSource"));
    rows.add(new Refusal("TaskRun", "v1", """
        status:
          artifacts: {outputs: [{name: image, values: [{uri: r/a, digest: {sha256: x}}]}]}
        """, "v1beta1", "status.artifacts"));
    rows.add(new Refusal("TaskRun", "v1", """
        status:
          retriesStatus: [{artifacts: {inputs: [{name: src}]}}]
        """, "v1beta1", "status.retriesStatus[0].artifacts"));
    rows.add(new Refusal("TaskRun", "v1", """
        status:
          steps:
            - {name: a, terminated: {reason: Completed}, terminationReason: Completed}
            - {name: b, terminated: {reason: Error}, terminationReason: TimeoutExceeded}
        """, "v1beta1", "status.steps[1].terminationReason"));
    rows.add(new Refusal("TaskRun", "v1", """
        spec:
          stepSpecs: [{name: s}]
          stepOverrides: [{name: s}]
        """, "v1beta1", "spec.stepSpecs"));
    rows.add(new Refusal("PipelineRun", "v1beta1", """
        spec:
          resources: [{name: src, resourceRef: {name: repo}}]
        """, "v1", "spec.resources"));
    rows.add(new Refusal("PipelineRun", "v1beta1", """
        spec:
          timeout: 1h
          timeouts: {tasks: 30m}
        """, "v1", "spec.timeout"));
    rows.add(new Refusal("PipelineRun", "v1beta1", """
        spec:
          serviceAccountName: sa
          taskRunTemplate: {serviceAccountName: other}
        """, "v1", "spec.serviceAccountName"));
    rows.add(new Refusal("PipelineRun", "v1beta1", """
        spec:
          pipelineSpec: {tasks: [{name: a, resources: {inputs: [{name: s, resource: s}]}}]}
        """, "v1", "spec.pipelineSpec.tasks[0].resources"));
    rows.add(new Refusal("PipelineRun", "v1beta1", """
        status:
          pipelineSpec: {tasks: [{name: a, taskSpec: {steps: [{name: s, lifecycle: {preStop: {}}}]}}]}
        """, "v1", "status.pipelineSpec.tasks[0].taskSpec.steps[0].lifecycle"));
    rows.add(new Refusal("PipelineRun", "v1beta1", """
        spec:
          taskRunSpecs: [{pipelineTaskName: a, taskServiceAccountName: x, serviceAccountName: y}]
        """, "v1", "spec.taskRunSpecs[0].taskServiceAccountName"));
    rows.add(new Refusal("PipelineRun", "v1", """
        spec:
          taskRunTemplate: {serviceAccountName: sa, futureField: x}
        """, "v1beta1", "spec.taskRunTemplate.futureField"));
    rows.add(new Refusal("PipelineRun", "v1", """
        spec:
          serviceAccountName: sa
          taskRunTemplate: {serviceAccountName: other}
        """, "v1beta1", "spec.taskRunTemplate.serviceAccountName"));
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesWhatHasNoEquivalent(Refusal r) {
    ObjectNode object = object(r.kind(), r.from(), r.body());
    ObjectNode before = object.deepCopy();

    assertThatThrownBy(() -> CONVERSIONS.convert(object, r.to())).isInstanceOfSatisfying(ConversionException.class,
        e -> {
          assertThat(e.field()).isEqualTo(r.field());
          assertThat(e.getMessage()).startsWith("cannot convert " + r.kind() + " ci/x from tekton.dev/" + r.from()
              + " to " + r.to() + ": " + r.field() + " ");
        });
    assertThat(object).isEqualTo(before);
  }

  @Test
  @DisplayName("the refusal says the field has no equivalent in the target version")
  void refusalMessage() {
    ObjectNode run = resource("taskrun-v1.yaml");
    run.withObject("status").putObject("artifacts").putArray("outputs").addObject().put("name", "image");

    assertThatThrownBy(() -> CONVERSIONS.convert(run, "v1beta1")).isInstanceOf(ConversionException.class)
        .hasMessage("cannot convert TaskRun ci/build-1 from tekton.dev/v1 to v1beta1: status.artifacts has no "
            + "equivalent in v1beta1");
  }

  @Test
  @DisplayName("anything but the four kinds at v1beta1 or v1, or another target version, is a misuse")
  void misuse() {
    assertThatThrownBy(() -> CONVERSIONS.convert(object("StepAction", "v1beta1", "spec: {}\n"), "v1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("StepAction");
    assertThatThrownBy(() -> CONVERSIONS.convert(object("Task", "v1alpha1", "spec: {}\n"), "v1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tekton.dev/v1alpha1");
    assertThatThrownBy(() -> CONVERSIONS.convert(object("Task", "v1", "spec: {}\n"), "v1alpha1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("v1alpha1");
  }

  // ---- registration ------------------------------------------------------------------------------------------

  @Test
  @DisplayName("VersionConverters.standard() finds it through ServiceLoader and converts with it")
  void foundByServiceLoader() {
    VersionConverters converters = VersionConverters.standard();

    assertThat(converters.all()).anySatisfy(c -> assertThat(c).isInstanceOf(TektonConversions.class));
    assertThat(converters.converts(TektonTypes.TASK_RUN, "v1beta1")).isTrue();
    assertThat(converters.converts(TektonTypes.PIPELINE_RUN, "v1beta1")).isTrue();
    assertThat(converters.converts(TektonTypes.TASK, "v1beta1")).isTrue();
    assertThat(converters.converts(TektonTypes.PIPELINE, "v1beta1")).isTrue();
    assertThat(converters.converts(ResourceType.namespaced("tekton.dev", "v1beta1", "TaskRun", "taskruns"), "v1"))
        .isTrue();
    assertThat(converters.converts(TektonTypes.CUSTOM_RUN, "v1")).isFalse();
    assertThat(converters.convert(resource("pipelinerun-v1.yaml"), "v1beta1"))
        .isEqualTo(resource("pipelinerun-v1beta1.yaml"));
  }

  @Test
  @DisplayName("group, kinds and versions")
  void describesItself() {
    VersionConverter converter = new TektonConversions();

    assertThat(converter.group()).isEqualTo("tekton.dev");
    assertThat(converter.kinds()).containsExactlyInAnyOrder("Task", "TaskRun", "Pipeline", "PipelineRun");
    assertThat(converter.versions()).containsExactlyInAnyOrder("v1beta1", "v1");
  }

  // ---- helpers -----------------------------------------------------------------------------------------------

  private static ObjectNode object(String kind, String version, String body) {
    return yaml("apiVersion: tekton.dev/" + version + "\nkind: " + kind + "\nmetadata:\n  name: x\n  namespace: ci\n"
        + "  annotations: {fleetfed.io/hash: abc}\n" + body);
  }

  private static ObjectNode yaml(String text) {
    try {
      return (ObjectNode) YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode resource(String name) {
    try (InputStream in = TektonConversionsTest.class.getResourceAsStream("/conversions/" + name)) {
      assertThat(in).as(name).isNotNull();
      return (ObjectNode) YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
