package io.fleetfed.controller;

import static io.fleetfed.controller.ControllerHost.NS;
import static io.fleetfed.controller.ControllerHost.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.testkit.FleetSandbox;
import java.time.Duration;
import java.util.ArrayList;
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
 * The KubeFedConfig {@code kubefed} is honoured where it applies, and live: adoption, feature gates (remote status,
 * PushReconciler), a Namespaced scope; a bad field keeps its default and never stops the controller.
 */
@Tag("real-api-servers")
class KubeFedConfigTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final ResourceDefinitionContext FEDERATED_DEPLOYMENTS = new ResourceDefinitionContext.Builder()
      .withGroup("types.kubefed.io").withVersion("v1beta1").withKind("FederatedDeployment")
      .withPlural("federateddeployments").withNamespaced(true).build();

  static FleetSandbox sandbox;
  static KubernetesClient host;
  FederationController controller;
  final List<ControllerEvent> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startSandbox() {
    sandbox = FleetSandbox.builder().clusters("dev1", "dev2")
        .crds(ControllerHost.crds("configmaps", "deployments.apps")).start();
    host = sandbox.cluster("dev1").client();
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  @BeforeEach
  void setUp() {
    ControllerHost.prepare(sandbox, List.of("dev2"));
  }

  @AfterEach
  void tearDown() {
    if (controller != null) {
      controller.close();
    }
  }

  void startController(String... types) {
    controller = FederationController.builder().kubeconfig(sandbox.kubeconfig(), "dev1")
        .leaderElection(ControllerHost.FAST).build();
    controller.addListener(events::add);
    controller.start();
    await("the controller to lead and run " + List.of(types), WAIT,
        () -> controller.state().leading() && controller.state().typesRunning().size() == types.length);
  }

  static void typeConfig(String type, boolean statusCollection) {
    host.genericKubernetesResources(HostPropagationTest.TYPE_CONFIGS).inNamespace(NS)
        .resource(ControllerHost.typeConfig(type, true, statusCollection)).create();
  }

  static void kubeFedConfig(Map<String, Object> spec) {
    ControllerHost.kubeFedConfig(host, spec);
  }

  @Test
  void adoptionSwitchedOnInTheKubeFedConfigTakesEffectWithoutARestart() {
    typeConfig("configmaps", false);
    ControllerHost.namespace(sandbox.cluster("dev2").client(), "demo");
    sandbox.cluster("dev2").client().configMaps().inNamespace("demo").resource(new ConfigMapBuilder()
        .withNewMetadata().withName("existing").withNamespace("demo").endMetadata().addToData("key", "theirs")
        .build()).create();
    startController("configmaps");
    host.genericKubernetesResources(HostPropagationTest.FEDERATED_CONFIG_MAPS).inNamespace("demo")
        .resource(HostPropagationTest.federatedConfigMap("existing", List.of("dev2"), "ours")).create();
    await("AlreadyExists on dev2 (fleetfed does not adopt by default)", WAIT,
        () -> clusters("existing").equals(List.of(Map.of("name", "dev2", "status", "AlreadyExists"))));

    kubeFedConfig(Map.of("scope", "Cluster", "syncController", Map.of("adoptResources", "Enabled")));

    await("adopted once the config says so", WAIT, () -> "ours".equals(sandbox.cluster("dev2").client().configMaps()
        .inNamespace("demo").withName("existing").get().getData().get("key")));
    await("status True", WAIT, () -> clusters("existing").equals(List.of(Map.of("name", "dev2"))));
  }

  @Test
  void remoteStatusIsCollectedWhenTheGateAndTheTypeConfigSaySo() {
    kubeFedConfig(Map.of("scope", "Cluster", "featureGates", List.of(
        Map.of("name", "RawResourceStatusCollection", "configuration", "Enabled"))));
    typeConfig("deployments.apps", true);
    startController("deployments.apps");
    GenericKubernetesResource nginx = new GenericKubernetesResource();
    nginx.setApiVersion("types.kubefed.io/v1beta1");
    nginx.setKind("FederatedDeployment");
    nginx.setMetadata(new ObjectMetaBuilder().withName("nginx").withNamespace("demo").build());
    nginx.setAdditionalProperty("spec", Map.of("placement", Map.of("clusters", List.of(Map.of("name", "dev2"))),
        "template", Map.of("spec", Map.of("replicas", 2, "selector", Map.of("matchLabels", Map.of("app", "nginx")),
            "template", Map.of("metadata", Map.of("labels", Map.of("app", "nginx")), "spec", Map.of("containers",
                List.of(Map.of("name", "nginx", "image", "nginx:1.27"))))))));
    host.genericKubernetesResources(FEDERATED_DEPLOYMENTS).inNamespace("demo").resource(nginx).create();
    KubernetesClient dev2 = sandbox.cluster("dev2").client();
    await("the copy", WAIT, () -> dev2.apps().deployments().inNamespace("demo").withName("nginx").get() != null);
    // (until the copy has a status the condition is CheckClusters: KubeFedStatusTest; a real API server gives a
    // new Deployment an empty status at once, which counts as one)

    dev2.apps().deployments().inNamespace("demo").withName("nginx").editStatus(d -> {
      d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withReplicas(2)
          .withReadyReplicas(2).build());
      return d;
    });

    await("remoteStatus on the host", WAIT, () -> {
      List<Map<String, Object>> clusters = clustersOf(FEDERATED_DEPLOYMENTS, "nginx");
      return clusters.size() == 1 && clusters.get(0).get("remoteStatus") instanceof Map<?, ?> remote
          && remote.get("readyReplicas") instanceof Number ready && ready.intValue() == 2;
    });
    await("Propagation True", WAIT, () -> "True".equals(HostPropagationTest.propagationOf(host,
        FEDERATED_DEPLOYMENTS, "nginx").get("status")));
  }

  @Test
  void pushReconcilerDisabledRunsNoTypeAndABadFieldKeepsItsDefault() {
    kubeFedConfig(Map.of("scope", "Cluster", "clusterHealthCheck", Map.of("period", "often"), "featureGates",
        List.of(Map.of("name", "PushReconciler", "configuration", "Disabled"),
            Map.of("name", "NoSuchGate", "configuration", "Enabled"))));
    typeConfig("configmaps", false);
    startController();
    await("the FTC reports NotRunning", WAIT, () -> {
      Object status = host.genericKubernetesResources(HostPropagationTest.TYPE_CONFIGS).inNamespace(NS)
          .withName("configmaps").get().getAdditionalProperties().get("status");
      return status instanceof Map<?, ?> m && "NotRunning".equals(m.get("propagationController"));
    });
    assertThat(controller.state().typesRunning()).isEmpty();
    ControllerEvent applied = events.stream().filter(e -> e.type() == ControllerEvent.Type.CONFIG_APPLIED)
        .findFirst().orElseThrow();
    assertThat(applied.message()).contains("spec.clusterHealthCheck.period").contains("NoSuchGate");
    assertThat(controller.state().leading()).isTrue();
  }

  @Test
  void aNamespacedScopeWatchesOnlyTheKubeFedNamespace() {
    kubeFedConfig(Map.of("scope", "Namespaced"));
    typeConfig("configmaps", false);
    startController("configmaps");
    GenericKubernetesResource inside = HostPropagationTest.federatedConfigMap("inside", List.of("dev2"), "v");
    inside.getMetadata().setNamespace(NS);
    host.genericKubernetesResources(HostPropagationTest.FEDERATED_CONFIG_MAPS).inNamespace(NS).resource(inside)
        .create();
    host.genericKubernetesResources(HostPropagationTest.FEDERATED_CONFIG_MAPS).inNamespace("demo")
        .resource(HostPropagationTest.federatedConfigMap("outside", List.of("dev2"), "v")).create();

    await("the object in the KubeFed namespace propagated", WAIT, () -> sandbox.cluster("dev2").client()
        .configMaps().inNamespace(NS).withName("inside").get() != null);
    await("the controller settles", WAIT, controller::isIdle);
    assertThat(sandbox.cluster("dev2").client().configMaps().inNamespace("demo").withName("outside").get())
        .isNull();
    assertThat(host.genericKubernetesResources(HostPropagationTest.FEDERATED_CONFIG_MAPS).inNamespace("demo")
        .withName("outside").get().getMetadata().getFinalizers()).isNullOrEmpty();
  }

  static List<Map<String, Object>> clusters(String name) {
    return clustersOf(HostPropagationTest.FEDERATED_CONFIG_MAPS, name);
  }

  static List<Map<String, Object>> clustersOf(ResourceDefinitionContext type, String name) {
    return ControllerHost.clusters(host, type, "demo", name);
  }


}
