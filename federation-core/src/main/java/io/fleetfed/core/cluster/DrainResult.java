package io.fleetfed.core.cluster;

import java.util.List;
import java.util.Objects;

/**
 * What draining a cluster did.
 *
 * <pre>{@code
 * DrainResult result = fleet.drain("dev2");
 * log.info("removed {} objects from {}", result.removed(), result.cluster());
 * result.problems().forEach(p -> log.warn("{}: {}", p.reason(), p.message()));
 * }</pre>
 *
 * @param cluster the drained cluster
 * @param removed how many managed objects were deleted from it
 * @param problems what could not be removed (empty when the drain is complete)
 */
public record DrainResult(String cluster, int removed, List<Problem> problems) {
  /** Checks that nothing is null. */
  public DrainResult {
    Objects.requireNonNull(cluster, "cluster");
    problems = List.copyOf(problems);
  }

  /** Whether every managed object was removed. */
  public boolean isComplete() {
    return problems.isEmpty();
  }

  /** Why part of a drain is not done. */
  public enum Reason {
    /** A federated object's copy could not be removed; {@link Problem#subject()} is the federated object. */
    NOT_REMOVED,
    /** The cluster is not Ready: its objects are removed when it is back; the subject is the cluster. */
    CLUSTER_NOT_READY,
    /** The managed objects of one type could not be listed or deleted; the subject is {@code plural.group}. */
    TYPE_NOT_DRAINED,
    /** The cluster's served types could not be discovered, so only known types were drained. */
    DISCOVERY_FAILED
  }

  /**
   * One part of a drain that is not done.
   *
   * @param reason what kind of problem it is
   * @param subject what it is about: a federated object, a type or the cluster (see {@link Reason})
   * @param message the detail for people (never credentials)
   */
  public record Problem(Reason reason, String subject, String message) {
    /** Checks that nothing is null. */
    public Problem {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
      return message;
    }
  }
}
