package io.fleetfed.testkit;

import static io.fleetfed.testkit.TestSupport.configMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FailRequestsTest {
  static FleetSandbox fleet;
  static SandboxCluster dev1;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    fleet = FleetSandbox.builder().clusters("dev1", "dev2").start();
    dev1 = fleet.cluster("dev1");
    client = dev1.client();
  }

  @AfterAll
  static void stop() {
    fleet.close();
  }

  @BeforeEach
  void reset() {
    fleet.reset();
  }

  @Test
  void theNextMatchingRequestsFailWithTheStatusThenTheServerServesAgain() {
    client.configMaps().inNamespace("ci").resource(configMap("ci", "a")).create();
    client.configMaps().inNamespace("ci").resource(configMap("ci", "b")).create();

    dev1.failRequests("DELETE", "/api/v1/namespaces/ci/configmaps/a", 503, 2);

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> client.configMaps().inNamespace("ci").withName("a").delete())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(503);
            assertThat(e.getStatus().getReason()).isEqualTo("ServiceUnavailable");
          });
    }
    assertThat(client.configMaps().inNamespace("ci").withName("a").get()).as("a GET is not a DELETE").isNotNull();
    assertThat(client.configMaps().inNamespace("ci").withName("b").delete()).as("another path").hasSize(1);
    assertThat(client.configMaps().inNamespace("ci").withName("a").delete()).as("used up").hasSize(1);
    assertThat(client.configMaps().inNamespace("ci").withName("a").get()).isNull();
  }

  @Test
  void resetAndClearFaultsForgetFaultsNotUsedUp() {
    dev1.failRequests("GET", "/api/v1/namespaces/ci/configmaps.*", 500, 100);
    assertThatThrownBy(() -> client.configMaps().inNamespace("ci").list()).isInstanceOf(KubernetesClientException.class);

    dev1.clearFaults();
    assertThat(client.configMaps().inNamespace("ci").list().getItems()).isEmpty();

    dev1.failRequests("GET", "/api/v1/namespaces/ci/configmaps.*", 429, 100);
    fleet.reset();
    assertThat(client.configMaps().inNamespace("ci").list().getItems()).isEmpty();
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> dev1.failRequests("GET", "/api", 200, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("400 to 599");
    assertThatThrownBy(() -> dev1.failRequests("GET", "/api", 500, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("count must be at least 1");
    assertThatThrownBy(() -> dev1.failRequests("DELET", "/api", 500, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("method must be");
    assertThatThrownBy(() -> dev1.failRequests("GET", "(", 500, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a regular expression");
  }
}
