package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.core.cluster.ResourceContexts;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.testkit.FleetSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetfed federate}: live objects and files turned into Federated objects as kubefedctl federate does. */
class FederateCommandTest {
  static final String OBJECTS = """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
        labels: {team: a}
      spec:
        finalizers: [kubernetes]
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        namespace: shop
        labels: {app: web}
        annotations: {deployment.kubernetes.io/revision: "3", team.example.com/owner: shop}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: web, image: nginx}]}
      status:
        replicas: 2
        readyReplicas: 2
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec:
        type: NodePort
        clusterIP: 10.0.0.12
        clusterIPs: [10.0.0.12]
        selector: {app: web}
        ports: [{port: 80, targetPort: 8080, nodePort: 30080}]
      ---
      apiVersion: v1
      kind: ServiceAccount
      metadata: {name: builder, namespace: shop}
      secrets: [{name: builder-token-x1}]
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: settings, namespace: shop}
      data: {mode: fast}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: Not_DNS, namespace: shop}
      ---
      apiVersion: apps/v1
      kind: ReplicaSet
      metadata:
        name: web-5d8f
        namespace: shop
        ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u-1, controller: true}]
      spec:
        selector: {matchLabels: {app: web}}
        template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: nginx}]}}
      ---
      apiVersion: v1
      kind: Event
      metadata: {name: web.1, namespace: shop}
      involvedObject: {kind: Deployment, name: web, namespace: shop}
      reason: Scaled
      ---
      apiVersion: v1
      kind: Endpoints
      metadata: {name: web, namespace: shop}
      """;

  static FleetSandbox sandbox;
  static String kubeconfig;
  static KubernetesClient host;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    sandbox = CliSandbox.host();
    kubeconfig = sandbox.kubeconfig().toString();
    host = sandbox.cluster("host").client();
    host.resourceList(OBJECTS).create();
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  private static CliSandbox.Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--kubeconfig", kubeconfig, "--context", "host"));
    return CliSandbox.run(all.toArray(String[]::new));
  }

  private static JsonNode only(CliSandbox.Run run) throws IOException {
    assertThat(run.code()).as("%s", run).isZero();
    List<JsonNode> docs = RenderCommandIT.yamlDocuments(run.out());
    assertThat(docs).hasSize(1);
    return docs.get(0);
  }

  @Test
  @DisplayName("a Deployment: Federated kind, template without server metadata (labels and annotations kept, but"
      + " the controller's revision), status")
  void deployment() throws IOException {
    CliSandbox.Run run = cli("federate", "deploy", "web", "-n", "shop", "-o", "yaml");

    JsonNode f = only(run);
    assertThat(f.at("/apiVersion").asText()).isEqualTo("types.kubefed.io/v1beta1");
    assertThat(f.at("/kind").asText()).isEqualTo("FederatedDeployment");
    assertThat(f.at("/metadata/name").asText()).isEqualTo("web");
    assertThat(f.at("/metadata/namespace").asText()).isEqualTo("shop");
    assertThat(f.at("/metadata").size()).isEqualTo(2);
    JsonNode template = f.at("/spec/template");
    assertThat(template.has("apiVersion")).isFalse();
    assertThat(template.has("kind")).isFalse();
    assertThat(template.has("status")).isFalse();
    assertThat(template.at("/metadata")).hasSize(2);
    assertThat(template.at("/metadata/labels/app").asText()).isEqualTo("web");
    assertThat(template.at("/metadata/annotations")).hasSize(1);
    assertThat(template.at("/metadata/annotations/team.example.com~1owner").asText()).isEqualTo("shop");
    assertThat(template.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(template.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("nginx");
    assertThat(f.at("/spec/placement/clusterSelector/matchLabels").isObject()).isTrue();
    assertThat(f.at("/spec/placement/clusterSelector/matchLabels")).isEmpty();
    assertThat(run.err()).contains("warning: Deployment shop/web: annotations set by kubectl, a controller or"
        + " fleetfed are not federated, dropped: deployment.kubernetes.io/revision");
  }

  @Test
  @DisplayName("a Namespace: in its own namespace, spec.finalizers dropped")
  void namespace() throws IOException {
    JsonNode f = only(cli("federate", "namespace", "shop", "-o", "yaml"));

    assertThat(f.at("/kind").asText()).isEqualTo("FederatedNamespace");
    assertThat(f.at("/metadata/namespace").asText()).isEqualTo("shop");
    assertThat(f.at("/spec/template/spec/finalizers").isMissingNode()).isTrue();
    assertThat(f.at("/spec/template/metadata/labels/team").asText()).isEqualTo("a");
  }

  @Test
  @DisplayName("a Service: clusterIP, clusterIPs and nodePort dropped, the rest kept")
  void service() throws IOException {
    JsonNode f = only(cli("federate", "svc", "web", "-n", "shop", "-o", "yaml"));

    JsonNode spec = f.at("/spec/template/spec");
    assertThat(spec.has("clusterIP")).isFalse();
    assertThat(spec.has("clusterIPs")).isFalse();
    assertThat(spec.at("/ports/0").has("nodePort")).isFalse();
    assertThat(spec.at("/ports/0/port").asInt()).isEqualTo(80);
    assertThat(spec.at("/type").asText()).isEqualTo("NodePort");
  }

  @Test
  @DisplayName("a ServiceAccount: secrets dropped")
  void serviceAccount() throws IOException {
    JsonNode f = only(cli("federate", "serviceaccount", "builder", "-n", "shop", "-o", "yaml"));

    assertThat(f.at("/kind").asText()).isEqualTo("FederatedServiceAccount");
    assertThat(f.at("/spec/template").has("secrets")).isFalse();
  }

  @Test
  @DisplayName("--contents federates the namespace and its objects, skipping events, endpoints and what a"
      + " controller owns")
  void contents() throws IOException {
    CliSandbox.Run run = cli("federate", "ns", "shop", "--contents", "-o", "yaml");

    assertThat(run.code()).as("%s", run).isZero();
    List<String> kinds = RenderCommandIT.yamlDocuments(run.out()).stream()
        .map(d -> d.at("/kind").asText() + " " + d.at("/metadata/name").asText()).toList();
    assertThat(kinds).contains("FederatedNamespace shop", "FederatedDeployment web", "FederatedService web",
        "FederatedServiceAccount builder", "FederatedConfigMap settings")
        .noneMatch(k -> k.startsWith("FederatedEvent") || k.startsWith("FederatedEndpoints"))
        .doesNotContain("FederatedConfigMap Not_DNS")
        .noneMatch(k -> k.startsWith("FederatedReplicaSet"));
    assertThat(run.err()).contains("configmaps shop/Not_DNS: not federated, its name is not a DNS-1123 subdomain")
        .contains("replicasets.apps shop/web-5d8f: not federated, Deployment web controls it (each cluster's"
            + " makes its own)");

    CliSandbox.Run skipping = cli("federate", "ns", "shop", "--contents", "--skip-api-resources",
        "configmaps,deployments.apps", "-o", "yaml");
    assertThat(skipping.code()).as("%s", skipping).isZero();
    assertThat(skipping.out()).contains("kind: FederatedService").doesNotContain("kind: FederatedConfigMap")
        .doesNotContain("kind: FederatedDeployment");
  }

  @Test
  @DisplayName("-o yaml output, with --enable-type, is accepted by render -f")
  void outputRenders() throws IOException {
    CliSandbox.Run run = cli("federate", "deploy", "web", "-n", "shop", "--enable-type", "-o", "yaml");
    assertThat(run.code()).as("%s", run).isZero();
    Path file = dir.resolve("federated.yaml");
    Files.writeString(file, run.out());

    CliSandbox.Run render = CliSandbox.run("render", "-f", file.toString(), "-o", "json");
    assertThat(render.code()).as("%s", render).isZero();
    assertThat(render.out()).contains("\"kind\" : \"Deployment\"").contains("\"name\" : \"web\"");

    CliSandbox.Run apply = CliSandbox.run("apply", "--sandbox", "dev1,dev2", "-f", file.toString());
    assertThat(apply.code()).as("%s", apply).isZero();
    assertThat(apply.out()).contains("FederatedDeployment/shop/web").contains("dev1 created").contains("dev2 created");
  }

  @Test
  @DisplayName("without -o, creates the Federated object in the host (enabling the type); again, unchanged")
  void createsInHost() {
    CliSandbox.Run first = cli("federate", "configmap", "settings", "-n", "shop", "--enable-type");
    assertThat(first.code()).as("%s", first).isZero();
    assertThat(first.out()).contains("federatedtypeconfigs.core.kubefed.io/configmaps created")
        .contains("shop federatedconfigmaps.types.kubefed.io/settings created");
    ResourceDefinitionContext federated = ResourceContexts.of(ResourceType.namespaced("types.kubefed.io",
        "v1beta1", "FederatedConfigMap", "federatedconfigmaps"));
    assertThat(host.genericKubernetesResources(federated).inNamespace("shop").withName("settings").get())
        .isNotNull();

    CliSandbox.Run second = cli("federate", "configmap", "settings", "-n", "shop");
    assertThat(second.code()).as("%s", second).isZero();
    assertThat(second.out()).contains("shop federatedconfigmaps.types.kubefed.io/settings unchanged");
  }

  @Test
  @DisplayName("a type not enabled in the host is refused, naming it, and nothing is written")
  void notEnabled() {
    CliSandbox.Run run = cli("federate", "sa", "builder", "-n", "shop");

    assertThat(run.code()).isEqualTo(Main.INVALID_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("not enabled in cluster host: [serviceaccounts]").contains("--enable-type");
    assertThat(host.apiextensions().v1().customResourceDefinitions()
        .withName("federatedserviceaccounts.types.kubefed.io").get()).isNull();
  }

  @Test
  @DisplayName("an object the host does not have is named")
  void missingObject() {
    CliSandbox.Run run = cli("federate", "deployment", "nope", "-n", "shop", "-o", "yaml");

    assertThat(run.code()).isEqualTo(Main.INVALID_INPUT);
    assertThat(run.err()).contains("cluster host has no deployments.apps shop/nope");
  }

  @Test
  @DisplayName("-f offline: several documents, -n for those without a namespace")
  void fromFile() throws IOException {
    Path file = dir.resolve("objects.yaml");
    Files.writeString(file, """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a, resourceVersion: "12", uid: 1-2-3}
        data: {k: v}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: b, namespace: other}
        spec: {replicas: 1}
        """);

    CliSandbox.Run run = CliSandbox.run("federate", "-f", file.toString(), "-n", "ci", "-o", "yaml");

    assertThat(run.code()).as("%s", run).isZero();
    List<JsonNode> docs = RenderCommandIT.yamlDocuments(run.out());
    assertThat(docs).hasSize(2);
    assertThat(docs.get(0).at("/kind").asText()).isEqualTo("FederatedConfigMap");
    assertThat(docs.get(0).at("/metadata/namespace").asText()).isEqualTo("ci");
    assertThat(docs.get(0).at("/spec/template").toString()).doesNotContain("resourceVersion").doesNotContain("uid");
    assertThat(docs.get(1).at("/metadata/namespace").asText()).isEqualTo("other");
  }

  @Test
  @DisplayName("bad -f input: every problem named by file and document, exit 2, nothing printed")
  void badFile() throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, """
        apiVersion: v1
        metadata: {name: a}
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w}
        """);

    CliSandbox.Run run = CliSandbox.run("federate", "-f", file.toString(), "-o", "yaml");

    assertThat(run.code()).isEqualTo(Main.INVALID_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains(file + ": document 1").contains("kind: is required")
        .contains(file + ": document 2").contains("Widget (example.com/v1) is not a registered type");
  }

  @Test
  @DisplayName("bad arguments: nothing to federate, or no host and no -o")
  void badArguments() {
    CliSandbox.Run none = CliSandbox.run("federate", "-o", "yaml");
    assertThat(none.code()).isEqualTo(Main.INVALID_INPUT);
    assertThat(none.err()).contains("give KIND NAME");

    CliSandbox.Run noHost = CliSandbox.run("federate", "deploy", "web");
    assertThat(noHost.code()).isEqualTo(Main.INVALID_INPUT);
    assertThat(noHost.err()).contains("--context");
  }
}
