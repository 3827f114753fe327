package io.fleetfed.core.fleet.internal.members;

import io.fleetfed.core.cluster.ClusterRequestException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a member's last failure as a whole (a timeout, a refused connection, a 5xx answer) means for the requests
 * that follow it, so that one slow or dead member costs one failure, not one per object:
 * <ul>
 *   <li>within an explicit call, once the member failed in that call it is not asked again in that call;</li>
 *   <li>in the background, for a quiet period after a failure no request goes to it, then one trial at a time
 *       until one succeeds.</li>
 * </ul>
 * A failure that concerns one object (404, 409, 422…) is not the member's and is not remembered here.
 */
public final class Outage {
  /** No explicit call: background reconciliation. */
  public static final long BACKGROUND = -1;

  private record Failure(ClusterRequestException cause, long call, long at) {}

  private final Duration quiet;
  private volatile Failure last;
  private final AtomicBoolean trial = new AtomicBoolean();

  /** An outage record whose background requests stay quiet for {@code quiet} after each failure. */
  public Outage(Duration quiet) {
    this.quiet = quiet;
  }

  /** Whether {@code e} says the member as a whole failed, rather than one request's object. */
  public static boolean isMemberFailure(ClusterRequestException e) {
    return e.isTimeout() || e.code() == 0 || e.code() >= 500;
  }

  /** Records {@code e}, if it is the member's, as a failure in {@code call} ({@link #BACKGROUND} for none). */
  public void failed(long call, ClusterRequestException e) {
    if (isMemberFailure(e)) {
      last = new Failure(e, call, System.nanoTime());
      trial.set(false);
    }
  }

  /** A request to the member succeeded: it is not out any more. */
  public void answered() {
    if (last != null) {
      last = null;
      trial.set(false);
    }
  }

  /**
   * Why no request should go to the member now, if none should: in an explicit call, the member failed earlier in
   * that call; in the background, it failed less than the quiet period ago, or another request is already trying
   * it.
   */
  public Optional<ClusterRequestException> blocking(long call) {
    Failure f = last;
    if (f == null) {
      return Optional.empty();
    }
    if (call != BACKGROUND) {
      return f.call() == call ? Optional.of(f.cause()) : Optional.empty();
    }
    if (System.nanoTime() - f.at() < quiet.toNanos() || !trial.compareAndSet(false, true)) {
      return Optional.of(f.cause());
    }
    return Optional.empty();   // this request is the trial
  }
}
