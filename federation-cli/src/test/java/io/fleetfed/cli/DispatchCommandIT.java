package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.RunScript;
import io.fleetfed.testkit.TektonSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetfed dispatch}, run as a process on the shaded jar, mostly on in-process fleets (--sandbox). */
class DispatchCommandIT {
  private static final String SANDBOX = "dev1,dev2,dev3";

  @TempDir
  static Path dir;

  @BeforeAll
  static void files() throws IOException {
    Files.writeString(dir.resolve("taskrun.yaml"), """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: build, namespace: ci}
        spec:
          steps:
          - {name: compile, image: golang, script: go build ./...}
          - {name: test, image: golang, script: go test ./...}
        ---
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: build-1, namespace: ci}
        spec:
          taskRef: {name: build}
        """);
    Files.writeString(dir.resolve("pipelinerun.yaml"), """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: step, namespace: ci}
        spec:
          steps:
          - {name: run, image: alpine}
        ---
        apiVersion: tekton.dev/v1
        kind: Pipeline
        metadata: {name: two-tasks, namespace: ci}
        spec:
          tasks:
          - {name: first, taskRef: {name: step}}
          - {name: second, runAfter: [first], taskRef: {name: step}}
        ---
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: two-tasks-1, namespace: ci}
        spec:
          pipelineRef: {name: two-tasks}
        """);
    Files.writeString(dir.resolve("missing-task.yaml"), """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: orphan-1, namespace: ci}
        spec:
          taskRef: {name: nowhere}
        """);
    Files.writeString(dir.resolve("configmap.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: ci}
        data: {level: high}
        """);
    Files.writeString(dir.resolve("with-binding.yaml"), """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {generateName: default-cluster-admin-}
        subjects: [{kind: ServiceAccount, name: default, namespace: ci}]
        roleRef: {kind: ClusterRole, name: cluster-admin, apiGroup: rbac.authorization.k8s.io}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: db, namespace: ci}
        stringData: {password: p}
        ---
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: migrate-1, namespace: ci}
        spec:
          taskSpec:
            steps:
            - name: migrate
              image: flyway
              env:
              - {name: PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
              - {name: TOKEN, valueFrom: {secretKeyRef: {name: "token-$(context.taskRun.uid)", key: t}}}
        """);
    Files.writeString(dir.resolve("missing-secret.yaml"), """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: migrate, namespace: ci}
        spec:
          steps:
          - {name: migrate, image: flyway, envFrom: [{secretRef: {name: db-admin}}]}
        ---
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: migrate-2, namespace: ci}
        spec: {taskRef: {name: migrate}}
        """);
    Files.writeString(dir.resolve("bad-run.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: ci}
        ---
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: bad-1, namespace: ci}
        """);
    Files.writeString(dir.resolve("broken.yaml"), "apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata: [oops\n");
  }

  private static FleetfedJar.Result fleetfed(String... args) {
    return FleetfedJar.run(dir, args);
  }

  @Test
  @DisplayName("--sandbox --wait: a TaskRun with its Task in the file runs on a member; exit 0")
  void taskRunSucceeds() {
    FleetfedJar.Result result = fleetfed("dispatch", "--sandbox", SANDBOX, "-f", "taskrun.yaml", "--wait");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout())
        .startsWith("dispatched TaskRun ci/build-1 to dev2: ")
        .contains("\n  not dev1: the host cluster runs no pipelines unless the request allows it\n")
        .contains("\n  not dev3: as loaded (0 of 10 runs); ties go to the first name\n")
        .containsPattern("(?m)^  cluster: +dev2$")
        .containsPattern("(?m)^  phase: +SUCCEEDED$")
        .containsPattern("(?m)^  reason: +Succeeded$")
        .containsPattern("(?m)^  steps: +compile \\(Completed\\), test \\(Completed\\)$");
    assertThat(result.stderr())
        .contains("started an in-process fleet: dev1, dev2, dev3 (host dev1; simulated Tekton on dev2, dev3)")
        .contains("TaskRun ci/build-1 on dev2: RUNNING")
        .contains("TaskRun ci/build-1 on dev2: SUCCEEDED (Succeeded");
  }

  @Test
  @DisplayName("--logs streams each step's log to stdout, prefixed with the step")
  void logs() {
    FleetfedJar.Result result = fleetfed("dispatch", "--sandbox", SANDBOX, "-f", "taskrun.yaml", "--logs",
        "--cluster", "dev3");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout())
        .startsWith("dispatched TaskRun ci/build-1 to dev3: the only eligible cluster")
        .contains("\n  not dev2: not among the requested clusters [dev3]\n")
        .containsPattern("(?m)^\\[compile\\] \\S.*$")
        .containsPattern("(?m)^\\[test\\] \\S.*$")
        .containsPattern("(?m)^  phase: +SUCCEEDED$");
    assertThat(result.stdout().indexOf("[compile] ")).isLessThan(result.stdout().indexOf("[test] "));
  }

  @Test
  @DisplayName("a PipelineRun: the summary tables its TaskRuns; -o json prints the final status")
  void pipelineRunAsJson() throws IOException {
    FleetfedJar.Result result = fleetfed("dispatch", "--sandbox", SANDBOX, "-f", "pipelinerun.yaml", "--wait",
        "-o", "json", "--selector", "fleetfed.io/none=x", "--allow-host", "--cluster", "dev1,dev3");

    assertThat(result.exitCode()).isEqualTo(3);   // the selector matches no cluster
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr()).contains("error: no cluster can run PipelineRun ci/two-tasks-1: ")
        .contains("dev1: its labels {} do not match the selector fleetfed.io/none=x")
        .contains("dev2: not among the requested clusters [dev1, dev3]");

    result = fleetfed("dispatch", "--sandbox", SANDBOX, "-f", "pipelinerun.yaml", "--wait", "-o", "json",
        "--key", "build-4711");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    JsonNode status = new ObjectMapper().readTree(result.stdout());
    assertThat(status.path("kind").asText()).isEqualTo("PipelineRun");
    assertThat(status.path("key").asText()).isEqualTo("build-4711");
    assertThat(status.path("cluster").asText()).isEqualTo("dev2");
    assertThat(status.path("choice").path("passedOver").path("dev1").asText()).contains("host cluster");
    assertThat(status.path("phase").asText()).isEqualTo("SUCCEEDED");
    assertThat(status.path("children")).hasSize(2);
    assertThat(status.path("children").path(0).path("pipelineTask").asText()).isEqualTo("first");
    assertThat(status.path("children").path(1).path("phase").asText()).isEqualTo("SUCCEEDED");
    assertThat(result.stderr()).contains("dispatched PipelineRun ci/two-tasks-1 to dev2: ")
        .contains("PipelineRun ci/two-tasks-1 on dev2: SUCCEEDED");

    result = fleetfed("dispatch", "--sandbox", SANDBOX, "-f", "pipelinerun.yaml", "--wait");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout())
        .containsPattern("(?m)^  PIPELINE-TASK +TASKRUN +PHASE +REASON +DURATION$")
        .containsPattern("(?m)^  first +two-tasks-1-first +SUCCEEDED +Succeeded +\\S+$")
        .containsPattern("(?m)^  second +two-tasks-1-second +SUCCEEDED +Succeeded +\\S+$");
  }

  @Test
  @DisplayName("a run whose Task is neither in the file nor in the host: exit 3 naming the Task, nothing created")
  void missingTask() {
    FleetfedJar.Result result = fleetfed("dispatch", "--sandbox", SANDBOX, "-f", "missing-task.yaml", "--wait");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr()).contains("error: cannot dispatch TaskRun ci/orphan-1 (missing-task.yaml, document 1): ")
        .contains("Task ci/nowhere (spec.taskRef)").contains("Nothing was created");
  }

  @Test
  @DisplayName("invalid input exits 2 and sends nothing: no run in the file, broken YAML, bad options")
  void invalidInput() {
    FleetfedJar.Result noRun = fleetfed("dispatch", "--sandbox", SANDBOX, "-f", "configmap.yaml");
    assertThat(noRun.exitCode()).isEqualTo(2);
    assertThat(noRun.stdout()).isEmpty();
    assertThat(noRun.stderr()).isEqualTo("error: configmap.yaml: kind: holds no TaskRun or PipelineRun"
        + " (tekton.dev/v1 or v1beta1)\n");

    FleetfedJar.Result broken = fleetfed("dispatch", "--sandbox", SANDBOX, "-f", "broken.yaml");
    assertThat(broken.exitCode()).isEqualTo(2);
    assertThat(broken.stdout()).isEmpty();
    assertThat(broken.stderr()).startsWith("error: broken.yaml: is not valid YAML")
        .doesNotContain("in-process fleet");

    FleetfedJar.Result options = fleetfed("dispatch", "--sandbox", SANDBOX, "-f", "absent.yaml",
        "--selector", "team!=web", "--capacity", "dev2=-1", "--cluster", "Dev2");
    assertThat(options.exitCode()).isEqualTo(2);
    assertThat(options.stdout()).isEmpty();
    assertThat(options.stderrLines()).containsExactly(
        "error: absent.yaml: no such file or directory",
        "error: cluster Dev2: --cluster: cluster name \"Dev2\" is not a DNS-1123 label: upper-case letters are not"
            + " allowed ('D') (use lower-case letters, digits and '-', starting and ending with a letter or digit,"
            + " at most 63 characters). Give the cluster a valid name, such as \"dev2\": rename the kubeconfig"
            + " context (kubectl config rename-context Dev2 dev2) or name the cluster explicitly when joining it",
        "error: --capacity: the capacity of dev2 must not be negative: -1",
        "error: --selector: \"team!=web\" is not key=value (only equality is supported)");

    FleetfedJar.Result timeout = fleetfed("dispatch", "--sandbox", SANDBOX, "-f", "taskrun.yaml", "--timeout", "soon");
    assertThat(timeout.exitCode()).isEqualTo(2);
    assertThat(timeout.stderr()).startsWith("error: Invalid value for option '--timeout': 'soon' is not a duration");
  }

  @Test
  @DisplayName("--timeout shorter than the run: Tekton times it out, exit 6")
  void timedOut() {
    // the sandbox's runs stay pending for 100 ms, so a 1 ms timeout always ends them first
    FleetfedJar.Result result = fleetfed("dispatch", "--sandbox", "dev1,dev2", "-f", "taskrun.yaml", "--wait",
        "--timeout", "1ms");

    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(6);
    assertThat(result.stdout()).containsPattern("(?m)^  phase: +TIMED_OUT$")
        .containsPattern("(?m)^  reason: +TaskRunTimeout$");
  }

  /**
   * The one test here on a sandbox of the test's own, so the one rerun on real API servers; the others dispatch
   * with --sandbox, a fleet the fleetfed process starts for itself, always on the mock.
   */
  @Test
  @Tag("real-api-servers")
  @DisplayName("on a fleet kept in a host cluster: dispatched to the joined member, which runs it; exit 0")
  void realFleet(@TempDir Path fleetDir) throws IOException {
    Path kubeconfig = fleetDir.resolve("kubeconfig");
    try (FleetSandbox sandbox = FleetSandbox.builder().clusters("hub", "east").kubeconfigFile(kubeconfig).start()) {
      TektonSimulator tekton = TektonSimulator.builder().clusters(sandbox.cluster("east"))
          .defaults(RunScript.succeedsAfter(Duration.ofMillis(100)).withLog("compile", "compiled\n")).start();
      try {
        FleetfedJar.Result join = FleetfedJar.run(fleetDir, "join", "east", "--host-cluster-context", "hub",
            "--kubeconfig", kubeconfig.toString());
        assertThat(join.exitCode()).as(join.stderr()).isZero();
        Files.copy(dir.resolve("taskrun.yaml"), fleetDir.resolve("taskrun.yaml"));

        FleetfedJar.Result result = FleetfedJar.run(fleetDir, "dispatch", "-f", "taskrun.yaml", "--logs",
            "--kubeconfig", kubeconfig.toString(), "--context", "hub", "--capacity", "east=2");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).startsWith("dispatched TaskRun ci/build-1 to east: the only eligible cluster"
            + " (0 of 2 runs)\n").contains("\n[compile] compiled\n").containsPattern("(?m)^  phase: +SUCCEEDED$");

        FleetfedJar.Result again = FleetfedJar.run(fleetDir, "dispatch", "-f", "taskrun.yaml", "--wait",
            "--kubeconfig", kubeconfig.toString(), "--context", "hub");

        assertThat(again.exitCode()).as(again.stderr()).isZero();
        assertThat(again.stdout()).startsWith("dispatched TaskRun ci/build-1 to east: dispatched earlier: ");

        // another run with the key of build-1 (its default, namespace/name) is refused: a key is one run
        Files.writeString(fleetDir.resolve("other.yaml"), Files.readString(fleetDir.resolve("taskrun.yaml"))
            .replace("name: build-1,", "name: build-2,"));
        FleetfedJar.Result taken = FleetfedJar.run(fleetDir, "dispatch", "-f", "other.yaml", "--key", "ci/build-1",
            "--kubeconfig", kubeconfig.toString(), "--context", "hub");

        assertThat(taken.exitCode()).as(taken.stderr()).isEqualTo(3);
        assertThat(taken.stderr()).contains("dispatch key \"ci/build-1\" belongs to TaskRun ci/build-1 (on east),"
            + " not TaskRun ci/build-2");
      } finally {
        tekton.close();
      }
    }
  }

  @Test
  @DisplayName("a ClusterRoleBinding beside the run (as in Tekton's examples) is ignored with a warning, as is a"
      + " Secret named only when the run runs; the run and the Secret its step reads go to the member; exit 0")
  void ignoredDocumentIsAWarning() {
    FleetfedJar.Result result = fleetfed("dispatch", "--sandbox", SANDBOX, "-f", "with-binding.yaml", "--wait");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stderr()).contains("warning: with-binding.yaml, document 1: ClusterRoleBinding"
        + " default-cluster-admin-*: ignored: a run does not read a ClusterRoleBinding")
        .containsPattern("warning: .*spec\\.taskSpec\\.steps\\[0\\]\\.env\\[1\\]\\.valueFrom\\.secretKeyRef: the Secret"
            + " name \"token-\\$\\(context\\.taskRun\\.uid\\)\" is known only when the run runs, so it was not"
            + " propagated: it must exist on the member")
        .doesNotContain("error:");
    assertThat(result.stdout()).startsWith("dispatched TaskRun ci/migrate-1 to dev2: ")
        .containsPattern("(?m)^  phase: +SUCCEEDED$");
  }

  @Test
  @DisplayName("a Secret a given Task's step needs, missing: exit 3 naming it, the Task's document and the field")
  void missingSecretOfAGivenTask() {
    FleetfedJar.Result result = fleetfed("dispatch", "--sandbox", SANDBOX, "-f", "missing-secret.yaml");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr()).contains("error: cannot dispatch TaskRun ci/migrate-2 (missing-secret.yaml, document"
        + " 2): a dependency is neither given nor in the source cluster dev1 (the host): Secret ci/db-admin (Task"
        + " migrate (missing-secret.yaml, document 1): spec.steps[0].envFrom[0].secretRef). Nothing was created.");
  }

  @Test
  @DisplayName("an invalid run names the file, its document and the run; exit 2")
  void invalidRunNamesItsDocument() {
    FleetfedJar.Result result = fleetfed("dispatch", "--sandbox", SANDBOX, "-f", "bad-run.yaml");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr()).isEqualTo("error: bad-run.yaml, document 2: TaskRun ci/bad-1: spec: is required\n");
  }
}
