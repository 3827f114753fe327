package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.testkit.Await;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.RunScript;
import io.fleetfed.testkit.TektonRelease;
import io.fleetfed.testkit.TektonSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scenario's Tekton objects on a fleet mid-upgrade, as a user drives it: {@code fleetfed apply} and
 * {@code fleetfed dispatch} (the shaded jar, as processes) and kubectl reading what each member holds. dev2 plays
 * Tekton 0.24 ({@code tekton.dev/v1alpha1} and {@code v1beta1} only), dev3 a current Tekton. On mock and real API
 * servers.
 */
@Tag("real-api-servers")
@EnableFleetSandbox(clusters = {"dev1", "dev2", "dev3"}, tekton = {"dev2=0.24", "dev3=current"})
class MixedTektonIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static FleetSandbox sandbox;
  private static TektonSimulator tekton;

  @TempDir
  Path dir;

  @BeforeAll
  static void simulateTekton() {
    tekton = TektonSimulator.builder().clusters(sandbox.cluster("dev2"), sandbox.cluster("dev3"))
        .release("dev2", TektonRelease.V0_24).defaults(RunScript.succeeds()).start();
  }

  @AfterAll
  static void stopTekton() {
    tekton.close();
  }

  private static final String SCENARIO = """
      apiVersion: types.kubefed.io/v1beta1
      kind: FederatedNamespace
      metadata: {name: testing-fed, namespace: testing-fed}
      spec:
        placement: {clusters: [{name: dev2}, {name: dev3}]}
      ---
      apiVersion: types.kubefed.io/v1beta1
      kind: FederatedTask
      metadata: {name: git-clone, namespace: testing-fed}
      spec:
        template:
          spec:
            params: [{name: url, type: string}]
            steps:
            - name: clone
              image: alpine/git
              script: git clone $(params.url)
              computeResources: {requests: {cpu: 100m}}
        placement: {clusters: [{name: dev2}, {name: dev3}]}
      ---
      apiVersion: types.kubefed.io/v1beta1
      kind: FederatedTaskRun
      metadata: {name: git-clone-test, namespace: testing-fed}
      spec:
        template:
          spec:
            taskRef: {name: git-clone}
            params: [{name: url, value: "https://github.com/kelseyhightower/nocode"}]
        placement: {clusters: [{name: dev2}, {name: dev3}]}
      """;

  @Test
  @DisplayName("fleetfed apply: the FederatedTaskRun (no apiVersion in its template) runs on 0.24 as v1beta1 and on"
      + " the current member as v1, as kubectl shows")
  void applyWritesEachMemberTheVersionItServes() {
    Assumptions.assumeTrue(Kubectl.path().isPresent(), "kubectl is not on the PATH");
    FleetfedJar.Result applied = FleetfedJar.run(dir, "apply", "--kubeconfig", sandbox.kubeconfig().toString(),
        "--clusters", "dev2,dev3", "-f", write("scenario.yaml", SCENARIO).toString());

    assertThat(applied.exitCode()).as(applied.stdout() + applied.stderr()).isZero();
    assertThat(applied.stdout()).contains("FederatedTaskRun/testing-fed/git-clone-test: dev2 created, dev3 created");
    Await.until(WAIT, "git-clone-test Succeeded on dev2 and dev3", () ->
        kubectl("dev2", "get", "taskruns.v1beta1.tekton.dev", "git-clone-test", "-o",
            "jsonpath={.status.conditions[0].reason}").stdout().equals("Succeeded")
        && kubectl("dev3", "get", "taskruns.v1.tekton.dev", "git-clone-test", "-o",
            "jsonpath={.status.conditions[0].reason}").stdout().equals("Succeeded"));
    assertThat(kubectl("dev2", "get", "taskruns.v1beta1.tekton.dev", "git-clone-test", "-o",
        "jsonpath={.apiVersion} {.status.taskResults}").stdout()).startsWith("tekton.dev/v1beta1 ");
    assertThat(kubectl("dev2", "get", "tasks.v1beta1.tekton.dev", "git-clone", "-o",
        "jsonpath={.spec.steps[0].resources.requests.cpu}").stdout()).isEqualTo("100m");
    FleetfedJar.Result v1OnDev2 = kubectl("dev2", "get", "taskruns.v1.tekton.dev", "git-clone-test");
    assertThat(v1OnDev2.exitCode()).as("Tekton 0.24 serves no v1: " + v1OnDev2.stdout()).isNotZero();
    assertThat(kubectl("dev3", "get", "taskruns.v1.tekton.dev", "git-clone-test", "-o",
        "jsonpath={.apiVersion}").stdout()).isEqualTo("tekton.dev/v1");

    FleetfedJar.Result again = FleetfedJar.run(dir, "apply", "--kubeconfig", sandbox.kubeconfig().toString(),
        "--clusters", "dev2,dev3", "-f", dir.resolve("scenario.yaml").toString());
    assertThat(again.stdout()).contains("FederatedTask/testing-fed/git-clone: dev2 unchanged, dev3 unchanged");
  }

  @Test
  @DisplayName("fleetfed dispatch --wait to the 0.24 member: the v1 PipelineRun runs there as v1beta1 and"
      + " succeeds; kubectl shows it with 0.24's status")
  void dispatchRunsAV1PipelineRunOnTheOldMember() {
    Assumptions.assumeTrue(Kubectl.path().isPresent(), "kubectl is not on the PATH");
    Path run = write("build.yaml", """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: build, namespace: ci}
        spec:
          steps: [{name: compile, image: golang}]
        ---
        apiVersion: tekton.dev/v1
        kind: Pipeline
        metadata: {name: build-and-test, namespace: ci}
        spec:
          tasks:
          - {name: build, taskRef: {name: build}}
          - {name: test, runAfter: [build], taskRef: {name: build}}
        ---
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: build-1, namespace: ci}
        spec:
          pipelineRef: {name: build-and-test}
          timeouts: {pipeline: 20m}
        """);

    FleetfedJar.Result dispatched = FleetfedJar.run(dir, "dispatch", "--kubeconfig",
        sandbox.kubeconfig().toString(), "--clusters", "dev2,dev3", "--cluster", "dev2", "--wait", "-f",
        run.toString());

    assertThat(dispatched.exitCode()).as(dispatched.stdout() + dispatched.stderr()).isZero();
    assertThat(dispatched.stdout()).contains("dispatched PipelineRun ci/build-1 to dev2")
        .containsPattern("(?m)^  phase: +SUCCEEDED$");
    assertThat(kubectl("dev2", "get", "pipelineruns.v1beta1.tekton.dev", "build-1", "-n", "ci", "-o",
        "jsonpath={.spec.timeout} {.status.conditions[0].reason}").stdout()).isEqualTo("20m Succeeded");
    assertThat(kubectl("dev2", "get", "pipelineruns.v1beta1.tekton.dev", "build-1", "-n", "ci", "-o",
        "jsonpath={.status.taskRuns.*.pipelineTaskName}").stdout()).contains("build").contains("test");
    assertThat(kubectl("dev2", "get", "pipelines.v1beta1.tekton.dev", "build-and-test", "-n", "ci", "-o",
        "jsonpath={.apiVersion}").stdout()).isEqualTo("tekton.dev/v1beta1");
  }

  private static FleetfedJar.Result kubectl(String context, String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "--context";
    all[1] = context;
    all[2] = "-n";
    all[3] = "testing-fed";
    System.arraycopy(args, 0, all, 4, args.length);
    // a later -n wins, so commands in another namespace pass their own
    return Kubectl.run(sandbox.kubeconfig(), all);
  }

  private Path write(String name, String content) {
    try {
      return Files.writeString(dir.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
