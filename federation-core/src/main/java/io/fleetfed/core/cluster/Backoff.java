package io.fleetfed.core.cluster;

import io.fleetfed.core.internal.Durations;
import java.time.Duration;

/**
 * Capped exponential backoff for retrying a cluster's failed operation in the background: the n-th retry waits
 * {@code initial * 2^(n-1)}, at most {@code max}.
 *
 * <pre>{@code
 * ClusterFleet.builder()...retry(new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30)))
 * }</pre>
 *
 * @param initial the first wait
 * @param max the longest wait
 */
public record Backoff(Duration initial, Duration max) {
  /** KubeFed's retry range for recoverable statuses: 5 s, doubling, at most 1 min. */
  public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(1));

  /** Checks that both are positive and {@code initial <= max}. */
  public Backoff {
    Durations.requirePositive(initial, "initial");
    Durations.requirePositive(max, "max");
    if (initial.compareTo(max) > 0) {
      throw new IllegalArgumentException("initial backoff " + initial + " exceeds max " + max);
    }
  }

  /** The wait before retry number {@code attempt} (1 for the first retry). */
  public Duration delay(int attempt) {
    Duration d = initial;
    for (int i = 1; i < attempt && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }
}
