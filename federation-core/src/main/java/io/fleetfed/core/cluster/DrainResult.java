package io.fleetfed.core.cluster;

import io.fleetfed.core.internal.Nulls;
import java.util.List;
import java.util.Objects;

/**
 * What draining a cluster did.
 *
 * <pre>{@code
 * DrainResult result = fleet.drain("dev2");
 * log.info("removed {} objects from {}", result.removed(), result.cluster());
 * result.problems().forEach(p -> log.warn("{}: {}", p.reason(), p.message()));
 * result.leftAlone().forEach(o -> log.info("not fleetfed's, left alone: {}", o));
 * }</pre>
 *
 * <p>A drain deletes only fleetfed's own copies: objects whose {@code fleetfed.io/managed} label,
 * {@code fleetfed.io/source} annotation (naming a federated object of the copy's own kind, namespace and name) and
 * {@code fleetfed.io/hash} annotation agree. An object that carries fleetfed's label but fails that test (labelled
 * by hand, or by another tool) is not deleted: it is listed in {@link #leftAlone()}, and does not make the drain
 * incomplete.
 *
 * @param cluster the drained cluster
 * @param removed how many managed objects were deleted from it
 * @param problems what could not be removed (empty when the drain is complete)
 * @param leftAlone objects labelled as fleetfed's that are not its copies, which the drain did not touch
 */
public record DrainResult(String cluster, int removed, List<Problem> problems, List<LeftAlone> leftAlone) {
  /** Checks that nothing is null. */
  public DrainResult {
    Objects.requireNonNull(cluster, "cluster");
    problems = List.copyOf(Nulls.noNulls(problems, "problems"));
    leftAlone = List.copyOf(Nulls.noNulls(leftAlone, "leftAlone"));
  }

  /** A result that left nothing alone. */
  public DrainResult(String cluster, int removed, List<Problem> problems) {
    this(cluster, removed, problems, List.of());
  }

  /** Whether every one of fleetfed's copies was removed (objects {@linkplain #leftAlone() left alone} aside). */
  public boolean isComplete() {
    return problems.isEmpty();
  }

  /** Why part of a drain is not done. */
  public enum Reason {
    /** A federated object's copy could not be removed; {@link Problem#subject()} is the federated object. */
    NOT_REMOVED,
    /** The cluster is not Ready: its objects are removed when it is back; the subject is the cluster. */
    CLUSTER_NOT_READY,
    /** The managed objects of one type could not be listed; the subject is {@code plural.group}. */
    TYPE_NOT_DRAINED,
    /**
     * One copy could not be deleted (after retries when the failure may pass); the subject is the object, as
     * {@code Kind namespace/name} (or {@code Kind name}).
     */
    NOT_DELETED,
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

  /**
   * An object labelled {@code fleetfed.io/managed: "true"} that is not fleetfed's copy, left as it was.
   *
   * @param subject the object, as {@code Kind namespace/name} (or {@code Kind name})
   * @param reason which of its label and annotations disagree, for people
   */
  public record LeftAlone(String subject, String reason) {
    /** Checks that nothing is null. */
    public LeftAlone {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
      return subject + ": " + reason;
    }
  }
}
