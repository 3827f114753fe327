package io.fleetfed.controller;

import static io.fleetfed.controller.ControllerHost.NS;
import static io.fleetfed.controller.ControllerHost.await;
import static io.fleetfed.controller.HostPropagationTest.FEDERATED_CONFIG_MAPS;
import static io.fleetfed.controller.HostPropagationTest.TYPE_CONFIGS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.ServerKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
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
 * The controller follows the KubeFedClusters in the host while it runs: a member joined later gets the copies its
 * placement selects, an unjoined one leaves the fleet, and a rotated token Secret is used from then on.
 */
@Tag("real-api-servers")
class MembershipLiveTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  /** The membership poll is 5 s; a KubeFedCluster event is seen sooner. "Within seconds" means this. */
  static final Duration SOON = Duration.ofSeconds(10);
  static final ResourceDefinitionContext KUBEFED_CLUSTERS = ControllerHost.KUBEFED_CLUSTERS;

  static FleetSandbox sandbox;
  static KubernetesClient host;
  FederationController controller;
  final List<ControllerEvent> events = new CopyOnWriteArrayList<>();

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
    ControllerHost.prepare(sandbox, List.of("dev2"), "configmaps");
    controller = FederationController.builder().kubeconfig(sandbox.kubeconfig(), "dev1")
        .leaderElection(ControllerHost.FAST).build();
    controller.addListener(events::add);
    controller.start();
    await("the controller to lead and run configmaps", WAIT,
        () -> controller.state().leading() && controller.state().typesRunning().equals(List.of("configmaps")));
  }

  @AfterEach
  void tearDown() {
    controller.close();
  }

  /** A FederatedConfigMap placed on every member: {@code clusterSelector: {matchLabels: {}}}. */
  static GenericKubernetesResource everywhere(String name, String value) {
    GenericKubernetesResource o = new GenericKubernetesResource();
    o.setApiVersion("types.kubefed.io/v1beta1");
    o.setKind("FederatedConfigMap");
    o.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("demo").build());
    o.setAdditionalProperty("spec", Map.of("template", Map.of("data", Map.of("key", value)),
        "placement", Map.of("clusterSelector", Map.of("matchLabels", Map.of()))));
    return o;
  }

  static ConfigMap copy(String cluster, String name) {
    return sandbox.cluster(cluster).client().configMaps().inNamespace("demo").withName(name).get();
  }

  List<String> memberNames() {
    return controller.state().members().stream().map(ClusterState::name).sorted().toList();
  }

  @Test
  void aMemberJoinedLaterGetsTheCopiesItsSelectorPicks() {
    host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo").resource(everywhere("all", "v1"))
        .create();
    await("the copy on dev2", WAIT, () -> copy("dev2", "all") != null);
    assertThat(copy("dev3", "all")).as("dev3 is not a member yet").isNull();

    long joined = System.nanoTime();
    ControllerHost.join(sandbox, "dev1", "dev3");
    await("the copy on dev3", SOON, () -> copy("dev3", "all") != null);
    assertThat(Duration.ofNanos(System.nanoTime() - joined)).isLessThan(SOON);
    assertThat(memberNames()).containsExactly("dev2", "dev3");
    assertThat(copy("dev3", "all").getData()).containsEntry("key", "v1");
  }

  @Test
  void deletingAKubeFedClusterRemovesTheMember() {
    ControllerHost.join(sandbox, "dev1", "dev3");
    await("dev3 a member", SOON, () -> memberNames().equals(List.of("dev2", "dev3")));

    host.genericKubernetesResources(KUBEFED_CLUSTERS).inNamespace(NS).withName("dev3").delete();

    await("dev3 no longer a member", SOON, () -> memberNames().equals(List.of("dev2")));
    assertThat(events).anyMatch(e -> e.type() == ControllerEvent.Type.MEMBERSHIP_CHANGED
        && e.message().contains("removed [dev3]"));
    host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo").resource(everywhere("later", "v1"))
        .create();
    await("the copy on dev2", WAIT, () -> copy("dev2", "later") != null);
    await("the controller to settle", WAIT, controller::isIdle);
    assertThat(copy("dev3", "later")).as("an unjoined cluster gets no copy").isNull();
  }

  @SuppressWarnings("unchecked")
  static String secretOf(String member) {
    GenericKubernetesResource kfc = host.genericKubernetesResources(KUBEFED_CLUSTERS).inNamespace(NS)
        .withName(member).get();
    Map<String, Object> spec = (Map<String, Object>) kfc.getAdditionalProperties().get("spec");
    return (String) ((Map<String, Object>) spec.get("secretRef")).get("name");
  }

  static void setToken(String secret, String base64Token) {
    host.secrets().inNamespace(NS).withName(secret).edit(s -> {
      Map<String, String> data = new HashMap<>(s.getData());
      data.put("token", base64Token);
      s.setData(data);
      return s;
    });
  }

  /** Whether the status of FederatedConfigMap {@code name} lists {@code cluster} with a failure. */
  static boolean failedOn(String name, String cluster) {
    GenericKubernetesResource o = host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo")
        .withName(name).get();
    Object status = o == null ? null : o.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> s && s.get("clusters") instanceof List<?> l && l.stream()
        .anyMatch(c -> c instanceof Map<?, ?> m && cluster.equals(m.get("name")) && m.get("status") != null);
  }

  long reconnections(String member) {
    return events.stream().filter(e -> e.type() == ControllerEvent.Type.MEMBERSHIP_CHANGED
        && e.message().contains("reconnected [" + member + "]")).count();
  }

  @Test
  void aRotatedTokenSecretIsPickedUp() {
    ControllerHost.join(sandbox, "dev1", "dev3");
    await("dev3 a member and ready", SOON, () -> controller.state().members().stream()
        .anyMatch(m -> m.name().equals("dev3") && m.health() == ClusterHealth.READY));
    String secret = secretOf("dev3");
    String good = host.secrets().inNamespace(NS).withName(secret).get().getData().get("token");
    boolean serversCheckTokens = sandbox.servers() == ServerKind.REAL;

    setToken(secret, Base64.getEncoder().encodeToString("not-the-token".getBytes(StandardCharsets.UTF_8)));
    await("the wrong token picked up", SOON, () -> reconnections("dev3") == 1);
    host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo").resource(everywhere("rotated", "v1"))
        .create();
    await("the copy on dev2", WAIT, () -> copy("dev2", "rotated") != null);
    if (serversCheckTokens) {
      // only real API servers check tokens: with the wrong one dev3 refuses the copy (the mock takes any token)
      await("dev3 to fail", WAIT, () -> controller.state().members().stream()
          .anyMatch(m -> m.name().equals("dev3") && m.health() != ClusterHealth.READY) || failedOn("rotated", "dev3"));
      assertThat(copy("dev3", "rotated")).isNull();
    }

    setToken(secret, good);
    await("the right token picked up", SOON, () -> reconnections("dev3") == 2);
    await("the copy on dev3", WAIT, () -> copy("dev3", "rotated") != null);
  }
}
