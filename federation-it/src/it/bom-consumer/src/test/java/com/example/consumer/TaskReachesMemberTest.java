package com.example.consumer;

import static io.fleetfed.testkit.FleetAssertions.assertThat;

import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.tekton.TektonTypes;
import io.fleetfed.testkit.EnableFleet;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A consumer's test on the sandbox: a Tekton Task federated to the member that serves Tekton. */
@EnableFleetSandbox(clusters = {"dev1", "dev2"}, tekton = "dev2=current")
@EnableFleet(host = "dev1", members = "dev2")
class TaskReachesMemberTest {

  @Test
  void taskReachesDev2(ClusterFleet fleet, FleetSandbox sandbox) {
    FederatedResource task = FederatedResource.builder(TektonTypes.TASK)
        .namespace("ci")
        .name("build")
        .template(Map.of("spec", Map.of("steps",
            List.of(Map.of("name", "compile", "image", "maven:3.9", "script", "mvn -B verify")))))
        .placement(Placement.clusters("dev2"))
        .build();

    assertThat(fleet.propagate(task)).isSuccess().hasAction("dev2", ClusterAction.CREATED);
    assertThat(sandbox.cluster("dev2")).hasObject("tekton.dev/v1", "Task", "ci", "build")
        .hasFieldAt("/spec/steps/0/image", "maven:3.9");
  }
}
