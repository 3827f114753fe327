package io.fleetfed.core.render;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import java.util.List;
import java.util.Optional;

/**
 * An override could not be applied to the template, so the whole federated object is refused: no cluster
 * gets it, and nothing is sent. The message names the object, the cluster, the override's index, its path and
 * the reason, for example:
 *
 * <pre>
 * FederatedDeployment web/nginx: spec.overrides[1].clusterOverrides[0]: cluster "dev2", override 0 (remove /spec/paused): no such path in target JSON document
 * </pre>
 */
public final class OverrideException extends ValidationException {
  private static final long serialVersionUID = 1L;

  private final String cluster;
  private final int index;
  private final String path;
  private final String reason;

  OverrideException(String object, int entry, String cluster, int index, String op, String path, String reason) {
    super(List.of(new Violation(Optional.empty(), Optional.of(object),
        Optional.of("spec.overrides[" + entry + "].clusterOverrides[" + index + "]"),
        "cluster \"" + cluster + "\", override " + index + " (" + op + " " + path + "): " + reason)));
    this.cluster = cluster;
    this.index = index;
    this.path = path;
    this.reason = reason;
  }

  /** The cluster whose override failed. */
  public String cluster() {
    return cluster;
  }

  /** The failing override's index in that cluster's {@code clusterOverrides}. */
  public int index() {
    return index;
  }

  /** The failing override's path. */
  public String path() {
    return path;
  }

  /** Why it failed. */
  public String reason() {
    return reason;
  }
}
