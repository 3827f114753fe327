package io.fleetfed.controller;

import java.time.Duration;
import java.util.Objects;

/**
 * How the controller's replicas elect the one that writes: a {@code coordination.k8s.io/v1} Lease in the KubeFed
 * namespace, with KubeFed's durations by default.
 *
 * <pre>{@code
 * FederationController.builder().leaderElection(LeaderElection.DEFAULT.withDurations(
 *     Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(4)));
 * }</pre>
 *
 * <p>The leader renews the Lease every {@code retryPeriod}; if it has not renewed for {@code renewDeadline} it stops
 * writing at once (its fleet sends no further write request) and gives up leading; another replica may take the
 * Lease once {@code leaseDuration} has passed since the last renewal. As KubeFed validates them:
 * {@code leaseDuration > renewDeadline > retryPeriod × 1.2}.
 *
 * @param enabled whether to elect at all (KubeFedConfig {@code leaderElect}); without election the controller
 *     leads at once, for a single replica
 * @param leaseName the Lease's name
 * @param leaseDuration how long a Lease holds after its last renewal
 * @param renewDeadline how long the leader keeps trying to renew before it stops writing
 * @param retryPeriod how often the Lease is tried or renewed
 */
public record LeaderElection(boolean enabled, String leaseName, Duration leaseDuration, Duration renewDeadline,
    Duration retryPeriod) {

  /** The Lease's default name. */
  public static final String DEFAULT_LEASE_NAME = "fleetfed-controller";
  /** KubeFed's defaults: 15 s, 10 s, 5 s, on a Lease named {@value #DEFAULT_LEASE_NAME}. */
  public static final LeaderElection DEFAULT = new LeaderElection(true, DEFAULT_LEASE_NAME, Duration.ofSeconds(15),
      Duration.ofSeconds(10), Duration.ofSeconds(5));

  /** Checks the durations as KubeFed's KubeFedConfig validation does. */
  public LeaderElection {
    Objects.requireNonNull(leaseName, "leaseName");
    Objects.requireNonNull(leaseDuration, "leaseDuration");
    Objects.requireNonNull(renewDeadline, "renewDeadline");
    Objects.requireNonNull(retryPeriod, "retryPeriod");
    if (leaseName.isBlank()) {
      throw new IllegalArgumentException("leaseName must not be blank");
    }
    if (retryPeriod.isNegative() || retryPeriod.isZero()) {
      throw new IllegalArgumentException("retryPeriod must be positive, got " + retryPeriod);
    }
    if (leaseDuration.compareTo(renewDeadline) <= 0) {
      throw new IllegalArgumentException("leaseDuration (" + leaseDuration + ") must be greater than renewDeadline ("
          + renewDeadline + ")");
    }
    if (renewDeadline.toMillis() <= retryPeriod.toMillis() * 1.2) {
      throw new IllegalArgumentException("renewDeadline (" + renewDeadline
          + ") must be greater than retryPeriod × 1.2 ("
          + retryPeriod + " × 1.2)");
    }
  }

  /** These settings with other durations. */
  public LeaderElection withDurations(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    return new LeaderElection(enabled, leaseName, leaseDuration, renewDeadline, retryPeriod);
  }

  /** These settings on another Lease. */
  public LeaderElection withLeaseName(String leaseName) {
    return new LeaderElection(enabled, leaseName, leaseDuration, renewDeadline, retryPeriod);
  }

  /** These settings, electing or not. */
  public LeaderElection withEnabled(boolean enabled) {
    return new LeaderElection(enabled, leaseName, leaseDuration, renewDeadline, retryPeriod);
  }
}
