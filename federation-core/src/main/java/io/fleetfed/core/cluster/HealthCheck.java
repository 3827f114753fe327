package io.fleetfed.core.cluster;

import io.fleetfed.core.internal.Durations;
import java.time.Duration;

/**
 * How member clusters are probed, as KubeFed's {@code KubeFedConfig.spec.clusterHealthCheck}: every
 * {@code period} the fleet GETs {@code /healthz} with {@code timeout}; a cluster changes health only after
 * {@code failureThreshold} consecutive failures or {@code successThreshold} consecutive successes (the first
 * probe always counts).
 *
 * <pre>{@code
 * ClusterFleet.builder()...health(HealthCheck.DEFAULT.withPeriod(Duration.ofSeconds(2)))
 * }</pre>
 *
 * @param period time between probes of one cluster
 * @param timeout how long one probe may take
 * @param failureThreshold consecutive failed probes before a Ready cluster counts as not Ready
 * @param successThreshold consecutive good probes before a not Ready cluster counts as Ready
 */
public record HealthCheck(Duration period, Duration timeout, int failureThreshold, int successThreshold) {
  /** KubeFed's defaults: every 10 s, 3 s timeout, 3 failures, 1 success. */
  public static final HealthCheck DEFAULT = new HealthCheck(Duration.ofSeconds(10), Duration.ofSeconds(3), 3, 1);

  /** Checks that the durations are positive and the thresholds at least 1. */
  public HealthCheck {
    Durations.requirePositive(period, "period");
    Durations.requirePositive(timeout, "timeout");
    if (failureThreshold < 1 || successThreshold < 1) {
      throw new IllegalArgumentException("health check thresholds must be at least 1, got failureThreshold "
          + failureThreshold + " and successThreshold " + successThreshold);
    }
  }

  /** This check with another period. */
  public HealthCheck withPeriod(Duration period) {
    return new HealthCheck(period, timeout, failureThreshold, successThreshold);
  }

  /** This check with another probe timeout. */
  public HealthCheck withTimeout(Duration timeout) {
    return new HealthCheck(period, timeout, failureThreshold, successThreshold);
  }

  /** This check with other thresholds. */
  public HealthCheck withThresholds(int failureThreshold, int successThreshold) {
    return new HealthCheck(period, timeout, failureThreshold, successThreshold);
  }

}
