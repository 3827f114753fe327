package io.fleetfed.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.cluster.HealthCheck;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.PropagationResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A plain fabric8 CRUD mock server ({@code @EnableKubernetesMockClient(crud = true)}), with none of the sandbox's
 * additions, as a fleet member: its {@code /healthz} answers an empty List, so the default probe finds it not
 * Ready; with the probe off, or probing {@code /version}, objects reach it.
 */
@EnableKubernetesMockClient(crud = true)
class Fabric8MockMemberTest {
  static KubernetesClient mock;

  /** The default check with room for a cold JVM's first TLS handshake on a busy machine. */
  private static final HealthCheck PATIENT = HealthCheck.DEFAULT.withTimeout(Duration.ofSeconds(20));

  private static FederatedResource configMap(String name) {
    return FederatedResource.builder(BuiltInTypes.CONFIG_MAPS).namespace("team").name(name)
        .template(Map.of("data", Map.of("color", "blue"))).placement(Placement.clusters("mock")).build();
  }

  @Test
  void theDefaultProbeFindsThePlainMockNotReady() {
    try (ClusterFleet fleet = ClusterFleet.builder().member("mock", mock).health(PATIENT).build()) {
      assertThat(fleet.clusters()).singleElement().satisfies(c -> {
        assertThat(c.health()).isEqualTo(ClusterHealth.NOT_READY);
        assertThat(c.message()).hasValueSatisfying(m -> assertThat(m).contains("/healthz responded without ok"));
      });
      PropagationResult r = fleet.propagate(configMap("not-sent"));
      assertThat(r.isSuccess()).isFalse();
    }
    assertThat(mock.configMaps().inNamespace("team").withName("not-sent").get()).isNull();
  }

  @Test
  void withTheProbeOffTheMockIsReadyAndGetsTheObject() {
    try (ClusterFleet fleet = ClusterFleet.builder().member("mock", mock).memberHealth("mock", HealthCheck.OFF)
        .build()) {
      assertThat(fleet.clusters()).singleElement().satisfies(c -> {
        assertThat(c.health()).isEqualTo(ClusterHealth.READY);
        assertThat(c.message()).contains("the health probe is off: always Ready");
      });
      PropagationResult r = fleet.propagate(configMap("probe-off")).orThrow();
      assertThat(r.clustersWith(ClusterAction.CREATED)).containsExactly("mock");
      fleet.propagate(FederatedResource.builder(BuiltInTypes.DEPLOYMENTS).namespace("team").name("web")
          .template(Map.of("spec", Map.of("replicas", 2))).placement(Placement.clusters("mock")).build()).orThrow();
    }
    assertThat(mock.apps().deployments().inNamespace("team").withName("web").get().getSpec().getReplicas())
        .isEqualTo(2);
    ConfigMap copy = mock.configMaps().inNamespace("team").withName("probe-off").get();
    assertThat(copy.getData()).containsEntry("color", "blue");
    assertThat(copy.getMetadata().getLabels()).containsEntry("fleetfed.io/managed", "true");
    // the fleet closed its own client, not the caller's
    assertThat(mock.configMaps().inNamespace("team").list().getItems()).isNotEmpty();
  }

  @Test
  void probingVersionRecognisesTheMock() {
    try (ClusterFleet fleet = ClusterFleet.builder().member("mock", mock)
        .health(PATIENT.withPath("/version").withPeriod(Duration.ofMillis(200))).build()) {
      assertThat(fleet.clusters()).singleElement().satisfies(c -> {
        assertThat(c.health()).isEqualTo(ClusterHealth.READY);
        assertThat(c.message()).contains("/version responded with HTTP 200");
      });
      fleet.propagate(configMap("probe-version")).orThrow();
      Deployment none = mock.apps().deployments().inNamespace("team").withName("probe-version").get();
      assertThat(none).isNull();
    }
    assertThat(mock.configMaps().inNamespace("team").withName("probe-version").get()).isNotNull();
  }

  @Test
  void aMembersOwnCheckOverridesTheFleets() {
    try (ClusterFleet fleet = ClusterFleet.builder().member("probed", mock).member("versioned", mock)
        .member("unprobed", mock, Map.of("env", "test")).health(PATIENT)
        .memberHealth("versioned", PATIENT.withPath("/version"))
        .memberHealth("unprobed", HealthCheck.OFF).build()) {
      assertThat(fleet.clusters()).extracting(c -> c.name() + "=" + c.health()).containsExactlyInAnyOrder(
          "probed=NOT_READY", "versioned=READY", "unprobed=READY");
    }
    assertThatThrownBy(() -> ClusterFleet.builder().member("mock", (KubernetesClient) null))
        .isInstanceOf(NullPointerException.class).hasMessage("client");
    assertThatThrownBy(() -> ClusterFleet.builder().memberHealth("mock", null))
        .isInstanceOf(NullPointerException.class).hasMessage("health");
  }

  @Test
  void aHealthCheckForNoMemberIsRefused() {
    assertThatThrownBy(() -> ClusterFleet.builder().member("mock", mock).memberHealth("mokc", HealthCheck.OFF)
        .build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("memberHealth").hasMessageContaining("no member is named mokc")
        .hasMessageContaining("members: mock");
    assertThat(List.of(HealthCheck.OFF, HealthCheck.alwaysReady())).allMatch(c -> !c.enabled());
  }
}
