package io.fleetfed.tekton;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.kubefed.FederatedCrds;
import io.fleetfed.core.kubefed.FederatedTypeConfig;
import io.fleetfed.core.kubefed.KubeFedYaml;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.model.Scope;
import io.fleetfed.core.render.Renderer;
import io.fleetfed.core.render.ResourceRendering;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TektonTypesTest {

  @Test
  @DisplayName("the standard registry discovers every Tekton kind through ServiceLoader")
  void standardRegistryHasEveryTektonKind() {
    TypeRegistry standard = TypeRegistry.standard();

    List<String> kinds = standard.all().stream().map(c -> c.federated().kind()).collect(Collectors.toList());
    assertThat(kinds).contains("FederatedTask", "FederatedTaskRun", "FederatedPipeline", "FederatedPipelineRun",
        "FederatedStepAction", "FederatedCustomRun", "FederatedClusterTask", "FederatedCondition",
        "FederatedPipelineResource", "FederatedRun");
    assertThat(TypeRegistry.builtIn().forFederated("types.kubefed.io/v1beta1", "FederatedTaskRun")).isEmpty();
  }

  @Test
  @DisplayName("ClusterTask is cluster-scoped, the legacy kinds keep their last versions")
  void legacyKinds() {
    TypeRegistry standard = TypeRegistry.standard();

    assertThat(standard.lookup("clustertasks").target().scope()).isEqualTo(Scope.CLUSTER);
    assertThat(standard.lookup("clustertasks").federated().scope()).isEqualTo(Scope.CLUSTER);
    assertThat(standard.lookup("conditions.tekton.dev").target().apiVersion()).isEqualTo("tekton.dev/v1alpha1");
    assertThat(standard.lookup("pipelineresources").target().apiVersion()).isEqualTo("tekton.dev/v1alpha1");
    assertThat(standard.lookup("runs").target().apiVersion()).isEqualTo("tekton.dev/v1alpha1");
    assertThat(standard.lookup("tr").target()).isEqualTo(TektonTypes.TASK_RUN);
    assertThat(standard.lookup("prs").target()).isEqualTo(TektonTypes.PIPELINE_RUN);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tasks", "taskruns", "pipelines", "pipelineruns", "stepactions", "customruns",
      "clustertasks", "conditions", "pipelineresources", "runs"})
  @DisplayName("enabling a Tekton kind gives a federated CRD that keeps spec.template")
  void enableKeepsTemplate(String type) {
    FederatedTypeConfig config = TypeRegistry.standard().lookup(type);
    List<ObjectNode> docs = FederatedCrds.enable(config);

    ObjectNode crd = docs.get(0);
    assertThat(crd.at("/metadata/name").asText()).isEqualTo("federated" + type + ".types.kubefed.io");
    ObjectNode template = (ObjectNode) crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/template");
    assertThat(template.path("type").asText()).isEqualTo("object");
    assertThat(template.path("x-kubernetes-preserve-unknown-fields").asBoolean()).isTrue();
    assertThat(docs.get(1).at("/spec/targetType/group").asText()).isEqualTo("tekton.dev");
  }

  @Test
  @DisplayName("the scenario's FederatedTaskRun git-clone-test renders to dev2-context only")
  void scenarioTaskRunRendersToDev2() throws IOException {
    String yaml;
    try (InputStream in = getClass().getResourceAsStream("/taskrun.yaml")) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    FederatedResource run = KubeFedYaml.read("taskrun.yaml", yaml, TypeRegistry.standard()).resources().get(0);
    ResourceRendering rendering = Renderer.render(run,
        List.of(Cluster.ready("dev1-context"), Cluster.ready("dev2-context")));

    assertThat(rendering.renderedClusters()).containsExactly("dev2-context");
    ObjectNode object = rendering.cluster("dev2-context").orElseThrow().object().orElseThrow();
    assertThat(object.at("/apiVersion").asText()).isEqualTo("tekton.dev/v1");
    assertThat(object.at("/kind").asText()).isEqualTo("TaskRun");
    assertThat(object.at("/spec/taskRef/name").asText()).isEqualTo("git-clone");
  }

  @Test
  @DisplayName("withV1beta1 renders Tekton 0.24 objects at tekton.dev/v1beta1; a template's own apiVersion wins")
  void v1beta1() {
    TypeRegistry v1beta1 = TektonTypes.withV1beta1(TypeRegistry.standard());
    ResourceType taskRun = v1beta1.lookup("taskruns").target();
    assertThat(taskRun.apiVersion()).isEqualTo("tekton.dev/v1beta1");

    FederatedResource pinned = FederatedResource.builder(TektonTypes.TASK_RUN).namespace("ci").name("r")
        .template(Map.of("apiVersion", "tekton.dev/v1beta1", "spec", Map.of()))
        .placement(io.fleetfed.core.model.Placement.clusters("dev2")).build();
    assertThat(Renderer.renderFor(pinned, "dev2").at("/apiVersion").asText()).isEqualTo("tekton.dev/v1beta1");
  }
}
