package io.fleetfed.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Progress lines on stderr, such as {@code propagated 120/500}, for operations on more than
 * {@value #QUIET_UP_TO} objects; stdout keeps the results only. Printed whether or not stderr is a terminal,
 * one line at a time, so that logs and scripts read them as they are.
 */
final class Progress {
  /** Up to this many objects, no progress is printed. */
  static final int QUIET_UP_TO = 10;

  private final PrintWriter err;
  private final String verb;
  private final int total;
  private final int step;
  private int nextReport;
  private int finished;

  /** Progress of {@code total} objects, each reported as {@code <verb> <done>/<total>}. */
  Progress(PrintWriter err, String verb, int total) {
    this.err = err;
    this.verb = verb;
    this.total = total;
    this.step = Math.min(100, Math.max(10, (total + 9) / 10));
    this.nextReport = step;
  }

  private boolean enabled() {
    return total > QUIET_UP_TO;
  }

  /** One more object is finished: prints a line at every step and at the end. Thread-safe. */
  synchronized void finished() {
    done(++finished);
  }

  /** {@code done} objects are finished: prints a line at every step and at the end. */
  private synchronized void done(int done) {
    if (enabled() && (done >= nextReport || done == total)) {
      err.println(verb + " " + done + "/" + total);
      err.flush();
      while (nextReport <= done) {
        nextReport += step;
      }
    }
  }

  /**
   * For an operation the library reports only at its end: prints {@code <what>} now, and
   * {@code <what>: still working (<n>s)} every {@code every} until closed.
   */
  static Heartbeat heartbeat(PrintWriter err, String what, Duration every) {
    err.println(what);
    err.flush();
    long start = System.nanoTime();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fleetfed-progress");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(() -> {
      err.println(what + ": still working (" + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + "s)");
      err.flush();
    }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    return timer::shutdownNow;
  }

  /** Stops a {@link #heartbeat}. */
  interface Heartbeat {
    void close();
  }
}
