package io.fleetfed.core.render;

/** What rendering decided for one selected cluster. */
public enum RenderStatus {
  /** The cluster is selected and Ready: it gets the rendered object. */
  RENDERED("Rendered"),
  /** The cluster is selected but not Ready: nothing is sent to it (KubeFed status {@code ClusterNotReady}). */
  CLUSTER_NOT_READY("ClusterNotReady");

  private final String reason;

  RenderStatus(String reason) {
    this.reason = reason;
  }

  /** The status as KubeFed and {@code fleetfed render -o json} spell it: {@code Rendered}, {@code ClusterNotReady}. */
  public String reason() {
    return reason;
  }
}
