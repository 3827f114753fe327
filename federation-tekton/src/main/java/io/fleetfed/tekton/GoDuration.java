package io.fleetfed.tekton;

import java.time.Duration;

/** Go's {@code time.Duration} text, as Tekton's timeouts take it ({@code 1h30m0s}, {@code 500ms}). */
final class GoDuration {
  private GoDuration() {}

  static String format(Duration d) {
    long millis = d.toMillis();
    if (millis < 1000) {
      return millis + "ms";
    }
    long h = millis / 3_600_000;
    long m = millis / 60_000 % 60;
    long s = millis / 1000 % 60;
    long ms = millis % 1000;
    StringBuilder b = new StringBuilder();
    if (h > 0) {
      b.append(h).append('h');
    }
    if (h > 0 || m > 0) {
      b.append(m).append('m');
    }
    b.append(s);
    if (ms > 0) {
      b.append('.').append(String.format("%03d", ms).replaceAll("0+$", ""));
    }
    return b.append('s').toString();
  }
}
