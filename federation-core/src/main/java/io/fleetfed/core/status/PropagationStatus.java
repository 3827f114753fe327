package io.fleetfed.core.status;

import java.util.Objects;

/**
 * Why one cluster's copy of a federated object is not as it should be, in KubeFed's vocabulary
 * ({@code pkg/controller/sync/status}); {@link #OK} when it is.
 *
 * <pre>{@code
 * ClusterOutcome dev2 = result.cluster("dev2").orElseThrow();
 * if (dev2.status() == PropagationStatus.ALREADY_EXISTS) {
 *   // an object fleetfed does not manage is in the way: adopt it or remove it by hand
 * }
 * }</pre>
 */
public enum PropagationStatus {
  /** The cluster's copy is as the federated object says (KubeFed leaves the field empty). */
  OK(""),
  /** The copy is being deleted (it has a deletion timestamp) and is not gone yet. */
  WAITING_FOR_REMOVAL("WaitingForRemoval"),
  /** The cluster is selected but not Ready (offline or unhealthy): nothing was sent to it. */
  CLUSTER_NOT_READY("ClusterNotReady"),
  /** The cluster's copy could not be read from the cluster's cache. */
  CACHED_RETRIEVAL_FAILED("CachedRetrievalFailed"),
  /** The cluster's overrides could not be applied to the template. */
  APPLY_OVERRIDES_FAILED("ApplyOverridesFailed"),
  /** Creating the copy failed. */
  CREATION_FAILED("CreationFailed"),
  /** Updating the copy failed. */
  UPDATE_FAILED("UpdateFailed"),
  /** Deleting the copy failed. */
  DELETION_FAILED("DeletionFailed"),
  /** Removing the managed label from an orphaned copy failed. */
  LABEL_REMOVAL_FAILED("LabelRemovalFailed"),
  /** Reading the copy from the cluster failed. */
  RETRIEVAL_FAILED("RetrievalFailed"),
  /** An object fleetfed does not manage has the copy's name, and adoption is off. */
  ALREADY_EXISTS("AlreadyExists"),
  /** No client could be built for the cluster. */
  CLIENT_RETRIEVAL_FAILED("ClientRetrievalFailed"),
  /** The object in the cluster is labelled {@code fleetfed.io/managed: "false"}: fleetfed never touches it. */
  MANAGED_LABEL_FALSE("ManagedLabelFalse"),
  /** Creating the copy did not finish within the request timeout. */
  CREATION_TIMED_OUT("CreationTimedOut"),
  /** Updating the copy did not finish within the request timeout. */
  UPDATE_TIMED_OUT("UpdateTimedOut"),
  /** Deleting the copy did not finish within the request timeout. */
  DELETION_TIMED_OUT("DeletionTimedOut"),
  /** Removing the managed label did not finish within the request timeout. */
  LABEL_REMOVAL_TIMED_OUT("LabelRemovalTimedOut"),
  /**
   * fleetfed's own: the copy carries the hash of a different version of the federated object, written by
   * another fleet on the same members. Background reconciliation leaves it alone so that two fleets do not
   * overwrite each other forever; an explicit {@code propagate} overwrites it.
   */
  OWNED_BY_ANOTHER_WRITER("ManagedByAnotherWriter"),
  /**
   * fleetfed's own: the member serves neither the copy's API version nor one the fleet can convert it to (no
   * {@link io.fleetfed.core.kubefed.VersionConverter} for the pair, or a field with no equivalent there); the
   * message names the versions the member serves. Nothing was written.
   */
  VERSION_NOT_SERVED("VersionNotServed");

  private final String reason;

  PropagationStatus(String reason) {
    this.reason = reason;
  }

  /** The reason as KubeFed spells it, such as {@code AlreadyExists}; empty for {@link #OK}. */
  public String reason() {
    return reason;
  }

  /** Whether retrying can fix it without anyone changing anything (KubeFed's recoverable statuses). */
  public boolean isRecoverable() {
    return switch (this) {
      case CREATION_FAILED, UPDATE_FAILED, DELETION_FAILED, LABEL_REMOVAL_FAILED, RETRIEVAL_FAILED,
          CACHED_RETRIEVAL_FAILED, CREATION_TIMED_OUT, UPDATE_TIMED_OUT, DELETION_TIMED_OUT,
          LABEL_REMOVAL_TIMED_OUT, CLIENT_RETRIEVAL_FAILED, WAITING_FOR_REMOVAL, CLUSTER_NOT_READY -> true;
      default -> false;
    };
  }

  /** The status spelled {@code reason}, where {@code ""} is {@link #OK}. */
  public static PropagationStatus ofReason(String reason) {
    Objects.requireNonNull(reason, "reason");
    for (PropagationStatus status : values()) {
      if (status.reason.equals(reason)) {
        return status;
      }
    }
    throw new IllegalArgumentException("unknown propagation status \"" + reason + "\"");
  }
}
