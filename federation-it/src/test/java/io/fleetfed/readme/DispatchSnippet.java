package io.fleetfed.readme;

import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.model.LabelSelector;
import io.fleetfed.tekton.DispatchRequest;
import io.fleetfed.tekton.RunDispatcher;
import io.fleetfed.tekton.RunHandle;
import io.fleetfed.tekton.RunListener;
import io.fleetfed.tekton.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;

/** The README's snippet of a dispatch (compiled, not run: it needs a kubeconfig's clusters). */
final class DispatchSnippet {
  private DispatchSnippet() {}

  static void run(Logger log) throws Exception {
    // README:start
    try (ClusterFleet fleet = ClusterFleet.builder().kubeconfigFromEnvironment().hostContext("dev1").build();
         RunDispatcher dispatcher = RunDispatcher.builder(fleet).capacity("dev2", 20).build()) {
      DispatchRequest request = DispatchRequest.read("build.yaml", Files.readString(Path.of("build.yaml")))
          .key("build-4711")                                          // retries never make a second run
          .selector(LabelSelector.matchLabels(Map.of("security", "high")))
          .timeout(Duration.ofMinutes(20))
          .build();
      RunHandle handle = dispatcher.dispatch(request,                 // told of each phase change: RUNNING once
          RunListener.onPhaseChange(s -> log.info("{} {}", s.phase(), s.reason())));
      log.info("on {}: {}", handle.cluster(), handle.choice());        // and why every other cluster was not
      RunStatus outcome = handle.await(Duration.ofHours(1));           // SUCCEEDED, FAILED, CANCELLED, TIMED_OUT, CLUSTER_LOST
      outcome.results();  outcome.children();  handle.logs();          // results, child TaskRuns, step logs
    }
    // README:end
  }
}
