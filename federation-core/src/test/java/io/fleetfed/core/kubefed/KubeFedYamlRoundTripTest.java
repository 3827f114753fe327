package io.fleetfed.core.kubefed;

import static io.fleetfed.core.kubefed.Fixtures.TASK_RUNS;
import static io.fleetfed.core.kubefed.Fixtures.documents;
import static io.fleetfed.core.kubefed.Fixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.model.ClusterOverride;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.LabelSelector;
import io.fleetfed.core.model.OverrideOp;
import io.fleetfed.core.model.SelectorOperator;
import io.fleetfed.core.model.SelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Writing what {@link KubeFedYaml#read} read gives the same content back. */
class KubeFedYamlRoundTripTest {
  /** The built-in types plus Tekton's TaskRun, which the scenario's taskrun.yaml needs. */
  private static final TypeRegistry TYPES = TypeRegistry.builtIn().with(TASK_RUNS);

  private static KubeFedBundle read(String path) {
    return KubeFedYaml.read(path, resource(path), TYPES);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/scenario/scenario.yaml", "/scenario/taskrun.yaml", "/scenario/clusters.yaml",
      "/kubefed/roundtrip/deployment.yaml", "/kubefed/roundtrip/clusterrole.yaml",
      "/kubefed/roundtrip/configmap.yaml", "/kubefed/roundtrip/typeconfig.yaml", "/kubefed/roundtrip/cluster.yaml",
      "/kubefed/normalise-input.yaml"})
  @DisplayName("read(write(read(x))) equals read(x)")
  void rereadingWhatWasWrittenGivesEqualDocuments(String path) {
    KubeFedBundle first = read(path);
    String written = KubeFedYaml.write(first.documents(), first.registry());
    KubeFedBundle second = KubeFedYaml.read("written " + path, written, TYPES);

    assertThat(first.documents()).isNotEmpty();
    assertThat(second.documents()).isEqualTo(first.documents());
    assertThat(second.registry().all()).isEqualTo(first.registry().all());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/scenario/scenario.yaml", "/scenario/taskrun.yaml", "/scenario/clusters.yaml",
      "/kubefed/roundtrip/deployment.yaml", "/kubefed/roundtrip/clusterrole.yaml",
      "/kubefed/roundtrip/configmap.yaml", "/kubefed/roundtrip/typeconfig.yaml", "/kubefed/roundtrip/cluster.yaml"})
  @DisplayName("for canonical input, the written YAML has the input's JSON trees, document by document")
  void canonicalInputIsWrittenBackAsTheSameTrees(String path) {
    KubeFedBundle bundle = read(path);
    String written = KubeFedYaml.write(bundle.documents(), bundle.registry());

    assertThat(documents(written)).isEqualTo(documents(resource(path)));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/kubefed/roundtrip/deployment.yaml", "/kubefed/roundtrip/configmap.yaml",
      "/kubefed/roundtrip/cluster.yaml", "/kubefed/normalise-input.yaml"})
  @DisplayName("writing is stable: writing what was read from written YAML gives the same text")
  void writingIsStable(String path) {
    KubeFedBundle first = read(path);
    String once = KubeFedYaml.write(first.documents(), first.registry());
    KubeFedBundle second = KubeFedYaml.read("once", once, TYPES);

    assertThat(KubeFedYaml.write(second.documents(), second.registry())).isEqualTo(once);
  }

  @Test
  @DisplayName("toTree gives each document's tree exactly as write writes it, each document after '---'")
  void toTreeMatchesWrite() {
    KubeFedBundle bundle = read("/kubefed/roundtrip/typeconfig.yaml");
    String written = KubeFedYaml.write(bundle.documents(), bundle.registry());

    List<JsonNode> trees = documents(written);
    assertThat(trees).hasSize(bundle.documents().size());
    for (int i = 0; i < trees.size(); i++) {
      assertThat((JsonNode) KubeFedYaml.toTree(bundle.documents().get(i), bundle.registry())).isEqualTo(trees.get(i));
    }
    assertThat(written).startsWith("---\n");
    assertThat(written.split("(?m)^---$", -1)).hasSize(bundle.documents().size() + 1);
  }

  @Test
  @DisplayName("server-filled metadata and status are dropped, op replace is left out, labels are sorted, defaults"
      + " are written")
  void normalisesWhatKubectlPrints() {
    KubeFedBundle bundle = read("/kubefed/normalise-input.yaml");
    String written = KubeFedYaml.write(bundle.documents(), bundle.registry());

    assertThat(documents(written)).isEqualTo(documents(resource("/kubefed/normalise-expected.yaml")));
    assertThat(written.indexOf("alpha: first")).isLessThan(written.indexOf("zeta: last"));
  }

  @Test
  @DisplayName("the rich FederatedDeployment reads into the model field by field")
  void deploymentReadsIntoTheModel() {
    FederatedResource builder = read("/kubefed/roundtrip/deployment.yaml").resources().get(0);

    assertThat(builder.type()).isEqualTo(BuiltInTypes.DEPLOYMENTS);
    assertThat(builder.describe()).isEqualTo("FederatedDeployment ci/builder");
    assertThat(builder.labels()).containsExactly(Map.entry("app.kubernetes.io/name", "builder"),
        Map.entry("enabled", "true"), Map.entry("tier", "2"));
    assertThat(builder.annotations()).containsExactly(Map.entry("fleetfed.io/owner", "platform team: builds #42"),
        Map.entry("note", "yes"));
    assertThat(builder.placement().clusters()).isEmpty();
    LabelSelector selector = builder.placement().clusterSelector().orElseThrow();
    assertThat(selector.matchLabels()).containsExactly(Map.entry("pipelines", "true"),
        Map.entry("region", "eu-west-1"));
    assertThat(selector.matchExpressions()).containsExactly(
        SelectorRequirement.in("security", "high", "medium"),
        SelectorRequirement.notIn("env", "prod"),
        SelectorRequirement.exists("fleetfed.io/gpu"),
        SelectorRequirement.doesNotExist("maintenance"));
    assertThat(selector.matchExpressions()).extracting(SelectorRequirement::operator)
        .containsExactly(SelectorOperator.values());
    assertThat(builder.overridesFor("dev2-context")).containsExactly(
        ClusterOverride.replace("/spec/replicas", 5),
        ClusterOverride.add("/spec/template/spec/nodeSelector/zone", "a"),
        ClusterOverride.remove("/spec/template/spec/tolerations"),
        ClusterOverride.replace("/metadata/labels/tier~1name", "build"));
    assertThat(builder.overridesFor("dev3")).extracting(ClusterOverride::op)
        .containsExactly(OverrideOp.ADD, OverrideOp.REPLACE, OverrideOp.REPLACE);
    assertThat(builder.overridesFor("dev3").get(1).value().orElseThrow().at("/limits/memory").asText())
        .isEqualTo("8Gi");
    assertThat(builder.overridesFor("dev3").get(2).value()).contains(JsonNodeFactory.instance.objectNode());
    assertThat(builder.retainReplicas()).isTrue();
    assertThat(builder.template().at("/spec/template/spec/containers/0/resources/limits/cpu").isInt()).isTrue();
    assertThat(builder.template().at("/spec/template/spec/containers/0/env/0/value").asText()).isEqualTo("0.5");
  }

  @Test
  @DisplayName("a FederatedClusterRole is cluster-scoped: it reads and writes without a namespace")
  void clusterRoleHasNoNamespace() {
    KubeFedBundle bundle = read("/kubefed/roundtrip/clusterrole.yaml");
    FederatedResource role = bundle.resources().get(0);

    assertThat(role.type()).isEqualTo(BuiltInTypes.CLUSTER_ROLES);
    assertThat(role.namespace()).isEmpty();
    assertThat(role.name()).isEqualTo("system:fleetfed:pipeline-reader");
    assertThat(role.describe()).isEqualTo("FederatedClusterRole system:fleetfed:pipeline-reader");
    assertThat(role.placement().clusters()).contains(List.of("dev1", "dev2"));
    assertThat(role.placement().clusterSelector()).contains(LabelSelector.everything());
    ObjectNode tree = KubeFedYaml.toTree(bundle.documents().get(0), bundle.registry());
    assertThat(tree.path("metadata").has("namespace")).isFalse();
  }

  @Test
  @DisplayName("every ConfigMap value stays the string it was, whatever YAML would make of it unquoted")
  void configMapValuesStayStrings() {
    String path = "/kubefed/roundtrip/configmap.yaml";
    JsonNode expected = documents(resource(path)).get(0).at("/spec/template/data");
    KubeFedBundle bundle = read(path);
    String written = KubeFedYaml.write(bundle.documents(), bundle.registry());
    JsonNode actual = KubeFedYaml.read("written", written, TYPES).resources().get(0).template().get("data");

    assertThat(expected.size()).isGreaterThan(40);
    expected.properties().forEach(e -> {
      assertThat(e.getValue().isTextual()).as("fixture value %s", e.getKey()).isTrue();
      assertThat(actual.get(e.getKey())).as("value of %s", e.getKey()).isEqualTo(e.getValue());
    });
    assertThat(actual.size()).isEqualTo(expected.size());
  }

  @Test
  @DisplayName("a YAML 1.1 reader (as kubectl's) reads every written ConfigMap key and value as the same string")
  void configMapValuesAreStringsForYaml11Readers() {
    String path = "/kubefed/roundtrip/configmap.yaml";
    JsonNode expected = documents(resource(path)).get(0).at("/spec/template/data");
    KubeFedBundle bundle = read(path);
    String written = KubeFedYaml.write(bundle.documents(), bundle.registry());

    Map<?, ?> document = new Yaml(new SafeConstructor(new LoaderOptions())).load(written);
    Map<?, ?> data = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) document.get("spec")).get("template")).get("data");
    expected.properties().forEach(e -> assertThat(data.get(e.getKey())).as("value of %s", e.getKey())
        .isEqualTo(e.getValue().asText()));
    assertThat(data.keySet()).allSatisfy(key -> assertThat(key).isInstanceOf(String.class));
    assertThat(data).hasSize(expected.size());
  }

  @Test
  @DisplayName("FederatedTypeConfigs read into the model with every spec field, and register their types")
  void typeConfigsReadIntoTheModel() {
    KubeFedBundle bundle = KubeFedYaml.read("typeconfig.yaml", resource("/kubefed/roundtrip/typeconfig.yaml"),
        TypeRegistry.builtIn());

    FederatedTypeConfig taskRuns = bundle.typeConfigs().get(0);
    assertThat(taskRuns.name()).isEqualTo("taskruns.tekton.dev");
    assertThat(taskRuns.target()).isEqualTo(TASK_RUNS);
    assertThat(taskRuns.propagationEnabled()).isTrue();
    assertThat(taskRuns.statusCollectionEnabled()).isTrue();
    assertThat(taskRuns.statusType()).contains("TaskRunStatus");
    FederatedTypeConfig configMaps = bundle.typeConfigs().get(1);
    assertThat(configMaps.propagationEnabled()).isFalse();
    assertThat(configMaps.statusType()).isEmpty();
    assertThat(bundle.registry().byName("configmaps")).contains(configMaps);
    assertThat(bundle.resources()).singleElement().satisfies(r -> assertThat(r.type()).isEqualTo(TASK_RUNS));
  }

  @Test
  @DisplayName("KubeFedClusters read into the model with spec, status conditions and Kubernetes version")
  void clustersReadIntoTheModel() {
    List<KubeFedCluster> clusters = read("/kubefed/roundtrip/cluster.yaml").kubeFedClusters();

    KubeFedCluster dev2 = clusters.get(0);
    assertThat(dev2.labels()).containsExactly(Map.entry("pipelines", "true"), Map.entry("security", "high"));
    assertThat(dev2.apiEndpoint()).contains("https://10.0.0.2:6443");
    assertThat(dev2.secretName()).contains("dev2-context-x7k2p");
    assertThat(dev2.disabledTlsValidations()).containsExactly("*");
    assertThat(dev2.proxyUrl()).contains("http://proxy.example.com:3128");
    assertThat(dev2.conditions()).containsExactly(
        new ClusterCondition("Ready", "True", Optional.of("ClusterReady"), Optional.of("/healthz responded with ok"),
            Optional.of("2024-05-01T10:00:00Z"), Optional.of("2024-05-01T09:00:00Z")),
        new ClusterCondition("Offline", "False", Optional.of("ClusterReachable"),
            Optional.of("cluster is reachable"), Optional.of("2024-05-01T10:00:00Z"),
            Optional.of("2024-05-01T09:00:00Z")));
    assertThat(dev2.kubernetesVersion()).contains("v1.27.3");
    assertThat(dev2.ready()).isTrue();
    KubeFedCluster dev3 = clusters.get(1);
    assertThat(dev3.namespace()).isEqualTo("federation");
    assertThat(dev3.hasStatus()).isFalse();
    assertThat(dev3.ready()).isTrue();
    KubeFedCluster dev4 = clusters.get(2);
    assertThat(dev4.hasStatus()).isTrue();
    assertThat(dev4.conditions()).isEmpty();
    assertThat(dev4.ready()).as("a status without Ready=True is not Ready").isFalse();
  }

  @Test
  @DisplayName("a federated object whose type the registry lacks is still written with KubeFed's conventional kind")
  void writesUnregisteredTypesConventionally() {
    KubeFedBundle bundle = read("/scenario/taskrun.yaml");
    ObjectNode tree = KubeFedYaml.toTree(bundle.documents().get(0), TypeRegistry.builtIn());

    assertThat(tree.path("apiVersion").asText()).isEqualTo("types.kubefed.io/v1beta1");
    assertThat(tree.path("kind").asText()).isEqualTo("FederatedTaskRun");
    assertThat(KubeFedYaml.write(bundle.documents())).isEqualTo(KubeFedYaml.write(bundle.documents(), TYPES));
  }

  @Test
  @DisplayName("writeYaml writes any tree, quoting strings that look like numbers, booleans or null")
  void writeYamlQuotesAmbiguousStrings() {
    ObjectNode tree = JsonNodeFactory.instance.objectNode();
    tree.put("number", 2).put("string", "2").put("flag", true).put("word", "true").put("hex", "0x1F")
        .put("plain", "nginx");

    String yaml = KubeFedYaml.writeYaml(tree);

    assertThat(yaml).contains("number: 2\n", "string: \"2\"\n", "flag: true\n", "word: \"true\"\n",
        "hex: \"0x1F\"\n", "plain: nginx\n");
    assertThat(yaml).doesNotStartWith("---");
    assertThat(documents(yaml)).containsExactly(tree);
  }
}
