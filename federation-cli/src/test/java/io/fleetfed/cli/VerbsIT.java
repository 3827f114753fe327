package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.core.cluster.ResourceContexts;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetfed enable --apply} then {@code fleetfed federate}, run as processes on the shaded jar. */
@EnableFleetSandbox(clusters = {"host"})
class VerbsIT {
  @TempDir
  static Path dir;

  /** Started for the class by {@code @EnableFleetSandbox}. */
  static FleetSandbox sandbox;

  @BeforeAll
  static void kubefed() {
    sandbox.cluster("host").registerCrds(CliSandbox.kubefedCrds());
    sandbox.cluster("host").client().resourceList("""
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop, labels: {app: web}}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: nginx}]}
        """).create();
  }

  private static FleetfedJar.Result fleetfed(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--kubeconfig", sandbox.kubeconfig().toString(), "--context", "host"));
    return FleetfedJar.run(dir, all.toArray(String[]::new));
  }

  @Test
  @DisplayName("enable deploy --apply, then federate deployment web: the FederatedDeployment is in the host")
  void enableThenFederate() {
    FleetfedJar.Result enable = fleetfed("enable", "deploy", "--apply");
    assertThat(enable.exitCode()).as("%s", enable).isZero();
    assertThat(enable.stdout()).contains("customresourcedefinitions.apiextensions.k8s.io/"
        + "federateddeployments.types.kubefed.io created")
        .contains("kube-federation-system federatedtypeconfigs.core.kubefed.io/deployments.apps created");

    FleetfedJar.Result federate = fleetfed("federate", "deployment", "web", "-n", "shop");
    assertThat(federate.exitCode()).as("%s", federate).isZero();
    assertThat(federate.stdout()).contains("shop federateddeployments.types.kubefed.io/web created");

    KubernetesClient host = sandbox.cluster("host").client();
    GenericKubernetesResource stored = host.genericKubernetesResources(ResourceContexts.of(ResourceType.namespaced(
        "types.kubefed.io", "v1beta1", "FederatedDeployment", "federateddeployments")))
        .inNamespace("shop").withName("web").get();
    assertThat(stored).isNotNull();
    JsonNode tree = new ObjectMapper().valueToTree(stored);
    assertThat(tree.at("/spec/template/spec/replicas").asInt()).isEqualTo(2);
    assertThat(tree.at("/spec/template/metadata/labels/app").asText()).isEqualTo("web");
    assertThat(tree.at("/spec/placement/clusterSelector/matchLabels").isObject()).isTrue();

    FleetfedJar.Result again = fleetfed("enable", "deploy", "--apply");
    assertThat(again.exitCode()).as("%s", again).isZero();
    assertThat(again.stdout()).contains("federateddeployments.types.kubefed.io unchanged")
        .contains("deployments.apps unchanged");
  }
}
