package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetfed demo}: the README's first command, the reference scenario end to end. */
class DemoCommandIT {
  @TempDir
  Path dir;

  @Test
  @DisplayName("demo replays the scenario: joins, Tekton types, nginx-fed, git-clone-test Succeeded on dev2, a"
      + " dispatched PipelineRun, the final table; exit 0")
  void replaysTheScenario() {
    FleetfedJar.Result result = FleetfedJar.run(dir, "demo");

    assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
    assertThat(result.stderr()).isEmpty();
    String out = result.stdout();
    for (int step = 1; step <= 8; step++) {
      assertThat(out).containsPattern("(?m)^\\[" + step + "/8\\] \\S");
    }
    assertThat(out)
        // (1) joined, and the KubeFedClusters READY
        .contains("  kubefedctl join dev3 --host-cluster-context dev1: ")
        .containsPattern("(?m)^  dev1 +True +ClusterReady$")
        .containsPattern("(?m)^  dev2 +True +ClusterReady$")
        .containsPattern("(?m)^  dev3 +True +ClusterReady$")
        // (2) every Tekton kind enabled, with spec.template
        .containsPattern("(?m)^  TaskRun +federatedtaskruns\\.types\\.kubefed\\.io +kube-federation-system/"
            + "taskruns\\.tekton\\.dev +kept$")
        .containsPattern("(?m)^  PipelineResource +federatedpipelineresources\\.types\\.kubefed\\.io .* kept$")
        .doesNotContain("MISSING")
        // (3) and (4)
        .contains("  FederatedNamespace/testing-fed/testing-fed: dev1 created, dev2 created\n")
        .contains("  FederatedDeployment/testing-fed/nginx-fed: dev1 created, dev2 created\n")
        .contains("  dev1: nginx-fed with 2 replicas\n  dev2: nginx-fed with 3 replicas\n  dev3: no nginx-fed\n")
        // (5) the TaskRun on dev2 only, Succeeded, with its log
        .contains("  FederatedTask/testing-fed/git-clone: dev2 created\n")
        .contains("  FederatedTaskRun/testing-fed/git-clone-test: dev2 created\n")
        .contains("  TaskRun testing-fed/git-clone-test on dev2: Succeeded=True (Succeeded)\n")
        .containsPattern("(?m)^  git-clone-test +True +Succeeded +\\S+$")
        .containsPattern("(?m)^  \\[clone\\] \\S")
        .contains("  dev1 holds no git-clone-test")
        // (7) the dispatcher's choice, progress, logs and outcome
        .contains("  dispatched PipelineRun ci/build-and-test-1 to dev2: ")
        .contains("\n    not dev1: the host cluster runs no pipelines unless the request allows it\n")
        .contains("  PipelineRun ci/build-and-test-1 on dev2: RUNNING")
        .contains("  PipelineRun ci/build-and-test-1 on dev2: SUCCEEDED (Succeeded")
        .containsPattern("(?m)^  \\[build:compile\\] \\S")
        .containsPattern("(?m)^    phase: +SUCCEEDED$")
        .containsPattern("(?m)^    fetch +build-and-test-1-fetch +SUCCEEDED +Succeeded")
        // (6) the host-cluster controller
        .contains("    status: Propagation True, clusters [dev2, dev3], observedGeneration 1\n")
        .contains("  dev2: ConfigMap testing-fed/pipeline-settings, registry=registry.example\n")
        .contains("  dev3: ConfigMap testing-fed/pipeline-settings, registry=registry.example\n")
        .contains("  dev1: no pipeline-settings\n")
        // (8) the final table
        .containsPattern("(?m)^  CLUSTER +HEALTH +ROLE +TEKTON +NGINX-FED +TASKRUNS +PIPELINERUNS$")
        .containsPattern("(?m)^  dev1 +Ready +host, member +- +2 +- +-$")
        .containsPattern("(?m)^  dev2 +Ready +member +current \\(v1\\) +3 +git-clone-test Succeeded"
            + " +build-and-test-1 Succeeded \\(3 TaskRuns\\)$")
        .containsPattern("(?m)^  dev3 +Ready +member +current \\(v1\\) +- +- +-$")
        .containsPattern("(?m)^demo succeeded in \\d+\\.\\ds$");
    assertThat(out.indexOf("[1/8]")).isLessThan(out.indexOf("[2/8]"));
    assertThat(out.indexOf("[7/8]")).isLessThan(out.indexOf("[8/8]"));
  }

  @Test
  @DisplayName("demo --tekton-version dev2=0.24: git-clone-test Succeeded on dev2 as tekton.dev/v1beta1, a"
      + " PipelineRun dispatched to each member in its own version; exit 0")
  void replaysTheScenarioOnAFleetMidUpgrade() {
    FleetfedJar.Result result = FleetfedJar.run(dir, "demo", "--tekton-version", "dev2=0.24");

    assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
    assertThat(result.stdout())
        .startsWith("fleetfed demo: the reference scenario on an in-process fleet: dev1 is the host; dev2 and dev3"
            + " run a simulated Tekton (dev2 0.24, dev3 current)\n")
        .contains("  FederatedTaskRun/testing-fed/git-clone-test: dev2 created\n")
        .contains("  TaskRun testing-fed/git-clone-test on dev2: Succeeded=True (Succeeded)\n")
        .contains("  git-clone-test is tekton.dev/v1beta1 on dev2: Tekton 0.24 serves no tekton.dev/v1, so fleetfed"
            + " converted it\n")
        .contains("  created on dev2 (Tekton 0.24) as tekton.dev/v1beta1, converted from tekton.dev/v1; its Pipeline"
            + " and Tasks likewise\n")
        .contains("  dispatched PipelineRun ci/build-and-test-2 to dev3: the only eligible cluster")
        .contains("  created on dev3 (Tekton current) as tekton.dev/v1\n")
        .containsPattern("(?m)^  PipelineRun ci/build-and-test-1 on dev2: SUCCEEDED")
        .containsPattern("(?m)^  PipelineRun ci/build-and-test-2 on dev3: SUCCEEDED")
        .containsPattern("(?m)^  dev2 +Ready +member +0\\.24 \\(v1beta1\\) +3 +git-clone-test Succeeded"
            + " +build-and-test-1 Succeeded \\(3 TaskRuns\\)$")
        .containsPattern("(?m)^  dev3 +Ready +member +current \\(v1\\) +- +- +build-and-test-2 Succeeded"
            + " \\(3 TaskRuns\\)$")
        .doesNotContain("FAILED")
        .containsPattern("(?m)^demo succeeded in \\d+\\.\\ds$");
  }

  @Test
  void anUnknownReleaseOrClusterExits2NamingTheFlagBeforeAnythingStarts() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code = Main.run(new PrintWriter(out), new PrintWriter(err), "demo", "--tekton-version", "0.9,dev5=0.24");

    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).isEqualTo("error: --tekton-version: \"0.9\": unknown Tekton release \"0.9\": expected"
        + " one of 0.24, current\nerror: --tekton-version: \"dev5=0.24\" names none of the clusters (dev2, dev3)\n");
  }
}
