package io.fleetfed.core.fleet;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Turns client failures into short messages for status and logs; never includes request bodies or tokens. */
final class Errors {
  private Errors() {}

  static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** Whether {@code t} is a request that ran out of time. */
  static boolean isTimeout(Throwable t) {
    for (Throwable e = t; e != null; e = e.getCause()) {
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
  static String describe(Throwable t) {
    Throwable e = unwrap(t);
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
}
