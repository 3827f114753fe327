package io.fleetfed.bench;

import java.util.Arrays;
import java.util.List;

/** Order statistics over samples, for the fleet benchmarks' reports. */
final class Stats {
  private Stats() {}

  /** The median (mean of the two middle values for an even count). */
  static double median(List<Double> samples) {
    double[] sorted = sorted(samples);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /**
   * The {@code p}-th percentile by the nearest-rank method: the smallest sample with at least {@code p}% of the
   * samples at or below it (so p99 of 200 samples is the 198th smallest, p100 the largest).
   */
  static double percentile(List<Double> samples, double p) {
    double[] sorted = sorted(samples);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static double max(List<Double> samples) {
    return sorted(samples)[samples.size() - 1];
  }

  private static double[] sorted(List<Double> samples) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no samples");
    }
    double[] values = samples.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(values);
    return values;
  }
}
