package io.fleetfed.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fleetfed.core.cluster.HealthCheck;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import java.util.Map;
import org.junit.jupiter.api.Test;

// README:start
@EnableKubernetesMockClient(crud = true)
class MyMockTest {
  static KubernetesClient mock;

  @Test
  void reachesTheMock() {
    FederatedResource settings = FederatedResource.builder(BuiltInTypes.CONFIG_MAPS)
        .namespace("team").name("settings").template(Map.of("data", Map.of("color", "blue")))
        .placement(Placement.clusters("mock")).build();
    try (ClusterFleet fleet = ClusterFleet.builder()
        .member("mock", mock)                           // the fleet reads mock's Config; it does not close mock
        .memberHealth("mock", HealthCheck.OFF)          // or HealthCheck.DEFAULT.withPath("/version")
        .build()) {
      fleet.propagate(settings).orThrow();
    }
    assertThat(mock.configMaps().inNamespace("team").withName("settings").get().getData())
        .containsEntry("color", "blue");
  }
}
// README:end
