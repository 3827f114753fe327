package io.fleetfed.controller;

import static io.fleetfed.controller.ControllerHost.NS;
import static io.fleetfed.controller.ControllerHost.await;
import static io.fleetfed.controller.HostPropagationTest.FEDERATED_CONFIG_MAPS;
import static io.fleetfed.controller.HostPropagationTest.TYPE_CONFIGS;
import static io.fleetfed.controller.HostPropagationTest.federatedConfigMap;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.testkit.FleetSandbox;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * KubeFed's deletion (kubefed-semantics §4): a member that is not ready when its Federated object is deleted keeps
 * the object (its finalizer) until the member's copy can be removed.
 */
class DeletionBlockedTest {
  static final Duration WAIT = Duration.ofSeconds(30);

  static FleetSandbox sandbox;
  static KubernetesClient host;
  FederationController controller;

  @BeforeAll
  static void startSandbox() {
    sandbox = FleetSandbox.builder().clusters("dev1", "dev2", "dev3").crds(ControllerHost.crds("configmaps"))
        .start();
    host = sandbox.cluster("dev1").client();
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  @BeforeEach
  void setUp() {
    ControllerHost.prepare(sandbox, List.of("dev2", "dev3"), "configmaps");
    // KubeFed's health checks, quicker than the defaults (10 s × 3 failures): dev3 is seen offline within ~2 s
    ControllerHost.kubeFedConfig(host, java.util.Map.of("scope", "Cluster", "clusterHealthCheck", java.util.Map.of(
        "period", "500ms", "timeout", "500ms", "failureThreshold", 2, "successThreshold", 1)));
    controller = ControllerHost.leading(sandbox, "configmaps");
  }

  @AfterEach
  void tearDown() {
    sandbox.cluster("dev3").goOnline();
    controller.close();
  }

  static ConfigMap copy(String cluster, String name) {
    return sandbox.cluster(cluster).client().configMaps().inNamespace("demo").withName(name).get();
  }

  static GenericKubernetesResource federated(String name) {
    return host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo").withName(name).get();
  }

  static boolean warned(String name, String message) {
    return host.v1().events().inNamespace("demo").list().getItems().stream()
        .anyMatch(e -> "Warning".equals(e.getType()) && name.equals(e.getInvolvedObject().getName())
            && e.getMessage().contains(message));
  }

  @Test
  void anOfflineMemberBlocksDeletionUntilItsCopyIsRemoved() {
    host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo")
        .resource(federatedConfigMap("settings", List.of("dev2", "dev3"), "v1")).create();
    await("copies on dev2 and dev3", WAIT, () -> copy("dev2", "settings") != null && copy("dev3", "settings") != null);
    await("the finalizer", WAIT, () -> federated("settings").getMetadata().getFinalizers()
        .contains("kubefed.io/sync-controller"));

    sandbox.cluster("dev3").goOffline();
    host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo").withName("settings").delete();

    await("a warning naming dev3", WAIT, () -> warned("settings", "the following clusters were not ready: dev3"));
    GenericKubernetesResource blocked = federated("settings");
    assertThat(blocked).as("the object stays while dev3 is not ready").isNotNull();
    assertThat(blocked.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(blocked.getMetadata().getFinalizers()).contains("kubefed.io/sync-controller");
    await("the copy on dev2 removed meanwhile", WAIT, () -> copy("dev2", "settings") == null);

    sandbox.cluster("dev3").goOnline();

    await("the object gone from the host", WAIT, () -> federated("settings") == null);
    assertThat(copy("dev3", "settings")).as("dev3's copy removed before the finalizer went").isNull();
    assertThat(copy("dev2", "settings")).isNull();
  }
}
