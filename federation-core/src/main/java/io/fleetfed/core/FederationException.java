package io.fleetfed.core;

/**
 * The root of every exception fleetfed throws on purpose.
 *
 * <p>It is unchecked: invalid input is a programming or configuration error that a caller fixes rather
 * than recovers from, and per-cluster failures during propagation are reported as results, not thrown.
 * Catch this type to handle any fleetfed failure in one place:
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
    super(message);
  }

  /** Creates an exception with a message and its cause. */
  public FederationException(String message, Throwable cause) {
    super(message, cause);
  }
}
