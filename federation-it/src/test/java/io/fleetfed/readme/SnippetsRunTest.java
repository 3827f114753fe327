package io.fleetfed.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.testkit.FleetSandbox;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the README's snippets that need no cluster of their own, and checks what they say they give. */
class SnippetsRunTest {
  @Test
  void theModelSnippetRendersThreeReplicasForDev2() {
    assertThat(ModelSnippet.dev2Replicas()).isEqualTo(3);
  }

  @Test
  void theFabric8SnippetFederatesALiveDeploymentStrippedOfWhatTheServerSet() {
    try (FleetSandbox sandbox = FleetSandbox.builder().clusters("dev1").start()) {
      KubernetesClient client = sandbox.cluster("dev1").client();
      client.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder()
          .withNewMetadata().withName("web").withNamespace("shop").addToLabels("app", "web").endMetadata()
          .withNewSpec().withReplicas(2).endSpec()
          .withNewStatus().withReadyReplicas(2).endStatus()
          .build()).create();

      Deployment onDev2 = Fabric8Snippet.onDev2(client, List.of(Cluster.ready("dev1"), Cluster.ready("dev2")));

      assertThat(onDev2.getMetadata().getName()).isEqualTo("web");
      assertThat(onDev2.getMetadata().getLabels()).containsEntry("app", "web");
      assertThat(onDev2.getSpec().getReplicas()).isEqualTo(2);
      assertThat(onDev2.getMetadata().getResourceVersion()).isNull();
      assertThat(onDev2.getMetadata().getUid()).isNull();
      assertThat(onDev2.getStatus()).isNull();
    }
  }

  @Test
  void theSimulatorSnippetRunsOnTwoOfItsSandboxClusters() {
    assertThat(SimulatorSnippet.simulatedClusters()).isEqualTo(2);
  }
}
