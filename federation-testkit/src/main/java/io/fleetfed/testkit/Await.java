package io.fleetfed.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition in a test, polling it until it holds or a deadline passes: awaiting a condition, never
 * sleeping a fixed time to synchronise.
 *
 * <pre>{@code
 * sandbox.cluster("dev2").goOffline();
 * Await.until(Duration.ofSeconds(10), "dev2 to be seen offline",
 *     () -> fleet.cluster("dev2").orElseThrow().health() == ClusterHealth.OFFLINE);
 * }</pre>
 */
public final class Await {
  private Await() {}

  /**
   * Returns once {@code condition} holds.
   *
   * @param timeout how long to keep polling (every 20 ms)
   * @param what the condition in words, for the failure message
   * @param condition what to wait for
   * @throws AssertionError naming {@code what} once {@code timeout} has passed, or if interrupted
   */
  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(condition, "condition");
    Polling.until(Objects.requireNonNull(timeout, "timeout"), () -> {
      if (!condition.getAsBoolean()) {
        throw new AssertionError("waiting for " + what);
      }
      return null;
    });
  }
}
