/**
 * The fleet: federated objects propagated to real API servers and kept converged, KubeFed's sync controller
 * embedded in the caller's JVM. {@link io.fleetfed.core.fleet.ClusterFleet} is the entry point, a facade built by
 * {@link io.fleetfed.core.fleet.ClusterFleetBuilder}.
 *
 * <pre>{@code
 * try (ClusterFleet fleet = ClusterFleet.builder().kubeconfig(kubeconfig).hostContext("dev1").build()) {
 *   fleet.join("dev2");
 *   PropagationResult result = fleet.propagate(nginx);   // per cluster: CREATED, UPDATED, UNCHANGED, DELETED...
 *   fleet.start();                                       // watches on managed objects keep them converged
 *   fleet.await(ResourceKey.of(nginx), FederatedStatus::isPropagated, Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>Behind the facade, the rooms of {@code io.fleetfed.core.fleet.internal}, in the order data moves:
 * {@code plan} (placement and rendering into the copy each cluster should hold; pure), {@code apply} (one cluster's
 * copy brought in line: create, update, unchanged, delete, orphan, retention), {@code status} (results,
 * conditions, the status board and its listeners, read-only inspection), coordinated by {@code engine}; and
 * {@code members} (membership in the host, health probing, drain) over {@code cluster}, the fabric8
 * implementation of the {@link io.fleetfed.core.cluster.ClusterClient} seam. Those packages are not API.
 *
 * <p>This package may use every other package of {@code federation-core}; nothing in core depends on it.
 */
package io.fleetfed.core.fleet;
