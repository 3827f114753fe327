package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code fleetfed render}, run as a process on the shaded jar. */
class RenderCommandIT {
  private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  @TempDir
  Path dir;

  static List<JsonNode> yamlDocuments(String text) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(text)) {
      YAML.readValues(parser, JsonNode.class).forEachRemaining(d -> {
        if (d != null && !d.isNull() && !d.isMissingNode()) {
          docs.add(d);
        }
      });
    }
    return docs;
  }

  @Test
  @DisplayName("the reference scenario renders as YAML: nginx-fed has 2 replicas on dev1, 3 on dev2")
  void scenarioAsYaml() throws IOException {
    FleetfedJar.Result result = FleetfedJar.run(EXAMPLES, "render", "-f", "scenario.yaml");

    assertThat(result.exitCode()).isZero();
    assertThat(result.stderr()).isEmpty();
    List<JsonNode> docs = yamlDocuments(result.stdout());
    assertThat(docs).extracting(d -> d.at("/kind").asText())
        .containsExactly("Namespace", "Namespace", "Deployment", "Deployment");
    assertThat(docs.get(2).at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(docs.get(3).at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(result.stdout()).containsSubsequence("---\n# cluster: dev1-context\napiVersion: v1\nkind: Namespace",
        "---\n# cluster: dev2-context\napiVersion: v1\nkind: Namespace",
        "---\n# cluster: dev1-context\napiVersion: apps/v1", "replicas: 2",
        "---\n# cluster: dev2-context\napiVersion: apps/v1", "replicas: 3");
  }

  @Test
  @DisplayName("-o json prints one object: resources in input order, each cluster's status and object")
  void scenarioAsJson() throws IOException {
    FleetfedJar.Result result =
        FleetfedJar.run(EXAMPLES, "render", "-f", "scenario.yaml", "-f", "taskrun.yaml", "-o", "json");

    assertThat(result.exitCode()).isZero();
    JsonNode root = JSON.readTree(result.stdout());
    assertThat(root.fieldNames()).toIterable().containsExactly("resources");
    JsonNode resources = root.get("resources");
    assertThat(resources).hasSize(3);
    assertThat(resources.get(0).get("kind").asText()).isEqualTo("Namespace");
    assertThat(resources.get(0).get("name").asText()).isEqualTo("testing-fed");
    assertThat(resources.get(1).get("kind").asText()).isEqualTo("Deployment");
    assertThat(resources.get(1).get("namespace").asText()).isEqualTo("testing-fed");
    assertThat(resources.get(1).get("name").asText()).isEqualTo("nginx-fed");
    JsonNode nginx = resources.get(1).get("clusters");
    assertThat(nginx.fieldNames()).toIterable().containsExactly("dev1-context", "dev2-context");
    assertThat(nginx.at("/dev1-context/status").asText()).isEqualTo("Rendered");
    assertThat(nginx.at("/dev1-context/object/spec/replicas").asInt()).isEqualTo(2);
    assertThat(nginx.at("/dev2-context/object/spec/replicas").asInt()).isEqualTo(3);
    JsonNode taskRun = resources.get(2);
    assertThat(taskRun.get("kind").asText()).isEqualTo("TaskRun");
    assertThat(taskRun.get("clusters").fieldNames()).toIterable().containsExactly("dev2-context");
    assertThat(taskRun.at("/clusters/dev2-context/object/spec/taskRef/name").asText()).isEqualTo("git-clone");
  }

  @Test
  @DisplayName("with --clusters: selectors match labels, a not-Ready cluster is ClusterNotReady without object")
  void inventoryWithNotReadyCluster() throws IOException {
    Files.writeString(dir.resolve("cm.yaml"), """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedConfigMap
        metadata:
          name: settings
          namespace: ci
        spec:
          placement:
            clusterSelector:
              matchLabels:
                pipelines: "true"
          template:
            data:
              level: high
        """);
    Files.copy(EXAMPLES.resolve("clusters.yaml"), dir.resolve("clusters.yaml"));

    FleetfedJar.Result result =
        FleetfedJar.run(dir, "render", "-f", "cm.yaml", "--clusters", "clusters.yaml", "-o", "json");

    assertThat(result.exitCode()).isZero();
    JsonNode clusters = JSON.readTree(result.stdout()).at("/resources/0/clusters");
    assertThat(clusters.fieldNames()).toIterable().containsExactly("dev2-context", "dev3-context");
    assertThat(clusters.at("/dev2-context/status").asText()).isEqualTo("Rendered");
    assertThat(clusters.at("/dev3-context/status").asText()).isEqualTo("ClusterNotReady");
    assertThat(clusters.get("dev3-context").has("object")).isFalse();

    FleetfedJar.Result yaml = FleetfedJar.run(dir, "render", "-f", "cm.yaml", "--clusters", "clusters.yaml");
    assertThat(yaml.stdout()).contains("# cluster: dev3-context: ClusterNotReady, ConfigMap ci/settings not rendered");
    assertThat(yamlDocuments(yaml.stdout())).hasSize(1);
  }

  @Test
  @DisplayName("reads stdin with -f -, and FederatedTypeConfigs in the input register custom kinds")
  void stdinAndCustomType() throws IOException {
    String input = """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedWidget
        metadata: {name: w1, namespace: shop}
        spec:
          placement: {clusters: [{name: east}]}
          template: {spec: {size: 3}}
        ---
        apiVersion: core.kubefed.io/v1beta1
        kind: FederatedTypeConfig
        metadata: {name: widgets.example.com, namespace: kube-federation-system}
        spec:
          federatedType: {group: types.kubefed.io, kind: FederatedWidget, pluralName: federatedwidgets, scope: Namespaced, version: v1beta1}
          propagation: Enabled
          targetType: {group: example.com, kind: Widget, pluralName: widgets, scope: Namespaced, version: v1}
        """;

    FleetfedJar.Result result = FleetfedJar.runWithStdin(dir, input, "render", "-f", "-", "-o", "json");

    assertThat(result.exitCode()).isZero();
    JsonNode object = JSON.readTree(result.stdout()).at("/resources/0/clusters/east/object");
    assertThat(object.get("apiVersion").asText()).isEqualTo("example.com/v1");
    assertThat(object.get("kind").asText()).isEqualTo("Widget");
    assertThat(object.at("/spec/size").asInt()).isEqualTo(3);
  }

  @Test
  @DisplayName("standard input is read once: -f - with --clusters - is refused")
  void stdinOnlyOnce() {
    FleetfedJar.Result result = FleetfedJar.runWithStdin(dir, "", "render", "-f", "-", "--clusters", "-");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr()).contains("error: -: standard input can be read only once");
  }

  @Test
  @DisplayName("a resource without placement renders nowhere, with a warning on stderr")
  void warnsAboutMissingPlacement() throws IOException {
    Files.writeString(dir.resolve("cm.yaml"), """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedConfigMap
        metadata: {name: lost, namespace: ci}
        spec:
          template: {data: {a: b}}
        """);

    FleetfedJar.Result result = FleetfedJar.run(dir, "render", "-f", "cm.yaml", "-o", "json");

    assertThat(result.exitCode()).isZero();
    assertThat(JSON.readTree(result.stdout()).at("/resources/0/clusters").size()).isZero();
    assertThat(result.stderr()).startsWith("warning: FederatedConfigMap ci/lost: has no placement");
  }

  static Stream<Arguments> invalidInputs() {
    String header = "apiVersion: types.kubefed.io/v1beta1\nkind: FederatedConfigMap\n"
        + "metadata: {name: cm, namespace: ci}\n";
    return Stream.of(
        Arguments.of("unparseable YAML", "a: [b, c\n", "bad.yaml, document 1 (line 1): a[1]: not valid YAML at line 1"),
        Arguments.of("unknown federated kind",
            "apiVersion: types.kubefed.io/v1beta1\nkind: FederatedGizmo\nmetadata: {name: g, namespace: ci}\nspec: {}\n",
            "bad.yaml, document 1 (line 1): FederatedGizmo ci/g: kind: unknown federated kind FederatedGizmo"),
        Arguments.of("bad selector operator",
            header + "spec:\n  placement:\n    clusterSelector:\n      matchExpressions:\n"
                + "      - {key: env, operator: Near, values: [a]}\n",
            "bad.yaml, document 1 (line 1): FederatedConfigMap ci/cm: "
                + "spec.placement.clusterSelector.matchExpressions[0].operator: \"Near\" is not a valid label selector"),
        Arguments.of("bad cluster name",
            header + "spec:\n  placement:\n    clusters: [{name: kubernetes-admin@kubernetes}]\n",
            "FederatedConfigMap ci/cm: spec.placement.clusters[0].name: cluster name \"kubernetes-admin@kubernetes\""
                + " is not a DNS-1123 label"),
        Arguments.of("path without leading slash",
            header + "spec:\n  placement: {clusters: [{name: a}]}\n  overrides:\n  - clusterName: a\n"
                + "    clusterOverrides: [{path: data/x, value: y}]\n",
            "FederatedConfigMap ci/cm: spec.overrides[0].clusterOverrides[0].path: must start with '/'"),
        Arguments.of("forbidden path",
            header + "spec:\n  placement: {clusters: [{name: a}]}\n  overrides:\n  - clusterName: a\n"
                + "    clusterOverrides: [{path: /metadata/namespace, value: other}]\n",
            "spec.overrides[0].clusterOverrides[0].path: '/metadata/namespace' may not be overridden"),
        Arguments.of("failing override",
            header + "spec:\n  placement: {clusters: [{name: a}]}\n  template: {data: {x: y}}\n  overrides:\n"
                + "  - clusterName: a\n    clusterOverrides: [{op: remove, path: /data/missing}]\n",
            "bad.yaml, document 1 (line 1): FederatedConfigMap ci/cm: spec.overrides[0].clusterOverrides[0]:"
                + " cluster \"a\", override 0 (remove /data/missing): no such path"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidInputs")
  @DisplayName("invalid input: exit code 2, nothing on stdout, one line on stderr naming file, document, object")
  void invalidInput(String description, String yaml, String expectedLine) throws IOException {
    Files.writeString(dir.resolve("bad.yaml"), yaml);

    FleetfedJar.Result result = FleetfedJar.run(dir, "render", "-f", "bad.yaml");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderrLines()).hasSize(1);
    assertThat(result.stderrLines().get(0)).startsWith("error: ").contains(expectedLine);
  }

  @Test
  @DisplayName("every problem of every file is reported, one line each")
  void reportsEveryProblem() throws IOException {
    Files.writeString(dir.resolve("one.yaml"), """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedConfigMap
        metadata: {name: a, namespace: ci}
        spec:
          placment: {clusters: [{name: x}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: plain}
        """);
    Files.writeString(dir.resolve("two.yaml"), "key: [unclosed\n");

    FleetfedJar.Result result =
        FleetfedJar.run(dir, "render", "-f", "one.yaml", "-f", "two.yaml", "-f", "missing.yaml");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderrLines()).hasSize(4).allMatch(l -> l.startsWith("error: "));
    assertThat(result.stderr()).contains("missing.yaml: no such file or directory")
        .contains("two.yaml, document 1 (line 1): key[0]: not valid YAML")
        .contains("one.yaml, document 1 (line 1): FederatedConfigMap ci/a: spec.placment: is not a known field;"
            + " did you mean placement?")
        .contains("one.yaml, document 2 (line 7): Deployment plain: kind: apps/v1 Deployment is not a KubeFed"
            + " document");
  }

  @Test
  @DisplayName("--clusters takes KubeFedClusters only; an invalid cluster name is refused")
  void badInventory() throws IOException {
    Files.writeString(dir.resolve("clusters.yaml"), """
        apiVersion: core.kubefed.io/v1beta1
        kind: KubeFedCluster
        metadata: {name: kubernetes-admin@kubernetes}
        """);

    FleetfedJar.Result result = FleetfedJar.run(EXAMPLES, "render", "-f", "scenario.yaml", "--clusters",
        dir.resolve("clusters.yaml").toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr()).contains("KubeFedCluster kubernetes-admin@kubernetes: metadata.name: cluster name"
        + " \"kubernetes-admin@kubernetes\" is not a DNS-1123 label").contains("kubernetes-admin-kubernetes");
  }

  @Test
  @DisplayName("a rendered object from -o json is the same as the YAML output's document")
  void jsonAndYamlAgree() throws IOException {
    JsonNode json = JSON.readTree(FleetfedJar.run(EXAMPLES, "render", "-f", "scenario.yaml", "-o", "json").stdout());
    List<JsonNode> yaml = yamlDocuments(FleetfedJar.run(EXAMPLES, "render", "-f", "scenario.yaml").stdout());

    ObjectNode fromJson = (ObjectNode) json.at("/resources/1/clusters/dev2-context/object");
    assertThat(yaml.get(3)).isEqualTo(fromJson);
  }
}
