package io.fleetfed.core.cluster;

import io.fleetfed.core.internal.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * How member clusters are probed, as KubeFed's {@code KubeFedConfig.spec.clusterHealthCheck}: every
 * {@code period} the fleet GETs {@code path} (default {@code /healthz}) with {@code timeout}; an answer whose body
 * is {@code ok} is Ready, another answer is not Ready, no answer is Offline. A cluster changes health only after
 * {@code failureThreshold} consecutive failures or {@code successThreshold} consecutive successes (the first probe
 * always counts). A check that is not {@code enabled} ({@link #OFF}) sends no probe: the cluster is always Ready.
 *
 * <p>A check is set for the whole fleet and may be overridden per member:
 *
 * <pre>{@code
 * ClusterFleet fleet = ClusterFleet.builder()
 *     .kubeconfig(kubeconfig).memberContexts("dev1", "dev2")
 *     .member("mock", mockClient)                           // fabric8's mock server: its /healthz is no "ok"
 *     .health(HealthCheck.DEFAULT.withPeriod(Duration.ofSeconds(2)))
 *     .memberHealth("dev2", HealthCheck.DEFAULT.withPath("/readyz").withThresholds(5, 2))
 *     .memberHealth("mock", HealthCheck.OFF)                // always Ready, never probed
 *     .build();
 * }</pre>
 *
 * @param period time between probes of one cluster
 * @param timeout how long one probe may take
 * @param failureThreshold consecutive failed probes before a Ready cluster counts as not Ready
 * @param successThreshold consecutive good probes before a not Ready cluster counts as Ready
 * @param path the path probed, starting with {@code /} (KubeFed's is {@code /healthz})
 * @param enabled whether clusters are probed at all; when false they are always Ready
 */
public record HealthCheck(Duration period, Duration timeout, int failureThreshold, int successThreshold,
    String path, boolean enabled) {
  /** The path KubeFed probes. */
  public static final String HEALTHZ = "/healthz";

  /** KubeFed's defaults: {@code /healthz} every 10 s, 3 s timeout, 3 failures, 1 success. */
  public static final HealthCheck DEFAULT =
      new HealthCheck(Duration.ofSeconds(10), Duration.ofSeconds(3), 3, 1, HEALTHZ, true);

  /**
   * No probe: a cluster is always Ready, and only failed requests tell that it is not there. For a member whose
   * health endpoint says nothing useful, such as fabric8's mock server ({@code KubernetesMockServer} in CRUD
   * mode, which answers {@code /healthz} with an empty {@code List}, not {@code ok}; to probe it anyway, probe
   * {@code /version}: {@code DEFAULT.withPath("/version")}).
   */
  public static final HealthCheck OFF =
      new HealthCheck(Duration.ofSeconds(10), Duration.ofSeconds(3), 3, 1, HEALTHZ, false);

  /**
   * Checks that the durations are positive, the thresholds at least 1 and the path an absolute path with no
   * blanks, query or fragment.
   */
  public HealthCheck {
    Durations.requirePositive(period, "period");
    Durations.requirePositive(timeout, "timeout");
    if (failureThreshold < 1 || successThreshold < 1) {
      throw new IllegalArgumentException("health check thresholds must be at least 1, got failureThreshold "
          + failureThreshold + " and successThreshold " + successThreshold);
    }
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#' || c == 0x7f)) {
      throw new IllegalArgumentException("health check path must start with / and hold no blanks, '?' or '#', got \""
          + path + "\"");
    }
  }

  /** A check of {@code /healthz} with these values, as KubeFedConfig's {@code clusterHealthCheck} gives them. */
  public HealthCheck(Duration period, Duration timeout, int failureThreshold, int successThreshold) {
    this(period, timeout, failureThreshold, successThreshold, HEALTHZ, true);
  }

  /** {@link #OFF}: never probe, always Ready. */
  public static HealthCheck alwaysReady() {
    return OFF;
  }

  /** This check with another period. */
  public HealthCheck withPeriod(Duration period) {
    return new HealthCheck(period, timeout, failureThreshold, successThreshold, path, enabled);
  }

  /** This check with another probe timeout. */
  public HealthCheck withTimeout(Duration timeout) {
    return new HealthCheck(period, timeout, failureThreshold, successThreshold, path, enabled);
  }

  /** This check with other thresholds. */
  public HealthCheck withThresholds(int failureThreshold, int successThreshold) {
    return new HealthCheck(period, timeout, failureThreshold, successThreshold, path, enabled);
  }

  /**
   * This check probing another path, such as {@code /readyz}, or {@code /api} for a server that answers its
   * health paths with something else than {@code ok} (any 2xx answer of a path other than the
   * {@code /healthz}, {@code /readyz} and {@code /livez} families counts as Ready).
   */
  public HealthCheck withPath(String path) {
    return new HealthCheck(period, timeout, failureThreshold, successThreshold, path, enabled);
  }

  /** This check turned on or off ({@link #OFF} is {@code DEFAULT.withEnabled(false)}). */
  public HealthCheck withEnabled(boolean enabled) {
    return new HealthCheck(period, timeout, failureThreshold, successThreshold, path, enabled);
  }
}
