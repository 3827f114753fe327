package io.fleetfed.tekton;

import io.fleetfed.core.FederationException;

/**
 * A dispatch that could not be made: invalid run, a missing dependency, no eligible cluster, or a dispatch key
 * already used for another run. Nothing was created in any cluster when it is thrown before a handle exists.
 *
 * <pre>{@code
 * try {
 *   dispatcher.dispatch(request);
 * } catch (DispatchException e) {
 *   ci.fail(e.getMessage());   // names the run, and what is missing or why no cluster fits
 * }
 * }</pre>
 */
public class DispatchException extends FederationException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message. */
  public DispatchException(String message) {
    super(message);
  }

  /** Creates an exception with a message and its cause. */
  public DispatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
