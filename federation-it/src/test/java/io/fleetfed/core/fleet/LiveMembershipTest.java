package io.fleetfed.core.fleet;

import static io.fleetfed.core.fleet.FleetItSupport.KUBEFED_CLUSTERS;
import static io.fleetfed.core.fleet.FleetItSupport.WAIT;
import static io.fleetfed.core.fleet.FleetItSupport.await;
import static io.fleetfed.core.fleet.FleetItSupport.configMap;
import static io.fleetfed.core.fleet.FleetItSupport.hostFleet;
import static io.fleetfed.core.fleet.FleetItSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.cluster.MembershipChange;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.PropagationStatus;
import io.fleetfed.testkit.FleetSandbox;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ClusterFleet#refreshMembers()}: members joined, unjoined or changed in the host by someone else take
 * effect in a running fleet; and {@link ClusterFleetBuilder#writesAllowed}: no write request leaves while it says
 * no.
 */
class LiveMembershipTest {
  static FleetSandbox sandbox;
  static KubernetesClient dev1;

  @BeforeAll
  static void startSandbox() {
    sandbox = FleetSandbox.builder().clusters("dev1", "dev2", "dev3").start();
    dev1 = sandbox.cluster("dev1").client();
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  @BeforeEach
  void wipe() {
    sandbox.reset();
  }

  @Test
  void aMemberJoinedByAnotherFleetGetsTheObjectsPlacedOnItOnceRefreshed() {
    try (ClusterFleet joiner = hostFleet(sandbox, "dev1").build();
        ClusterFleet fleet = hostFleet(sandbox, "dev1").build()) {
      joiner.join("dev2");
      assertThat(fleet.refreshMembers().added()).containsExactly("dev2");
      fleet.start();
      String name = unique("settings");
      fleet.propagate(configMap("demo", name, Placement.allClusters(), Map.of("k", "v")));

      joiner.join("dev3");
      MembershipChange change = fleet.refreshMembers();

      assertThat(change.added()).containsExactly("dev3");
      assertThat(change.removed()).isEmpty();
      assertThat(fleet.clusters()).extracting(ClusterState::name).containsExactly("dev2", "dev3");
      await(WAIT, "the copy on the new member", () -> sandbox.cluster("dev3").client().configMaps()
          .inNamespace("demo").withName(name).get() != null);
      assertThat(fleet.refreshMembers().isEmpty()).as("nothing changed since").isTrue();
    }
  }

  @Test
  void aMemberUnjoinedElsewhereLeavesAndARelabelledOneTakesItsLabels() {
    try (ClusterFleet joiner = hostFleet(sandbox, "dev1").build()) {
      joiner.join("dev2");
      joiner.join("dev3");
      try (ClusterFleet fleet = hostFleet(sandbox, "dev1").build()) {
        dev1.genericKubernetesResources(KUBEFED_CLUSTERS).inNamespace(ClusterFleet.DEFAULT_FEDERATION_NAMESPACE)
            .withName("dev2").edit(k -> {
              k.getMetadata().setLabels(Map.of("tier", "gold"));
              return k;
            });
        joiner.unjoin("dev3");

        MembershipChange change = fleet.refreshMembers();

        assertThat(change.removed()).containsExactly("dev3");
        assertThat(change.relabelled()).containsExactly("dev2");
        assertThat(fleet.cluster("dev2").orElseThrow().labels()).containsEntry("tier", "gold");
        assertThat(fleet.clusters()).extracting(ClusterState::name).containsExactly("dev2");
      }
    }
  }

  @Test
  void aRotatedTokenSecretGivesTheMemberANewClient() {
    try (ClusterFleet joiner = hostFleet(sandbox, "dev1").build();
        ClusterFleet fleet = hostFleet(sandbox, "dev1").build()) {
      joiner.join("dev2");
      fleet.refreshMembers();
      String secret = (String) ((Map<?, ?>) ((Map<?, ?>) dev1.genericKubernetesResources(KUBEFED_CLUSTERS)
          .inNamespace(ClusterFleet.DEFAULT_FEDERATION_NAMESPACE).withName("dev2").get().getAdditionalProperties()
          .get("spec")).get("secretRef")).get("name");
      dev1.secrets().inNamespace(ClusterFleet.DEFAULT_FEDERATION_NAMESPACE).withName(secret).edit(s -> {
        s.setData(Map.of("token", java.util.Base64.getEncoder().encodeToString("rotated".getBytes())));
        return s;
      });

      MembershipChange change = fleet.refreshMembers();

      assertThat(change.reconnected()).containsExactly("dev2");
      assertThat(change.added()).isEmpty();
    }
  }

  @Test
  void noWriteRequestLeavesWhileWritesAreNotAllowed() {
    AtomicBoolean allowed = new AtomicBoolean(false);
    try (ClusterFleet fleet = FleetItSupport.membersFleet(sandbox, "dev2").writesAllowed(allowed::get).build()) {
      sandbox.cluster("dev2").resetCounts();
      String name = unique("fenced");

      PropagationResult fenced = fleet.propagate(configMap("demo", name, Placement.clusters("dev2"), Map.of()));

      ClusterOutcome dev2 = fenced.cluster("dev2").orElseThrow();
      assertThat(dev2.status()).isEqualTo(PropagationStatus.CREATION_FAILED);
      assertThat(dev2.message().orElse("")).contains("writes are stopped");
      assertThat(sandbox.cluster("dev2").writeCount()).isZero();
      assertThat(sandbox.cluster("dev2").client().configMaps().inNamespace("demo").withName(name).get()).isNull();

      allowed.set(true);
      assertThat(fleet.propagate(configMap("demo", name, Placement.clusters("dev2"), Map.of())).isSuccess())
          .isTrue();
    }
  }

  @Test
  void refreshingAFleetWithoutAHostIsAMisuse() {
    try (ClusterFleet fleet = FleetItSupport.membersFleet(sandbox, "dev2").build()) {
      assertThatThrownBy(fleet::refreshMembers).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("host cluster");
    }
  }

}
