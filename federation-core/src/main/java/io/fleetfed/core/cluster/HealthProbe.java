package io.fleetfed.core.cluster;

import java.util.Objects;
import java.util.Optional;

/**
 * One probe of a cluster's {@code /healthz}, judged as KubeFed judges it: body {@code ok} is Ready, another
 * answer is NotReady, no answer is Offline.
 *
 * @param health what the probe says
 * @param message the detail, such as why the cluster cannot be reached
 */
public record HealthProbe(ClusterHealth health, Optional<String> message) {
  /** Checks that nothing is null. */
  public HealthProbe {
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(message, "message");
  }
}
