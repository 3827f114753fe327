package io.fleetfed.core.fleet.internal.members;

import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.cluster.HealthCheck;
import io.fleetfed.core.fleet.internal.cluster.Fabric8ClusterClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One member cluster: its client (the seam through which everything reaches it), its labels, health and cordon.
 */
public final class Member {
  private final String name;
  private final Fabric8ClusterClient client;
  private final boolean joined;
  private volatile Map<String, String> labels;
  private volatile ClusterHealth health = ClusterHealth.READY;
  private volatile Optional<String> healthMessage = Optional.empty();
  private volatile boolean cordoned;
  private volatile boolean drained;
  private volatile boolean probed;
  /** For a joined member: the health its KubeFedCluster's status records, so that only changes are written. */
  private volatile Optional<ClusterHealth> recorded = Optional.empty();
  private int disagreeing;
  private final Outage outage;

  /**
   * A member reached through {@code client}, which it then owns; after a failure as a whole, background requests
   * to it stay quiet for {@code quiet}.
   */
  public Member(String name, Map<String, String> labels, Fabric8ClusterClient client, boolean joined,
      Duration quiet) {
    this.name = name;
    this.labels = Map.copyOf(labels);
    this.client = client;
    this.joined = joined;
    this.outage = new Outage(quiet);
  }

  public String name() {
    return name;
  }

  /** The seam to this member. */
  public Fabric8ClusterClient client() {
    return client;
  }

  /** What the member's last failure as a whole means for the requests that follow. */
  public Outage outage() {
    return outage;
  }

  /** Takes new placement labels (the host's KubeFedCluster changed). */
  public void labels(Map<String, String> labels) {
    this.labels = Map.copyOf(labels);
  }

  public ClusterState state() {
    return new ClusterState(name, labels, health, cordoned, drained, joined, healthMessage);
  }

  public boolean joined() {
    return joined;
  }

  public boolean ready() {
    return health.isReady();
  }

  public ClusterHealth health() {
    return health;
  }

  /** Whether the member takes no new placements (a drained member is cordoned too). */
  public boolean cordoned() {
    return cordoned || drained;
  }

  public boolean drained() {
    return drained;
  }

  public void cordon(boolean cordoned, boolean drained) {
    this.cordoned = cordoned;
    this.drained = drained;
  }

  /** The health the member's KubeFedCluster status records, when known. */
  public Optional<ClusterHealth> recorded() {
    return recorded;
  }

  public void recorded(ClusterHealth health) {
    this.recorded = Optional.of(health);
  }

  /** A state message for a member that is not Ready: {@code cluster is offline: ...}. */
  public String notReady() {
    ClusterState s = state();
    return "cluster is " + (s.health() == ClusterHealth.OFFLINE ? "offline" : "not ready")
        + s.message().map(msg -> ": " + msg).orElse("");
  }

  /**
   * Records one probe's result under KubeFed's thresholds and returns the health change, if any. The first
   * probe always counts; later, health changes only after enough consecutive probes agree.
   */
  public synchronized Optional<ClusterHealth> probed(ClusterHealth observed, Optional<String> message,
      HealthCheck check) {
    ClusterHealth before = health;
    if (!probed || observed.isReady() == health.isReady()) {
      probed = true;
      disagreeing = 0;
      health = observed;          // NOT_READY and OFFLINE are both not Ready: the latest one is shown
      healthMessage = message;
    } else if (++disagreeing >= (observed.isReady() ? check.successThreshold() : check.failureThreshold())) {
      disagreeing = 0;
      health = observed;
      healthMessage = message;
    }
    return before == health ? Optional.empty() : Optional.of(health);
  }

  /** Closes the member's client and its watches. */
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "Member[" + name + "]";
  }
}
