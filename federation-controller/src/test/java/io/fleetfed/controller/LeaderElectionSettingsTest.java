package io.fleetfed.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The election's durations, checked as KubeFed's KubeFedConfig validation checks them. */
class LeaderElectionSettingsTest {
  @Test
  void kubeFedsDefaultsAreValid() {
    assertThat(LeaderElection.DEFAULT.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(LeaderElection.DEFAULT.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(LeaderElection.DEFAULT.retryPeriod()).isEqualTo(Duration.ofSeconds(5));
    assertThat(LeaderElection.DEFAULT.leaseName()).isEqualTo("fleetfed-controller");
  }

  @Test
  void theLeaseMustOutlastTheRenewDeadline() {
    assertThatThrownBy(() -> LeaderElection.DEFAULT.withDurations(Duration.ofSeconds(10), Duration.ofSeconds(10),
        Duration.ofSeconds(2))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseDuration");
  }

  @Test
  void theRenewDeadlineMustExceedOneAndAFifthRetryPeriods() {
    assertThatThrownBy(() -> LeaderElection.DEFAULT.withDurations(Duration.ofSeconds(15), Duration.ofSeconds(6),
        Duration.ofSeconds(5))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryPeriod × 1.2");
    assertThat(LeaderElection.DEFAULT.withDurations(Duration.ofSeconds(15), Duration.ofMillis(6001),
        Duration.ofSeconds(5)).renewDeadline()).isEqualTo(Duration.ofMillis(6001));
  }

  @Test
  void aBlankLeaseNameIsRefused() {
    assertThatThrownBy(() -> LeaderElection.DEFAULT.withLeaseName(" ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leaseName");
  }
}
