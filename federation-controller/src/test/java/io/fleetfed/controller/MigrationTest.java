package io.fleetfed.controller;

import static io.fleetfed.controller.ControllerHost.NS;
import static io.fleetfed.controller.ControllerHost.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.testkit.FleetSandbox;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Migrating from KubeFed: the copies KubeFed's controller made ({@code kubefed.io/managed: "true"}) are taken over
 * in place only with the opt-in, and each is named; without it they are {@code AlreadyExists} and untouched.
 */
@Tag("real-api-servers")
class MigrationTest {
  static final Duration WAIT = Duration.ofSeconds(30);

  static FleetSandbox sandbox;
  static KubernetesClient host;
  static KubernetesClient dev2;
  FederationController controller;
  final List<ControllerEvent> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startSandbox() {
    sandbox = FleetSandbox.builder().clusters("dev1", "dev2").crds(ControllerHost.crds("deployments.apps")).start();
    host = sandbox.cluster("dev1").client();
    dev2 = sandbox.cluster("dev2").client();
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  @BeforeEach
  void setUp() {
    ControllerHost.prepare(sandbox, List.of("dev2"), "deployments.apps");
    ControllerHost.namespace(dev2, "demo");
    // what KubeFed's sync controller left on the member
    dev2.apps().deployments().inNamespace("demo").resource(new DeploymentBuilder().withNewMetadata()
        .withName("nginx").withNamespace("demo").addToLabels("kubefed.io/managed", "true").endMetadata()
        .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "nginx").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "nginx").endMetadata().withNewSpec()
        .addNewContainer().withName("nginx").withImage("nginx:1.25").endContainer().endSpec().endTemplate()
        .endSpec().build()).create();
    GenericKubernetesResource nginx = new GenericKubernetesResource();
    nginx.setApiVersion("types.kubefed.io/v1beta1");
    nginx.setKind("FederatedDeployment");
    nginx.setMetadata(new ObjectMetaBuilder().withName("nginx").withNamespace("demo")
        .withFinalizers("kubefed.io/sync-controller").build());
    nginx.setAdditionalProperty("spec", Map.of("placement", Map.of("clusters", List.of(Map.of("name", "dev2"))),
        "template", Map.of("spec", Map.of("replicas", 2, "selector", Map.of("matchLabels", Map.of("app", "nginx")),
            "template", Map.of("metadata", Map.of("labels", Map.of("app", "nginx")), "spec", Map.of("containers",
                List.of(Map.of("name", "nginx", "image", "nginx:1.27"))))))));
    host.genericKubernetesResources(KubeFedConfigTest.FEDERATED_DEPLOYMENTS).inNamespace("demo").resource(nginx)
        .create();
  }

  @AfterEach
  void tearDown() {
    if (controller != null) {
      controller.close();
    }
  }

  void start(boolean takeOver) {
    controller = FederationController.builder().kubeconfig(sandbox.kubeconfig(), "dev1")
        .leaderElection(ControllerHost.FAST).takeOverKubeFedCopies(takeOver).build();
    controller.addListener(events::add);
    controller.start();
  }

  @Test
  void withoutTheOptInKubeFedsCopyIsAlreadyExistsAndUntouched() {
    String before = dev2.apps().deployments().inNamespace("demo").withName("nginx").get().getMetadata()
        .getResourceVersion();
    start(false);
    await("AlreadyExists on dev2", WAIT, () -> ControllerHost.clusters(host,
        KubeFedConfigTest.FEDERATED_DEPLOYMENTS, "demo", "nginx").equals(List.of(Map.of("name", "dev2", "status", "AlreadyExists"))));
    Deployment copy = dev2.apps().deployments().inNamespace("demo").withName("nginx").get();
    assertThat(copy.getMetadata().getResourceVersion()).isEqualTo(before);
    assertThat(copy.getMetadata().getLabels()).containsEntry("kubefed.io/managed", "true");
  }

  @Test
  void withTheOptInKubeFedsCopyIsTakenOverInPlaceAndNamed() {
    String uid = dev2.apps().deployments().inNamespace("demo").withName("nginx").get().getMetadata().getUid();
    start(true);
    await("the copy updated to the template", WAIT, () -> "nginx:1.27".equals(dev2.apps().deployments()
        .inNamespace("demo").withName("nginx").get().getSpec().getTemplate().getSpec().getContainers().get(0)
        .getImage()));
    Deployment copy = dev2.apps().deployments().inNamespace("demo").withName("nginx").get();
    assertThat(copy.getMetadata().getUid()).as("the same object: not deleted and created again").isEqualTo(uid);
    assertThat(copy.getMetadata().getLabels()).containsEntry("fleetfed.io/managed", "true")
        .doesNotContainKey("kubefed.io/managed");
    await("a TAKEN_OVER event naming dev2", WAIT, () -> events.stream().anyMatch(e -> e.type()
        == ControllerEvent.Type.TAKEN_OVER && e.subject().equals("FederatedDeployment demo/nginx")
        && e.message().contains("dev2")));
    await("an Event on the Federated object", WAIT, () -> host.v1().events().inNamespace("demo").list().getItems()
        .stream().anyMatch(e -> "TookOverFromKubeFed".equals(e.getReason()) && e.getMessage().contains("dev2")));
    await("status True", WAIT, () -> ControllerHost.clusters(host, KubeFedConfigTest.FEDERATED_DEPLOYMENTS, "demo", "nginx")
        .equals(List.of(Map.of("name", "dev2"))));
  }
}
