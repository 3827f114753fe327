package io.fleetfed.tekton;

import static io.fleetfed.tekton.TektonSandbox.create;
import static io.fleetfed.tekton.TektonSandbox.get;
import static io.fleetfed.tekton.TektonSandbox.unique;
import static io.fleetfed.tekton.TektonSandbox.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.testkit.EnableFleet;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Secrets and ConfigMaps a run's pods read reach its member before the run does, or the run is not sent. */
@EnableFleetSandbox(clusters = {"dev1", "dev2"}, resetBetweenTests = true)
@EnableFleet(host = "dev1", members = {"dev1", "dev2"})
class DispatchClosureTest {
  private RunDispatcher dispatcher;
  private String ns;

  @BeforeEach
  void start(RunDispatcher dispatcher) {
    this.dispatcher = dispatcher;
    ns = unique("ci");
  }

  private void onHost(FleetSandbox sandbox, ResourceType type, String yaml) {
    create(sandbox.cluster("dev1").client(), type, yaml.formatted(ns));
  }

  /** The order the member's API server wrote two objects in (its resourceVersions come from one counter). */
  private static long written(ObjectNode o) {
    return Long.parseLong(o.path("metadata").path("resourceVersion").asText());
  }

  @Test
  @DisplayName("a Task's env Secret, its envFrom ConfigMap, a pod-template volume and a param-named Secret reach the"
      + " member before the run")
  void podDependenciesArriveBeforeTheRun(FleetSandbox sandbox) {
    onHost(sandbox, TektonTypes.TASK, """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: migrate, namespace: %s}
        spec:
          params: [{name: target}]
          steps:
          - name: migrate
            image: flyway
            env: [{name: PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}]
            envFrom: [{configMapRef: {name: flyway-settings}}, {secretRef: {name: $(params.target)-creds}}]
        """);
    for (String secret : new String[] {"db", "ca", "prod-creds"}) {
      onHost(sandbox, BuiltInTypes.SECRETS, """
          apiVersion: v1
          kind: Secret
          metadata: {name: %s, namespace: %%s}
          stringData: {password: p}
          """.formatted(secret));
    }
    onHost(sandbox, BuiltInTypes.CONFIG_MAPS, """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: flyway-settings, namespace: %s}
        data: {FLYWAY_URL: jdbc}
        """);
    ObjectNode run = yaml("""
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: migrate-1, namespace: %s}
        spec:
          taskRef: {name: migrate}
          params: [{name: target, value: prod}]
          podTemplate: {volumes: [{name: ca, secret: {secretName: ca}}]}
        """.formatted(ns));

    RunHandle handle = dispatcher.dispatch(DispatchRequest.builder(run).build());

    var member = sandbox.cluster(handle.cluster()).client();
    ObjectNode created = get(member, TektonTypes.TASK_RUN, ns, "migrate-1").orElseThrow();
    for (String secret : new String[] {"db", "ca", "prod-creds"}) {
      ObjectNode copy = get(member, BuiltInTypes.SECRETS, ns, secret).orElseThrow(() -> new AssertionError(secret));
      assertThat(written(copy)).as(secret + " written before the run").isLessThan(written(created));
    }
    ObjectNode settings = get(member, BuiltInTypes.CONFIG_MAPS, ns, "flyway-settings").orElseThrow();
    assertThat(written(settings)).as("the ConfigMap written before the run").isLessThan(written(created));
  }

  @Test
  @DisplayName("a Secret a child Pipeline's Task needs, missing: the dispatch fails naming it and its field, and"
      + " nothing is written to the member")
  void missingSecretFailsBeforeAnyWrite(FleetSandbox sandbox) {
    onHost(sandbox, TektonTypes.PIPELINE, """
        apiVersion: tekton.dev/v1
        kind: Pipeline
        metadata: {name: release, namespace: %s}
        spec: {tasks: [{name: sign, taskRef: {name: sign}}]}
        """);
    onHost(sandbox, TektonTypes.TASK, """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: sign, namespace: %s}
        spec:
          steps:
          - {name: sign, image: cosign, env: [{name: K, valueFrom: {secretKeyRef: {name: signing-key, key: k}}}]}
        """);
    ObjectNode run = yaml("""
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: release-1, namespace: %s}
        spec:
          pipelineSpec: {tasks: [{name: child, pipelineRef: {name: release}}]}
        """.formatted(ns));

    assertThatThrownBy(() -> dispatcher.dispatch(DispatchRequest.builder(run).build()))
        .isInstanceOf(DispatchException.class)
        .hasMessageContaining("Secret " + ns + "/signing-key (Task sign: spec.steps[0].env[0].valueFrom.secretKeyRef)")
        .hasMessageContaining("Nothing was created");
    assertThat(sandbox.cluster("dev2").writeCount()).as("writes to the member").isZero();
  }

  @Test
  @DisplayName("an optional Secret that exists goes with the run; an absent one does not stop it")
  void optionalSecrets(FleetSandbox sandbox) {
    onHost(sandbox, BuiltInTypes.SECRETS, """
        apiVersion: v1
        kind: Secret
        metadata: {name: present, namespace: %s}
        stringData: {k: v}
        """);
    ObjectNode run = yaml("""
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: opt-1, namespace: %s}
        spec:
          taskSpec:
            steps:
            - name: s
              image: alpine
              envFrom: [{secretRef: {name: present, optional: true}}, {secretRef: {name: absent, optional: true}}]
        """.formatted(ns));

    RunHandle handle = dispatcher.dispatch(DispatchRequest.builder(run).build());

    var member = sandbox.cluster(handle.cluster()).client();
    assertThat(get(member, TektonTypes.TASK_RUN, ns, "opt-1")).isPresent();
    assertThat(get(member, BuiltInTypes.SECRETS, ns, "present")).isPresent();
    assertThat(get(member, BuiltInTypes.SECRETS, ns, "absent")).isEmpty();
  }

  @Test
  @DisplayName("a Secret named only when the run runs is not propagated, and the handle's warnings say so")
  void warningsOfTheDispatch(FleetSandbox sandbox) {
    ObjectNode run = yaml("""
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: warn-1, namespace: %s}
        spec:
          taskSpec:
            steps:
            - name: s
              image: alpine
              env: [{name: T, valueFrom: {secretKeyRef: {name: "t-$(context.taskRun.uid)", key: k}}}]
        """.formatted(ns));

    RunHandle handle = dispatcher.dispatch(DispatchRequest.builder(run).build());

    assertThat(handle.warnings()).singleElement().asString()
        .contains("spec.taskSpec.steps[0].env[0].valueFrom.secretKeyRef")
        .contains("the Secret name \"t-$(context.taskRun.uid)\" is known only when the run runs");
    var member = sandbox.cluster(handle.cluster()).client();
    assertThat(get(member, TektonTypes.TASK_RUN, ns, "warn-1")).isPresent();
    assertThat(member.secrets().inNamespace(ns).list().getItems()).isEmpty();
  }
}
