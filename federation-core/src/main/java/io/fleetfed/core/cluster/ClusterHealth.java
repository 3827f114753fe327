package io.fleetfed.core.cluster;

/** A member cluster's health, as KubeFed's cluster controller judges it from {@code /healthz}. */
public enum ClusterHealth {
  /** {@code /healthz} answered {@code ok}: objects are sent to the cluster. */
  READY,
  /** {@code /healthz} answered, but not {@code ok}: the cluster is reachable but not Ready. */
  NOT_READY,
  /** {@code /healthz} could not be reached within the probe timeout. */
  OFFLINE;

  /** Whether objects are sent to a cluster in this health. */
  public boolean isReady() {
    return this == READY;
  }
}
