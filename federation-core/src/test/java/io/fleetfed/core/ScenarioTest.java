package io.fleetfed.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.kubefed.KubeFedBundle;
import io.fleetfed.core.kubefed.KubeFedYaml;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.render.Preview;
import io.fleetfed.core.render.RenderStatus;
import io.fleetfed.core.render.ResourceRendering;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The reference scenario's own objects, read from KubeFed YAML and rendered for dev1 and dev2. */
class ScenarioTest {
  static final List<Cluster> DEV1_DEV2 = List.of(Cluster.ready("dev1-context"), Cluster.ready("dev2-context"));

  static String resource(String name) {
    try (InputStream in = ScenarioTest.class.getResourceAsStream("/scenario/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  @DisplayName("nginx-fed renders with 2 replicas on dev1 and 3 on dev2, in namespace testing-fed")
  void nginxReplicasFollowOverrides() {
    KubeFedBundle bundle = KubeFedYaml.read("scenario.yaml", resource("scenario.yaml"), TypeRegistry.builtIn());
    List<ResourceRendering> preview = Preview.render(bundle.resources(), DEV1_DEV2);

    assertThat(preview).hasSize(2);
    ResourceRendering nginx = preview.get(1);
    ObjectNode dev1 = nginx.cluster("dev1-context").orElseThrow().object().orElseThrow();
    ObjectNode dev2 = nginx.cluster("dev2-context").orElseThrow().object().orElseThrow();
    assertThat(dev1.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(dev2.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(dev1.at("/apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(dev1.at("/kind").asText()).isEqualTo("Deployment");
    assertThat(dev1.at("/metadata/name").asText()).isEqualTo("nginx-fed");
    assertThat(dev1.at("/metadata/namespace").asText()).isEqualTo("testing-fed");
    assertThat(dev1.at("/metadata/labels/app").asText()).isEqualTo("nginx");
    assertThat(dev1.at("/metadata/labels/fleetfed.io~1managed").asText()).isEqualTo("true");
    assertThat(dev1.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("nginx");
  }

  @Test
  @DisplayName("FederatedNamespace testing-fed renders as a cluster-scoped Namespace on dev1 and dev2")
  void namespaceRendersAsNamespace() {
    KubeFedBundle bundle = KubeFedYaml.read("scenario.yaml", resource("scenario.yaml"), TypeRegistry.builtIn());
    ResourceRendering ns = Preview.render(bundle.resources(), DEV1_DEV2).get(0);

    assertThat(ns.clusters()).containsOnlyKeys("dev1-context", "dev2-context");
    ObjectNode object = ns.cluster("dev1-context").orElseThrow().object().orElseThrow();
    assertThat(object.at("/apiVersion").asText()).isEqualTo("v1");
    assertThat(object.at("/kind").asText()).isEqualTo("Namespace");
    assertThat(object.at("/metadata/name").asText()).isEqualTo("testing-fed");
    assertThat(object.at("/metadata").has("namespace")).isFalse();
  }

  @Test
  @DisplayName("git-clone-test goes to dev2 only, as a Tekton TaskRun")
  void taskRunGoesToDev2Only() {
    TypeRegistry types = TypeRegistry.builtIn()
        .with(ResourceType.namespaced("tekton.dev", "v1", "TaskRun", "taskruns"));
    KubeFedBundle bundle = KubeFedYaml.read("taskrun.yaml", resource("taskrun.yaml"), types);
    ResourceRendering run = Preview.render(bundle.resources(), DEV1_DEV2).get(0);

    assertThat(run.clusters()).containsOnlyKeys("dev2-context");
    ObjectNode object = run.cluster("dev2-context").orElseThrow().object().orElseThrow();
    assertThat(object.at("/apiVersion").asText()).isEqualTo("tekton.dev/v1");
    assertThat(object.at("/kind").asText()).isEqualTo("TaskRun");
    assertThat(object.at("/spec/taskRef/name").asText()).isEqualTo("git-clone");
    assertThat(object.at("/spec/workspaces/0/name").asText()).isEqualTo("output");
    assertThat(object.at("/spec/params/0/value").asText()).isEqualTo("https://github.com/kelseyhightower/nocode");
  }

  @Test
  @DisplayName("a not-Ready cluster from the inventory is selected but reported ClusterNotReady")
  void notReadyClusterIsReported() {
    KubeFedBundle clusters = KubeFedYaml.read("clusters.yaml", resource("clusters.yaml"), TypeRegistry.builtIn());
    KubeFedBundle bundle = KubeFedYaml.read("scenario.yaml", resource("scenario.yaml"), TypeRegistry.builtIn());
    List<Cluster> inventory = clusters.clusters();
    ResourceRendering nginx = Preview.render(bundle.resources(), inventory).get(1);

    assertThat(inventory).extracting(Cluster::ready).containsExactly(true, true, false);
    assertThat(nginx.clusters()).containsOnlyKeys("dev1-context", "dev2-context");
    assertThat(nginx.cluster("dev1-context").orElseThrow().status()).isEqualTo(RenderStatus.RENDERED);
  }
}
