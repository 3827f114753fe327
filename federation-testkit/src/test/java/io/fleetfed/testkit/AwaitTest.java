package io.fleetfed.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
  @Test
  void returnsOnceTheConditionHolds() {
    AtomicInteger polls = new AtomicInteger();

    Await.until(Duration.ofSeconds(5), "the third poll", () -> polls.incrementAndGet() >= 3);

    assertThat(polls).hasValue(3);
  }

  @Test
  void failsNamingTheConditionOnceTheTimeIsUp() {
    assertThatThrownBy(() -> Await.until(Duration.ofMillis(60), "a cluster that never answers", () -> false))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("60 ms").hasMessageContaining("a cluster that never answers");
  }
}
