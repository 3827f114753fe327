package io.fleetfed.core.fleet.internal.members;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.cluster.HealthCheck;
import io.fleetfed.core.fleet.internal.cluster.Fabric8ClusterClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A member's health from its probes, under KubeFed's thresholds: no cluster needed, the probes are given. */
class MemberHealthTest {
  private final List<KubernetesClient> clients = new ArrayList<>();

  @AfterEach
  void closeClients() {
    clients.forEach(KubernetesClient::close);
  }

  private static final Optional<String> NO_MESSAGE = Optional.empty();

  /** A member whose client is never used: its health changes only through probed(...). */
  private Member member() {
    KubernetesClient unused = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
        .withMasterUrl("https://127.0.0.1:1/").build()).build();
    clients.add(unused);
    return new Member("dev2", Map.of(), new Fabric8ClusterClient("dev2", unused), false, Duration.ofSeconds(1));
  }

  @Test
  void theFirstProbeAlwaysCounts() {
    HealthCheck check = HealthCheck.DEFAULT.withThresholds(3, 3);
    Member m = member();
    assertThat(m.probed(ClusterHealth.OFFLINE, Optional.of("cluster is not reachable"), check))
        .contains(ClusterHealth.OFFLINE);
    assertThat(m.health()).isEqualTo(ClusterHealth.OFFLINE);
    assertThat(m.state().message()).contains("cluster is not reachable");
  }

  @Test
  void withFailureThresholdThreeOneOrTwoFailedProbesDoNotFlipAReadyCluster() {
    HealthCheck check = HealthCheck.DEFAULT.withThresholds(3, 1);
    Member m = member();
    assertThat(m.probed(ClusterHealth.READY, Optional.of("/healthz responded with ok"), check)).isEmpty();
    assertThat(m.probed(ClusterHealth.OFFLINE, NO_MESSAGE, check)).isEmpty();
    assertThat(m.health()).isEqualTo(ClusterHealth.READY);
    assertThat(m.probed(ClusterHealth.OFFLINE, NO_MESSAGE, check)).isEmpty();
    assertThat(m.health()).isEqualTo(ClusterHealth.READY);
    assertThat(m.state().message()).contains("/healthz responded with ok");
    assertThat(m.probed(ClusterHealth.OFFLINE, Optional.of("cluster is not reachable"), check))
        .contains(ClusterHealth.OFFLINE);
    assertThat(m.health()).isEqualTo(ClusterHealth.OFFLINE);
    assertThat(m.state().message()).contains("cluster is not reachable");
    // success threshold 1: one good probe brings it back
    assertThat(m.probed(ClusterHealth.READY, NO_MESSAGE, check)).contains(ClusterHealth.READY);
  }

  @Test
  void aGoodProbeInBetweenRestartsTheCountOfFailures() {
    HealthCheck check = HealthCheck.DEFAULT.withThresholds(3, 1);
    Member m = member();
    m.probed(ClusterHealth.READY, NO_MESSAGE, check);
    m.probed(ClusterHealth.OFFLINE, NO_MESSAGE, check);
    m.probed(ClusterHealth.OFFLINE, NO_MESSAGE, check);
    m.probed(ClusterHealth.READY, NO_MESSAGE, check);
    m.probed(ClusterHealth.OFFLINE, NO_MESSAGE, check);
    assertThat(m.probed(ClusterHealth.OFFLINE, NO_MESSAGE, check)).isEmpty();
    assertThat(m.health()).isEqualTo(ClusterHealth.READY);
    assertThat(m.probed(ClusterHealth.OFFLINE, NO_MESSAGE, check)).contains(ClusterHealth.OFFLINE);
  }

  @Test
  void notReadyAndOfflineProbesCountTogetherAsFailures() {
    HealthCheck check = HealthCheck.DEFAULT.withThresholds(3, 1);
    Member m = member();
    m.probed(ClusterHealth.READY, NO_MESSAGE, check);
    m.probed(ClusterHealth.OFFLINE, NO_MESSAGE, check);
    m.probed(ClusterHealth.NOT_READY, NO_MESSAGE, check);
    assertThat(m.health()).isEqualTo(ClusterHealth.READY);
    assertThat(m.probed(ClusterHealth.NOT_READY, NO_MESSAGE, check)).contains(ClusterHealth.NOT_READY);
    // both are not Ready: moving between them is shown at once
    assertThat(m.probed(ClusterHealth.OFFLINE, NO_MESSAGE, check)).contains(ClusterHealth.OFFLINE);
  }

  @Test
  void withSuccessThresholdTwoOneGoodProbeDoesNotBringAClusterBack() {
    HealthCheck check = HealthCheck.DEFAULT.withThresholds(1, 2);
    Member m = member();
    m.probed(ClusterHealth.OFFLINE, NO_MESSAGE, check);
    assertThat(m.probed(ClusterHealth.READY, NO_MESSAGE, check)).isEmpty();
    assertThat(m.health()).isEqualTo(ClusterHealth.OFFLINE);
    assertThat(m.probed(ClusterHealth.READY, NO_MESSAGE, check)).contains(ClusterHealth.READY);
    assertThat(m.probed(ClusterHealth.OFFLINE, NO_MESSAGE, check)).contains(ClusterHealth.OFFLINE);
  }
}
