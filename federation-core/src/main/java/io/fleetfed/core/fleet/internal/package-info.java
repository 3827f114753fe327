/**
 * The rooms behind {@link io.fleetfed.core.fleet.ClusterFleet}. Not API: anything here may change without notice;
 * other modules reach clusters through the {@link io.fleetfed.core.cluster.ClusterClient} seam, never through these
 * packages.
 *
 * <pre>
 * engine ──▶ plan ──▶ apply ──▶ status
 *   │                   │
 *   └──▶ members ──▶ cluster (the seam's fabric8 implementation)
 * </pre>
 */
package io.fleetfed.core.fleet.internal;
