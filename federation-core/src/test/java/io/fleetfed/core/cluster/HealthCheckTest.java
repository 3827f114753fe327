package io.fleetfed.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HealthCheckTest {

  @Test
  void theDefaultIsKubeFedsAndTheFourValueFormProbesHealthz() {
    assertThat(HealthCheck.DEFAULT).isEqualTo(new HealthCheck(Duration.ofSeconds(10), Duration.ofSeconds(3), 3, 1));
    assertThat(HealthCheck.DEFAULT.path()).isEqualTo("/healthz");
    assertThat(HealthCheck.DEFAULT.enabled()).isTrue();
  }

  @Test
  void offIsAlwaysReadyAndKeepsItsOtherValuesChangeable() {
    assertThat(HealthCheck.alwaysReady()).isSameAs(HealthCheck.OFF);
    assertThat(HealthCheck.OFF.enabled()).isFalse();
    assertThat(HealthCheck.DEFAULT.withEnabled(false)).isEqualTo(HealthCheck.OFF);
    assertThat(HealthCheck.OFF.withEnabled(true)).isEqualTo(HealthCheck.DEFAULT);
  }

  @Test
  void withersChangeOneValue() {
    HealthCheck c = HealthCheck.DEFAULT.withPath("/readyz").withPeriod(Duration.ofSeconds(1))
        .withTimeout(Duration.ofMillis(500)).withThresholds(5, 2);
    assertThat(c).isEqualTo(new HealthCheck(Duration.ofSeconds(1), Duration.ofMillis(500), 5, 2, "/readyz", true));
  }

  @Test
  void invalidValuesAreRefusedNamingThem() {
    assertThatThrownBy(() -> HealthCheck.DEFAULT.withPath("healthz")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("health check path must start with / and hold no blanks, '?' or '#', got \"healthz\"");
    assertThatThrownBy(() -> HealthCheck.DEFAULT.withPath("/healthz?verbose")).hasMessageContaining("/healthz?verbose");
    assertThatThrownBy(() -> HealthCheck.DEFAULT.withPath("/a b")).hasMessageContaining("no blanks");
    assertThatThrownBy(() -> HealthCheck.DEFAULT.withPath(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("path");
    assertThatThrownBy(() -> HealthCheck.DEFAULT.withThresholds(0, 1)).hasMessageContaining("failureThreshold 0");
    assertThatThrownBy(() -> HealthCheck.DEFAULT.withPeriod(Duration.ZERO)).hasMessageContaining("period");
  }

  @Test
  void healthPathsNeedOkOtherPathsA2xx() {
    assertThat(HealthProbe.judge("/healthz", 200, "ok\n"))
        .isEqualTo(new HealthProbe(ClusterHealth.READY, Optional.of("/healthz responded with ok")));
    assertThat(HealthProbe.judge("/healthz", 200, "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[]}"))
        .isEqualTo(new HealthProbe(ClusterHealth.NOT_READY, Optional.of("/healthz responded without ok (HTTP 200)")));
    assertThat(HealthProbe.judge("/readyz/etcd", 500, "etcd failed").health()).isEqualTo(ClusterHealth.NOT_READY);
    assertThat(HealthProbe.judge("/livez", 200, "ok").health()).isEqualTo(ClusterHealth.READY);
    assertThat(HealthProbe.judge("/version", 200, "{\"major\":\"0\"}"))
        .isEqualTo(new HealthProbe(ClusterHealth.READY, Optional.of("/version responded with HTTP 200")));
    assertThat(HealthProbe.judge("/healthzz", 204, "").health()).isEqualTo(ClusterHealth.READY);
    assertThat(HealthProbe.judge("/version", 404, "not found"))
        .isEqualTo(new HealthProbe(ClusterHealth.NOT_READY, Optional.of("/version responded with HTTP 404")));
  }
}
