package io.fleetfed.core.kubefed;

import static io.fleetfed.core.kubefed.Fixtures.ISTIO_OPERATORS;
import static io.fleetfed.core.kubefed.Fixtures.TASK_RUNS;
import static io.fleetfed.core.kubefed.Fixtures.documents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.model.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The federated CRDs {@code fleetfed enable} generates: KubeFed's schema, with {@code spec.template} always kept,
 * and structural as the API server requires.
 */
class FederatedCrdsTest {

  /** Every built-in type, plus CRD targets whose own schema is only x-kubernetes-preserve-unknown-fields. */
  static Stream<FederatedTypeConfig> configs() {
    return Stream.concat(TypeRegistry.builtIn().all().stream(),
        Stream.of(FederatedTypeConfig.forTarget(TASK_RUNS), FederatedTypeConfig.forTarget(ISTIO_OPERATORS),
            FederatedTypeConfig.forTarget(ResourceType.cluster("tekton.dev", "v1beta1", "ClusterTask",
                "clustertasks"))));
  }

  private static JsonNode schema(ObjectNode crd) {
    return crd.at("/spec/versions/0/schema/openAPIV3Schema");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  @DisplayName("the CRD is apiextensions.k8s.io/v1 federated<plural>.types.kubefed.io, one served and stored"
      + " version with a status subresource")
  void identity(FederatedTypeConfig config) {
    ObjectNode crd = FederatedCrds.crd(config);
    ResourceType target = config.target();

    assertThat(crd.path("apiVersion").asText()).isEqualTo("apiextensions.k8s.io/v1");
    assertThat(crd.path("kind").asText()).isEqualTo("CustomResourceDefinition");
    assertThat(crd.at("/metadata/name").asText()).isEqualTo("federated" + target.plural() + ".types.kubefed.io");
    assertThat(crd.at("/metadata/name").asText()).isEqualTo(config.crdName());
    assertThat(crd.at("/spec/group").asText()).isEqualTo("types.kubefed.io");
    assertThat(crd.at("/spec/versions")).hasSize(1);
    JsonNode version = crd.at("/spec/versions/0");
    assertThat(version.path("name").asText()).isEqualTo("v1beta1");
    assertThat(version.path("served").asBoolean()).isTrue();
    assertThat(version.path("storage").asBoolean()).isTrue();
    assertThat(version.at("/subresources/status").isObject()).isTrue();
    assertThat(version.at("/subresources/status")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  @DisplayName("names: Federated<Kind>, federated<plural>, federated<kind>, Federated<Kind>List, f<short>")
  void names(FederatedTypeConfig config) {
    ResourceType target = config.target();
    JsonNode names = FederatedCrds.crd(config).at("/spec/names");

    assertThat(names.path("kind").asText()).isEqualTo("Federated" + target.kind());
    assertThat(names.path("plural").asText()).isEqualTo("federated" + target.plural());
    assertThat(names.path("singular").asText()).isEqualTo("federated" + target.kind().toLowerCase(Locale.ROOT));
    assertThat(names.path("listKind").asText()).isEqualTo("Federated" + target.kind() + "List");
    List<String> shortNames = new ArrayList<>();
    names.path("shortNames").forEach(n -> shortNames.add(n.asText()));
    assertThat(shortNames).containsExactlyElementsOf(target.shortNames().stream().map(s -> "f" + s).toList());
    assertThat(names.has("shortNames")).isEqualTo(!target.shortNames().isEmpty());
  }

  @Test
  @DisplayName("short names of the built-ins: fcm, fdeploy, fing, fns, frs, fsa, fsvc")
  void builtInShortNames() {
    Map<String, String> expected = Map.of("configmaps", "fcm", "deployments.apps", "fdeploy",
        "ingresses.networking.k8s.io", "fing", "namespaces", "fns", "replicasets.apps", "frs",
        "serviceaccounts", "fsa", "services", "fsvc");
    expected.forEach((name, shortName) -> assertThat(FederatedCrds.crd(TypeRegistry.builtIn().lookup(name))
        .at("/spec/names/shortNames/0").asText()).as(name).isEqualTo(shortName));
    assertThat(FederatedCrds.crd(FederatedTypeConfig.forTarget(ISTIO_OPERATORS)).at("/spec/names/shortNames/0")
        .asText()).isEqualTo("fiop");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  @DisplayName("scope follows the target's, except that FederatedNamespace is namespaced")
  void scope(FederatedTypeConfig config) {
    String expected = config.target().isNamespaced() || config.target().isNamespace() ? "Namespaced" : "Cluster";

    assertThat(FederatedCrds.crd(config).at("/spec/scope").asText()).isEqualTo(expected);
  }

  @Test
  @DisplayName("FederatedNamespace is Namespaced, FederatedClusterRole and FederatedClusterTask are Cluster")
  void scopesOfSpecialKinds() {
    assertThat(FederatedCrds.crd(TypeRegistry.builtIn().lookup("namespaces")).at("/spec/scope").asText())
        .isEqualTo("Namespaced");
    assertThat(FederatedCrds.crd(TypeRegistry.builtIn().lookup("clusterroles")).at("/spec/scope").asText())
        .isEqualTo("Cluster");
    assertThat(FederatedCrds.crd(FederatedTypeConfig.forTarget(ResourceType.cluster("tekton.dev", "v1beta1",
        "ClusterTask", "clustertasks"))).at("/spec/scope").asText()).isEqualTo("Cluster");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  @DisplayName("spec.template is an object preserving unknown fields, whatever the target's schema (kubefed #1418)")
  void templateIsAlwaysKept(FederatedTypeConfig config) {
    JsonNode schema = schema(FederatedCrds.crd(config));

    assertThat(schema.path("type").asText()).isEqualTo("object");
    assertThat(strings(schema.path("required"))).containsExactly("spec");
    assertThat(fieldNames(schema.path("properties"))).containsExactlyInAnyOrder("apiVersion", "kind", "metadata",
        "spec", "status");
    JsonNode spec = schema.at("/properties/spec");
    assertThat(spec.path("type").asText()).isEqualTo("object");
    assertThat(fieldNames(spec.path("properties"))).containsExactlyInAnyOrder("template", "placement", "overrides",
        "retainReplicas");
    JsonNode template = spec.at("/properties/template");
    assertThat(template.path("type").asText()).isEqualTo("object");
    assertThat(template.path("x-kubernetes-preserve-unknown-fields").isBoolean()).isTrue();
    assertThat(template.path("x-kubernetes-preserve-unknown-fields").asBoolean()).isTrue();
    assertThat(spec.at("/properties/retainReplicas/type").asText()).isEqualTo("boolean");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  @DisplayName("placement: clusters[].name required; clusterSelector with matchLabels and matchExpressions")
  void placementSchema(FederatedTypeConfig config) {
    JsonNode placement = schema(FederatedCrds.crd(config)).at("/properties/spec/properties/placement");

    assertThat(placement.path("type").asText()).isEqualTo("object");
    JsonNode clusters = placement.at("/properties/clusters");
    assertThat(clusters.path("type").asText()).isEqualTo("array");
    assertThat(clusters.at("/items/type").asText()).isEqualTo("object");
    assertThat(clusters.at("/items/properties/name/type").asText()).isEqualTo("string");
    assertThat(strings(clusters.at("/items/required"))).containsExactly("name");
    JsonNode selector = placement.at("/properties/clusterSelector");
    assertThat(selector.path("type").asText()).isEqualTo("object");
    assertThat(selector.at("/properties/matchLabels/type").asText()).isEqualTo("object");
    assertThat(selector.at("/properties/matchLabels/additionalProperties/type").asText()).isEqualTo("string");
    JsonNode expression = selector.at("/properties/matchExpressions/items");
    assertThat(selector.at("/properties/matchExpressions/type").asText()).isEqualTo("array");
    assertThat(expression.at("/properties/key/type").asText()).isEqualTo("string");
    assertThat(expression.at("/properties/operator/type").asText()).isEqualTo("string");
    assertThat(expression.at("/properties/values/type").asText()).isEqualTo("array");
    assertThat(expression.at("/properties/values/items/type").asText()).isEqualTo("string");
    assertThat(strings(expression.path("required"))).containsExactly("key", "operator");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  @DisplayName("overrides: clusterName, clusterOverrides with op ^(add|remove|replace)?$, path required, value"
      + " preserving unknown fields")
  void overridesSchema(FederatedTypeConfig config) {
    JsonNode overrides = schema(FederatedCrds.crd(config)).at("/properties/spec/properties/overrides");

    assertThat(overrides.path("type").asText()).isEqualTo("array");
    assertThat(overrides.at("/items/properties/clusterName/type").asText()).isEqualTo("string");
    JsonNode clusterOverrides = overrides.at("/items/properties/clusterOverrides");
    assertThat(clusterOverrides.path("type").asText()).isEqualTo("array");
    JsonNode op = clusterOverrides.path("items");
    assertThat(op.at("/properties/op/type").asText()).isEqualTo("string");
    assertThat(op.at("/properties/op/pattern").asText()).isEqualTo("^(add|remove|replace)?$");
    assertThat(op.at("/properties/path/type").asText()).isEqualTo("string");
    assertThat(op.at("/properties/value/x-kubernetes-preserve-unknown-fields").asBoolean()).isTrue();
    assertThat(op.at("/properties/value").has("type")).as("value may be any JSON value").isFalse();
    assertThat(strings(op.path("required"))).containsExactly("path");
  }

  @Test
  @DisplayName("the op pattern accepts KubeFed's ops and the empty op, and nothing else")
  void opPatternMatchesKubeFed() {
    String pattern = schema(FederatedCrds.crd(FederatedTypeConfig.forTarget(TASK_RUNS)))
        .at("/properties/spec/properties/overrides/items/properties/clusterOverrides/items/properties/op/pattern")
        .asText();

    assertThat(Stream.of("add", "remove", "replace", "")).allMatch(op -> op.matches(pattern));
    assertThat(Stream.of("move", "copy", "test", "Add", "replace ")).noneMatch(op -> op.matches(pattern));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  @DisplayName("status: conditions (type and status required), clusters[].remoteStatus preserving unknown fields,"
      + " observedGeneration")
  void statusSchema(FederatedTypeConfig config) {
    JsonNode status = schema(FederatedCrds.crd(config)).at("/properties/status");

    assertThat(status.path("type").asText()).isEqualTo("object");
    JsonNode condition = status.at("/properties/conditions/items");
    assertThat(status.at("/properties/conditions/type").asText()).isEqualTo("array");
    assertThat(fieldNames(condition.path("properties"))).contains("type", "status", "reason", "lastUpdateTime",
        "lastTransitionTime");
    assertThat(condition.at("/properties/lastUpdateTime/format").asText()).isEqualTo("date-time");
    assertThat(condition.at("/properties/lastTransitionTime/format").asText()).isEqualTo("date-time");
    assertThat(strings(condition.path("required"))).containsExactly("type", "status");
    JsonNode cluster = status.at("/properties/clusters/items");
    assertThat(cluster.at("/properties/name/type").asText()).isEqualTo("string");
    assertThat(cluster.at("/properties/status/type").asText()).isEqualTo("string");
    assertThat(cluster.at("/properties/remoteStatus/type").asText()).isEqualTo("object");
    assertThat(cluster.at("/properties/remoteStatus/x-kubernetes-preserve-unknown-fields").asBoolean()).isTrue();
    assertThat(strings(cluster.path("required"))).containsExactly("name");
    assertThat(status.at("/properties/observedGeneration/type").asText()).isEqualTo("integer");
    assertThat(status.at("/properties/observedGeneration/format").asText()).isEqualTo("int64");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  @DisplayName("the schema is structural, as the API server checks it")
  void schemaIsStructural(FederatedTypeConfig config) {
    List<String> problems = new ArrayList<>();

    Structural.check(schema(FederatedCrds.crd(config)), "openAPIV3Schema", problems);

    assertThat(problems).isEmpty();
  }

  @Test
  @DisplayName("the structural checker itself finds missing types, arrays without items and stray keywords")
  void structuralCheckerFindsProblems() {
    JsonNode bad = documents("""
        type: object
        properties:
          untyped: {description: no type}
          preserved: {x-kubernetes-preserve-unknown-fields: true}
          list: {type: array}
          both: {type: object, properties: {a: {type: string}}, additionalProperties: {type: string}}
          wrong: {type: map}
          req: {type: object, properties: {a: {type: string}}, required: [b]}
          nested: {type: object, properties: {deep: {type: array, items: {properties: {x: {type: string}}}}}}
        """).get(0);
    List<String> problems = new ArrayList<>();

    Structural.check(bad, "root", problems);

    assertThat(problems).containsExactlyInAnyOrder(
        "root.properties.untyped: no type",
        "root.properties.list: an array needs items",
        "root.properties.both: properties and additionalProperties are exclusive",
        "root.properties.wrong: type map is not an OpenAPI type",
        "root.properties.req: required b is not a property",
        "root.properties.nested.properties.deep.items: no type");
  }

  @Test
  @DisplayName("metadata at the root is a plain object, which is all the API server allows there")
  void rootMetadataIsPlainObject() {
    JsonNode metadata = schema(FederatedCrds.crd(FederatedTypeConfig.forTarget(TASK_RUNS))).at("/properties/metadata");

    assertThat(metadata.path("type").asText()).isEqualTo("object");
    assertThat(metadata.size()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  @DisplayName("enable gives the CRD then the FederatedTypeConfig, which KubeFedYaml reads back as the same config")
  void enableReadsBack(FederatedTypeConfig config) {
    List<ObjectNode> enabled = FederatedCrds.enable(config);

    assertThat(enabled).hasSize(2);
    assertThat(enabled.get(0)).isEqualTo(FederatedCrds.crd(config));
    String yaml = KubeFedYaml.writeYaml(List.of(enabled.get(1)));
    KubeFedBundle bundle = KubeFedYaml.read("enable.yaml", yaml, TypeRegistry.builtIn());

    FederatedTypeConfig read = bundle.typeConfigs().get(0);
    assertThat(read.name()).isEqualTo(config.name());
    assertThat(read.target()).isEqualTo(withoutShortNames(config.target()));
    assertThat(read.federated()).isEqualTo(withoutShortNames(config.federated()));
    assertThat(read.propagationEnabled()).isTrue();
    assertThat(bundle.registry().forFederated(config.federated().apiVersion(), config.federated().kind()))
        .contains(read);
  }

  @Test
  @DisplayName("the whole enable output is YAML that kubectl apply reads: CRD then FederatedTypeConfig")
  void enableOutputAsYaml() {
    String yaml = KubeFedYaml.writeYaml(FederatedCrds.enable(FederatedTypeConfig.forTarget(TASK_RUNS)));

    List<JsonNode> docs = documents(yaml);
    assertThat(docs).extracting(d -> d.path("kind").asText())
        .containsExactly("CustomResourceDefinition", "FederatedTypeConfig");
    assertThat(docs.get(0).at("/metadata/name").asText()).isEqualTo("federatedtaskruns.types.kubefed.io");
    assertThat(docs.get(1).at("/metadata/name").asText()).isEqualTo("taskruns.tekton.dev");
    assertThat(docs.get(1).at("/spec/federatedType/kind").asText()).isEqualTo("FederatedTaskRun");
    assertThat(docs.get(1).at("/spec/targetType/group").asText()).isEqualTo("tekton.dev");
    assertThat(docs.get(1).at("/spec/propagation").asText()).isEqualTo("Enabled");
  }

  private static ResourceType withoutShortNames(ResourceType type) {
    return new ResourceType(type.group(), type.version(), type.kind(), type.plural(), type.scope(), List.of());
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.properties().forEach(e -> names.add(e.getKey()));
    return names;
  }

  /**
   * The API server's structural-schema rules that a generated CRD can break: every node under properties, items
   * and additionalProperties has a type unless it preserves unknown fields (or is int-or-string); arrays have
   * items; properties and additionalProperties are exclusive; required names are properties.
   */
  static final class Structural {
    private static final Set<String> TYPES = Set.of("object", "array", "string", "integer", "number", "boolean");

    private Structural() {}

    static void check(JsonNode node, String path, List<String> problems) {
      boolean preserves = node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
          || node.path("x-kubernetes-int-or-string").asBoolean(false);
      String type = node.path("type").asText("");
      if (type.isEmpty()) {
        if (!preserves) {
          problems.add(path + ": no type");
        }
      } else if (!TYPES.contains(type)) {
        problems.add(path + ": type " + type + " is not an OpenAPI type");
      }
      if (node.has("x-kubernetes-preserve-unknown-fields")
          && !node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
        problems.add(path + ": x-kubernetes-preserve-unknown-fields may only be true");
      }
      if (type.equals("array") && !node.has("items")) {
        problems.add(path + ": an array needs items");
      }
      if (node.has("properties") && node.has("additionalProperties")) {
        problems.add(path + ": properties and additionalProperties are exclusive");
      }
      for (JsonNode required : node.path("required")) {
        if (!node.path("properties").has(required.asText())) {
          problems.add(path + ": required " + required.asText() + " is not a property");
        }
      }
      node.path("properties").properties().forEach(e ->
          check(e.getValue(), path + ".properties." + e.getKey(), problems));
      if (node.path("items").isObject()) {
        check(node.path("items"), path + ".items", problems);
      }
      if (node.path("additionalProperties").isObject()) {
        check(node.path("additionalProperties"), path + ".additionalProperties", problems);
      }
    }
  }
}
