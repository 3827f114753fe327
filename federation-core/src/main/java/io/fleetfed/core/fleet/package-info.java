/**
 * The fleet: federated objects propagated to real API servers and kept converged, KubeFed's sync controller
 * embedded in the caller's JVM. {@link io.fleetfed.core.fleet.ClusterFleet} is the entry point.
 *
 * <pre>{@code
 * try (ClusterFleet fleet = ClusterFleet.builder().kubeconfig(kubeconfig).hostContext("dev1").build()) {
 *   fleet.join("dev2");
 *   PropagationResult result = fleet.propagate(nginx);   // per cluster: CREATED, UPDATED, UNCHANGED, DELETED...
 *   fleet.start();                                       // informers on managed objects keep them converged
 *   fleet.await(ResourceKey.of(nginx), FederatedStatus::isPropagated, Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>This is the only package of {@code federation-core} that talks to clusters (through fabric8); the model,
 * rendering, codec and scheduling packages stay pure.
 */
package io.fleetfed.core.fleet;
