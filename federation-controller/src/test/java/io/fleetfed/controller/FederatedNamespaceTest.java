package io.fleetfed.controller;

import static io.fleetfed.controller.ControllerHost.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.testkit.FleetSandbox;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A FederatedNamespace restricts where the objects of its namespace go, as in KubeFed, and a change to its placement
 * takes the objects already there along (KubeFed's sync controller enqueues them on a FederatedNamespace event).
 */
class FederatedNamespaceTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final ResourceDefinitionContext FEDERATED_NAMESPACES = new ResourceDefinitionContext.Builder()
      .withGroup("types.kubefed.io").withVersion("v1beta1").withKind("FederatedNamespace")
      .withPlural("federatednamespaces").withNamespaced(true).build();

  static FleetSandbox sandbox;
  static KubernetesClient host;
  FederationController controller;

  @BeforeAll
  static void startSandbox() {
    sandbox = FleetSandbox.builder().clusters("dev1", "dev2", "dev3")
        .crds(ControllerHost.crds("configmaps", "namespaces")).start();
    host = sandbox.cluster("dev1").client();
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  @BeforeEach
  void setUp() {
    ControllerHost.prepare(sandbox, List.of("dev2", "dev3"), "configmaps", "namespaces");
    controller = ControllerHost.leading(sandbox, "configmaps", "namespaces");
  }

  @AfterEach
  void tearDown() {
    controller.close();
  }

  static io.fabric8.kubernetes.api.model.ConfigMap copy(String cluster, String name) {
    return sandbox.cluster(cluster).client().configMaps().inNamespace("demo").withName(name).get();
  }

  static GenericKubernetesResource federatedNamespace(List<String> clusters) {
    GenericKubernetesResource ns = new GenericKubernetesResource();
    ns.setApiVersion("types.kubefed.io/v1beta1");
    ns.setKind("FederatedNamespace");
    ns.setMetadata(new ObjectMetaBuilder().withName("demo").withNamespace("demo").build());
    ns.setAdditionalProperty("spec", Map.of("placement", Map.of("clusters",
        clusters.stream().map(c -> Map.of("name", c)).toList())));
    return ns;
  }

  @Test
  void wideningAFederatedNamespaceTakesItsObjectsToTheNewClusters() {
    host.genericKubernetesResources(FEDERATED_NAMESPACES).inNamespace("demo")
        .resource(federatedNamespace(List.of("dev2"))).create();
    host.genericKubernetesResources(HostPropagationTest.FEDERATED_CONFIG_MAPS).inNamespace("demo")
        .resource(HostPropagationTest.federatedConfigMap("settings", List.of("dev2", "dev3"), "v1")).create();

    await("the copy on dev2", WAIT, () -> copy("dev2", "settings") != null);
    await("the controller settles", WAIT, controller::isIdle);
    assertThat(copy("dev3", "settings")).as("dev3 is outside the namespace's placement")
        .isNull();

    host.genericKubernetesResources(FEDERATED_NAMESPACES).inNamespace("demo").withName("demo").edit(o -> {
      o.setAdditionalProperty("spec", federatedNamespace(List.of("dev2", "dev3")).getAdditionalProperties()
          .get("spec"));
      return o;
    });

    await("the copy on dev3 once the namespace is placed there", WAIT,
        () -> copy("dev3", "settings") != null);
  }
}
