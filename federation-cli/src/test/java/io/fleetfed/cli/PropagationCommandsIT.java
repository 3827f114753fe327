package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;



import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleetfed clusters, apply, status, delete}, run as processes on the shaded jar against an in-process fleet
 * whose clusters are named as the reference scenario names them, so that {@code examples/scenario.yaml} is applied
 * as it is.
 */
@Tag("real-api-servers")
@EnableFleetSandbox(clusters = {"dev1-context", "dev2-context"}, resetBetweenTests = true)
class PropagationCommandsIT {
  private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
  private static final String DEV1 = "dev1-context";
  private static final String DEV2 = "dev2-context";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;

  /** Started for the class by {@code @EnableFleetSandbox}, and reset (stores wiped, counters zeroed) per test. */
  static FleetSandbox sandbox;

  /** Runs fleetfed in examples/ against the sandbox's kubeconfig. */
  private static FleetfedJar.Result fleetfed(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--kubeconfig", sandbox.kubeconfig().toString()));
    return FleetfedJar.run(EXAMPLES, all.toArray(String[]::new));
  }

  private static KubernetesClient client(String cluster) {
    return sandbox.cluster(cluster).client();
  }

  private static Deployment nginx(String cluster) {
    return client(cluster).apps().deployments().inNamespace("testing-fed").withName("nginx-fed").get();
  }

  @Test
  @DisplayName("clusters lists every context of the kubeconfig, Ready; the kubeconfig also comes from KUBECONFIG")
  void clusters() throws IOException {
    FleetfedJar.Result table = fleetfed("clusters");

    assertThat(table.exitCode()).as(table.stderr()).isZero();
    assertThat(table.stderr()).isEmpty();
    assertThat(table.stdout().split("\n")).hasSize(3);
    assertThat(table.stdout()).startsWith("NAME           READY   OFFLINE   CORDONED   DRAINED   JOINED   MESSAGE\n")
        .containsPattern("(?m)^dev1-context   True    False     False      False     False    /healthz responded with ok$")
        .containsPattern("(?m)^dev2-context   True    False     False      False     False    /healthz");

    // as kubectl does, files of KUBECONFIG that do not exist are skipped
    FleetfedJar.Result json = FleetfedJar.runWithEnvironment(dir, Map.of("KUBECONFIG",
        dir.resolve("missing") + java.io.File.pathSeparator + sandbox.kubeconfig()), "clusters", "-o", "json");

    assertThat(json.exitCode()).as(json.stderr()).isZero();
    JsonNode clusters = JSON.readTree(json.stdout()).get("clusters");
    assertThat(clusters).extracting(c -> c.get("name").asText()).containsExactly(DEV1, DEV2);
    assertThat(clusters).allMatch(c -> c.get("ready").asBoolean() && c.get("health").asText().equals("Ready")
        && !c.get("joined").asBoolean());
  }

  @Test
  @DisplayName("apply propagates the scenario (2 replicas on dev1, 3 on dev2); again, it writes nothing; status shows it")
  void applyTwiceAndStatus() throws IOException {
    FleetfedJar.Result first = fleetfed("apply", "-f", "scenario.yaml");

    assertThat(first.exitCode()).as(first.stderr()).isZero();
    assertThat(first.stderr()).isEmpty();
    assertThat(first.stdout()).isEqualTo(
        "FederatedNamespace/testing-fed/testing-fed: dev1-context created, dev2-context created\n"
            + "FederatedDeployment/testing-fed/nginx-fed: dev1-context created, dev2-context created\n");
    assertThat(nginx(DEV1).getSpec().getReplicas()).isEqualTo(2);
    assertThat(nginx(DEV2).getSpec().getReplicas()).isEqualTo(3);
    assertThat(nginx(DEV2).getMetadata().getLabels()).containsEntry("fleetfed.io/managed", "true");
    assertThat(client(DEV1).namespaces().withName("testing-fed").get()).isNotNull();

    sandbox.clusters().forEach(c -> c.resetCounts());
    FleetfedJar.Result again = fleetfed("apply", "-f", "scenario.yaml");

    assertThat(again.exitCode()).as(again.stderr()).isZero();
    assertThat(again.stdout()).isEqualTo(
        "FederatedNamespace/testing-fed/testing-fed: dev1-context unchanged, dev2-context unchanged\n"
            + "FederatedDeployment/testing-fed/nginx-fed: dev1-context unchanged, dev2-context unchanged\n");
    assertThat(sandbox.clusters()).allMatch(c -> c.writeCount() == 0);

    client(DEV1).apps().deployments().inNamespace("testing-fed").withName("nginx-fed").editStatus(d -> {
      d.setStatus(new DeploymentStatusBuilder().withReplicas(2).addNewCondition().withType("Available")
          .withStatus("True").withReason("MinimumReplicasAvailable").endCondition().build());
      return d;
    });
    FleetfedJar.Result status = fleetfed("status", "-f", "scenario.yaml");

    assertThat(status.exitCode()).as(status.stderr()).isZero();
    assertThat(status.stderr()).isEmpty();
    assertThat(status.stdout()).startsWith("OBJECT                                       CLUSTER        PLACED"
        + "   PRESENT   UP-TO-DATE   PROBLEM   STATUS\n");
    assertThat(status.stdout())
        .containsPattern("(?m)^FederatedDeployment/testing-fed/nginx-fed    dev1-context   True     True      True"
            + "         -         Available=True$")
        .containsPattern("(?m)^FederatedDeployment/testing-fed/nginx-fed    dev2-context   True     True      True"
            + "         -         -$");

    FleetfedJar.Result json = fleetfed("status", "-f", "scenario.yaml", "-o", "json");

    assertThat(json.exitCode()).as(json.stderr()).isZero();
    JsonNode deployment = JSON.readTree(json.stdout()).at("/objects/1");
    assertThat(deployment.get("object").asText()).isEqualTo("FederatedDeployment/testing-fed/nginx-fed");
    assertThat(deployment.get("converged").asBoolean()).isTrue();
    assertThat(deployment.at("/clusters/0/cluster").asText()).isEqualTo(DEV1);
    assertThat(deployment.at("/clusters/0/status").asText()).isEqualTo("Available=True");
    assertThat(deployment.at("/clusters/0/remoteStatus/replicas").asInt()).isEqualTo(2);
  }

  @Test
  @DisplayName("status shows a hand edit of a field fleetfed manages as drift, names the field, and exits 3")
  void handEditIsDrift() throws IOException {
    assertThat(fleetfed("apply", "-f", "scenario.yaml").exitCode()).isZero();
    client(DEV2).apps().deployments().inNamespace("testing-fed").withName("nginx-fed").edit(d -> {
      d.getSpec().setReplicas(7);   // as kubectl scale or patch would: the hash annotation still says 3
      return d;
    });

    FleetfedJar.Result status = fleetfed("status", "-f", "scenario.yaml");

    assertThat(status.exitCode()).as(status.stderr()).isEqualTo(3);
    assertThat(status.stdout()).containsPattern("(?m)^FederatedDeployment/testing-fed/nginx-fed    dev2-context"
        + "   True     True      False        -         -$");
    assertThat(status.stderrLines()).contains("warning: FederatedDeployment/testing-fed/nginx-fed: dev2-context:"
        + " drift: changed outside fleetfed at /spec/replicas");
    JsonNode json = JSON.readTree(fleetfed("status", "-f", "scenario.yaml", "-o", "json").stdout());
    assertThat(json.at("/objects/1/converged").asBoolean()).isFalse();
    assertThat(json.at("/objects/1/clusters/1/drift/0").asText()).isEqualTo("/spec/replicas");
    assertThat(json.at("/objects/1/clusters/1/presence").asText()).isEqualTo("True");

    assertThat(fleetfed("apply", "-f", "scenario.yaml").exitCode()).isZero();   // restored
    assertThat(nginx(DEV2).getSpec().getReplicas()).isEqualTo(3);
    assertThat(fleetfed("status", "-f", "scenario.yaml").exitCode()).isZero();
  }

  @Test
  @DisplayName("delete --orphan keeps the copies unmanaged; apply then finds them in the way until --adopt; delete"
      + " removes them")
  void orphanAdoptDelete() {
    assertThat(fleetfed("apply", "-f", "scenario.yaml").exitCode()).isZero();

    FleetfedJar.Result orphan = fleetfed("delete", "-f", "scenario.yaml", "--orphan");

    assertThat(orphan.exitCode()).as(orphan.stderr()).isZero();
    assertThat(orphan.stdout()).isEqualTo(
        "FederatedDeployment/testing-fed/nginx-fed: dev1-context orphaned, dev2-context orphaned\n"
            + "FederatedNamespace/testing-fed/testing-fed: dev1-context orphaned, dev2-context orphaned\n");
    assertThat(nginx(DEV1)).isNotNull();
    assertThat(nginx(DEV2).getSpec().getReplicas()).isEqualTo(3);
    assertThat(nginx(DEV2).getMetadata().getLabels()).doesNotContainKey("fleetfed.io/managed");

    FleetfedJar.Result blocked = fleetfed("apply", "-f", "scenario.yaml");

    assertThat(blocked.exitCode()).as(blocked.stderr()).isEqualTo(3);
    assertThat(blocked.stdout()).contains(
        "FederatedDeployment/testing-fed/nginx-fed: dev1-context failed (AlreadyExists), dev2-context failed"
            + " (AlreadyExists)\n");
    assertThat(blocked.stderrLines()).contains("error: FederatedDeployment/testing-fed/nginx-fed: dev2-context:"
        + " AlreadyExists: an object fleetfed does not manage already exists there; adopt it (adoptResources) or"
        + " remove it").last().isEqualTo("warning: to take over objects fleetfed does not manage, apply again with"
        + " --adopt");

    FleetfedJar.Result adopted = fleetfed("apply", "-f", "scenario.yaml", "--adopt");

    assertThat(adopted.exitCode()).as(adopted.stderr()).isZero();
    assertThat(adopted.stdout()).contains(
        "FederatedDeployment/testing-fed/nginx-fed: dev1-context updated, dev2-context updated\n");
    assertThat(nginx(DEV2).getMetadata().getLabels()).containsEntry("fleetfed.io/managed", "true");

    FleetfedJar.Result delete = fleetfed("delete", "-f", "scenario.yaml");

    assertThat(delete.exitCode()).as(delete.stderr()).isZero();
    assertThat(delete.stderr()).isEmpty();
    assertThat(delete.stdout()).isEqualTo(
        "FederatedDeployment/testing-fed/nginx-fed: dev1-context deleted, dev2-context deleted\n"
            + "FederatedNamespace/testing-fed/testing-fed: dev1-context deleted, dev2-context deleted\n");
    assertThat(nginx(DEV1)).isNull();
    assertThat(nginx(DEV2)).isNull();
    assertThat(client(DEV2).namespaces().withName("testing-fed").get()).isNull();
  }

  @Test
  @DisplayName("invalid input exits 2, prints nothing on stdout and sends nothing to any cluster")
  void invalidInput() throws IOException {
    Files.writeString(dir.resolve("bad.yaml"), "a: [b, c\n");
    Files.writeString(dir.resolve("override.yaml"), """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedConfigMap
        metadata: {name: fine, namespace: ci}
        spec:
          placement: {clusters: [{name: dev1-context}]}
          template: {data: {a: b}}
        ---
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedConfigMap
        metadata: {name: broken, namespace: ci}
        spec:
          placement: {clusters: [{name: dev1-context}, {name: dev2-context}]}
          template: {data: {a: b}}
          overrides:
          - clusterName: dev2-context
            clusterOverrides: [{op: remove, path: /data/missing}]
        """);
    sandbox.clusters().forEach(c -> c.resetCounts());

    FleetfedJar.Result yaml = fleetfed("apply", "-f", dir.resolve("bad.yaml").toString());

    assertThat(yaml.exitCode()).as(yaml.stderr()).isEqualTo(2);
    assertThat(yaml.stdout()).isEmpty();
    assertThat(yaml.stderrLines()).singleElement().asString().startsWith("error: ")
        .contains("bad.yaml, document 1 (line 1): a[1]: not valid YAML");
    assertThat(sandbox.clusters()).allMatch(c -> c.requestCount() == 0);

    FleetfedJar.Result override = fleetfed("apply", "-f", dir.resolve("override.yaml").toString());

    assertThat(override.exitCode()).as(override.stderr()).isEqualTo(2);
    assertThat(override.stdout()).isEmpty();
    assertThat(override.stderrLines()).singleElement().asString().startsWith("error: ")
        .contains("override.yaml, document 2 (line 8): FederatedConfigMap ci/broken:"
            + " spec.overrides[0].clusterOverrides[0]: cluster \"dev2-context\", override 0 (remove /data/missing)");
    assertThat(sandbox.clusters()).allMatch(c -> c.writeCount() == 0);

    String kubeconfig = Files.readString(sandbox.kubeconfig());
    int contexts = kubeconfig.indexOf("contexts:");
    Files.writeString(dir.resolve("admin-kubeconfig"), kubeconfig.substring(0, contexts)
        + kubeconfig.substring(contexts).replaceFirst("name: \"?dev2-context\"?", "name: kubernetes-admin@kubernetes"));

    FleetfedJar.Result context = FleetfedJar.run(dir, "clusters", "--kubeconfig", "admin-kubeconfig");

    assertThat(context.exitCode()).as(context.stderr()).isEqualTo(2);
    assertThat(context.stdout()).isEmpty();
    assertThat(context.stderrLines()).singleElement().asString().startsWith("error: admin-kubeconfig: context"
        + " kubernetes-admin@kubernetes: ").contains("is not a DNS-1123 label")
        .contains("kubectl config rename-context kubernetes-admin@kubernetes kubernetes-admin-kubernetes")
        .doesNotContain("token");
  }

  @Test
  @DisplayName("with dev2 offline, apply creates on dev1, exits 3 and names dev2 and why; so do status and delete")
  void offlineCluster() {
    sandbox.cluster(DEV2).goOffline();

    FleetfedJar.Result apply = fleetfed("apply", "-f", "scenario.yaml", "--request-timeout", "2s");

    assertThat(apply.exitCode()).as(apply.stderr()).isEqualTo(3);
    assertThat(apply.stdout()).isEqualTo(
        "FederatedNamespace/testing-fed/testing-fed: dev1-context created, dev2-context failed (ClusterNotReady)\n"
            + "FederatedDeployment/testing-fed/nginx-fed: dev1-context created, dev2-context failed"
            + " (ClusterNotReady)\n");
    assertThat(apply.stderrLines()).contains("error: FederatedDeployment/testing-fed/nginx-fed: dev2-context:"
        + " ClusterNotReady: cluster is offline: cluster is not reachable: connection refused");
    assertThat(nginx(DEV1).getSpec().getReplicas()).isEqualTo(2);

    FleetfedJar.Result status = fleetfed("status", "-f", "scenario.yaml", "--request-timeout", "2s");

    assertThat(status.exitCode()).as(status.stderr()).isEqualTo(3);
    // an offline member's copies are not known to be absent: they are Unknown
    assertThat(status.stdout()).containsPattern("(?m)^FederatedDeployment/testing-fed/nginx-fed    dev2-context"
        + "   True     Unknown   -            ClusterNotReady   -$");

    FleetfedJar.Result delete = fleetfed("delete", "-f", "scenario.yaml", "--request-timeout", "2s");

    assertThat(delete.exitCode()).as(delete.stderr()).isEqualTo(3);
    assertThat(delete.stdout()).startsWith(
        "FederatedDeployment/testing-fed/nginx-fed: dev1-context deleted, dev2-context failed (ClusterNotReady)\n");
    assertThat(delete.stderrLines()).contains("error: FederatedDeployment/testing-fed/nginx-fed: dev2-context:"
        + " ClusterNotReady: cluster is offline: cluster is not reachable: connection refused; whether it holds a copy"
        + " is known once it is back");
    assertThat(nginx(DEV1)).isNull();
  }

  @Test
  @DisplayName("applying more than ten objects prints progress on stderr, results on stdout")
  void progress() throws IOException {
    StringBuilder yaml = new StringBuilder();
    for (int i = 1; i <= 12; i++) {
      yaml.append("---\napiVersion: types.kubefed.io/v1beta1\nkind: FederatedConfigMap\n")
          .append("metadata: {name: cm").append(i).append(", namespace: many}\n")
          .append("spec:\n  placement: {clusterSelector: {}}\n  template: {data: {i: \"").append(i).append("\"}}\n");
    }
    FleetfedJar.Result result = FleetfedJar.runWithStdin(dir, yaml.toString(), "apply", "-f", "-",
        "--kubeconfig", sandbox.kubeconfig().toString(), "-o", "json");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stderrLines()).containsExactly("propagated 10/12", "propagated 12/12");
    JsonNode results = JSON.readTree(result.stdout()).get("results");
    assertThat(results).hasSize(12).allMatch(r -> r.get("propagated").asBoolean());
    assertThat(results.get(11).at("/clusters/dev2-context/action").asText()).isEqualTo("created");
    Map<String, String> data = new HashMap<>(client(DEV2).configMaps().inNamespace("many").withName("cm12").get()
        .getData());
    assertThat(data).containsEntry("i", "12");
  }
}
