/**
 * What propagation did and where every federated object stands, in KubeFed's vocabulary: per call a
 * {@link io.fleetfed.core.status.PropagationResult} (per cluster a {@link io.fleetfed.core.status.ClusterOutcome}:
 * an action and a {@link io.fleetfed.core.status.PropagationStatus}), and per object a live
 * {@link io.fleetfed.core.status.FederatedStatus} with its aggregate {@code Propagation} condition, told to
 * {@link io.fleetfed.core.status.StatusListener}s; {@link io.fleetfed.core.status.CopyReport}s from a read-only
 * inspection.
 *
 * <pre>{@code
 * PropagationResult result = fleet.propagate(nginx);
 * result.cluster("dev2").map(ClusterOutcome::action);   // CREATED
 * fleet.addStatusListener(s -> log.info("{}", s));
 * }</pre>
 *
 * <p>Immutable values only; this package depends on nothing but {@code io.fleetfed.core} and the model.
 */
package io.fleetfed.core.status;
