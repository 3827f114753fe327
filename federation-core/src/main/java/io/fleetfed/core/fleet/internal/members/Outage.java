package io.fleetfed.core.fleet.internal.members;

import io.fleetfed.core.cluster.ClusterRequestException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a member's failure as a whole (a timeout, a refused connection, a 502, 503 or 504 answer) means for the
 * requests that follow it, so that one slow or dead member costs one failure, not one per object:
 * <ul>
 *   <li>within an explicit call, once the member failed in that call it is not asked again in that call, whatever
 *       other requests (of other calls, or of the background) answer meanwhile;</li>
 *   <li>in the background, for a quiet period after a failure no request goes to it, then one trial at a time
 *       until a request sent after the failure is answered.</li>
 * </ul>
 * A failure that concerns one object (404, 409, 422, or a 500 such as an admission webhook's) is not the member's
 * and is not remembered here.
 */
public final class Outage {
  /** No explicit call: background reconciliation. */
  public static final long BACKGROUND = -1;
  /** How many explicit calls' failures are kept (older calls have ended). */
  private static final int CALLS_KEPT = 256;

  private record Failure(ClusterRequestException cause, long at) {}

  /** Whether a request may go to the member, and if so whether it is the background's one trial. */
  public record Permit(Optional<ClusterRequestException> blockedBy, boolean trial) {
    /** Go ahead, as one request among others. */
    public static final Permit GO = new Permit(Optional.empty(), false);
  }

  private final Duration quiet;
  private final AtomicReference<Failure> background = new AtomicReference<>();
  private final AtomicBoolean trial = new AtomicBoolean();
  private final Map<Long, ClusterRequestException> calls = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, ClusterRequestException> eldest) {
      return size() > CALLS_KEPT;
    }
  };

  /** An outage record whose background requests stay quiet for {@code quiet} after each failure. */
  public Outage(Duration quiet) {
    this.quiet = quiet;
  }

  /** Whether {@code e} says the member as a whole failed, rather than one request's object. */
  public static boolean isMemberFailure(ClusterRequestException e) {
    return e.isTimeout() || e.code() == 0 || e.code() == 502 || e.code() == 503 || e.code() == 504;
  }

  /** Records {@code e}, if it is the member's, as a failure in {@code call} ({@link #BACKGROUND} for none). */
  public void failed(long call, ClusterRequestException e) {
    if (!isMemberFailure(e)) {
      return;
    }
    if (call != BACKGROUND) {
      synchronized (calls) {
        calls.putIfAbsent(call, e);
      }
    }
    background.set(new Failure(e, System.nanoTime()));
    trial.set(false);
  }

  /**
   * A request to the member sent at {@code sentAt} ({@link System#nanoTime()}) was answered: a background failure
   * recorded before it was sent is over. A failure recorded after it was sent stays: the member failed since.
   */
  public void answered(long sentAt) {
    Failure f = background.get();
    if (f != null && f.at() - sentAt < 0) {
      background.compareAndSet(f, null);
    }
  }

  /**
   * Whether a request may go to the member now: in an explicit call, not once the member failed in that call; in
   * the background, not within the quiet period after a failure, nor while another request is the trial. A
   * permit that is the trial must be {@linkplain #release(Permit) released} when its request is done, whatever
   * happened.
   */
  public Permit permit(long call) {
    if (call != BACKGROUND) {
      ClusterRequestException e;
      synchronized (calls) {
        e = calls.get(call);
      }
      return e == null ? Permit.GO : new Permit(Optional.of(e), false);
    }
    Failure f = background.get();
    if (f == null) {
      return Permit.GO;
    }
    if (System.nanoTime() - f.at() < quiet.toNanos() || !trial.compareAndSet(false, true)) {
      return new Permit(Optional.of(f.cause()), false);
    }
    return new Permit(Optional.empty(), true);   // this request is the trial
  }

  /** Ends {@code permit}'s trial, if it is one, so that another request may try the member. */
  public void release(Permit permit) {
    if (permit.trial()) {
      trial.set(false);
    }
  }

  /** Why no request should go to the member now in {@code call}, if none should (takes no trial). */
  public Optional<ClusterRequestException> blocking(long call) {
    if (call != BACKGROUND) {
      return permit(call).blockedBy();
    }
    Failure f = background.get();
    return f == null || System.nanoTime() - f.at() >= quiet.toNanos() ? Optional.empty() : Optional.of(f.cause());
  }
}
