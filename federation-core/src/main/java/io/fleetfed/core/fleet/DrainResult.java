package io.fleetfed.core.fleet;

import java.util.List;
import java.util.Objects;

/**
 * What draining a cluster did.
 *
 * @param cluster the drained cluster
 * @param removed how many managed objects were deleted from it
 * @param problems what could not be removed, one line each (empty when the drain is complete)
 */
public record DrainResult(String cluster, int removed, List<String> problems) {
  /** Checks that nothing is null. */
  public DrainResult {
    Objects.requireNonNull(cluster, "cluster");
    problems = List.copyOf(problems);
  }

  /** Whether every managed object was removed. */
  public boolean isComplete() {
    return problems.isEmpty();
  }
}
