package io.fleetfed.testkit;

import java.time.Duration;
import java.util.function.Supplier;

/** Retries an assertion until it passes or a deadline passes: awaiting a condition, not sleeping to synchronise. */
final class Polling {

  private static final long INTERVAL_MILLIS = 20;

  private Polling() {
  }

  /**
   * Runs {@code attempt} until it returns without an {@link AssertionError}.
   *
   * @param timeout how long to keep trying; zero tries once
   * @param attempt the assertion
   * @param <T> what it returns
   * @return what the passing attempt returned
   * @throws AssertionError the last failure, once the time is up
   */
  static <T> T until(Duration timeout, Supplier<T> attempt) {
    if (timeout.isZero()) {
      return attempt.get();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return attempt.get();
      } catch (AssertionError e) {
        if (System.nanoTime() - deadline >= 0) {
          AssertionError timedOut = new AssertionError("still failing after waiting " + describe(timeout) + ": "
              + e.getMessage(), e);
          timedOut.setStackTrace(e.getStackTrace());
          throw timedOut;
        }
      }
      try {
        Thread.sleep(INTERVAL_MILLIS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for a sandbox assertion", interrupted);
      }
    }
  }

  static String describe(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0 ? (millis / 1000) + " s" : millis + " ms";
  }
}
