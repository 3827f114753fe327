package io.fleetfed.core.status;

/** What fleetfed did to one cluster's copy of a federated object. */
public enum ClusterAction {
  /** The copy was created. */
  CREATED,
  /** The copy was updated. */
  UPDATED,
  /**
   * KubeFed's copy (labelled {@code kubefed.io/managed: "true"}) was taken over in place, by a fleet built with
   * {@code takeOverKubeFedCopies(true)}: updated conditionally on its resourceVersion, never deleted and created
   * again (its uid stays, and a Deployment keeps its pods), it now carries fleetfed's label and annotations and no
   * {@code kubefed.io/managed} label, and is fleetfed's copy from then on.
   *
   * <pre>{@code
   * List<String> takenOver = fleet.propagate(nginx).clustersWith(ClusterAction.TAKEN_OVER);
   * }</pre>
   */
  TAKEN_OVER,
  /** The copy was already as it should be: nothing was written. */
  UNCHANGED,
  /** The copy was deleted (or its deletion was started). */
  DELETED,
  /** The copy was kept and fleetfed's label and annotations were removed from it. */
  ORPHANED,
  /** Nothing was written: see the outcome's status for why. */
  NONE
}
