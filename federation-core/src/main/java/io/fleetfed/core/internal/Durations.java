package io.fleetfed.core.internal;

import java.time.Duration;
import java.util.Objects;

/** Checks of durations given to fleetfed. */
public final class Durations {
  private Durations() {}

  /**
   * Checks that {@code d} is positive.
   *
   * @throws NullPointerException if it is null
   * @throws IllegalArgumentException naming {@code name} if it is zero or negative
   */
  public static Duration requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
    return d;
  }
}
