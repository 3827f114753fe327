/**
 * Applying, the second room: {@link io.fleetfed.core.fleet.internal.apply.CopySync} brings one cluster's copy of
 * one object in line with its plan (create, conditional update with KubeFed's retention, unchanged without a
 * write, delete, orphan), reading through per-member {@link io.fleetfed.core.fleet.internal.apply.TypeCache}s
 * (snapshots per call, or watches once started) and writing through the member's
 * {@link io.fleetfed.core.cluster.ClusterClient}. {@link io.fleetfed.core.fleet.internal.apply.Tracked} is what the
 * fleet remembers of each object. May use plan, members (a member's client and health), the seam and the status
 * values.
 */
package io.fleetfed.core.fleet.internal.apply;
