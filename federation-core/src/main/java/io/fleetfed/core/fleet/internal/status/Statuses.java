package io.fleetfed.core.fleet.internal.status;

import io.fleetfed.core.fleet.internal.apply.Tracked;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.ClusterStatus;
import io.fleetfed.core.status.FederatedStatus;
import io.fleetfed.core.status.PropagationCondition;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.ResourceKey;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Turns what applying did into what callers read: a call's {@link PropagationResult}, an object's live status. */
public final class Statuses {
  private Statuses() {}

  /** Whether {@code o} says the copy is gone from its cluster (deleted, or orphaned). */
  public static boolean gone(ClusterOutcome o) {
    return o.isOk() && (o.action() == ClusterAction.DELETED || o.action() == ClusterAction.ORPHANED);
  }

  /** The result of one call for {@code key}: these outcomes and their aggregate condition. */
  public static PropagationResult result(ResourceKey key, Collection<ClusterOutcome> outcomes) {
    Map<String, ClusterOutcome> byCluster = new HashMap<>();
    outcomes.forEach(o -> byCluster.put(o.cluster(), o));
    return new PropagationResult(key, PropagationCondition.of(byCluster.values().stream()
        .map(ClusterOutcome::status).toList()), byCluster, Optional.empty());
  }

  /** The live status of {@code t}: each cluster's last outcome (but copies gone) with its remote status. */
  public static FederatedStatus of(Tracked t) {
    Map<String, ClusterStatus> clusters = new HashMap<>();
    for (ClusterOutcome o : t.outcomes.values()) {
      if (gone(o)) {
        continue;
      }
      clusters.put(o.cluster(), new ClusterStatus(o.cluster(), o.status(),
          Optional.ofNullable(t.remoteStatus.get(o.cluster())), o.message()));
    }
    return new FederatedStatus(t.key, PropagationCondition.of(clusters.values().stream()
        .map(ClusterStatus::status).toList()), clusters, false);
  }

  /** The last status of an object that is gone from every cluster. */
  public static FederatedStatus deleted(ResourceKey key) {
    return new FederatedStatus(key, PropagationCondition.PROPAGATED, Map.of(), true);
  }
}
