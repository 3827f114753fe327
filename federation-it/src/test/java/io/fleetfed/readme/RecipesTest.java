package io.fleetfed.readme;

import static io.fleetfed.testkit.FleetAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.tekton.RunDispatcher;
import io.fleetfed.tekton.RunPhase;
import io.fleetfed.tekton.RunStatus;
import io.fleetfed.testkit.EnableFleet;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.RunScript;
import io.fleetfed.testkit.TektonSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The README's recipes, run on a sandbox as a user would run them on their clusters (named as the scenario's
 * kubeconfig contexts, which examples/scenario.yaml places on; every cluster is a member).
 */
@EnableFleetSandbox(clusters = {"dev1-context", "dev2-context"})
@EnableFleet
class RecipesTest {
  private static final String PIPELINE_RUN = """
      apiVersion: tekton.dev/v1
      kind: PipelineRun
      metadata: {name: build, namespace: ci}
      spec:
        pipelineSpec:
          tasks:
            - name: compile
              taskSpec:
                steps: [{name: make, image: gcc, script: make}]
      """;

  @Test
  void theKubeFedYamlRecipePropagatesTheScenarioFile(ClusterFleet fleet, FleetSandbox sandbox) throws Exception {
    List<PropagationResult> results = KubeFedYamlRecipe.apply(fleet, Path.of("..", "examples", "scenario.yaml"));

    assertThat(results).isNotEmpty();
    assertThat(results.get(0)).isSuccess();
    assertThat(sandbox.cluster("dev2-context")).hasObject("apps/v1", "Deployment", "testing-fed", "nginx-fed")
        .hasFieldAt("/spec/replicas", 3);
    assertThat(results).allSatisfy(r -> assertThat(r.clusters().values())
        .allSatisfy(o -> assertThat(o.action()).isEqualTo(ClusterAction.CREATED)));
  }

  @Test
  void theCiServerRecipeRunsAPipelineRunOnAMemberAndWaitsForItsEnd(RunDispatcher dispatcher, FleetSandbox sandbox) {
    try (TektonSimulator tekton = TektonSimulator.builder()
        .clusters(sandbox.cluster("dev1-context"), sandbox.cluster("dev2-context"))
        .defaults(RunScript.succeedsAfter(Duration.ofMillis(50))).start()) {
      RunStatus outcome = CiServerRecipe.build(dispatcher, PIPELINE_RUN, "3fa9c0d", LoggerFactory.getLogger("ci"));

      assertThat(outcome.phase()).isEqualTo(RunPhase.SUCCEEDED);
      assertThat(outcome.cluster()).isIn("dev1-context", "dev2-context");
      assertThat(outcome.children()).hasSize(1);
      // the key makes a redelivered build follow the same run
      assertThat(CiServerRecipe.build(dispatcher, PIPELINE_RUN, "3fa9c0d", LoggerFactory.getLogger("ci")).name())
          .isEqualTo(outcome.name());
    }
  }
}
