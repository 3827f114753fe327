package io.fleetfed.core.status;

import java.util.Objects;
import java.util.Optional;

/**
 * What happened to one cluster's copy of a federated object.
 *
 * @param cluster the cluster's name
 * @param action what was done
 * @param status {@link PropagationStatus#OK} or why the copy is not as it should be
 * @param message a detail for people (such as the API server's reason), never credentials
 */
public record ClusterOutcome(String cluster, ClusterAction action, PropagationStatus status,
    Optional<String> message) {

  /** Checks that nothing is null. */
  public ClusterOutcome {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
  }

  /** An outcome without a problem. */
  public static ClusterOutcome ok(String cluster, ClusterAction action) {
    return new ClusterOutcome(cluster, action, PropagationStatus.OK, Optional.empty());
  }

  /** An outcome with a problem, and its detail. */
  public static ClusterOutcome failed(String cluster, PropagationStatus status, String message) {
    return new ClusterOutcome(cluster, ClusterAction.NONE, status,
        Optional.of(Objects.requireNonNull(message, "message")));
  }

  /** Whether the copy is as it should be. */
  public boolean isOk() {
    return status == PropagationStatus.OK;
  }

  @Override
  public String toString() {
    return cluster + ": " + action + (isOk() ? "" : " " + status.reason()) + message.map(m -> " (" + m + ")").orElse("");
  }
}
