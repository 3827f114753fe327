package io.fleetfed.core.status;

/** What fleetfed did to one cluster's copy of a federated object. */
public enum ClusterAction {
  /** The copy was created. */
  CREATED,
  /** The copy was updated. */
  UPDATED,
  /** The copy was already as it should be: nothing was written. */
  UNCHANGED,
  /** The copy was deleted (or its deletion was started). */
  DELETED,
  /** The copy was kept and fleetfed's label and annotations were removed from it. */
  ORPHANED,
  /** Nothing was written: see the outcome's status for why. */
  NONE
}
