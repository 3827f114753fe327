package io.fleetfed.core.cluster;

import java.util.Objects;
import java.util.Optional;

/**
 * One probe of a cluster's health endpoint, judged as KubeFed judges {@code /healthz}: body {@code ok} is Ready,
 * another answer is NotReady, no answer is Offline ({@link #judge}).
 *
 * @param health what the probe says
 * @param message the detail, such as why the cluster cannot be reached
 */
public record HealthProbe(ClusterHealth health, Optional<String> message) {
  /** Checks that nothing is null. */
  public HealthProbe {
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(message, "message");
  }

  /**
   * Judges an answer to a GET of {@code path}. A Kubernetes health path ({@code /healthz}, {@code /readyz},
   * {@code /livez} and the checks under them, such as {@code /readyz/etcd}) is Ready when its body is {@code ok}, as
   * KubeFed judges it; any other path (such as {@code /version} or {@code /api}) is Ready on a 2xx answer. Anything
   * else is NotReady, with a message naming the path and the HTTP status.
   *
   * <pre>{@code
   * HealthProbe.judge("/healthz", 200, "ok").health();          // READY
   * HealthProbe.judge("/healthz", 200, "{\"kind\":\"List\"}");  // NOT_READY: fabric8's mock server's answer
   * HealthProbe.judge("/version", 200, "{\"major\":\"1\"}");    // READY
   * }</pre>
   */
  public static HealthProbe judge(String path, int status, String body) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(body, "body");
    if (isHealthPath(path)) {
      return "ok".equals(body.trim())
          ? new HealthProbe(ClusterHealth.READY, Optional.of(path + " responded with ok"))
          : new HealthProbe(ClusterHealth.NOT_READY, Optional.of(path + " responded without ok (HTTP " + status
              + ")"));
    }
    return status >= 200 && status < 300
        ? new HealthProbe(ClusterHealth.READY, Optional.of(path + " responded with HTTP " + status))
        : new HealthProbe(ClusterHealth.NOT_READY, Optional.of(path + " responded with HTTP " + status));
  }

  private static boolean isHealthPath(String path) {
    for (String health : new String[] {"/healthz", "/readyz", "/livez"}) {
      if (path.equals(health) || path.startsWith(health + "/")) {
        return true;
      }
    }
    return false;
  }
}
