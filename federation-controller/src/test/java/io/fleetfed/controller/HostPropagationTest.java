package io.fleetfed.controller;

import static io.fleetfed.controller.ControllerHost.NS;
import static io.fleetfed.controller.ControllerHost.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.testkit.FleetSandbox;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The controller propagates Federated objects applied to the host, as KubeFed's controller manager did: finalizer,
 * copies, KubeFed's status, updates, deletion and orphaning, type configs switched on and off, invalid objects.
 */
@Tag("real-api-servers")
class HostPropagationTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final ResourceDefinitionContext FEDERATED_CONFIG_MAPS = new ResourceDefinitionContext.Builder()
      .withGroup("types.kubefed.io").withVersion("v1beta1").withKind("FederatedConfigMap")
      .withPlural("federatedconfigmaps").withNamespaced(true).build();
  static final ResourceDefinitionContext TYPE_CONFIGS = ControllerHost.TYPE_CONFIGS;

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
    controller = ControllerHost.leading(sandbox, "configmaps");
  }

  @AfterEach
  void tearDown() {
    controller.close();
  }

  static GenericKubernetesResource federatedConfigMap(String name, List<String> clusters, String value) {
    GenericKubernetesResource o = new GenericKubernetesResource();
    o.setApiVersion("types.kubefed.io/v1beta1");
    o.setKind("FederatedConfigMap");
    o.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace("demo")
        .build());
    o.setAdditionalProperty("spec", Map.of(
        "template", Map.of("data", Map.of("key", value)),
        "placement", Map.of("clusters", clusters.stream().map(c -> Map.of("name", c)).toList())));
    return o;
  }

  static ConfigMap copy(String cluster, String name) {
    return sandbox.cluster(cluster).client().configMaps().inNamespace("demo").withName(name).get();
  }

  static GenericKubernetesResource federated(String name) {
    return host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo").withName(name).get();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> status(String name) {
    GenericKubernetesResource o = federated(name);
    Object status = o == null ? null : o.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> propagationOf(KubernetesClient client, ResourceDefinitionContext type, String name) {
    GenericKubernetesResource o = client.genericKubernetesResources(type).inNamespace("demo").withName(name).get();
    Object found = o == null ? null : o.getAdditionalProperties().get("status");
    Map<String, Object> status = found instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    List<Map<String, Object>> conditions = (List<Map<String, Object>>) status.getOrDefault("conditions", List.of());
    return conditions.stream().filter(c -> "Propagation".equals(c.get("type"))).findFirst().orElse(Map.of());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> propagation(String name) {
    List<Map<String, Object>> conditions = (List<Map<String, Object>>) status(name).getOrDefault("conditions",
        List.of());
    return conditions.stream().filter(c -> "Propagation".equals(c.get("type"))).findFirst().orElse(Map.of());
  }

  @Test
  void aFederatedObjectAppliedToTheHostIsPropagatedWithKubeFedsStatusAndFinalizer() {
    host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo")
        .resource(federatedConfigMap("settings", List.of("dev2", "dev3"), "v1")).create();

    await("copies on dev2 and dev3", WAIT, () -> copy("dev2", "settings") != null && copy("dev3", "settings") != null);
    assertThat(copy("dev2", "settings").getData()).containsEntry("key", "v1");
    await("status Propagation=True", WAIT, () -> "True".equals(propagation("settings").get("status")));

    GenericKubernetesResource object = federated("settings");
    assertThat(object.getMetadata().getFinalizers()).contains("kubefed.io/sync-controller");
    Map<String, Object> status = status("settings");
    assertThat(((Number) status.get("observedGeneration")).longValue()).isEqualTo(object.getMetadata()
        .getGeneration());
    assertThat(status.get("clusters")).isEqualTo(List.of(Map.of("name", "dev2"), Map.of("name", "dev3")));
    assertThat(propagation("settings")).containsKeys("lastUpdateTime", "lastTransitionTime")
        .doesNotContainKey("reason");
    assertThat(copy("dev1", "settings")).as("the host is not a member").isNull();
  }

  @Test
  void changesToTheTemplateAndPlacementReachTheMembers() {
    host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo")
        .resource(federatedConfigMap("settings", List.of("dev2", "dev3"), "v1")).create();
    await("copies", WAIT, () -> copy("dev2", "settings") != null && copy("dev3", "settings") != null);

    host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo").withName("settings").edit(o -> {
      o.setAdditionalProperty("spec", federatedConfigMap("settings", List.of("dev2"), "v2")
          .getAdditionalProperties().get("spec"));
      return o;
    });

    await("v2 on dev2 and nothing on dev3", WAIT, () -> copy("dev2", "settings") != null
        && "v2".equals(copy("dev2", "settings").getData().get("key")) && copy("dev3", "settings") == null);
    await("status for the new generation", WAIT, () -> status("settings").get("clusters")
        .equals(List.of(Map.of("name", "dev2"))) && ((Number) status("settings").get("observedGeneration"))
        .longValue() == federated("settings").getMetadata().getGeneration());
  }

  @Test
  void deletingTheFederatedObjectRemovesTheCopiesThenTheFinalizer() {
    host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo")
        .resource(federatedConfigMap("settings", List.of("dev2", "dev3"), "v1")).create();
    await("copies", WAIT, () -> copy("dev2", "settings") != null && copy("dev3", "settings") != null);
    await("the finalizer", WAIT, () -> federated("settings").getMetadata().getFinalizers()
        .contains("kubefed.io/sync-controller"));

    host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo").withName("settings").delete();

    await("the object gone from the host", WAIT, () -> federated("settings") == null);
    assertThat(copy("dev2", "settings")).isNull();
    assertThat(copy("dev3", "settings")).isNull();
  }

  @Test
  void anOrphanedObjectLeavesItsCopiesUnmanaged() {
    GenericKubernetesResource o = federatedConfigMap("kept", List.of("dev2"), "v1");
    o.getMetadata().setAnnotations(Map.of("kubefed.io/orphan", "true"));
    host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo").resource(o).create();
    await("the copy", WAIT, () -> copy("dev2", "kept") != null);
    await("the finalizer", WAIT, () -> federated("kept").getMetadata().getFinalizers()
        .contains("kubefed.io/sync-controller"));

    host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo").withName("kept").delete();

    await("the object gone from the host", WAIT, () -> federated("kept") == null);
    ConfigMap kept = copy("dev2", "kept");
    assertThat(kept).isNotNull();
    assertThat(kept.getMetadata().getLabels()).doesNotContainKey("fleetfed.io/managed");
  }

  @Test
  void anInvalidObjectIsReportedOnItsStatusAndTheOthersGoOn() {
    GenericKubernetesResource bad = federatedConfigMap("bad", List.of("dev2"), "v1");
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = new java.util.HashMap<>((Map<String, Object>) bad.getAdditionalProperties()
        .get("spec"));
    spec.put("overrides", List.of(Map.of("clusterName", "dev2", "clusterOverrides",
        List.of(Map.of("path", "data/key", "value", "x")))));
    bad.setAdditionalProperty("spec", spec);
    host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo").resource(bad).create();
    host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo")
        .resource(federatedConfigMap("good", List.of("dev2"), "v1")).create();

    await("the good one propagated", WAIT, () -> copy("dev2", "good") != null);
    await("the bad one reported", WAIT, () -> "ComputePlacementFailed".equals(propagation("bad").get("reason")));
    assertThat(propagation("bad")).containsEntry("status", "False");
    assertThat(copy("dev2", "bad")).isNull();
    await("a warning event naming the field", WAIT, () -> host.v1().events().inNamespace("demo").list().getItems()
        .stream().anyMatch(e -> "InvalidFederatedObject".equals(e.getReason()) && e.getMessage().contains("path")));
  }

  @Test
  void disablingATypeStopsItsPropagationAndEnablingItResumes() {
    setPropagation("Disabled");
    await("configmaps stopped", WAIT, () -> controller.state().typesRunning().isEmpty());
    await("FTC status NotRunning", WAIT, () -> "NotRunning".equals(ftcStatus().get("propagationController")));

    host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo")
        .resource(federatedConfigMap("later", List.of("dev2"), "v1")).create();
    await("the controller settles", WAIT, controller::isIdle);
    assertThat(copy("dev2", "later")).as("not propagated while disabled").isNull();

    setPropagation("Enabled");
    await("propagated once enabled again", WAIT, () -> copy("dev2", "later") != null);
    await("FTC status Running", WAIT, () -> "Running".equals(ftcStatus().get("propagationController")));
    GenericKubernetesResource ftc = host.genericKubernetesResources(TYPE_CONFIGS).inNamespace(NS)
        .withName("configmaps").get();
    assertThat(ftc.getMetadata().getFinalizers()).contains("core.kubefed.io/federated-type-config");
    assertThat(((Number) ftcStatus().get("observedGeneration")).longValue())
        .isEqualTo(ftc.getMetadata().getGeneration());
  }

  /**
   * Sets the FTC's {@code spec.propagation} with a merge patch, as {@code kubectl patch --type merge} does: no
   * resourceVersion, so the controller's own writes to the FTC (status, finalizer) cannot make it conflict.
   */
  private static void setPropagation(String value) {
    host.genericKubernetesResources(TYPE_CONFIGS).inNamespace(NS).withName("configmaps")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"propagation\":\"" + value + "\"}}");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> ftcStatus() {
    GenericKubernetesResource ftc = host.genericKubernetesResources(TYPE_CONFIGS).inNamespace(NS)
        .withName("configmaps").get();
    return (Map<String, Object>) ftc.getAdditionalProperties().getOrDefault("status", Map.of());
  }
}
