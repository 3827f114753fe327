package io.fleetfed.core.cluster;

import io.fleetfed.core.FederationException;
import java.util.Objects;

/**
 * A request to a cluster that failed: refused by its API server, timed out, or unable to reach it. Thrown by
 * {@link ClusterClient}; the message is the API server's reason with its HTTP code (or the connection's failure),
 * and never holds credentials or request bodies.
 *
 * <pre>{@code
 * try {
 *   client.create(BuiltInTypes.CONFIG_MAPS, settings);
 * } catch (ClusterRequestException e) {
 *   if (e.code() == 409) { ... }            // it exists
 *   log.warn("{} refused it: {}", e.cluster(), e.getMessage());
 * }
 * }</pre>
 */
public class ClusterRequestException extends FederationException {
  private static final long serialVersionUID = 1L;

  /** The HTTP code of a conflict: the object exists, or its resourceVersion is stale. */
  public static final int CONFLICT = 409;
  /** The HTTP code of a missing object (or namespace). */
  public static final int NOT_FOUND = 404;

  private final String cluster;
  private final int code;
  private final boolean timeout;

  /**
   * Creates an exception.
   *
   * @param cluster the cluster the request went to
   * @param code the HTTP status code, or 0 when no answer came
   * @param timeout whether the request ran out of time
   * @param message the reason, without credentials
   * @param cause the client's exception
   */
  public ClusterRequestException(String cluster, int code, boolean timeout, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), Objects.requireNonNull(cause, "cause"));
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.code = code;
    this.timeout = timeout;
  }

  /**
   * Creates an exception without an underlying one, such as for a request that was never answered in time.
   *
   * @param cluster the cluster the request went to
   * @param code the HTTP status code, or 0 when no answer came
   * @param timeout whether the request ran out of time
   * @param message the reason, without credentials
   */
  public ClusterRequestException(String cluster, int code, boolean timeout, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.code = code;
    this.timeout = timeout;
  }

  /** The cluster the request went to. */
  public String cluster() {
    return cluster;
  }

  /** The HTTP status code of the answer, or 0 when none came (connection refused, timed out). */
  public int code() {
    return code;
  }

  /** Whether the request ran out of time. */
  public boolean isTimeout() {
    return timeout;
  }

  /** Whether the answer was 409 Conflict. */
  public boolean isConflict() {
    return code == CONFLICT;
  }

  /** Whether the answer was 404 Not Found. */
  public boolean isNotFound() {
    return code == NOT_FOUND;
  }
}
