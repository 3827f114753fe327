package io.fleetfed.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations as kubectl's {@code --request-timeout} does: Go's spelling ({@code 10s}, {@code 500ms},
 * {@code 1m30s}, {@code 1.5h}; units ns, us, ms, s, m, h), or a bare number of seconds. Only positive durations:
 * every request of fleetfed has a timeout.
 */
final class Durations implements ITypeConverter<Duration> {
  private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:ns|us|µs|ms|s|m|h)"
      + "(?:(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:ns|us|µs|ms|s|m|h))*");
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");
  private static final Pattern SECONDS = Pattern.compile("\\d+");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /** The duration {@code value} spells; a {@link TypeConversionException} saying why not otherwise. */
  static Duration parse(String value) {
    String text = value.trim();
    Duration duration;
    if (SECONDS.matcher(text).matches()) {
      duration = Duration.ofSeconds(Long.parseLong(text));
    } else if (WHOLE.matcher(text).matches()) {
      BigDecimal nanos = BigDecimal.ZERO;
      Matcher part = PART.matcher(text);
      while (part.find()) {
        nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(nanosPer(part.group(2)))));
      }
      if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
        throw new TypeConversionException("'" + value + "' is too long a duration");
      }
      duration = Duration.ofNanos(nanos.longValue());
    } else {
      throw new TypeConversionException("'" + value + "' is not a duration: write it like 10s, 500ms, 1m30s or 2h");
    }
    if (duration.isZero()) {
      throw new TypeConversionException("'" + value + "' is not a positive duration: every request has a timeout");
    }
    return duration;
  }

  private static long nanosPer(String unit) {
    switch (unit) {
      case "ns":
        return 1L;
      case "us":
      case "µs":
        return 1_000L;
      case "ms":
        return 1_000_000L;
      case "s":
        return 1_000_000_000L;
      case "m":
        return 60_000_000_000L;
      default:
        return 3_600_000_000_000L;
    }
  }
}
