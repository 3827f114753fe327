package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code fleetfed apply --sandbox}: the README's main job, on an in-process fleet started for the command. */
class ApplySandboxIT {
  private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();

  @Test
  void theScenarioLandsOnAnInProcessFleetWithEachClustersReplicas() {
    FleetfedJar.Result result = FleetfedJar.run(EXAMPLES, "apply", "--sandbox", "dev1-context,dev2-context",
        "-f", "scenario.yaml", "-f", "taskrun.yaml");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout())
        .contains("FederatedDeployment/testing-fed/nginx-fed: dev1-context created, dev2-context created\n")
        .contains("FederatedTaskRun/testing-fed/git-clone-test: dev2-context created\n")
        .containsPattern("(?m)^dev1-context\\s+Deployment\\s+testing-fed\\s+nginx-fed\\s+2$")
        .containsPattern("(?m)^dev2-context\\s+Deployment\\s+testing-fed\\s+nginx-fed\\s+3$")
        .containsPattern("(?m)^dev2-context\\s+TaskRun\\s+testing-fed\\s+git-clone-test\\s+-$")
        .doesNotContainPattern("(?m)^dev1-context\\s+TaskRun");
  }

  @Test
  void aSandboxExcludesARealFleet() {
    FleetfedJar.Result result = FleetfedJar.run(EXAMPLES, "apply", "--sandbox", "dev1-context",
        "--clusters", "dev1-context", "-f", "scenario.yaml");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr()).contains("--sandbox excludes");
  }
}
