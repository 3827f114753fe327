package io.fleetfed.testkit;

import static io.fleetfed.testkit.FleetAssertions.assertThat;
import static io.fleetfed.testkit.TestSupport.configMap;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@EnableFleetSandbox(clusters = "solo", crds = "crds/widgets.yaml", resetBetweenTests = true, latencyMillis = 5)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResetBetweenTestsTest {

  static FleetSandbox fleet;
  static int port;

  @Test
  @Order(1)
  void leavesAMess() {
    SandboxCluster solo = fleet.cluster("solo");
    port = solo.port();
    assertThat(solo.latency()).isEqualTo(Duration.ofMillis(5));
    solo.client().configMaps().inNamespace("ci").resource(configMap("ci", "mess")).create();
    solo.latency(Duration.ofSeconds(5));
    solo.goOffline();
  }

  @Test
  @Order(2)
  void startsClean() {
    SandboxCluster solo = fleet.cluster("solo");
    assertThat(solo.isOnline()).isTrue();
    assertThat(solo.port()).isEqualTo(port);
    assertThat(solo.latency()).isEqualTo(Duration.ofMillis(5));
    assertThat(solo.writeCount()).isZero();
    assertThat(solo).hasObjectCount("v1", "ConfigMap", 0)
        .hasClusterObject("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.fleetfed.io");
  }
}
