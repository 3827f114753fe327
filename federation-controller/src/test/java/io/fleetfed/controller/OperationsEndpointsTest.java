package io.fleetfed.controller;

import static io.fleetfed.controller.ControllerHost.NS;
import static io.fleetfed.controller.ControllerHost.await;
import static io.fleetfed.controller.HostPropagationTest.FEDERATED_CONFIG_MAPS;
import static io.fleetfed.controller.HostPropagationTest.TYPE_CONFIGS;
import static io.fleetfed.controller.HostPropagationTest.federatedConfigMap;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.testkit.FleetSandbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /healthz}, {@code /readyz} and {@code /metrics}, as KubeFed's controller manager served them. */
class OperationsEndpointsTest {
  static final Duration WAIT = Duration.ofSeconds(30);

  static FleetSandbox sandbox;
  static KubernetesClient host;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
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
  }

  @AfterEach
  void tearDown() {
    if (controller != null) {
      controller.close();
    }
  }

  FederationController start() {
    controller = FederationController.builder().kubeconfig(sandbox.kubeconfig(), "dev1")
        .leaderElection(ControllerHost.FAST).operationsAddress(new InetSocketAddress("127.0.0.1", 0)).build()
        .start();
    return controller;
  }

  HttpResponse<String> get(String path) {
    InetSocketAddress a = controller.operationsAddress().orElseThrow();
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Test
  void healthzAnswersOkAndReadyzOnceLeadingAndSynced() {
    // KubeFed's manager holds its lock: the controller is alive but does not lead, so it is not ready yet
    String record = "{\"holderIdentity\":\"kubefed-abc\",\"leaseDurationSeconds\":15,\"acquireTime\":\""
        + Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\",\"renewTime\":\""
        + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\",\"leaderTransitions\":0}";
    host.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("kubefed-controller-manager").withNamespace(NS)
        .withAnnotations(Map.of("control-plane.alpha.kubernetes.io/leader", record)).endMetadata().build()).create();
    start();

    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    await("a refusal to lead", WAIT, () -> controller.state().notLeadingBecause().isPresent());
    HttpResponse<String> notReady = get("/readyz");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).contains("not leading").contains("kubefed-abc");

    host.configMaps().inNamespace(NS).withName("kubefed-controller-manager").delete();
    await("leading and synced", WAIT, () -> controller.state().leading() && controller.state().synced());
    await("/readyz 200", WAIT, () -> get("/readyz").statusCode() == 200);
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
  }

  @Test
  void metricsCarryKubeFedsNamesAndTheOutcomes() {
    start();
    await("leading and running configmaps", WAIT, () -> controller.state().leading()
        && controller.state().typesRunning().equals(List.of("configmaps")));
    host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo")
        .resource(federatedConfigMap("settings", List.of("dev2", "dev3"), "v1")).create();
    await("copies", WAIT, () -> sandbox.cluster("dev3").client().configMaps().inNamespace("demo")
        .withName("settings").get() != null);
    await("the controller to settle", WAIT, controller::isIdle);

    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
        .startsWith("text/plain"));
    String body = metrics.body();
    assertThat(body).containsPattern(
        "(?m)^controller_runtime_reconcile_total\\{.*controller=\"federatedconfigmap\".*result=\"success\".*} [1-9]");
    assertThat(body).containsPattern("(?m)^workqueue_depth\\{.*name=\"federatedconfigmap\".*} 0");
    assertThat(body).containsPattern("(?m)^kubefedcluster\\{.*cluster=\"dev2\".*state=\"ready\".*} 1");
    assertThat(body).containsPattern("(?m)^kubefedcluster\\{.*cluster=\"dev3\".*state=\"ready\".*} 1");
    assertThat(body).containsPattern("(?m)^kubefedcluster\\{.*cluster=\"dev3\".*state=\"offline\".*} 0");
    assertThat(body).containsPattern("(?m)^joined_cluster(\\{\\})? 2");
    assertThat(body).containsPattern(
        "(?m)^fleetfed_propagation_outcomes_total\\{.*action=\"CREATED\".*reason=\"OK\".*} 2");
    assertThat(controller.scrape()).contains("fleetfed_propagation_outcomes_total");
  }
}
