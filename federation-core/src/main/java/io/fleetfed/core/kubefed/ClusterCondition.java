package io.fleetfed.core.kubefed;

import java.util.Objects;
import java.util.Optional;

/**
 * One condition of a KubeFedCluster's status, such as {@code Ready=True} or {@code Offline=True}.
 *
 * @param type the condition type ({@code Ready}, {@code Offline}, {@code ConfigMalformed})
 * @param status {@code True}, {@code False} or {@code Unknown}
 * @param reason a machine-readable reason, such as {@code ClusterReady}
 * @param message a human-readable message
 * @param lastProbeTime RFC 3339 time of the last probe
 * @param lastTransitionTime RFC 3339 time the status last changed
 */
public record ClusterCondition(String type, String status, Optional<String> reason, Optional<String> message,
    Optional<String> lastProbeTime, Optional<String> lastTransitionTime) {

  /** Checks for null and empty type or status. */
  public ClusterCondition {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(lastProbeTime, "lastProbeTime");
    Objects.requireNonNull(lastTransitionTime, "lastTransitionTime");
    if (type.isEmpty() || status.isEmpty()) {
      throw new IllegalArgumentException("a condition needs a type and a status");
    }
  }

  /** A condition with only a type and a status. */
  public static ClusterCondition of(String type, String status) {
    return new ClusterCondition(type, status, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty());
  }

  /** Whether this is {@code Ready=True}. */
  public boolean isReadyTrue() {
    return type.equals("Ready") && status.equals("True");
  }
}
