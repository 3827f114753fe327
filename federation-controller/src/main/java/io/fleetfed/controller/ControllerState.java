package io.fleetfed.controller;

import io.fleetfed.core.cluster.ClusterState;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link FederationController} is doing now.
 *
 * <pre>{@code
 * ControllerState state = controller.state();
 * if (state.leading()) log.info("propagating {} to {}", state.typesRunning(), state.members());
 * }</pre>
 *
 * @param identity the identity this controller holds the Lease under
 * @param leading whether this controller leads (and so writes)
 * @param leader the identity of the leader, when known
 * @param notLeadingBecause why this controller does not try to lead, when it does not (such as KubeFed's own
 *     controller manager still holding its lock)
 * @param typesRunning the FederatedTypeConfigs whose objects are being propagated, by name, sorted
 * @param members the fleet's members (empty unless leading)
 * @param queueDepth how many Federated objects wait to be reconciled
 * @param synced whether the host's watches have delivered their first list (the controller is ready)
 */
public record ControllerState(String identity, boolean leading, Optional<String> leader,
    Optional<String> notLeadingBecause, List<String> typesRunning, List<ClusterState> members, int queueDepth,
    boolean synced) {

  /** Checks that nothing is null and keeps private copies. */
  public ControllerState {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(leader, "leader");
    Objects.requireNonNull(notLeadingBecause, "notLeadingBecause");
    typesRunning = copyOf(typesRunning, "typesRunning");
    members = copyOf(members, "members");
  }

  /** An unmodifiable copy of {@code values}, refusing a null list or element by the parameter's name. */
  private static <T> List<T> copyOf(List<T> values, String name) {
    Objects.requireNonNull(values, name);
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null) {
        throw new NullPointerException(name + "[" + i + "]");
      }
    }
    return List.copyOf(values);
  }
}
