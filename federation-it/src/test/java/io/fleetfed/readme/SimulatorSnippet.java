package io.fleetfed.readme;

import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.RunScript;
import io.fleetfed.testkit.TektonSimulator;
import java.time.Duration;

/** The README's snippet of the Tekton simulator. Run by {@link SnippetsRunTest}. */
final class SimulatorSnippet {
  private SimulatorSnippet() {}

  /** The clusters the simulator runs on. */
  static int simulatedClusters() {
    int clusters;
    // README:start
    try (FleetSandbox sandbox = FleetSandbox.builder().clusters("dev1", "dev2", "dev3").start();
         TektonSimulator tekton = TektonSimulator.builder().clusters(sandbox.cluster("dev2"), sandbox.cluster("dev3"))
             .task("flaky", RunScript.failsAfter(Duration.ofMillis(50), "StepFailed", "exit 1"))
             .defaults(RunScript.succeedsAfter(Duration.ofMillis(200)).withLog("build", "ok\n"))
             .start()) {
      clusters = tekton.clusters().size();   // 2: runs dispatched there succeed after 200 ms, but the Task flaky's
    }
    // README:end
    return clusters;
  }
}
