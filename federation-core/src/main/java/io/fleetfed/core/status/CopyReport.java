package io.fleetfed.core.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetfed.core.cluster.ClusterHealth;
import java.util.Objects;
import java.util.Optional;

/**
 * What one cluster holds of a federated object right now, read without writing anything (what
 * {@code fleetfed status} shows).
 *
 * @param cluster the cluster's name
 * @param health the cluster's health
 * @param placed whether the object's placement selects the cluster
 * @param present whether the cluster holds a copy fleetfed manages for this object
 * @param upToDate whether that copy carries the hash of the object as it is now
 * @param problem what stands in the way, when something does (such as {@code AlreadyExists})
 * @param remoteStatus the copy's {@code .status}, when it has one
 */
public record CopyReport(String cluster, ClusterHealth health, boolean placed, boolean present, boolean upToDate,
    Optional<PropagationStatus> problem, Optional<JsonNode> remoteStatus) {

  /** Checks that nothing is null. */
  public CopyReport {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(problem, "problem");
    remoteStatus = Objects.requireNonNull(remoteStatus, "remoteStatus").map(JsonNode::deepCopy);
  }

  /** The remote status as a copy the caller may change. */
  @Override
  public Optional<JsonNode> remoteStatus() {
    return remoteStatus.map(JsonNode::deepCopy);
  }

  /** Whether the cluster holds exactly what it should: the current copy if placed, nothing otherwise. */
  public boolean isConverged() {
    return problem.isEmpty() && (placed ? present && upToDate : !present);
  }
}
