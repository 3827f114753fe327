package io.fleetfed.core.fleet;

import static io.fleetfed.core.fleet.FleetItSupport.configMap;
import static io.fleetfed.core.fleet.FleetItSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.core.cluster.HealthCheck;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.PropagationStatus;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
}
