package io.fleetfed.core.status;

/**
 * Told whenever a federated object's {@link FederatedStatus} changes: after a propagation, when a member's copy
 * changes or disappears, when its remote status changes, when a cluster goes offline or comes back.
 *
 * <pre>{@code
 * fleet.addStatusListener(status -> {
 *   if (!status.isPropagated()) log.warn("{} is not propagated: {}", status.key(), status.clusters());
 * });
 * }</pre>
 *
 * <p>Listeners are called one at a time, in the order changes happen, on a thread of the fleet; keep them short
 * and never block in them. An exception thrown by a listener is logged and does not stop others.
 */
@FunctionalInterface
public interface StatusListener {
  /** Called with the object's new status. */
  void onStatus(FederatedStatus status);
}
