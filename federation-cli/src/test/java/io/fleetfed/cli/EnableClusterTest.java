package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.core.cluster.ResourceContexts;
import io.fleetfed.testkit.FleetSandbox;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code fleetfed enable TYPE --context}: kubefedctl's lookup in the host's discovery, and --apply. */
class EnableClusterTest {
  static final ResourceDefinitionContext TYPE_CONFIGS = ResourceContexts.of(HostObjects.TYPE_CONFIGS);
  static FleetSandbox sandbox;
  static String kubeconfig;

  @BeforeAll
  static void start() {
    sandbox = CliSandbox.host(
        CliSandbox.crd("example.com", "Widget", "widgets", "widget", "wd"),
        CliSandbox.crd("other.io", "Widget", "widgets", "widget"),
        CliSandbox.crd("example.com", "Gadget", "gadgets", "gizmo", "gd"),
        CliSandbox.crd("example.com", "Service", "services", "service"));
    kubeconfig = sandbox.kubeconfig().toString();
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  private static CliSandbox.Run enable(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("enable", "--kubeconfig", kubeconfig, "--context", "host"));
    all.addAll(List.of(args));
    return CliSandbox.run(all.toArray(String[]::new));
  }

  @ParameterizedTest(name = "{0} finds {1}")
  @DisplayName("TYPE is matched by plural, singular, kind, short name or plural.group")
  @CsvSource({
      "gadgets, gadgets.example.com, FederatedGadget",
      "gizmo, gadgets.example.com, FederatedGadget",
      "Gadget, gadgets.example.com, FederatedGadget",
      "gd, gadgets.example.com, FederatedGadget",
      "widgets.other.io, widgets.other.io, FederatedWidget",
      "deploy, deployments.apps, FederatedDeployment",
      "service, services, FederatedService"})
  void matchForms(String name, String ftc, String federatedKind) throws IOException {
    CliSandbox.Run run = enable(name);

    assertThat(run.code()).as("%s", run).isZero();
    List<JsonNode> docs = RenderCommandIT.yamlDocuments(run.out());
    assertThat(docs).hasSize(2);
    assertThat(docs.get(1).at("/metadata/name").asText()).isEqualTo(ftc);
    assertThat(docs.get(1).at("/spec/federatedType/kind").asText()).isEqualTo(federatedKind);
    assertThat(docs.get(0).at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/template/type")
        .asText()).as("template always declared, even for an open CRD schema").isEqualTo("object");
  }

  @Test
  @DisplayName("a group whose discovery fails (an aggregated API that is down) leaves the others usable")
  void partialDiscovery() throws IOException {
    sandbox.cluster("host").failRequests("GET", "/apis/batch/v1", 503, 1);
    try {
      CliSandbox.Run run = enable("deploy");

      assertThat(run.code()).as("%s", run).isZero();
      assertThat(RenderCommandIT.yamlDocuments(run.out()).get(1).at("/metadata/name").asText())
          .isEqualTo("deployments.apps");
    } finally {
      sandbox.cluster("host").clearFaults();
    }
  }

  @Test
  @DisplayName("a short name of a CRD becomes the federated CRD's f-prefixed short name")
  void shortNamesCarryOver() throws IOException {
    CliSandbox.Run run = enable("gadgets");

    JsonNode crd = RenderCommandIT.yamlDocuments(run.out()).get(0);
    assertThat(crd.at("/spec/names/shortNames/0").asText()).isEqualTo("fgd");
  }

  @Test
  @DisplayName("a name several groups serve, none of them core, is ambiguous")
  void ambiguous() {
    CliSandbox.Run run = enable("widget");

    assertThat(run.code()).isEqualTo(Main.INVALID_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("Multiple resources are matched by \"widget\"")
        .contains("widgets.example.com").contains("widgets.other.io").contains("plural.group");
  }

  @Test
  @DisplayName("a name the cluster does not serve names the type and says the cluster has none")
  void unknown() {
    CliSandbox.Run run = enable("doohickeys");

    assertThat(run.code()).isEqualTo(Main.INVALID_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("type doohickeys").contains("cluster host has no resource named \"doohickeys\"");
  }

  @Test
  @DisplayName("offline, an unknown name suggests --context/--kubeconfig")
  void offlineUnknown() {
    CliSandbox.Run run = CliSandbox.run("enable", "widgets.example.com");

    assertThat(run.code()).isEqualTo(Main.INVALID_INPUT);
    assertThat(run.err()).contains("no federated type is named \"widgets.example.com\"")
        .contains("--context (and --kubeconfig)");
  }

  @Test
  @DisplayName("--version picks a served version, and an unserved one is refused")
  void version() throws IOException {
    CliSandbox.Run ok = enable("gadgets", "--version", "v1");
    assertThat(ok.code()).as("%s", ok).isZero();
    assertThat(RenderCommandIT.yamlDocuments(ok.out()).get(1).at("/spec/targetType/version").asText())
        .isEqualTo("v1");

    CliSandbox.Run bad = enable("gadgets", "--version", "v2");
    assertThat(bad.code()).isEqualTo(Main.INVALID_INPUT);
    assertThat(bad.err()).contains("--version").contains("not served at v2").contains("[v1]");
  }

  @Test
  @DisplayName("--apply creates the federated CRD and the FTC; again, both are unchanged; a changed FTC is updated")
  void applyTwice() {
    KubernetesClient host = sandbox.cluster("host").client();

    CliSandbox.Run first = enable("widgets.example.com", "--apply");
    assertThat(first.code()).as("%s", first).isZero();
    assertThat(first.out()).contains("customresourcedefinitions.apiextensions.k8s.io/"
        + "federatedwidgets.types.kubefed.io created")
        .contains("kube-federation-system federatedtypeconfigs.core.kubefed.io/widgets.example.com created");
    assertThat(host.apiextensions().v1().customResourceDefinitions()
        .withName("federatedwidgets.types.kubefed.io").get()).isNotNull();
    GenericKubernetesResource ftc = host.genericKubernetesResources(TYPE_CONFIGS)
        .inNamespace("kube-federation-system").withName("widgets.example.com").get();
    assertThat(ftc).isNotNull();
    assertThat(((java.util.Map<?, ?>) ftc.getAdditionalProperties().get("spec")).get("propagation"))
        .isEqualTo("Enabled");

    CliSandbox.Run second = enable("widgets.example.com", "--apply");
    assertThat(second.code()).as("%s", second).isZero();
    assertThat(second.out()).contains("federatedwidgets.types.kubefed.io unchanged")
        .contains("widgets.example.com unchanged").doesNotContain("created");

    host.genericKubernetesResources(TYPE_CONFIGS).inNamespace("kube-federation-system")
        .withName("widgets.example.com").edit(o -> {
          ((java.util.Map<String, Object>) o.getAdditionalProperties().get("spec")).put("propagation", "Disabled");
          return o;
        });
    CliSandbox.Run third = enable("widgets.example.com", "--apply");
    assertThat(third.code()).as("%s", third).isZero();
    assertThat(third.out()).contains("widgets.example.com updated");
  }

  @Test
  @DisplayName("--apply to a host without KubeFed's CRDs says to install them, and writes nothing")
  void applyNeedsKubeFedCrds() {
    try (FleetSandbox bare = FleetSandbox.builder().clusters("bare").start()) {
      CliSandbox.Run run = CliSandbox.run("enable", "deployments", "--apply", "--kubeconfig",
          bare.kubeconfig().toString(), "--context", "bare");

      assertThat(run.code()).isEqualTo(Main.CLUSTER_FAILED);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).contains("cluster bare does not serve FederatedTypeConfigs").contains("fleetfed install");
      assertThat(bare.cluster("bare").client().apiextensions().v1().customResourceDefinitions().list().getItems())
          .isEmpty();
    }
  }

  @Test
  @DisplayName("--apply without --context is refused before anything is read")
  void applyNeedsContext() {
    CliSandbox.Run run = CliSandbox.run("enable", "deployments", "--apply");

    assertThat(run.code()).isEqualTo(Main.INVALID_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("--apply").contains("--context");
  }
}
