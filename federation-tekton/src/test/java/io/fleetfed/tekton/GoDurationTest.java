package io.fleetfed.tekton;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Go's duration text, as Tekton's timeouts use it: every row is what Go's time.ParseDuration or String() gives. */
class GoDurationTest {

  static Stream<Arguments> parsed() {
    return Stream.of(
        Arguments.of("1h0m0s", Optional.of(Duration.ofHours(1))),
        Arguments.of("1m30s", Optional.of(Duration.ofSeconds(90))),
        Arguments.of("500ms", Optional.of(Duration.ofMillis(500))),
        Arguments.of("1.5h", Optional.of(Duration.ofMinutes(90))),
        Arguments.of("90s", Optional.of(Duration.ofSeconds(90))),
        Arguments.of("+5m", Optional.of(Duration.ofMinutes(5))),
        Arguments.of("1500us", Optional.of(Duration.ofNanos(1_500_000))),
        Arguments.of("2\u00b5s", Optional.of(Duration.ofNanos(2_000))),
        Arguments.of(".5s", Optional.of(Duration.ofMillis(500))),
        Arguments.of("0", Optional.of(Duration.ZERO)),
        Arguments.of("10", Optional.empty()),
        Arguments.of("-1s", Optional.empty()),
        Arguments.of("1d", Optional.empty()),
        Arguments.of("", Optional.empty()),
        Arguments.of("1..5s", Optional.empty()),
        Arguments.of("s", Optional.empty()));
  }

  @ParameterizedTest(name = "\"{0}\" parses to {1}")
  @MethodSource("parsed")
  void parsesAsGoDoes(String text, Optional<Duration> expected) {
    assertThat(GoDuration.parse(text)).isEqualTo(expected);
  }

  static Stream<Arguments> printed() {
    return Stream.of(
        Arguments.of(Duration.ofMinutes(60), "1h0m0s"),
        Arguments.of(Duration.ofMinutes(20), "20m0s"),
        Arguments.of(Duration.ofSeconds(90), "1m30s"),
        Arguments.of(Duration.ofSeconds(30), "30s"),
        Arguments.of(Duration.ofMillis(1500), "1.5s"),
        Arguments.of(Duration.ofMillis(500), "500ms"),
        Arguments.of(Duration.ofNanos(1500), "1.5\u00b5s"),
        Arguments.of(Duration.ofNanos(7), "7ns"),
        Arguments.of(Duration.ZERO, "0s"));
  }

  @ParameterizedTest(name = "{0} prints as \"{1}\"")
  @MethodSource("printed")
  void printsAsGoDoes(Duration duration, String expected) {
    assertThat(GoDuration.format(duration)).isEqualTo(expected);
    assertThat(GoDuration.parse(expected)).hasValue(duration);
  }
}
