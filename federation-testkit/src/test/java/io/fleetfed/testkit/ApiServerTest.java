package io.fleetfed.testkit;

import static io.fleetfed.testkit.TestSupport.configMap;
import static io.fleetfed.testkit.TestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What each sandbox API server answers beyond the fabric8 CRUD store, over plain HTTP. */
class ApiServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static FleetSandbox fleet;
  private static SandboxCluster dev1;

  @BeforeAll
  static void start() {
    fleet = FleetSandbox.builder().clusters("dev1").crdResource("crds/widgets.yaml").start();
    dev1 = fleet.cluster("dev1");
  }

  @AfterAll
  static void stop() {
    fleet.close();
  }

  @Test
  void healthEndpointsSayOk() throws Exception {
    for (String path : List.of("/healthz", "/readyz", "/livez", "/healthz/etcd", "/readyz?verbose")) {
      HttpResponse<String> response = get(dev1, path);
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(response.body()).as(path).isEqualTo("ok");
    }
  }

  @Test
  void versionLooksLikeAKubernetesServer() throws Exception {
    JsonNode version = json(get(dev1, "/version"));
    assertThat(version.path("gitVersion").asText()).isEqualTo("v1.30.0");
    assertThat(version.path("major").asText()).isEqualTo("1");
    assertThat(version.path("minor").asText()).isEqualTo("30");
    assertThat(dev1.client().getKubernetesVersion().getGitVersion()).isEqualTo("v1.30.0");
  }

  @Test
  void coreDiscoveryListsTheBuiltInsWithScopeAndShortNames() throws Exception {
    JsonNode api = json(get(dev1, "/api"));
    assertThat(api.path("kind").asText()).isEqualTo("APIVersions");
    assertThat(api.path("versions").toString()).isEqualTo("[\"v1\"]");

    HttpResponse<String> response = get(dev1, "/api/v1?timeout=32s");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode v1 = json(response);
    assertThat(v1.path("kind").asText()).isEqualTo("APIResourceList");
    assertThat(v1.path("groupVersion").asText()).isEqualTo("v1");
    Map<String, JsonNode> byName = byName(v1);
    assertThat(byName).containsKeys("configmaps", "secrets", "serviceaccounts", "services", "pods", "events",
        "endpoints", "persistentvolumeclaims", "nodes", "limitranges", "resourcequotas", "namespaces");
    assertThat(byName.get("namespaces").path("namespaced").asBoolean()).isFalse();
    assertThat(byName.get("nodes").path("namespaced").asBoolean()).isFalse();
    assertThat(byName.get("configmaps").path("namespaced").asBoolean()).isTrue();
    assertThat(byName.get("configmaps").path("kind").asText()).isEqualTo("ConfigMap");
    assertThat(byName.get("configmaps").path("singularName").asText()).isEqualTo("configmap");
    assertThat(byName.get("configmaps").path("verbs").toString()).contains("\"list\"", "\"watch\"", "\"patch\"");
    assertThat(shortNames(byName)).containsEntry("configmaps", "[\"cm\"]").containsEntry("namespaces", "[\"ns\"]")
        .containsEntry("serviceaccounts", "[\"sa\"]").containsEntry("services", "[\"svc\"]")
        .containsEntry("pods", "[\"po\"]").containsEntry("events", "[\"ev\"]").containsEntry("endpoints", "[\"ep\"]")
        .containsEntry("persistentvolumeclaims", "[\"pvc\"]").containsEntry("nodes", "[\"no\"]");
  }

  @Test
  void groupDiscoveryListsBuiltInGroupsAndRegisteredCrdsWithAllServedVersions() throws Exception {
    // kubectl asks for aggregated discovery first; a plain APIGroupList with application/json is its fallback
    HttpResponse<String> response = TestSupport.HTTP.send(HttpRequest.newBuilder(TestSupport.uri(dev1, "/apis"))
            .header("Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json")
            .timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode apis = json(response);
    assertThat(apis.path("kind").asText()).isEqualTo("APIGroupList");
    Map<String, JsonNode> groups = new java.util.LinkedHashMap<>();
    apis.path("groups").forEach(g -> groups.put(g.path("name").asText(), g));
    assertThat(groups).containsKeys("apps", "batch", "rbac.authorization.k8s.io", "apiextensions.k8s.io",
        "networking.k8s.io", "coordination.k8s.io", "policy", "autoscaling", "example.fleetfed.io");
    assertThat(groups.get("apps").path("preferredVersion").path("groupVersion").asText()).isEqualTo("apps/v1");
    JsonNode crdGroup = groups.get("example.fleetfed.io");
    assertThat(crdGroup.path("preferredVersion").path("version").asText()).isEqualTo("v1");
    List<String> versions = new ArrayList<>();
    crdGroup.path("versions").forEach(v -> versions.add(v.path("groupVersion").asText()));
    assertThat(versions).containsExactly("example.fleetfed.io/v1", "example.fleetfed.io/v1beta1");

    Map<String, JsonNode> apps = byName(json(get(dev1, "/apis/apps/v1")));
    assertThat(apps).containsKeys("deployments", "replicasets", "statefulsets", "daemonsets");
    assertThat(apps.get("deployments").path("shortNames").toString()).isEqualTo("[\"deploy\"]");
    assertThat(byName(json(get(dev1, "/apis/batch/v1")))).containsKeys("jobs", "cronjobs");
    assertThat(byName(json(get(dev1, "/apis/rbac.authorization.k8s.io/v1")))).containsKeys("clusterroles",
        "clusterrolebindings", "roles", "rolebindings");
    assertThat(byName(json(get(dev1, "/apis/coordination.k8s.io/v1")))).containsKeys("leases");

    Map<String, JsonNode> custom = byName(json(get(dev1, "/apis/example.fleetfed.io/v1")));
    assertThat(custom).containsKeys("widgets", "widgets/status", "gadgets");
    assertThat(custom.get("widgets").path("kind").asText()).isEqualTo("Widget");
    assertThat(custom.get("widgets").path("shortNames").toString()).isEqualTo("[\"wd\"]");
    assertThat(custom.get("gadgets").path("namespaced").asBoolean()).isFalse();
    assertThat(byName(json(get(dev1, "/apis/example.fleetfed.io/v1beta1")))).containsOnlyKeys("widgets");
    assertThat(json(get(dev1, "/apis/example.fleetfed.io")).path("kind").asText()).isEqualTo("APIGroup");

    assertThat(get(dev1, "/apis/unknown.example.io/v1").statusCode()).isEqualTo(404);
    assertThat(get(dev1, "/apis/unknown.example.io").statusCode()).isEqualTo(404);
  }

  @Test
  void aCrdCreatedThroughTheApiIsDiscoveredBesideTheBuiltInsUntilDeleted() throws Exception {
    KubernetesClient client = dev1.client();
    var crd = TestSupport.crd("apps", "Extra", "extras", "Namespaced"); // in a built-in group, on purpose
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    try {
      assertThat(byName(json(get(dev1, "/apis/apps/v1")))).containsKeys("deployments", "extras");
      // and fabric8 can now resolve it by apiVersion and kind
      client.genericKubernetesResources("apps/v1", "Extra").inNamespace("ci").resource(
          new GenericKubernetesResourceBuilder().withApiVersion("apps/v1").withKind("Extra")
              .withNewMetadata().withName("e1").withNamespace("ci").endMetadata().build()).create();
      assertThat(client.genericKubernetesResources("apps/v1", "Extra").inNamespace("ci").list().getItems())
          .hasSize(1);
    } finally {
      client.apiextensions().v1().customResourceDefinitions().withName("extras.apps").delete();
    }
    assertThat(byName(json(get(dev1, "/apis/apps/v1")))).containsKey("deployments").doesNotContainKey("extras");
  }

  @Test
  void fabric8ResolvesBuiltInAndCustomKindsThroughDiscovery() {
    KubernetesClient client = dev1.client();
    client.genericKubernetesResources("v1", "ConfigMap").inNamespace("disc")
        .resource(new GenericKubernetesResourceBuilder().withApiVersion("v1").withKind("ConfigMap")
            .withNewMetadata().withName("generic").withNamespace("disc").endMetadata().build()).create();
    client.genericKubernetesResources("example.fleetfed.io/v1", "Widget").inNamespace("disc")
        .resource(new GenericKubernetesResourceBuilder().withApiVersion("example.fleetfed.io/v1").withKind("Widget")
            .withNewMetadata().withName("w1").withNamespace("disc").endMetadata().build()).create();
    assertThat(client.configMaps().inNamespace("disc").withName("generic").get()).isNotNull();
    GenericKubernetesResource widget = client.genericKubernetesResources("example.fleetfed.io/v1", "Widget")
        .inNamespace("disc").withName("w1").get();
    assertThat(widget.getKind()).isEqualTo("Widget");
  }

  @Test
  void aProtobufBodyGetsA415StatusAtOnce() throws Exception {
    byte[] protobuf = {0x6b, 0x38, 0x73, 0x00, 0x0a, 0x0c, 0x0a, 0x02, 0x76, 0x31, 0x12, 0x06};
    HttpResponse<String> response = TestSupport.HTTP.send(
        HttpRequest.newBuilder(TestSupport.uri(dev1, "/api/v1/namespaces/ci/configmaps"))
            .header("Content-Type", "application/vnd.kubernetes.protobuf")
            .timeout(Duration.ofSeconds(10)) // a hang fails the test here
            .POST(HttpRequest.BodyPublishers.ofByteArray(protobuf)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(415);
    JsonNode status = json(response);
    assertThat(status.path("kind").asText()).isEqualTo("Status");
    assertThat(status.path("reason").asText()).isEqualTo("UnsupportedMediaType");
    assertThat(status.path("code").asInt()).isEqualTo(415);
    assertThat(status.path("message").asText()).contains("only JSON", "application/vnd.kubernetes.protobuf",
        "--kubeconfig", "apply -f");

    // a body without a content type that is not text is refused too
    HttpResponse<String> untyped = TestSupport.HTTP.send(
        HttpRequest.newBuilder(TestSupport.uri(dev1, "/api/v1/namespaces/ci/configmaps"))
            .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(protobuf)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(untyped.statusCode()).isEqualTo(415);
    assertThat(dev1.client().configMaps().inNamespace("ci").list().getItems()).isEmpty();
  }

  @Test
  void anUnreadableJsonBodyGetsAStatusInsteadOfAHang() throws Exception {
    HttpResponse<String> response = TestSupport.HTTP.send(
        HttpRequest.newBuilder(TestSupport.uri(dev1, "/api/v1/namespaces/ci/configmaps"))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"secret")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("kind").asText()).isEqualTo("Status");
    assertThat(json(response).path("reason").asText()).isEqualTo("BadRequest");
    assertThat(response.body()).doesNotContain("secret");
  }

  @Test
  void aStreamedHttpWatchIsRefusedWithAnExplanation() throws Exception {
    HttpResponse<String> response = get(dev1, "/api/v1/namespaces/ci/configmaps?watch=true");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("message").asText()).contains("WebSocket");
  }

  @Test
  void aMissingObjectGetsANotFoundStatusLikeARealServer() throws Exception {
    HttpResponse<String> response = get(dev1, "/apis/apps/v1/namespaces/ci/deployments/nope");
    assertThat(response.statusCode()).isEqualTo(404);
    JsonNode status = json(response);
    assertThat(status.path("reason").asText()).isEqualTo("NotFound");
    assertThat(status.path("message").asText()).isEqualTo("deployments.apps \"nope\" not found");
  }

  @Test
  void aServiceAccountTokenSecretGetsATokenNamespaceAndCaCertificate() {
    KubernetesClient client = dev1.client();
    Secret created = client.secrets().inNamespace("sa-ns").resource(new SecretBuilder()
        .withNewMetadata().withName("builder-token").withNamespace("sa-ns")
        .addToAnnotations("kubernetes.io/service-account.name", "builder").endMetadata()
        .withType("kubernetes.io/service-account-token").build()).create();
    Secret read = client.secrets().inNamespace("sa-ns").withName("builder-token").get();

    for (Secret secret : List.of(created, read)) {
      assertThat(secret.getData()).containsKeys("token", "namespace", "ca.crt");
      assertThat(decode(secret.getData().get("token"))).hasSizeGreaterThanOrEqualTo(32);
      assertThat(decode(secret.getData().get("namespace"))).isEqualTo("sa-ns");
      assertThat(decode(secret.getData().get("ca.crt"))).startsWith("-----BEGIN CERTIFICATE-----");
    }
    assertThat(read.getData().get("token")).isEqualTo(created.getData().get("token"));

    Secret other = client.secrets().inNamespace("sa-ns").resource(new SecretBuilder()
        .withNewMetadata().withName("other-token").withNamespace("sa-ns")
        .addToAnnotations("kubernetes.io/service-account.name", "builder").endMetadata()
        .withType("kubernetes.io/service-account-token").build()).create();
    assertThat(other.getData().get("token")).isNotEqualTo(created.getData().get("token"));

    Secret opaque = client.secrets().inNamespace("sa-ns").resource(new SecretBuilder()
        .withNewMetadata().withName("opaque").withNamespace("sa-ns")
        .addToAnnotations("kubernetes.io/service-account.name", "builder").endMetadata()
        .withType("Opaque").addToData("a", "Yg==").build()).create();
    assertThat(opaque.getData()).containsOnlyKeys("a");
  }

  @Test
  void aStrategicMergePatchOfABuiltInMergesItsListsByKey() {
    KubernetesClient client = dev1.client();
    Deployment deployment = new DeploymentBuilder()
        .withNewMetadata().withName("web").withNamespace("smp").addToLabels("app", "web").endMetadata()
        .withNewSpec().withReplicas(1)
        .withNewTemplate().withNewSpec()
        .addNewContainer().withName("nginx").withImage("nginx:1").addNewPort().withContainerPort(80).endPort()
        .endContainer()
        .addNewContainer().withName("sidecar").withImage("envoy:1").endContainer()
        .endSpec().endTemplate().endSpec().build();
    client.apps().deployments().inNamespace("smp").resource(deployment).create();

    Deployment patched = client.apps().deployments().inNamespace("smp").withName("web")
        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"metadata\":{\"labels\":{\"app\":null,\"tier\":\"fe\"}},"
            + "\"spec\":{\"replicas\":3,\"template\":{\"spec\":{"
            + "\"$setElementOrder/containers\":[{\"name\":\"nginx\"},{\"name\":\"sidecar\"}],"
            + "\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:2\"}]}}}}");

    assertThat(patched.getSpec().getReplicas()).isEqualTo(3);
    assertThat(patched.getMetadata().getLabels()).containsExactly(Map.entry("tier", "fe"));
    var containers = client.apps().deployments().inNamespace("smp").withName("web").get()
        .getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).extracting(c -> c.getName() + "=" + c.getImage())
        .containsExactly("nginx=nginx:2", "sidecar=envoy:1");
    assertThat(containers.get(0).getPorts()).hasSize(1);
  }

  @Test
  void aStrategicMergePatchOfACustomResourceIsRefusedAsOnARealServer() {
    KubernetesClient client = dev1.client();
    var widgets = client.genericKubernetesResources("example.fleetfed.io/v1", "Widget").inNamespace("smp");
    widgets.resource(new GenericKubernetesResourceBuilder().withApiVersion("example.fleetfed.io/v1")
        .withKind("Widget").withNewMetadata().withName("w").withNamespace("smp").endMetadata().build()).create();
    assertThatThrownBy(() -> widgets.withName("w").patch(PatchContext.of(PatchType.STRATEGIC_MERGE), "{}"))
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(415));
  }

  @Test
  void requestsAnsweredFromTheStoreAreJson() throws IOException, InterruptedException {
    dev1.client().configMaps().inNamespace("json").resource(configMap("json", "a")).create();
    HttpResponse<String> response = get(dev1, "/api/v1/namespaces/json/configmaps/a");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(json(response).path("metadata").path("name").asText()).isEqualTo("a");
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  private static Map<String, JsonNode> byName(JsonNode resourceList) {
    Map<String, JsonNode> result = new java.util.LinkedHashMap<>();
    resourceList.path("resources").forEach(r -> result.put(r.path("name").asText(), r));
    return result;
  }

  private static Map<String, String> shortNames(Map<String, JsonNode> byName) {
    Map<String, String> result = new java.util.LinkedHashMap<>();
    byName.forEach((name, r) -> {
      if (r.has("shortNames")) {
        result.put(name, r.path("shortNames").toString());
      }
    });
    return result;
  }
}
