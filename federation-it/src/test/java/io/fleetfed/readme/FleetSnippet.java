package io.fleetfed.readme;

import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.status.FederatedStatus;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.ResourceKey;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;

/** The README's snippet of a fleet from kubeconfig files (compiled, not run: it needs those clusters). */
final class FleetSnippet {
  private FleetSnippet() {}

  static void run(FederatedResource nginx, Logger log) throws InterruptedException {
    // README:start
    try (ClusterFleet fleet = ClusterFleet.builder()
        .kubeconfig(Path.of("config-1"), Path.of("config-2"))   // merged as KUBECONFIG=config-1:config-2
        .hostContext("dev1-context")                             // membership lives in dev1, as KubeFed keeps it
        .build()) {
      fleet.join("dev2-context");                              // kubefedctl join dev2-context --host-cluster-context dev1-context
      PropagationResult result = fleet.propagate(nginx);       // dev1-context: CREATED, dev2-context: CREATED
      result.orThrow();                                        // PropagationFailedException if a cluster failed
      fleet.start();                                           // keep every copy converged in the background
      fleet.addStatusListener(status -> log.info("{}", status));
      fleet.await(ResourceKey.of(nginx), FederatedStatus::isPropagated, Duration.ofSeconds(30));
    }
    // README:end
  }
}
