/**
 * The fleet's members: the registry of {@link io.fleetfed.core.fleet.internal.members.Member}s and the host
 * ({@link io.fleetfed.core.fleet.internal.members.Members}), membership kept in the host's KubeFedClusters as
 * kubefedctl keeps it ({@link io.fleetfed.core.fleet.internal.members.Membership}: join, unjoin, cordon, health
 * written back), kubeconfig files, health probing with KubeFed's thresholds
 * ({@link io.fleetfed.core.fleet.internal.members.HealthProber}), and draining
 * ({@link io.fleetfed.core.fleet.internal.members.Drainer}). Every request goes through the seam. May use the
 * cluster seam and its implementation, the model and the status values.
 */
package io.fleetfed.core.fleet.internal.members;
