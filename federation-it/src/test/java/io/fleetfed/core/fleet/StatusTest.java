package io.fleetfed.core.fleet;

import static io.fleetfed.core.fleet.FleetItSupport.WAIT;
import static io.fleetfed.core.fleet.FleetItSupport.WIDGETS;
import static io.fleetfed.core.fleet.FleetItSupport.await;
import static io.fleetfed.core.fleet.FleetItSupport.awaitHealth;
import static io.fleetfed.core.fleet.FleetItSupport.configMap;
import static io.fleetfed.core.fleet.FleetItSupport.context;
import static io.fleetfed.core.fleet.FleetItSupport.crd;
import static io.fleetfed.core.fleet.FleetItSupport.membersFleet;
import static io.fleetfed.core.fleet.FleetItSupport.ready;
import static io.fleetfed.core.fleet.FleetItSupport.unique;
import static io.fleetfed.testkit.FleetAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.ClusterStatus;
import io.fleetfed.core.status.CopyReport;
import io.fleetfed.core.status.FederatedStatus;
import io.fleetfed.core.status.PropagationCondition;
import io.fleetfed.core.status.PropagationFailedException;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.PropagationStatus;
import io.fleetfed.core.status.ResourceKey;
import io.fleetfed.testkit.FleetSandbox;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Live statuses: listeners, remote status collection, await, ClusterNotReady, orThrow, deletion. */
@Tag("real-api-servers")
class StatusTest {
  static FleetSandbox sandbox;
  static KubernetesClient dev2;

  @BeforeAll
  static void startSandbox() {
    sandbox = FleetSandbox.builder().clusters("dev1", "dev2", "dev3").crd(crd(WIDGETS)).start();
    dev2 = sandbox.cluster("dev2").client();
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  @AfterEach
  void online() {
    sandbox.clusters().forEach(c -> c.goOnline());
  }

  private static FederatedResource widget(String ns, String name, Placement placement) {
    return FederatedResource.builder(WIDGETS).namespace(ns).name(name)
        .template(Map.of("spec", Map.of("size", 3))).placement(placement).build();
  }

  private static FederatedResource deployment(String ns, String name, Placement placement) {
    return FederatedResource.builder(BuiltInTypes.DEPLOYMENTS).namespace(ns).name(name).placement(placement)
        .template(Map.of("spec", Map.of("replicas", 3, "selector", Map.of("matchLabels", Map.of("app", name)),
            "template", Map.of("metadata", Map.of("labels", Map.of("app", name)),
                "spec", Map.of("containers", List.of(Map.of("name", "c", "image", "nginx")))))))
        .build();
  }

  @Test
  void aListenerHearsThePropagationAndAFailingListenerDoesNotStopOthers() {
    String name = unique("heard");
    FederatedResource cm = configMap("status", name, Placement.clusters("dev1", "dev2"), Map.of("a", "b"));
    ResourceKey key = ResourceKey.of(cm);
    ConcurrentLinkedQueue<FederatedStatus> heard = new ConcurrentLinkedQueue<>();
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev2").start()) {
      fleet.addStatusListener(s -> {
        throw new IllegalStateException("a broken listener");
      });
      fleet.addStatusListener(heard::add);
      assertThat(fleet.propagate(cm)).isSuccess();
      await(WAIT, "a Propagated status of " + key + " (heard " + heard + ")", () -> heard.stream()
          .anyMatch(s -> s.key().equals(key) && s.isPropagated() && s.clusters().keySet()
              .equals(java.util.Set.of("dev1", "dev2"))));
      assertThat(fleet.status(key)).get().extracting(FederatedStatus::isPropagated).isEqualTo(true);
      assertThat(fleet.statuses()).containsKey(key);
    }
  }

  @Test
  void aMembersStatusChangeOnACustomResourceIsHeardWithRemoteStatusCollection() {
    String name = unique("widget");
    FederatedResource w = widget("status", name, Placement.clusters("dev1", "dev2"));
    ResourceKey key = ResourceKey.of(w);
    ConcurrentLinkedQueue<FederatedStatus> heard = new ConcurrentLinkedQueue<>();
    try (ClusterFleet fleet = ready(membersFleet(sandbox, "dev1", "dev2").collectRemoteStatus(true).build())) {
      fleet.addStatusListener(heard::add);
      assertThat(fleet.propagate(w)).isSuccess();
      dev2.genericKubernetesResources(context(WIDGETS)).inNamespace("status").withName(name).editStatus(o -> {
        o.setAdditionalProperty("status", Map.of("phase", "Done", "observedGeneration", 1));
        return o;
      });
      FederatedStatus s = fleet.await(key, st -> st.cluster("dev2").flatMap(c -> c.remoteStatusAt("/phase"))
          .filter("Done"::equals).isPresent(), WAIT);
      assertThat(s.cluster("dev2").orElseThrow().remoteStatusAt("/observedGeneration")).contains("1");
      assertThat(s.cluster("dev1").orElseThrow().remoteStatusAt("/phase")).isEmpty();
      await(WAIT, "the listener hears the remote status", () -> heard.stream().anyMatch(st -> st.cluster("dev2")
          .flatMap(c -> c.remoteStatusAt("/phase")).filter("Done"::equals).isPresent()));
      // inspect reads the same from the cluster
      assertThat(fleet.inspect(w)).filteredOn(r -> r.cluster().equals("dev2")).singleElement()
          .satisfies(r -> assertThat(r.remoteStatus()).get().extracting(n -> n.path("phase").asText())
              .isEqualTo("Done"));
    }
  }

  @Test
  void aDeploymentsStatusOnAMemberIsCollected() {
    String name = unique("deploy");
    FederatedResource d = deployment("status", name, Placement.clusters("dev2"));
    ResourceKey key = ResourceKey.of(d);
    try (ClusterFleet fleet = ready(membersFleet(sandbox, "dev1", "dev2").collectRemoteStatus(true).build())) {
      assertThat(fleet.propagate(d)).isSuccess();
      dev2.apps().deployments().inNamespace("status").withName(name).editStatus(o -> {
        o.setStatus(new DeploymentStatusBuilder().withReplicas(3).withReadyReplicas(3).build());
        return o;
      });
      fleet.await(key, st -> st.cluster("dev2").flatMap(c -> c.remoteStatusAt("/readyReplicas"))
          .filter("3"::equals).isPresent(), WAIT);
    }
  }

  @Test
  void awaitTimingOutThrowsNamingTheKey() {
    String name = unique("never");
    FederatedResource cm = configMap("status", name, Placement.clusters("dev1"), Map.of());
    ResourceKey key = ResourceKey.of(cm);
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev2").start()) {
      fleet.propagate(cm);
      assertThatThrownBy(() -> fleet.await(key, s -> false, Duration.ofMillis(300)))
          .isInstanceOf(FederationException.class).hasMessageContaining(key.toString());
      ResourceKey unknown = new ResourceKey("FederatedConfigMap", java.util.Optional.of("status"), unique("nobody"));
      assertThatThrownBy(() -> fleet.await(unknown, s -> true, Duration.ofMillis(200)))
          .isInstanceOf(FederationException.class).hasMessageContaining(unknown.toString());
    }
  }

  @Test
  void anOfflineClusterShowsClusterNotReadyAndOrThrowNamesIt() {
    String name = unique("offline");
    FederatedResource cm = configMap("status", name, Placement.clusters("dev1", "dev3"), Map.of("a", "b"));
    ResourceKey key = ResourceKey.of(cm);
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev3").start()) {
      sandbox.cluster("dev3").goOffline();
      awaitHealth(fleet, "dev3", ClusterHealth.OFFLINE);
      PropagationResult result = fleet.propagate(cm);
      assertThat(result.isSuccess()).isFalse();
      assertThat(result.condition().reason()).isEqualTo(PropagationCondition.CHECK_CLUSTERS);
      assertThat(result).hasAction("dev1", ClusterAction.CREATED);
      assertThat(result).hasStatus("dev3", PropagationStatus.CLUSTER_NOT_READY);
      assertThat(result.failures()).extracting(ClusterOutcome::cluster).containsExactly("dev3");

      FederatedStatus status = fleet.status(key).orElseThrow();
      assertThat(status.cluster("dev3")).get().extracting(ClusterStatus::status)
          .isEqualTo(PropagationStatus.CLUSTER_NOT_READY);
      assertThat(status.cluster("dev3").orElseThrow().status().reason()).isEqualTo("ClusterNotReady");
      assertThat(status.cluster("dev1")).get().extracting(ClusterStatus::isOk).isEqualTo(true);
      assertThat(status.isPropagated()).isFalse();

      assertThatThrownBy(result::orThrow).isInstanceOf(PropagationFailedException.class)
          .hasMessageContaining("dev3").hasMessageContaining("ClusterNotReady")
          .hasMessageContaining(key.toString())
          .satisfies(e -> assertThat(((PropagationFailedException) e).result()).isEqualTo(result));
      assertThat(fleet.propagate(configMap("status", unique("fine"), Placement.clusters("dev1"), Map.of()))
          .orThrow()).isSuccess();
    }
  }

  @Test
  void deletingPublishesADeletedStatus() throws Exception {
    String name = unique("deleted");
    FederatedResource cm = configMap("status", name, Placement.clusters("dev1", "dev2"), Map.of("a", "b"));
    ResourceKey key = ResourceKey.of(cm);
    ConcurrentLinkedQueue<FederatedStatus> heard = new ConcurrentLinkedQueue<>();
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev2").start()) {
      fleet.addStatusListener(heard::add);
      fleet.propagate(cm).orThrow();
      CompletableFuture<FederatedStatus> gone = fleet.awaitAsync(key, FederatedStatus::deleted, WAIT);
      PropagationResult result = fleet.delete(cm);
      assertThat(result.isSuccess()).as(result.toString()).isTrue();
      assertThat(result).hasAction("dev2", ClusterAction.DELETED);
      FederatedStatus last = gone.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(last.deleted()).isTrue();
      assertThat(last.key()).isEqualTo(key);
      await(WAIT, "the listener hears the deletion", () -> heard.stream()
          .anyMatch(s -> s.key().equals(key) && s.deleted()));
      assertThat(fleet.status(key)).isEmpty();
      assertThat(dev2.configMaps().inNamespace("status").withName(name).get()).isNull();
    }
  }

  @Test
  void aDeletionWaitsForAnOfflineClusterAndFinishesWhenItReturns() throws Exception {
    String name = unique("deleted-later");
    FederatedResource cm = configMap("status", name, Placement.clusters("dev1", "dev3"), Map.of("a", "b"));
    ResourceKey key = ResourceKey.of(cm);
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev3").start()) {
      fleet.start();
      fleet.propagate(cm).orThrow();
      sandbox.cluster("dev3").goOffline();
      awaitHealth(fleet, "dev3", ClusterHealth.OFFLINE);
      CompletableFuture<FederatedStatus> gone = fleet.awaitAsync(key, FederatedStatus::deleted, WAIT);
      PropagationResult result = fleet.delete(cm);
      assertThat(result).hasAction("dev1", ClusterAction.DELETED);
      assertThat(result).hasStatus("dev3", PropagationStatus.CLUSTER_NOT_READY);
      assertThat(fleet.status(key)).get().extracting(FederatedStatus::deleted).isEqualTo(false);
      sandbox.cluster("dev3").goOnline();
      assertThat(gone.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).deleted()).isTrue();
      assertThat(sandbox.cluster("dev3").client().configMaps().inNamespace("status").withName(name).get())
          .isNull();
    }
  }

  @Test
  void withoutRemoteStatusCollectionNoRemoteStatusIsShown() {
    String name = unique("no-collect");
    FederatedResource w = widget("status", name, Placement.clusters("dev2"));
    ResourceKey key = ResourceKey.of(w);
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev2").start()) {
      fleet.propagate(w).orThrow();
      dev2.genericKubernetesResources(context(WIDGETS)).inNamespace("status").withName(name).editStatus(o -> {
        o.setAdditionalProperty("status", Map.of("phase", "Done"));
        return o;
      });
      await(WAIT, "inspect to read the member's status", () -> fleet.inspect(w).stream()
          .anyMatch(r -> r.cluster().equals("dev2") && r.remoteStatus().isPresent()));
      fleet.propagate(w).orThrow();
      assertThat(fleet.status(key).orElseThrow().cluster("dev2").orElseThrow().remoteStatus()).isEmpty();
    }
  }

  @Test
  void inspectReportsWhatEachClusterHoldsWithoutWriting() {
    String name = unique("inspected");
    FederatedResource cm = configMap("status", name, Placement.clusters("dev1", "dev2"), Map.of("a", "b"));
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev2", "dev3").start()) {
      fleet.propagate(cm).orThrow();
      sandbox.clusters().forEach(c -> c.resetCounts());
      List<CopyReport> reports = fleet.inspect(cm);
      assertThat(sandbox.clusters()).allMatch(c -> c.writeCount() == 0);
      assertThat(reports).extracting(CopyReport::cluster).containsExactly("dev1", "dev2");
      assertThat(reports).allMatch(CopyReport::isConverged);
      FederatedResource changed = configMap("status", name, Placement.clusters("dev1", "dev2"), Map.of("a", "c"));
      assertThat(fleet.inspect(changed)).allSatisfy(r -> {
        assertThat(r.present()).isTrue();
        assertThat(r.upToDate()).isFalse();
        assertThat(r.isConverged()).isFalse();
      });
    }
  }

  @Test
  void closingTheFleetFailsPendingWaitsAndRefusesFurtherWork() {
    String name = unique("closing");
    FederatedResource cm = configMap("status", name, Placement.clusters("dev1"), Map.of());
    ClusterFleet fleet = sandbox.fleet().members("dev1").start();
    CompletableFuture<FederatedStatus> pending = fleet.awaitAsync(ResourceKey.of(cm), s -> false, WAIT);
    fleet.close();
    fleet.close();
    await(WAIT, "the pending wait to end", pending::isDone);
    assertThat(pending).isCompletedExceptionally();
    assertThatThrownBy(() -> fleet.propagate(cm)).isInstanceOf(IllegalStateException.class);
  }

  // dev2 answers slowly, so that an explicit call is still waiting for dev2 when dev1's watch events arrive and
  // background reconciliation looks at dev1 again

  @Test
  void inAStartedFleetAPropagateResultSaysWhatThatCallDidOnEveryCluster() {
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev2").start().start()) {
      for (int i = 0; i < 3; i++) {
        FederatedResource cm = configMap("status", unique("explicit"), Placement.clusters("dev1", "dev2"),
            Map.of("a", "b"));
        sandbox.cluster("dev2").latency(Duration.ofMillis(300));
        try {
          PropagationResult created = fleet.propagate(cm);
          assertThat(created.clusters().values()).as("propagate: %s", created)
              .extracting(ClusterOutcome::action).containsOnly(ClusterAction.CREATED).hasSize(2);
        } finally {
          sandbox.cluster("dev2").latency(Duration.ZERO);
        }
      }
    }
  }

  @Test
  void inAStartedFleetADeleteResultListsEveryClusterItDeletedFrom() {
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev2").start().start()) {
      for (int i = 0; i < 3; i++) {
        FederatedResource cm = configMap("status", unique("explicit"), Placement.clusters("dev1", "dev2"),
            Map.of("a", "b"));
        fleet.propagate(cm).orThrow();
        sandbox.cluster("dev2").latency(Duration.ofMillis(300));
        try {
          PropagationResult deleted = fleet.delete(cm);
          assertThat(deleted.clusters().values()).as("delete: %s", deleted)
              .extracting(ClusterOutcome::action).containsOnly(ClusterAction.DELETED).hasSize(2);
        } finally {
          sandbox.cluster("dev2").latency(Duration.ZERO);
        }
      }
    }
  }
}
