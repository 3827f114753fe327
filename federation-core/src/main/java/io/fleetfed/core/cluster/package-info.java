/**
 * Member clusters as the fleet sees them ({@link io.fleetfed.core.cluster.ClusterState}, health, cordon, what a
 * drain or an unjoin did), how they are probed and retried ({@link io.fleetfed.core.cluster.HealthCheck},
 * {@link io.fleetfed.core.cluster.Backoff}), and <b>the seam</b>: {@link io.fleetfed.core.cluster.ClusterClient},
 * the one interface through which every read and write of fleetfed reaches a member or the host.
 *
 * <p>{@code ClusterClient}, {@link io.fleetfed.core.cluster.ObjectWatch}, {@link io.fleetfed.core.cluster.WatchHandler},
 * {@link io.fleetfed.core.cluster.ClusterRequestException} and {@link io.fleetfed.core.cluster.ResourceContexts}
 * form a service-provider interface: {@code federation-tekton} and the host-cluster controller reach clusters only
 * through it, and a program may too ({@code fleet.client("dev2")}). Objects are fabric8's
 * {@code GenericKubernetesResource}, types fleetfed's {@link io.fleetfed.core.model.ResourceType}.
 *
 * <p>This package depends on the model and on fabric8's model and client DSL types; not on the fleet.
 */
package io.fleetfed.core.cluster;
