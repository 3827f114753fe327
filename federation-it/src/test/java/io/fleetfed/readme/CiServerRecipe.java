package io.fleetfed.readme;

import io.fleetfed.tekton.DispatchRequest;
import io.fleetfed.tekton.RunDispatcher;
import io.fleetfed.tekton.RunHandle;
import io.fleetfed.tekton.RunListener;
import io.fleetfed.tekton.RunStatus;
import java.time.Duration;
import org.slf4j.Logger;

/** The README's recipe for a CI server. Run by {@link RecipesTest} on a sandbox with a simulated Tekton. */
final class CiServerRecipe {
  private CiServerRecipe() {}

  // README:start
  /** Runs the PipelineRun in {@code yaml} for {@code commit} on the member that should run it, and waits. */
  static RunStatus build(RunDispatcher dispatcher, String yaml, String commit, Logger log) {
    DispatchRequest request = DispatchRequest.read("pipelinerun.yaml", yaml)
        .key("build-" + commit)                   // a redelivered webhook follows this run, never starts another
        .timeout(Duration.ofMinutes(30))
        .build();
    RunHandle handle = dispatcher.dispatch(request,
        RunListener.onPhaseChange(s -> log.info("{}: {} {}", commit, s.phase(), s.reason())));
    log.info("{} runs on {}: {}", commit, handle.cluster(), handle.choice().reason());
    return handle.await(Duration.ofMinutes(40));   // SUCCEEDED, FAILED, CANCELLED, TIMED_OUT or CLUSTER_LOST
  }
  // README:end
}
