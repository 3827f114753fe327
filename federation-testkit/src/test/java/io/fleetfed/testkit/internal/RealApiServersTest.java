package io.fleetfed.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fleetfed.core.cluster.ResourceContexts;
import io.fleetfed.core.kubefed.FederatedCrds;
import io.fleetfed.core.kubefed.FederatedTypeConfig;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.testkit.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real API servers over one etcd: each is a cluster of its own, reached only with its token over its certificate.
 * Runs where {@code testkit-apiserver/build.sh} built the binaries (or {@code KUBEBUILDER_ASSETS} names them), and
 * says it was skipped elsewhere.
 */
class RealApiServersTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @DisplayName("two API servers over one etcd are two clusters; a wrong token is refused; closing stops them all")
  void twoClustersOverOneEtcd(@TempDir Path dir) {
    Path assets = RealAssets.orSkip();
    RealApiServers.Server dev1;
    RealApiServers.Server dev2;
    List<ProcessHandle> processes;
    try (RealApiServers servers = RealApiServers.start(assets, dir)) {
      long start = System.nanoTime();
      dev1 = servers.add("dev1");
      dev2 = servers.add("dev2");
      System.out.printf("two real API servers serving %.1f s after they started; RSS %s and %s, etcd %s%n",
          (System.nanoTime() - start) / 1e9, dev1.residentBytes().map(RealApiServersTest::mib).orElse("?"),
          dev2.residentBytes().map(RealApiServersTest::mib).orElse("?"),
          servers.etcdResidentBytes().map(RealApiServersTest::mib).orElse("?"));
      assertThat(dev1.url()).startsWith("https://127.0.0.1:");
      assertThat(dev1.caPem()).startsWith("-----BEGIN CERTIFICATE-----");

      try (KubernetesClient one = new KubernetesClientBuilder().withConfig(dev1.config()).build();
          KubernetesClient two = new KubernetesClientBuilder().withConfig(dev2.config()).build()) {
        one.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("ci").endMetadata().build())
            .create();
        one.configMaps().inNamespace("ci").resource(new ConfigMapBuilder().withNewMetadata().withName("only-here")
            .withNamespace("ci").endMetadata().addToData("k", "v").build()).create();
        assertThat(one.configMaps().inNamespace("ci").withName("only-here").get().getData()).containsEntry("k", "v");
        assertThat(two.namespaces().withName("ci").get()).as("dev2 is another cluster").isNull();
        // a real API server refuses what the mock accepts: an object in a namespace that does not exist
        assertThatThrownBy(() -> two.configMaps().inNamespace("nowhere").resource(new ConfigMapBuilder()
            .withNewMetadata().withName("x").withNamespace("nowhere").endMetadata().build()).create())
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
      }
      try (KubernetesClient stranger = new KubernetesClientBuilder()
          .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(dev1.config()).withOauthToken("not-the-token")
              .build()).build()) {
        assertThatThrownBy(() -> stranger.namespaces().list())
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(401));
      }
      processes = servers.processes();
      assertThat(processes).hasSize(3).allMatch(ProcessHandle::isAlive);   // etcd and two API servers
    }
    assertThat(processes).noneMatch(ProcessHandle::isAlive);
  }

  private static String mib(long bytes) {
    return bytes / (1024 * 1024) + " MiB";
  }

  @Test
  @DisplayName("the scenario's trap on a real server: a federated CRD without spec.template (kubefedctl's, for a CRD"
      + " target with no schema properties) loses the template on create; fleetfed's keeps it")
  void prunedTemplate(@TempDir Path dir) {
    Path assets = RealAssets.orSkip();
    try (RealApiServers servers = RealApiServers.start(assets, dir);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(servers.add("host").config()).build()) {
      ResourceType widgets = ResourceType.namespaced("example.com", "v1", "Widget", "widgets");
      FederatedTypeConfig config = FederatedTypeConfig.forTarget(widgets);
      // fleetfed's federated CRD for the type, and kubefedctl's for a target whose schema lists no properties
      ObjectNode ours = FederatedCrds.crd(config);
      ObjectNode kubefedctl = ours.deepCopy();
      ((ObjectNode) kubefedctl.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties"))
          .remove("template");
      ((ObjectNode) kubefedctl.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec")).remove(
          "x-kubernetes-preserve-unknown-fields");
      ((ObjectNode) kubefedctl.at("/spec/names")).put("plural", "kfwidgets").put("kind", "KfWidget")
          .put("listKind", "KfWidgetList").put("singular", "kfwidget").remove("shortNames");
      ((ObjectNode) kubefedctl.path("metadata")).put("name", "kfwidgets." + FederatedTypeConfig.FEDERATED_GROUP);
      for (ObjectNode crd : List.of(ours, kubefedctl)) {
        client.apiextensions().v1().customResourceDefinitions().resource(JSON.convertValue(crd,
            io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class)).create();
      }
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("ci").endMetadata().build())
          .create();

      ObjectNode kept = createFederated(client, config.federated(), "kept");
      ResourceType kfType = ResourceType.namespaced(FederatedTypeConfig.FEDERATED_GROUP,
          FederatedTypeConfig.FEDERATED_VERSION, "KfWidget", "kfwidgets");
      ObjectNode lost = createFederated(client, kfType, "lost");

      assertThat(kept.at("/spec/template/spec/size").asInt()).as("fleetfed's CRD keeps the template").isEqualTo(3);
      assertThat(lost.at("/spec/template").isMissingNode()).as("kubefedctl's CRD: the template is pruned").isTrue();
      assertThat(lost.at("/spec/placement/clusters/0/name").asText()).isEqualTo("dev2");
    }
  }

  private static ObjectNode createFederated(KubernetesClient client, ResourceType type, String name) {
    ObjectNode o = JSON.createObjectNode().put("apiVersion", type.apiVersion()).put("kind", type.kind());
    o.putObject("metadata").put("name", name).put("namespace", "ci");
    ObjectNode spec = o.putObject("spec");
    spec.putObject("template").putObject("spec").put("size", 3);
    spec.putObject("placement").putArray("clusters").addObject().put("name", "dev2");
    // the CRD was just created: the API server serves its type a moment later
    Await.until(Duration.ofSeconds(30), type.kind() + " served", () -> {
      try {
        client.genericKubernetesResources(ResourceContexts.of(type)).inNamespace("ci")
            .resource(JSON.convertValue(o, GenericKubernetesResource.class)).create();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
        return false;
      }
    });
    return JSON.convertValue(client.genericKubernetesResources(ResourceContexts.of(type)).inNamespace("ci")
        .withName(name).get(), ObjectNode.class);
  }
}
