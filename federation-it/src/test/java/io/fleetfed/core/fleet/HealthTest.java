package io.fleetfed.core.fleet;

import static io.fleetfed.core.fleet.FleetItSupport.WAIT;
import static io.fleetfed.core.fleet.FleetItSupport.await;
import static io.fleetfed.core.fleet.FleetItSupport.awaitHealth;
import static io.fleetfed.core.fleet.FleetItSupport.configMap;
import static io.fleetfed.core.fleet.FleetItSupport.membersFleet;
import static io.fleetfed.core.fleet.FleetItSupport.quick;
import static io.fleetfed.core.fleet.FleetItSupport.unique;
import static io.fleetfed.testkit.FleetAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.cluster.HealthProbe;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.FederatedStatus;
import io.fleetfed.core.status.PropagationCondition;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.PropagationStatus;
import io.fleetfed.core.status.ResourceKey;
import io.fleetfed.testkit.FleetSandbox;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Health probing of members: /healthz, Offline, thresholds, and what propagation does with it. */
class HealthTest {
  static FleetSandbox sandbox;

  @BeforeAll
  static void startSandbox() {
    sandbox = FleetSandbox.builder().clusters("dev1", "dev2").start();
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  @AfterEach
  void bringEverythingBack() {
    sandbox.clusters().forEach(c -> c.goOnline());
  }

  // ---- real probes -----------------------------------------------------------------------------------

  @Test
  void theProbeOfALiveSandboxClusterIsReadyAndOfAStoppedOneOffline() throws Exception {
    try (ClusterFleet fleet = membersFleet(sandbox, "dev2").build()) {
      ClusterClient dev2 = fleet.client("dev2");
      HealthProbe ok = dev2.probe(Duration.ofMillis(500)).get(5, TimeUnit.SECONDS);
      assertThat(ok.health()).isEqualTo(ClusterHealth.READY);
      sandbox.cluster("dev2").goOffline();
      HealthProbe down = dev2.probe(Duration.ofMillis(500)).get(5, TimeUnit.SECONDS);
      assertThat(down.health()).isEqualTo(ClusterHealth.OFFLINE);
      assertThat(down.message()).get().asString().contains("not reachable")
          .doesNotContain(sandbox.cluster("dev2").config().getOauthToken());
    }
  }

  @Test
  void aMemberTakenOfflineShowsOfflineAndBackOnlineShowsReady() {
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev2").start()) {
      sandbox.cluster("dev2").goOffline();
      awaitHealth(fleet, "dev2", ClusterHealth.OFFLINE);
      assertThat(fleet.cluster("dev2").orElseThrow().message()).get().asString()
          .doesNotContain(sandbox.cluster("dev2").config().getOauthToken());
      assertThat(fleet.cluster("dev1")).get().extracting(ClusterState::health).isEqualTo(ClusterHealth.READY);
      sandbox.cluster("dev2").goOnline();
      awaitHealth(fleet, "dev2", ClusterHealth.READY);
    }
  }

  @Test
  void aClusterOfflineWhenTheFleetIsBuiltIsOfflineFromTheStart() {
    sandbox.cluster("dev2").goOffline();
    try (ClusterFleet fleet = membersFleet(sandbox, "dev1", "dev2").build()) {
      assertThat(fleet.cluster("dev2")).get().extracting(ClusterState::health).isEqualTo(ClusterHealth.OFFLINE);
      sandbox.cluster("dev2").goOnline();
      awaitHealth(fleet, "dev2", ClusterHealth.READY);
    }
  }

  @Test
  void healthzAnsweringSomethingElseThanOkIsNotReady() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/healthz", exchange -> {
      byte[] body = "[-]etcd failed: reason withheld\nhealthz check failed".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(500, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    try {
      Config sick = new ConfigBuilder(Config.empty())
          .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/").withOauthToken("x").build();
      try (ClusterFleet fleet = quick(ClusterFleet.builder().member("sick", sick)
          .member("dev1", sandbox.cluster("dev1").config())).build()) {
        awaitHealth(fleet, "sick", ClusterHealth.NOT_READY);
        assertThat(fleet.cluster("sick").orElseThrow().message()).get().asString().contains("without ok");
        awaitHealth(fleet, "dev1", ClusterHealth.READY);

        String name = unique("sick");
        PropagationResult result = fleet.propagate(configMap("team", name, Placement.clusters("dev1", "sick"),
            Map.of("a", "b")));
        assertThat(result).hasStatus("sick", PropagationStatus.CLUSTER_NOT_READY);
        assertThat(result).hasAction("dev1", ClusterAction.CREATED);
      }
    } finally {
      server.stop(0);
    }
  }

  @Test
  void healthzAnswering200WithAnotherBodyIsNotReady() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/healthz", exchange -> {
      byte[] body = "starting".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    try (ClusterFleet fleet = quick(ClusterFleet.builder().member("starting", new ConfigBuilder(Config.empty())
        .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/").build())).build()) {
      HealthProbe r = fleet.client("starting").probe(Duration.ofMillis(500)).get(5, TimeUnit.SECONDS);
      assertThat(r.health()).isEqualTo(ClusterHealth.NOT_READY);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aStartedFleetSendsAReturningClusterWhatItMissed() {
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev2").start()) {
      fleet.start();
      sandbox.cluster("dev2").goOffline();
      awaitHealth(fleet, "dev2", ClusterHealth.OFFLINE);
      String name = unique("missed");
      PropagationResult result = fleet.propagate(configMap("team", name, Placement.clusters("dev1", "dev2"),
          Map.of("a", "b")));
      assertThat(result).hasStatus("dev2", PropagationStatus.CLUSTER_NOT_READY);
      assertThat(result.cluster("dev1")).get().extracting(ClusterOutcome::isOk).isEqualTo(true);
      sandbox.cluster("dev2").goOnline();
      await(WAIT, name + " on dev2",
          () -> sandbox.cluster("dev2").client().configMaps().inNamespace("team").withName(name).get() != null);
      fleet.await(ResourceKey.of(configMap("team", name, Placement.clusters("dev1", "dev2"), Map.of("a", "b"))),
          FederatedStatus::isPropagated, WAIT);
    }
  }

  @Test
  void anUnstartedFleetReportsClusterNotReadyWhenAMemberGoesOffline() {
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev2").start()) {
      String name = unique("gone");
      var cm = configMap("team", name, Placement.clusters("dev1", "dev2"), Map.of("a", "b"));
      assertThat(fleet.propagate(cm)).isSuccess();
      sandbox.cluster("dev2").goOffline();
      FederatedStatus s = fleet.await(ResourceKey.of(cm), st -> st.cluster("dev2")
          .map(c -> c.status() == PropagationStatus.CLUSTER_NOT_READY).orElse(false), WAIT);
      assertThat(s.isPropagated()).isFalse();
      assertThat(s.condition().reason()).isEqualTo(PropagationCondition.CHECK_CLUSTERS);
    }
  }

  @Test
  void clusterListenersHearOfEachHealthChangeAndTheClientReachesTheMember() {
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev2").start()) {
      java.util.List<ClusterState> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
      fleet.addClusterListener(heard::add);

      sandbox.cluster("dev2").goOffline();
      awaitHealth(fleet, "dev2", ClusterHealth.OFFLINE);
      sandbox.cluster("dev2").goOnline();
      awaitHealth(fleet, "dev2", ClusterHealth.READY);

      await(WAIT, "the listener heard dev2 come back", () -> heard.size() >= 2);
      assertThat(heard).extracting(ClusterState::name).containsOnly("dev2");
      assertThat(heard).extracting(ClusterState::health).containsExactly(ClusterHealth.OFFLINE, ClusterHealth.READY);
      assertThat(fleet.client("dev2").url()).isEqualTo(sandbox.cluster("dev2").url());
      assertThat(fleet.hostClient()).isEmpty();
      assertThatThrownBy(() -> fleet.client("dev9")).isInstanceOf(io.fleetfed.core.FederationException.class)
          .hasMessageContaining("no cluster named \"dev9\"");
    }
  }
}
