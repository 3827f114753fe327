package io.fleetfed.readme;

import static io.fleetfed.testkit.FleetAssertions.assertThat;

import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.ClusterOverride;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.testkit.EnableFleet;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import java.util.Map;
import org.junit.jupiter.api.Test;

// README:start
@EnableFleetSandbox(clusters = {"dev1", "dev2"})
@EnableFleet                                          // a fresh ClusterFleet over dev1 and dev2 for each test
class MyFleetTest {
  static final FederatedResource NGINX = FederatedResource.builder(BuiltInTypes.DEPLOYMENTS)
      .namespace("testing-fed").name("nginx-fed")
      .template(Map.of("spec", Map.of("replicas", 1)))
      .placement(Placement.clusters("dev1", "dev2"))
      .override("dev2", ClusterOverride.replace("/spec/replicas", 3))
      .build();

  @Test
  void nginxReachesDev2(ClusterFleet fleet, FleetSandbox sandbox) {
    assertThat(fleet.propagate(NGINX)).isSuccess().hasAction("dev2", ClusterAction.CREATED);
    assertThat(sandbox.cluster("dev2")).hasObject("apps/v1", "Deployment", "testing-fed", "nginx-fed")
        .hasFieldAt("/spec/replicas", 3).hasLabel("fleetfed.io/managed", "true");
    sandbox.cluster("dev2").goOffline();             // connections refused, watches cut, data kept
    sandbox.cluster("dev2").goOnline();              // same port, same objects
  }
}
// README:end
