package io.fleetfed.core.fleet.internal.cluster;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fleetfed.core.cluster.ClusterRequestException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The one description of a failed cluster request, for statuses, exceptions and logs: the API server's reason and
 * HTTP code when there is one, else the root cause. Never includes request bodies or tokens.
 */
public final class Errors {
  private Errors() {}

  /** {@code t} without the wrappers of futures. */
  public static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** Whether {@code t} is a request that ran out of time. */
  public static boolean isTimeout(Throwable t) {
    for (Throwable e = t; e != null; e = e.getCause()) {
      if (e instanceof ClusterRequestException c && c.isTimeout()) {
        return true;
      }
      if (e instanceof TimeoutException || e instanceof InterruptedIOException
          || e instanceof KubernetesClientException k && k.getCode() == 504) {
        return true;
      }
      if (e.getCause() == e) {
        break;
      }
    }
    return false;
  }

  /** A one-line description: the API server's reason when there is one, else the root cause. */
  public static String describe(Throwable t) {
    Throwable e = unwrap(t);
    if (e instanceof ClusterRequestException c) {
      return c.getMessage();
    }
    if (e instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
      return k.getStatus().getMessage() + " (HTTP " + k.getCode() + ")";
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof ConnectException) {
      return "connection refused";
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.length() > 300 ? message.substring(0, 300) + "…" : message;
  }

  /** {@code e} as the seam reports it: the cluster, the HTTP code, whether it timed out, and the description. */
  public static ClusterRequestException of(String cluster, RuntimeException e) {
    if (e instanceof ClusterRequestException c) {
      return c;
    }
    int code = e instanceof KubernetesClientException k ? Math.max(0, k.getCode()) : 0;
    return new ClusterRequestException(cluster, code, isTimeout(e), describe(e), e);
  }
}
