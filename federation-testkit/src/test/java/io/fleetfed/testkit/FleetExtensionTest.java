package io.fleetfed.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.tekton.RunDispatcher;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** {@code @EnableFleet}: a fresh, ready fleet per test on the class's sandbox, shared by the test's methods. */
@EnableFleetSandbox(clusters = {"dev1", "dev2", "dev3"})
@EnableFleet(host = "dev1", members = {"dev2:security=low,zone=a", "dev3"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetExtensionTest {
  private static ClusterFleet previous;
  private ClusterFleet fromBeforeEach;

  @BeforeEach
  void remember(ClusterFleet fleet) {
    fromBeforeEach = fleet;
  }

  @Test
  @Order(1)
  void theFleetHasTheHostAndMembersWithTheirLabelsAllReady(ClusterFleet fleet, RunDispatcher dispatcher) {
    assertThat(fleet).isSameAs(fromBeforeEach);
    assertThat(fleet.hostName()).isEqualTo("dev1");
    assertThat(fleet.hostClient()).isPresent();
    assertThat(fleet.clusters()).extracting(ClusterState::name).containsExactly("dev2", "dev3");
    assertThat(fleet.clusters()).allSatisfy(c -> assertThat(c.health()).isEqualTo(ClusterHealth.READY));
    assertThat(fleet.cluster("dev2").orElseThrow().labels()).isEqualTo(Map.of("security", "low", "zone", "a"));
    assertThat(fleet.cluster("dev3").orElseThrow().labels()).isEmpty();
    assertThat(dispatcher.load()).containsOnlyKeys("dev2", "dev3");
    previous = fleet;
  }

  @Test
  @Order(2)
  void eachTestGetsAFreshFleetAndTheLastOneIsClosed(ClusterFleet fleet, FleetSandbox sandbox) {
    assertThat(previous).isNotNull();
    assertThat(fleet).isNotSameAs(previous);
    assertThatThrownBy(() -> previous.client("dev2")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(fleet.client("dev2").url()).isEqualTo(sandbox.cluster("dev2").url());
  }

  @Test
  @Order(3)
  void aFleetBuiltInTheTestFromTheSandboxIsTheSameSetup(FleetSandbox sandbox) {
    try (ClusterFleet all = sandbox.fleet().start()) {
      assertThat(all.clusters()).extracting(ClusterState::name).containsExactly("dev1", "dev2", "dev3");
      assertThat(all.hostClient()).isEmpty();
    }
    try (ClusterFleet hostOnly = sandbox.fleet().host("dev1").build()) {
      assertThat(hostOnly.clusters()).as("a host's fleet has the members the host records: none").isEmpty();
    }
    assertThatThrownBy(() -> sandbox.fleet().member("dev9")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dev9");
  }

  @Test
  @Order(4)
  void aBadLabelSaysWhichMember() {
    assertThatThrownBy(() -> FleetExtension.labels("security", "dev2:security"))
        .hasMessageContaining("dev2:security").hasMessageContaining("key=value");
  }
}
