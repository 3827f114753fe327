package io.fleetfed.core.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.internal.Nulls;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one cluster holds of a federated object right now, read without writing anything (what
 * {@code fleetfed status} shows).
 *
 * <pre>{@code
 * for (CopyReport r : fleet.inspect(nginx)) {
 *   switch (r.presence()) {
 *     case UNKNOWN -> log.warn("{}: cannot tell ({})", r.cluster(), r.message().orElse(""));
 *     case PRESENT -> { if (!r.upToDate()) log.warn("{}: drift at {}", r.cluster(), r.drift()); }
 *     case ABSENT -> { if (r.placed()) log.warn("{}: missing", r.cluster()); }
 *   }
 * }
 * }</pre>
 *
 * @param cluster the cluster's name
 * @param health the cluster's health
 * @param placed whether the object's placement selects the cluster
 * @param presence whether the cluster holds a copy fleetfed manages for this object, or {@code UNKNOWN} when the
 *     cluster could not be read (then {@link #message()} says why)
 * @param upToDate whether that copy holds what fleetfed would write now: its hash annotation and every field
 *     fleetfed manages (a hand edit of one is drift)
 * @param drift the JSON pointers of the fields fleetfed manages that the copy holds otherwise (empty when up to
 *     date, or when the copy is a run, which is never updated)
 * @param problem what stands in the way, when something does (such as {@code AlreadyExists})
 * @param message the detail of an unknown presence or a problem, for people (never credentials)
 * @param remoteStatus the copy's {@code .status}, when it has one
 */
public record CopyReport(String cluster, ClusterHealth health, boolean placed, Presence presence, boolean upToDate,
    List<String> drift, Optional<PropagationStatus> problem, Optional<String> message,
    Optional<JsonNode> remoteStatus) {

  /** Whether a cluster holds a copy. */
  public enum Presence {
    /** The cluster holds fleetfed's copy of the object. */
    PRESENT,
    /** The cluster was read and holds no copy fleetfed manages. */
    ABSENT,
    /** The cluster could not be read: whether it holds a copy is not known. */
    UNKNOWN
  }

  /**
   * Checks that nothing is null and that the fields agree (only a present copy is up to date or has drift);
   * copies the drift and the remote status.
   *
   * @throws IllegalArgumentException if a copy that is not present is said to be up to date or to have drift
   */
  public CopyReport {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(presence, "presence");
    drift = List.copyOf(Nulls.noNulls(drift, "drift"));
    if (presence != Presence.PRESENT && (upToDate || !drift.isEmpty())) {
      throw new IllegalArgumentException("a copy that is " + presence + " is neither up to date nor drifted");
    }
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(message, "message");
    remoteStatus = Objects.requireNonNull(remoteStatus, "remoteStatus").map(JsonNode::deepCopy);
  }

  /** Whether the cluster is known to hold fleetfed's copy. */
  public boolean present() {
    return presence == Presence.PRESENT;
  }

  /** The remote status as a copy the caller may change. */
  @Override
  public Optional<JsonNode> remoteStatus() {
    return remoteStatus.map(JsonNode::deepCopy);
  }

  /**
   * Whether the cluster is known to hold exactly what it should: the current copy if placed, nothing otherwise.
   * An unknown presence is never converged.
   */
  public boolean isConverged() {
    return problem.isEmpty() && presence != Presence.UNKNOWN && (placed ? present() && upToDate : !present());
  }
}
