package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
        .containsPattern("(?m)^  CLUSTER +HEALTH +ROLE +NGINX-FED +TASKRUNS +PIPELINERUNS$")
        .containsPattern("(?m)^  dev1 +Ready +host, member +2 +- +-$")
        .containsPattern("(?m)^  dev2 +Ready +member +3 +git-clone-test Succeeded +build-and-test-1 Succeeded"
            + " \\(3 TaskRuns\\)$")
        .containsPattern("(?m)^  dev3 +Ready +member +- +- +-$")
        .containsPattern("(?m)^demo succeeded in \\d+\\.\\ds$");
    assertThat(out.indexOf("[1/8]")).isLessThan(out.indexOf("[2/8]"));
    assertThat(out.indexOf("[7/8]")).isLessThan(out.indexOf("[8/8]"));
  }
}
