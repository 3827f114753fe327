package io.fleetfed.core.fleet;

import static io.fleetfed.core.fleet.FleetItSupport.configMap;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.render.ManagedMetadata;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.ClusterStatus;
import io.fleetfed.core.status.FederatedStatus;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.PropagationStatus;
import io.fleetfed.core.status.ResourceKey;
import io.fleetfed.testkit.FleetSandbox;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Background reconciliation: drift, outages, restarts and rival fleets, against five in-process clusters. */
@Tag("real-api-servers")
class ConvergenceTest {
  private static final List<String> CLUSTERS = List.of("c1", "c2", "c3", "c4", "c5");
  private static FleetSandbox sandbox;

  @BeforeAll
  static void startSandbox() {
    sandbox = FleetSandbox.builder().clusters(CLUSTERS).start();
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  /** A fleet over all five clusters, tuned to react within a fraction of a second. */
  private static ClusterFleetBuilder membersFleet() {
    return FleetItSupport.membersFleet(sandbox, CLUSTERS.toArray(String[]::new));
  }

  private static ConfigMap member(String cluster, String namespace, String name) {
    return sandbox.cluster(cluster).client().configMaps().inNamespace(namespace).withName(name).get();
  }

  @Test
  void copiesEditedOrDeletedByHandAreRestored() {
    FederatedResource settings = configMap("drift", "settings", Placement.clusters("c1", "c2"), Map.of("mode", "fast"));
    try (ClusterFleet fleet = membersFleet().build().start()) {
      fleet.propagate(settings).orThrow();

      sandbox.cluster("c1").client().configMaps().inNamespace("drift").withName("settings")
          .edit(cm -> { cm.getData().put("mode", "slow"); return cm; });
      sandbox.cluster("c2").client().configMaps().inNamespace("drift").withName("settings").delete();

      FleetItSupport.await(Duration.ofSeconds(10), "c1's edit to be reverted",
          () -> "fast".equals(member("c1", "drift", "settings").getData().get("mode")));
      FleetItSupport.await(Duration.ofSeconds(10), "c2's copy to be re-created",
          () -> member("c2", "drift", "settings") != null);
      assertThat(member("c2", "drift", "settings").getData()).containsEntry("mode", "fast");
      assertThat(member("c2", "drift", "settings").getMetadata().getLabels())
          .containsEntry(ManagedMetadata.MANAGED_LABEL, "true");
    }
  }

  @Test
  void anOfflineClusterCatchesUpWithFiveHundredObjectsWhenItReturns() {
    List<FederatedResource> objects = IntStream.range(0, 500)
        .mapToObj(i -> configMap("outage", "cm-" + i, Placement.allClusters(), Map.of("i", Integer.toString(i))))
        .toList();
    try (ClusterFleet fleet = membersFleet().build().start()) {
      sandbox.cluster("c3").goOffline();
      FleetItSupport.await(Duration.ofSeconds(10), "c3 to be seen offline",
          () -> fleet.cluster("c3").orElseThrow().health() == ClusterHealth.OFFLINE);

      List<PropagationResult> results = fleet.propagateAll(objects);

      for (PropagationResult r : results) {
        assertThat(r.cluster("c3").orElseThrow().status()).isEqualTo(PropagationStatus.CLUSTER_NOT_READY);
        for (String healthy : List.of("c1", "c2", "c4", "c5")) {
          // CREATED, or UNCHANGED when background reconciliation got there first
          assertThat(r.cluster(healthy).orElseThrow()).as(r.key() + " on " + healthy)
              .matches(ClusterOutcome::isOk).extracting(ClusterOutcome::action)
              .isIn(ClusterAction.CREATED, ClusterAction.UNCHANGED);
        }
      }
      for (String healthy : List.of("c1", "c2", "c4", "c5")) {
        assertThat(sandbox.cluster(healthy).client().configMaps().inNamespace("outage").list().getItems())
            .hasSize(500);
      }
      assertThat(fleet.status(results.get(0).key()).orElseThrow().cluster("c3").orElseThrow().status())
          .isEqualTo(PropagationStatus.CLUSTER_NOT_READY);

      sandbox.cluster("c3").goOnline();

      for (PropagationResult r : results) {
        fleet.await(r.key(), FederatedStatus::isPropagated, Duration.ofSeconds(60));
      }
      for (String cluster : CLUSTERS) {
        List<ConfigMap> items = sandbox.cluster(cluster).client().configMaps().inNamespace("outage").list().getItems();
        assertThat(items).as(cluster).hasSize(500);
        assertThat(items.stream().map(cm -> cm.getMetadata().getName()).distinct()).as(cluster).hasSize(500);
        assertThat(items).allSatisfy(cm -> assertThat(cm.getData().get("i"))
            .isEqualTo(cm.getMetadata().getName().substring(3)));
      }
    }
  }

  @Test
  void aRestartedFleetFindsItsCopiesInsteadOfDuplicatingOrForgettingThem() {
    FederatedResource first = configMap("restart", "kept", Placement.clusters("c1", "c2"), Map.of("v", "1"));
    try (ClusterFleet fleet = membersFleet().build()) {
      fleet.propagate(first).orThrow();
    }
    try (ClusterFleet restarted = membersFleet().build()) {
      sandbox.clusters().forEach(c -> c.resetCounts());
      PropagationResult again = restarted.propagate(first);
      assertThat(again.clusters().values()).as(again.toString()).extracting(ClusterOutcome::action)
          .containsOnly(ClusterAction.UNCHANGED);
      assertThat(sandbox.clusters().stream().mapToLong(c -> c.writeCount()).sum()).isZero();

      PropagationResult moved = restarted.propagate(first.toBuilder().placement(Placement.clusters("c2")).build());
      assertThat(moved.cluster("c1").orElseThrow().action()).isEqualTo(ClusterAction.DELETED);
      assertThat(member("c1", "restart", "kept")).isNull();
      assertThat(member("c2", "restart", "kept")).isNotNull();
    }
    try (ClusterFleet third = membersFleet().build()) {
      PropagationResult deleted = third.delete(first);
      assertThat(deleted.cluster("c2").orElseThrow().action()).isEqualTo(ClusterAction.DELETED);
      assertThat(member("c2", "restart", "kept")).isNull();
    }
  }

  @Test
  void twoFleetsOnTheSameMembersDoNotOverwriteEachOtherForever() {
    FederatedResource v1 = configMap("rivals", "shared", Placement.clusters("c4"), Map.of("v", "1"));
    FederatedResource v2 = configMap("rivals", "shared", Placement.clusters("c4"), Map.of("v", "2"));
    ResourceKey key = ResourceKey.of(v1);
    try (ClusterFleet a = membersFleet().build().start(); ClusterFleet b = membersFleet().build().start()) {
      a.propagate(v1).orThrow();
      b.propagate(v2).orThrow();       // an explicit propagate wins: the last one written stands

      a.await(key, s -> s.cluster("c4").map(ClusterStatus::status)
          .filter(PropagationStatus.OWNED_BY_ANOTHER_WRITER::equals).isPresent(), Duration.ofSeconds(10));
      String settled = member("c4", "rivals", "shared").getMetadata().getResourceVersion();
      awaitSettled(List.of(a, b), key, "c4", settled);
      sandbox.cluster("c4").resetCounts();

      // a hand edit wakes both fleets: the one whose version stands restores it, the other leaves it alone
      sandbox.cluster("c4").client().configMaps().inNamespace("rivals").withName("shared")
          .edit(cm -> { cm.getData().put("v", "hand"); return cm; });
      FleetItSupport.await(Duration.ofSeconds(10), "the edit to be reverted",
          () -> "2".equals(member("c4", "rivals", "shared").getData().get("v")));
      String restored = member("c4", "rivals", "shared").getMetadata().getResourceVersion();
      awaitSettled(List.of(a, b), key, "c4", restored);

      assertThat(sandbox.cluster("c4").writeCount()).as("the hand edit plus one restore").isEqualTo(2);
      assertThat(member("c4", "rivals", "shared").getData()).containsEntry("v", "2");
      assertThat(b.status(key).orElseThrow().isPropagated()).isTrue();
    }
  }

  /** Waits until every fleet's cache shows {@code version} and its background work is done. */
  private static void awaitSettled(List<ClusterFleet> fleets, ResourceKey key, String cluster, String version) {
    for (ClusterFleet fleet : fleets) {
      FleetItSupport.await(Duration.ofSeconds(10), "fleet to see " + version + " and settle", () ->
          fleet.cached(key, cluster).map(o -> version.equals(o.getMetadata().getResourceVersion())).orElse(false)
              && fleet.idle());
    }
  }
}
