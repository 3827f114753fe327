package io.fleetfed.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.cluster.HealthCheck;
import io.fleetfed.core.fleet.ClusterFleet;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A member's own health check runs on its own period, beside the fleet's. */
class MemberHealthOverrideTest {

  private static ClusterHealth health(ClusterFleet fleet, String name) {
    return fleet.clusters().stream().filter(c -> c.name().equals(name)).map(ClusterState::health).findFirst()
        .orElseThrow();
  }

  @Test
  void aMemberWithAShortPeriodIsProbedOnItWhileTheFleetsPeriodIsLong() {
    try (FleetSandbox sandbox = FleetSandbox.builder().clusters("dev1", "dev2", "dev3").start();
        ClusterFleet fleet = ClusterFleet.builder()
            .member("dev1", sandbox.cluster("dev1").config())
            .member("dev2", sandbox.cluster("dev2").config())
            .member("dev3", sandbox.cluster("dev3").config())
            .health(HealthCheck.DEFAULT.withPeriod(Duration.ofHours(1)).withTimeout(Duration.ofSeconds(20)))
            .memberHealth("dev2", SandboxFleet.QUICK_HEALTH.withTimeout(Duration.ofSeconds(20)))
            .memberHealth("dev3", HealthCheck.OFF)
            .build()) {
      // timeouts leave room for a cold JVM on a busy machine; a refused connection still fails at once
      assertThat(fleet.clusters()).allMatch(c -> c.health() == ClusterHealth.READY);
      sandbox.cluster("dev1").goOffline();
      sandbox.cluster("dev2").goOffline();
      sandbox.cluster("dev3").goOffline();
      Await.until(Duration.ofSeconds(10), "dev2 offline", () -> health(fleet, "dev2") == ClusterHealth.OFFLINE);
      assertThat(health(fleet, "dev1")).as("probed hourly, once so far").isEqualTo(ClusterHealth.READY);
      assertThat(health(fleet, "dev3")).as("never probed").isEqualTo(ClusterHealth.READY);
      sandbox.cluster("dev2").goOnline();
      Await.until(Duration.ofSeconds(10), "dev2 ready again", () -> health(fleet, "dev2") == ClusterHealth.READY);
    }
  }
}
