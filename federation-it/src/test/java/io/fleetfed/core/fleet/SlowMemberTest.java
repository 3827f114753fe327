package io.fleetfed.core.fleet;

import static io.fleetfed.core.fleet.FleetItSupport.configMap;
import static io.fleetfed.core.fleet.FleetItSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.core.cluster.DrainResult;
import io.fleetfed.core.cluster.HealthCheck;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.CopyReport;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.PropagationStatus;
import io.fleetfed.core.status.ResourceKey;
import io.fleetfed.testkit.Await;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A member that stops answering, or refuses connections, costs a propagation one failure, not one per object: the
 * others finish at their own speed, and the slow one is reported as KubeFed reports a timed-out operation. The
 * bounds asserted are orders of magnitude (the slow member answers after 120 s; requests time out after 1 s), so
 * that they cannot flake; the fault benchmark measures the times.
 */
@EnableFleetSandbox(clusters = {"m1", "m2", "m3", "m4"}, resetBetweenTests = true)
class SlowMemberTest {
  private static final Duration SLOW = Duration.ofSeconds(120);
  private static final int OBJECTS = 60;
  private static final Placement EVERYWHERE = Placement.clusters("m1", "m2", "m3", "m4");

  @AfterEach
  void answerAgain(FleetSandbox sandbox) {
    sandbox.cluster("m4").latency(Duration.ZERO);
    sandbox.cluster("m4").goOnline();
  }

  /** A fleet whose health checks are KubeFed's (slow to notice), so that propagation meets the outage itself. */
  private static ClusterFleet fleet(FleetSandbox sandbox) {
    return sandbox.fleet().configure(b -> b.health(HealthCheck.DEFAULT).requestTimeout(Duration.ofSeconds(1)))
        .start();
  }

  private static List<FederatedResource> objects(String ns) {
    List<FederatedResource> objects = new ArrayList<>();
    for (int i = 0; i < OBJECTS; i++) {
      objects.add(configMap(ns, "cm-" + i, EVERYWHERE, Map.of("i", String.valueOf(i))));
    }
    return objects;
  }

  @Test
  void aMemberThatStopsAnsweringCostsOneTimeoutAndTheOthersFinish(FleetSandbox sandbox) {
    String ns = unique("slow");
    try (ClusterFleet fleet = fleet(sandbox)) {
      sandbox.cluster("m4").latency(SLOW);
      sandbox.cluster("m4").resetCounts();
      long started = System.nanoTime();

      List<PropagationResult> results = fleet.propagateAll(objects(ns));

      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(took).as("the apply returns long before the slow member's first answer").isLessThan(
          Duration.ofSeconds(30));
      assertThat(results).allSatisfy(r -> {
        for (String healthy : List.of("m1", "m2", "m3")) {
          assertThat(r.cluster(healthy)).get().extracting(ClusterOutcome::action).isEqualTo(ClusterAction.CREATED);
        }
        assertThat(r.cluster("m4")).get().satisfies(o -> {
          assertThat(o.status()).isEqualTo(PropagationStatus.CREATION_TIMED_OUT);
          assertThat(o.message()).get().asString().contains("m4");
        });
      });
      for (String healthy : List.of("m1", "m2", "m3")) {
        assertThat(sandbox.cluster(healthy).client().configMaps().inNamespace(ns).list().getItems())
            .as(healthy).hasSize(OBJECTS);
      }
      assertThat(sandbox.cluster("m4").requestCount()).as("requests to the slow member: one list, not one per object")
          .isLessThanOrEqualTo(3);
    }
  }

  @Test
  void aMemberThatRefusesConnectionsFailsAtOnceAndTheOthersFinish(FleetSandbox sandbox) {
    String ns = unique("dead");
    try (ClusterFleet fleet = fleet(sandbox)) {
      sandbox.cluster("m4").goOffline();
      long started = System.nanoTime();

      List<PropagationResult> results = fleet.propagateAll(objects(ns));

      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
      assertThat(results).allSatisfy(r -> {
        assertThat(r.cluster("m1")).get().extracting(ClusterOutcome::action).isEqualTo(ClusterAction.CREATED);
        assertThat(r.cluster("m4")).get().extracting(ClusterOutcome::status)
            .isIn(PropagationStatus.CREATION_FAILED, PropagationStatus.CLUSTER_NOT_READY);
      });
      assertThat(sandbox.cluster("m2").client().configMaps().inNamespace(ns).list().getItems()).hasSize(OBJECTS);
    }
  }

  @Test
  void theNextCallTriesTheMemberAgain(FleetSandbox sandbox) {
    String ns = unique("back");
    try (ClusterFleet fleet = fleet(sandbox)) {
      sandbox.cluster("m4").latency(SLOW);
      FederatedResource one = configMap(ns, "settings", EVERYWHERE, Map.of("a", "b"));
      assertThat(fleet.propagate(one).cluster("m4")).get().extracting(ClusterOutcome::status)
          .isEqualTo(PropagationStatus.CREATION_TIMED_OUT);
      sandbox.cluster("m4").latency(Duration.ZERO);

      PropagationResult again = fleet.propagate(one);

      assertThat(again.cluster("m4")).get().extracting(ClusterOutcome::isOk).isEqualTo(true);
      assertThat(sandbox.cluster("m4").client().configMaps().inNamespace(ns).withName("settings").get()).isNotNull();
    }
  }

  @Test
  void theHealthyMembersOfANamespaceFirstApplyFinishWhileTheSlowOneIsStillAwaited(FleetSandbox sandbox)
      throws Exception {
    String ns = unique("staged");
    List<FederatedResource> objects = new ArrayList<>(objects(ns));
    objects.add(0, FederatedResource.builder(BuiltInTypes.NAMESPACES).namespace(ns).name(ns).placement(EVERYWHERE)
        .template(Map.of()).build());
    // a long timeout: the healthy members (about a second of work) must be done well within it, not after it
    try (ClusterFleet fleet = sandbox.fleet().configure(b -> b.health(HealthCheck.DEFAULT)
        .requestTimeout(Duration.ofSeconds(15))).start()) {
      sandbox.cluster("m4").latency(SLOW);

      CompletableFuture<List<PropagationResult>> call = CompletableFuture.supplyAsync(
          () -> fleet.propagateAll(objects));

      Await.until(Duration.ofSeconds(10), "the healthy members hold every copy while m4 is awaited", () -> {
        for (String healthy : List.of("m1", "m2", "m3")) {
          if (sandbox.cluster(healthy).client().configMaps().inNamespace(ns).list().getItems().size() < OBJECTS) {
            return false;
          }
        }
        return true;
      });
      assertThat(call).as("the call still awaits m4").isNotDone();
      assertThat(call.get(60, TimeUnit.SECONDS)).allSatisfy(r -> {
        assertThat(r.cluster("m1")).get().extracting(ClusterOutcome::isOk).isEqualTo(true);
        assertThat(r.cluster("m4")).get().extracting(ClusterOutcome::status).isEqualTo(PropagationStatus.CREATION_TIMED_OUT);
      });
    }
  }

  @Test
  void statusDrainAndDeleteWithASlowMemberCostOneTimeoutEach(FleetSandbox sandbox) {
    String ns = unique("slow-ops");
    List<FederatedResource> objects = objects(ns);
    try (ClusterFleet fleet = fleet(sandbox)) {
      assertThat(fleet.propagateAll(objects)).allSatisfy(r -> assertThat(r.isSuccess()).isTrue());
      sandbox.cluster("m4").latency(SLOW);
      sandbox.cluster("m4").resetCounts();

      long started = System.nanoTime();
      Map<ResourceKey, List<CopyReport>> status = fleet.inspectAll(objects);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("status").isLessThan(Duration.ofSeconds(30));
      assertThat(status.values()).allSatisfy(reports -> {
        assertThat(reports).filteredOn(c -> c.cluster().equals("m4")).singleElement()
            .extracting(CopyReport::presence).isEqualTo(CopyReport.Presence.UNKNOWN);
        assertThat(reports).filteredOn(c -> c.cluster().equals("m1")).singleElement()
            .extracting(CopyReport::presence).isEqualTo(CopyReport.Presence.PRESENT);
      });

      started = System.nanoTime();
      DrainResult drained = fleet.drain("m1");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("drain").isLessThan(Duration.ofSeconds(30));
      assertThat(drained.problems()).isEmpty();
      assertThat(sandbox.cluster("m1").client().configMaps().inNamespace(ns).list().getItems()).isEmpty();

      started = System.nanoTime();
      List<PropagationResult> deleted = fleet.deleteAll(objects, false, r -> { });
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("delete").isLessThan(Duration.ofSeconds(30));
      assertThat(deleted).allSatisfy(r -> {
        assertThat(r.cluster("m2")).get().extracting(ClusterOutcome::action).isEqualTo(ClusterAction.DELETED);
        assertThat(r.cluster("m4")).get().extracting(ClusterOutcome::status)
            .isIn(PropagationStatus.DELETION_TIMED_OUT, PropagationStatus.CLUSTER_NOT_READY);
      });
      assertThat(sandbox.cluster("m3").client().configMaps().inNamespace(ns).list().getItems()).isEmpty();
      assertThat(sandbox.cluster("m4").requestCount()).as("requests to the slow member over three calls")
          .isLessThanOrEqualTo(9);
    }
  }
}
