package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleetfed join, clusters, cordon, drain, uncordon, unjoin} with a host cluster, run as processes on the
 * shaded jar against an in-process fleet: dev1 is the host, dev2 joins it.
 */
@Tag("real-api-servers")
@EnableFleetSandbox(clusters = {"dev1", "dev2"})   // on real servers, pooled with SecretsAtTraceIT's
class MembershipCommandsIT {
  private static final String NAMESPACE = "kube-federation-system";
  private static final ResourceDefinitionContext KUBEFED_CLUSTERS = new ResourceDefinitionContext.Builder()
      .withGroup("core.kubefed.io").withVersion("v1beta1").withKind("KubeFedCluster").withPlural("kubefedclusters")
      .withNamespaced(true).build();

  @TempDir
  static Path dir;

  /** Started for the class by {@code @EnableFleetSandbox}. */
  static FleetSandbox sandbox;

  @BeforeAll
  static void files() throws IOException {
    Files.writeString(dir.resolve("settings.yaml"), """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedConfigMap
        metadata: {name: settings, namespace: ci}
        spec:
          placement:
            clusterSelector:
              matchLabels: {env: ci}
          template:
            data: {level: high}
        """);
  }

  private static FleetfedJar.Result fleetfed(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--kubeconfig", sandbox.kubeconfig().toString()));
    return FleetfedJar.run(dir, all.toArray(String[]::new));
  }

  private static KubernetesClient client(String cluster) {
    return sandbox.cluster(cluster).client();
  }

  private static GenericKubernetesResource kubeFedCluster(String name) {
    return client("dev1").genericKubernetesResources(KUBEFED_CLUSTERS).inNamespace(NAMESPACE).withName(name).get();
  }

  private static Map<String, String> annotations(GenericKubernetesResource resource) {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }

  @Test
  @DisplayName("join dev2 to host dev1, list it, place on it, cordon, drain, uncordon and unjoin it")
  void membership() {
    FleetfedJar.Result join = fleetfed("join", "dev2", "--host-cluster-context", "dev1", "--label", "env=ci");

    assertThat(join.exitCode()).isZero();
    assertThat(join.stderr()).isEmpty();
    assertThat(join.stdout()).contains("dev2: ServiceAccount kube-federation-system/dev2-dev1\n",
        "dev1: KubeFedCluster kube-federation-system/dev2\n").endsWith("cluster dev2 joined host cluster dev1: Ready"
        + " (/healthz responded with ok)\n");
    GenericKubernetesResource registered = kubeFedCluster("dev2");
    assertThat(registered).isNotNull();
    assertThat(registered.getMetadata().getLabels()).containsEntry("env", "ci");
    assertThat(client("dev2").serviceAccounts().inNamespace(NAMESPACE).withName("dev2-dev1").get()).isNotNull();

    FleetfedJar.Result clusters = fleetfed("clusters", "--host-cluster-context", "dev1");

    assertThat(clusters.exitCode()).isZero();
    assertThat(clusters.stdout()).isEqualTo("NAME   READY   OFFLINE   CORDONED   DRAINED   JOINED   MESSAGE\n"
        + "dev2   True    False     False      False     True     /healthz responded with ok\n");
    assertThat(fleetfed("clusters", "--context", "dev1").stdout()).as("--context, kubectl's spelling")
        .isEqualTo(clusters.stdout());

    FleetfedJar.Result twice = fleetfed("join", "dev2", "--host-cluster-context", "dev1");

    assertThat(twice.exitCode()).isEqualTo(2);
    assertThat(twice.stdout()).isEmpty();
    assertThat(twice.stderr()).isEqualTo("error: cluster dev2 is already joined to host cluster dev1 (KubeFedCluster"
        + " kube-federation-system/dev2); unjoin it first\n");

    FleetfedJar.Result apply = fleetfed("apply", "-f", "settings.yaml", "--host-cluster-context", "dev1");

    assertThat(apply.exitCode()).isZero();
    assertThat(apply.stdout()).isEqualTo("FederatedConfigMap/ci/settings: dev2 created\n");
    assertThat(client("dev2").configMaps().inNamespace("ci").withName("settings").get()).isNotNull();

    FleetfedJar.Result cordon = fleetfed("cordon", "dev2", "--host-cluster-context", "dev1");

    assertThat(cordon.exitCode()).isZero();
    assertThat(cordon.stdout()).isEqualTo("cluster/dev2 cordoned\n");
    assertThat(annotations(kubeFedCluster("dev2"))).containsEntry("fleetfed.io/cordoned", "true");

    client("dev2").configMaps().inNamespace("ci").resource(new ConfigMapBuilder().withNewMetadata()
        .withName("labelled-by-hand").addToLabels("fleetfed.io/managed", "true").endMetadata().build()).create();
    FleetfedJar.Result drain = fleetfed("drain", "dev2", "--host-cluster-context", "dev1");

    assertThat(drain.exitCode()).isZero();
    assertThat(drain.stdout()).isEqualTo("cluster/dev2 drained: 1 object removed\n");
    assertThat(drain.stderr()).startsWith("draining dev2").contains("\nwarning: dev2: left alone ConfigMap"
        + " ci/labelled-by-hand: not fleetfed's copy: it has fleetfed's label but no fleetfed.io/source annotation\n");
    assertThat(client("dev2").configMaps().inNamespace("ci").withName("labelled-by-hand").get()).isNotNull();
    assertThat(client("dev2").configMaps().inNamespace("ci").withName("settings").get()).isNull();
    assertThat(annotations(kubeFedCluster("dev2"))).containsEntry("fleetfed.io/drained", "true");

    FleetfedJar.Result uncordon = fleetfed("uncordon", "dev2", "--host-cluster-context", "dev1");

    assertThat(uncordon.exitCode()).isZero();
    assertThat(uncordon.stdout()).isEqualTo("cluster/dev2 uncordoned\n");
    assertThat(annotations(kubeFedCluster("dev2"))).doesNotContainKeys("fleetfed.io/cordoned", "fleetfed.io/drained");

    FleetfedJar.Result unjoin = fleetfed("unjoin", "dev2", "--host-cluster-context", "dev1");

    assertThat(unjoin.exitCode()).isZero();
    assertThat(unjoin.stderr()).isEmpty();
    assertThat(unjoin.stdout()).isEqualTo("cluster dev2 unjoined from host cluster dev1\n");
    assertThat(kubeFedCluster("dev2")).isNull();
    assertThat(client("dev2").serviceAccounts().inNamespace(NAMESPACE).withName("dev2-dev1").get()).isNull();
  }

  @Test
  @DisplayName("cordon without a host cluster, or of a cluster that is not a member, is invalid input")
  void cordonNeedsHostAndMember() {
    FleetfedJar.Result noHost = fleetfed("cordon", "dev2");

    assertThat(noHost.exitCode()).isEqualTo(2);
    assertThat(noHost.stdout()).isEmpty();
    assertThat(noHost.stderr()).startsWith("error: cordon needs --host-cluster-context");

    FleetfedJar.Result unknown = fleetfed("drain", "dev9", "--clusters", "dev1,dev2");

    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.stdout()).isEmpty();
    assertThat(unknown.stderrLines()).last().isEqualTo("error: cluster dev9 is not a member of the fleet of the"
        + " contexts dev1, dev2; its members are [dev1, dev2]");
  }
}
