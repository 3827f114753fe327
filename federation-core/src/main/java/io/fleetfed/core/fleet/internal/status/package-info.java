/**
 * Status, the last room: outcomes become a call's {@link io.fleetfed.core.status.PropagationResult} and each
 * object's live {@link io.fleetfed.core.status.FederatedStatus} on the
 * {@link io.fleetfed.core.fleet.internal.status.StatusBoard}, which tells listeners in order and completes waiters;
 * {@link io.fleetfed.core.fleet.internal.status.Inspector} reads what each cluster holds without writing. May use
 * apply's records, plan, members and the status values.
 */
package io.fleetfed.core.fleet.internal.status;
