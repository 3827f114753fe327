package io.fleetfed.core.status;

import io.fleetfed.core.internal.Nulls;
import java.util.Collection;
import java.util.Objects;

/**
 * KubeFed's aggregate {@code Propagation} condition of a federated object: {@code True} when every cluster's
 * copy is as it should be, otherwise {@code False} with a reason.
 *
 * @param status whether the object is fully propagated
 * @param reason empty when {@code status} is true; otherwise {@value #CHECK_CLUSTERS} (some cluster's status
 *     is not OK) or {@value #COMPUTE_PLACEMENT_FAILED}
 */
public record PropagationCondition(boolean status, String reason) {
  /** Some cluster's status is not OK: see the clusters. */
  public static final String CHECK_CLUSTERS = "CheckClusters";
  /** Placement or rendering failed (such as an override that cannot apply). */
  public static final String COMPUTE_PLACEMENT_FAILED = "ComputePlacementFailed";
  /** Every cluster is as it should be. */
  public static final PropagationCondition PROPAGATED = new PropagationCondition(true, "");

  /** Checks that a reason is given exactly when the status is false. */
  public PropagationCondition {
    Objects.requireNonNull(reason, "reason");
    if (status != reason.isEmpty()) {
      throw new IllegalArgumentException("a reason is given exactly when the status is false");
    }
  }

  /** The condition for these cluster outcomes. */
  public static PropagationCondition of(Collection<PropagationStatus> statuses) {
    return Nulls.noNulls(statuses, "statuses").stream().allMatch(s -> s == PropagationStatus.OK)
        ? PROPAGATED : new PropagationCondition(false, CHECK_CLUSTERS);
  }

  @Override
  public String toString() {
    return "Propagation=" + (status ? "True" : "False/" + reason);
  }
}
