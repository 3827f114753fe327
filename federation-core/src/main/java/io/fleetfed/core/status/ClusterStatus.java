package io.fleetfed.core.status;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;

/**
 * The live status of one cluster's copy of a federated object.
 *
 * @param cluster the cluster's name
 * @param status {@link PropagationStatus#OK} or why the copy is not as it should be
 * @param remoteStatus the copy's own {@code .status}, when the fleet collects remote status (KubeFed's
 *     {@code remoteStatus}) and the copy has one
 * @param message a detail for people, never credentials
 */
public record ClusterStatus(String cluster, PropagationStatus status, Optional<JsonNode> remoteStatus,
    Optional<String> message) {

  /** Checks that nothing is null and keeps a private copy of the remote status. */
  public ClusterStatus {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
    remoteStatus = Objects.requireNonNull(remoteStatus, "remoteStatus").map(JsonNode::deepCopy);
  }

  /** The remote status as a copy the caller may change. */
  @Override
  public Optional<JsonNode> remoteStatus() {
    return remoteStatus.map(JsonNode::deepCopy);
  }

  /** Whether the copy is as it should be. */
  public boolean isOk() {
    return status == PropagationStatus.OK;
  }

  /** The value at {@code pointer} (RFC 6901) in the remote status, if there is one, as text. */
  public Optional<String> remoteStatusAt(String pointer) {
    return remoteStatus.map(s -> s.at(pointer)).filter(n -> !n.isMissingNode() && !n.isNull())
        .map(n -> n.isValueNode() ? n.asText() : n.toString());
  }

  @Override
  public String toString() {
    return cluster + "=" + (isOk() ? "OK" : status.reason()) + remoteStatus.map(s -> " remoteStatus").orElse("");
  }
}
