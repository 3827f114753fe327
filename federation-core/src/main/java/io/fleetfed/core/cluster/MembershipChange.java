package io.fleetfed.core.cluster;

import io.fleetfed.core.internal.Nulls;
import java.util.List;

/**
 * What {@link io.fleetfed.core.fleet.ClusterFleet#refreshMembers()} changed in the fleet after reading the host's
 * KubeFedClusters again.
 *
 * <pre>{@code
 * MembershipChange change = fleet.refreshMembers();
 * change.added().forEach(name -> log.info("member {} joined", name));
 * }</pre>
 *
 * @param added members registered in the host since the fleet last read it
 * @param removed members no longer registered there
 * @param reconnected members whose endpoint, CA bundle, token Secret or proxy changed: the fleet reaches them
 *     with a new client
 * @param relabelled members whose placement labels or cordon changed
 */
public record MembershipChange(List<String> added, List<String> removed, List<String> reconnected,
    List<String> relabelled) {

  /** Keeps private copies; nothing may be null. */
  public MembershipChange {
    added = List.copyOf(Nulls.noNulls(added, "added"));
    removed = List.copyOf(Nulls.noNulls(removed, "removed"));
    reconnected = List.copyOf(Nulls.noNulls(reconnected, "reconnected"));
    relabelled = List.copyOf(Nulls.noNulls(relabelled, "relabelled"));
  }

  /** Whether nothing changed. */
  public boolean isEmpty() {
    return added.isEmpty() && removed.isEmpty() && reconnected.isEmpty() && relabelled.isEmpty();
  }
}
