/**
 * The seam's one implementation: {@link io.fleetfed.core.fleet.internal.cluster.Fabric8ClusterClient} speaks to an
 * API server through a fabric8 client, made by {@link io.fleetfed.core.fleet.internal.cluster.Clients} (one shared
 * Vert.x, the fleet's timeouts); {@link io.fleetfed.core.fleet.internal.cluster.Errors} is the one description of a
 * failed request. May use the seam's package and the model only.
 */
package io.fleetfed.core.fleet.internal.cluster;
