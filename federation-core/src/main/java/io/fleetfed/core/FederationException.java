package io.fleetfed.core;

import java.util.Objects;

/**
 * The root of the exceptions fleetfed throws for a failure of its own work; the JDK's own exceptions mean the
 * caller misused the API.
 *
 * <p><b>The rule</b>, followed by every module:
 * <ul>
 *   <li>{@code FederationException} and its subclasses: whatever fleetfed could not do. Input it cannot accept
 *       ({@link ValidationException}, naming the document, the field and the reason, thrown before anything is
 *       sent); a cluster that refused a request or could not be reached
 *       ({@link io.fleetfed.core.cluster.ClusterRequestException}); a propagation the caller asked to fail on any
 *       cluster ({@link io.fleetfed.core.status.PropagationFailedException}); a run that cannot be dispatched
 *       ({@code DispatchException}); a join, a wait, a read of the host that failed; a broken invariant or a
 *       Java runtime without what it must provide.</li>
 *   <li>{@link NullPointerException}: a null argument (fleetfed's API is null-free).</li>
 *   <li>{@link IllegalArgumentException}: an argument outside its documented range, such as a negative capacity or a
 *       zero timeout.</li>
 *   <li>{@link IllegalStateException}: a call the object cannot take in its state, such as any call on a closed
 *       fleet or dispatcher.</li>
 * </ul>
 *
 * <p>It is unchecked: invalid input is a programming or configuration error that a caller fixes rather than
 * recovers from, and per-cluster failures during propagation are reported as results, not thrown. Catch this type
 * to handle every failure of fleetfed's work in one place:
 *
 * <pre>{@code
 * try {
 *   List<ResourceRendering> preview = Preview.render(resources, clusters);
 * } catch (FederationException e) {
 *   log.error("cannot render: {}", e.getMessage());
 * }
 * }</pre>
 *
 * <p>Messages never contain credentials.
 */
public class FederationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message. */
  public FederationException(String message) {
    super(Objects.requireNonNull(message, "message"));
  }

  /** Creates an exception with a message and its cause. */
  public FederationException(String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), Objects.requireNonNull(cause, "cause"));
  }
}
