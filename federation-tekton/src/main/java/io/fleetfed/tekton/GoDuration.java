package io.fleetfed.tekton;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Go's {@code time.Duration} text, which Tekton uses for its timeouts ({@code spec.timeout},
 * {@code spec.timeouts.pipeline}): parsing and printing exactly as Go does.
 *
 * <pre>{@code
 * GoDuration.parse("1h30m");                  // Optional[PT1H30M]
 * GoDuration.format(Duration.ofMinutes(20));  // "20m0s"
 * }</pre>
 */
public final class GoDuration {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private GoDuration() {
  }

  /**
   * Parses a Go duration such as {@code 1h0m0s}, {@code 90s}, {@code 1.5h}, {@code 500ms} or {@code 0}.
   *
   * @param text the text
   * @return the duration, or empty if the text is not a Go duration (or is negative)
   */
  public static Optional<Duration> parse(String text) {
    Objects.requireNonNull(text, "text");
    String s = text.trim();
    if (s.startsWith("+")) {
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Optional.of(Duration.ZERO);
    }
    if (s.isEmpty() || s.startsWith("-")) {
      return Optional.empty();
    }
    BigDecimal nanos = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      if (start == i) {
        return Optional.empty();
      }
      String number = s.substring(start, i);
      if (number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
        return Optional.empty();
      }
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      long unit;
      switch (s.substring(unitStart, i)) {
        case "ns":
          unit = 1L;
          break;
        case "us":
        case "\u00b5s": // micro sign
        case "\u03bcs": // Greek mu
          unit = 1_000L;
          break;
        case "ms":
          unit = 1_000_000L;
          break;
        case "s":
          unit = NANOS_PER_SECOND;
          break;
        case "m":
          unit = 60 * NANOS_PER_SECOND;
          break;
        case "h":
          unit = 3600 * NANOS_PER_SECOND;
          break;
        default:
          return Optional.empty();
      }
      nanos = nanos.add(new BigDecimal(number.startsWith(".") ? "0" + number : number)
          .multiply(BigDecimal.valueOf(unit)));
    }
    if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(nanos.longValue()));
  }

  /**
   * Prints a duration as Go's {@code Duration.String()} does: {@code 1h0m0s}, {@code 1m30s}, {@code 1.5s},
   * {@code 500ms}, {@code 0s}.
   *
   * @param duration a duration of at most about 292 years
   * @return the text
   */
  public static String format(Duration duration) {
    long d = duration.toNanos();
    if (d == 0) {
      return "0s";
    }
    String sign = d < 0 ? "-" : "";
    long u = Math.abs(d);
    if (u < NANOS_PER_SECOND) {
      if (u < 1_000L) {
        return sign + u + "ns";
      }
      if (u < 1_000_000L) {
        return sign + withFraction(u, 1_000L) + "\u00b5s";
      }
      return sign + withFraction(u, 1_000_000L) + "ms";
    }
    long seconds = u / NANOS_PER_SECOND;
    String secondsText = withFraction(u % (60 * NANOS_PER_SECOND), NANOS_PER_SECOND) + "s";
    long minutes = (seconds / 60) % 60;
    long hours = seconds / 3600;
    if (hours > 0) {
      return sign + hours + "h" + minutes + "m" + secondsText;
    }
    if (minutes > 0) {
      return sign + minutes + "m" + secondsText;
    }
    return sign + secondsText;
  }

  /** {@code value / unit} with the fraction's trailing zeros (and a bare point) dropped. */
  private static String withFraction(long value, long unit) {
    long whole = value / unit;
    long fraction = value % unit;
    if (fraction == 0) {
      return Long.toString(whole);
    }
    StringBuilder digits = new StringBuilder(Long.toString(fraction));
    while (digits.length() < Long.toString(unit).length() - 1) {
      digits.insert(0, '0');
    }
    int end = digits.length();
    while (end > 0 && digits.charAt(end - 1) == '0') {
      end--;
    }
    return whole + "." + digits.substring(0, end);
  }
}
