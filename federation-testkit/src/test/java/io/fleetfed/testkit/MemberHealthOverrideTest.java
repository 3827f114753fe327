package io.fleetfed.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.cluster.HealthCheck;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A member's own health check runs on its own period, beside the fleet's. */
class MemberHealthOverrideTest {

  private static ClusterHealth health(ClusterFleet fleet, String name) {
    return fleet.clusters().stream().filter(c -> c.name().equals(name)).map(ClusterState::health).findFirst()
        .orElseThrow();
  }

  @Test
  void aMemberWhoseProbeIsOffIsNotWrittenReadyToItsKubeFedCluster() {
    try (FleetSandbox sandbox = FleetSandbox.builder().clusters("dev1", "dev2", "dev3").start()) {
      try (ClusterFleet joiner = sandbox.fleet().host("dev1").build()) {
        joiner.join("dev2");
        joiner.join("dev3");
        sandbox.cluster("dev2").goOffline();
        sandbox.cluster("dev3").goOffline();
        Await.until(Duration.ofSeconds(10), "dev2 and dev3 recorded not Ready in the host",
            () -> !"True".equals(recordedReady(sandbox, "dev2")) && !"True".equals(recordedReady(sandbox, "dev3")));
      }
      String dev2 = recordedReady(sandbox, "dev2");
      try (ClusterFleet fleet = sandbox.fleet().host("dev1")
          // with a host, a cluster that joins later may have its own check too
          .configure(b -> b.memberHealth("dev2", HealthCheck.OFF).memberHealth("joins-later", HealthCheck.OFF))
          .build()) {
        assertThat(health(fleet, "dev2")).as("Ready for this fleet").isEqualTo(ClusterHealth.READY);
        sandbox.cluster("dev3").goOnline();
        // this fleet records what it probes: dev3's change reaches the host, after dev2's start would have
        Await.until(Duration.ofSeconds(10), "dev3 recorded Ready", () -> "True".equals(recordedReady(sandbox, "dev3")));
        assertThat(recordedReady(sandbox, "dev2")).as("dev2's KubeFedCluster, as the probing fleet left it")
            .isEqualTo(dev2);
      }
    }
  }

  /** The status of the Ready condition of {@code cluster}'s KubeFedCluster in the host dev1 ("" if none). */
  private static String recordedReady(FleetSandbox sandbox, String cluster) {
    GenericKubernetesResource kfc = sandbox.cluster("dev1").client()
        .genericKubernetesResources("core.kubefed.io/v1beta1", "KubeFedCluster")
        .inNamespace("kube-federation-system").withName(cluster).get();
    Object status = kfc == null ? null : kfc.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> s) || !(s.get("conditions") instanceof List<?> conditions)) {
      return "";
    }
    return conditions.stream().filter(c -> c instanceof Map<?, ?> m && "Ready".equals(m.get("type")))
        .map(c -> String.valueOf(((Map<?, ?>) c).get("status"))).findFirst().orElse("");
  }

  @Test
  void aMemberWithAShortPeriodIsProbedOnItWhileTheFleetsPeriodIsLong() {
    try (FleetSandbox sandbox = FleetSandbox.builder().clusters("dev1", "dev2", "dev3").start();
        ClusterFleet fleet = ClusterFleet.builder()
            .member("dev1", sandbox.cluster("dev1").config())
            .member("dev2", sandbox.cluster("dev2").config())
            .member("dev3", sandbox.cluster("dev3").config())
            // one failure is enough: dev1 probed on dev2's period would be OFFLINE as soon as dev2 is
            .health(HealthCheck.DEFAULT.withPeriod(Duration.ofHours(1)).withTimeout(Duration.ofSeconds(20))
                .withThresholds(1, 1))
            .memberHealth("dev2", SandboxFleet.QUICK_HEALTH.withTimeout(Duration.ofSeconds(20)))
            .memberHealth("dev3", HealthCheck.OFF)
            .build()) {
      // timeouts leave room for a cold JVM on a busy machine; a refused connection still fails at once
      assertThat(fleet.clusters()).allMatch(c -> c.health() == ClusterHealth.READY);
      sandbox.cluster("dev1").goOffline();
      sandbox.cluster("dev2").goOffline();
      sandbox.cluster("dev3").goOffline();
      Await.until(Duration.ofSeconds(10), "dev2 offline", () -> health(fleet, "dev2") == ClusterHealth.OFFLINE);
      sandbox.cluster("dev2").goOnline();
      // dev2 was probed offline and then online: dev1, offline all along, would have been probed too on that period
      Await.until(Duration.ofSeconds(10), "dev2 ready again", () -> health(fleet, "dev2") == ClusterHealth.READY);
      assertThat(health(fleet, "dev1")).as("probed hourly, once so far").isEqualTo(ClusterHealth.READY);
      assertThat(health(fleet, "dev3")).as("never probed").isEqualTo(ClusterHealth.READY);
    }
  }
}
