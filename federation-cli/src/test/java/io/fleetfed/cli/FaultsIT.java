package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.testkit.Await;
import io.fleetfed.testkit.FleetSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's faults, on the shaded jar as a process: {@code kill -9} in the middle of an apply, then apply
 * again; a member offline during a delete, then delete again once it is back; a foreign object carrying
 * fleetfed's label throughout. Nothing is lost, nothing duplicated, nothing foreign touched.
 */
// Not tagged real-api-servers: it passes on real API servers too (about 25 s), but its faults are the sandbox's
// own, the same on both kinds; the rerun is kept for the scenarios the API server decides.
class FaultsIT {
  private static final String NS = "faults";
  private static final int COUNT = 200;

  @TempDir
  static Path dir;

  static FleetSandbox sandbox;

  @BeforeAll
  static void start() throws IOException {
    // some latency, so that the apply is still writing when it is killed
    sandbox = FleetSandbox.builder().clusters("dev1", "dev2").latency(Duration.ofMillis(100))
        .kubeconfigFile(dir.resolve("kubeconfig")).start();
    // the namespace is the cluster's own (created below), so that it holds the foreign object before and after
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < COUNT; i++) {
      yaml.append("---\napiVersion: types.kubefed.io/v1beta1\nkind: FederatedConfigMap\n")
          .append("metadata: {name: cm-").append(i).append(", namespace: ").append(NS).append("}\n")
          .append("spec:\n  placement: {clusterSelector: {}}\n  template: {data: {i: \"").append(i).append("\"}}\n");
    }
    Files.writeString(dir.resolve("many.yaml"), yaml.toString());
  }

  @AfterAll
  static void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  private static List<String> withKubeconfig(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--kubeconfig", sandbox.kubeconfig().toString()));
    return all;
  }

  private static FleetfedJar.Result fleetfed(String... args) {
    return FleetfedJar.run(dir, withKubeconfig(args).toArray(String[]::new));
  }

  private static KubernetesClient client(String cluster) {
    return sandbox.cluster(cluster).client();
  }

  /** The managed ConfigMaps of the namespace on {@code cluster}, by name, with their data. */
  private static Map<String, Map<String, String>> managed(String cluster) {
    return client(cluster).configMaps().inNamespace(NS).withLabel("fleetfed.io/managed", "true").list().getItems()
        .stream().filter(c -> !c.getMetadata().getName().equals("foreign"))
        .collect(Collectors.toMap(c -> c.getMetadata().getName(), ConfigMap::getData));
  }

  private static Map<String, Map<String, String>> expected() {
    Map<String, Map<String, String>> all = new TreeMap<>();
    for (int i = 0; i < COUNT; i++) {
      all.put("cm-" + i, Map.of("i", Integer.toString(i)));
    }
    return all;
  }

  private static ConfigMap foreign(String cluster) {
    return client(cluster).configMaps().inNamespace(NS).withName("foreign").get();
  }

  @Test
  @DisplayName("kill -9 mid-apply, apply again: every copy exactly once; offline during delete, delete again;"
      + " the foreign labelled object untouched")
  void killedApplyAndOfflineDelete() throws Exception {
    for (String c : List.of("dev1", "dev2")) {
      client(c).namespaces().resource(new NamespaceBuilder().withNewMetadata()
          .withName(NS).endMetadata().build()).create();
      client(c).configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("foreign")
          .addToLabels("fleetfed.io/managed", "true").addToAnnotations("fleetfed.io/source",
              "FederatedConfigMap/" + NS + "/cm-0").endMetadata().addToData("theirs", "yes").build()).create();
    }
    String dev1Foreign = foreign("dev1").getMetadata().getResourceVersion();
    String dev2Foreign = foreign("dev2").getMetadata().getResourceVersion();

    FleetfedJar.Running apply = FleetfedJar.start(dir, withKubeconfig("apply", "-f", "many.yaml")
        .toArray(String[]::new));
    // kill it once it has written some copies: with 100 ms per request, the rest takes seconds more
    Await.until(Duration.ofSeconds(60), "the apply wrote 20 copies to dev1", () -> managed("dev1").size() >= 20);
    int killed = apply.kill();

    assertThat(killed).as("killed, not finished").isEqualTo(137);
    assertThat(managed("dev1").size() + managed("dev2").size()).as("killed in the middle of the writes")
        .isBetween(20, 2 * COUNT - 1);
    sandbox.clusters().forEach(c -> c.latency(Duration.ofMillis(10)));

    FleetfedJar.Result again = fleetfed("apply", "-f", "many.yaml");

    assertThat(again.exitCode()).as(again.stderr()).isZero();
    assertThat(managed("dev1")).isEqualTo(expected());
    assertThat(managed("dev2")).isEqualTo(expected());
    assertThat(foreign("dev1").getMetadata().getResourceVersion()).isEqualTo(dev1Foreign);
    assertThat(foreign("dev2").getMetadata().getResourceVersion()).isEqualTo(dev2Foreign);

    FleetfedJar.Result status = fleetfed("status", "-f", "many.yaml");
    assertThat(status.exitCode()).as(status.stdout() + status.stderr()).isZero();

    sandbox.cluster("dev2").goOffline();
    FleetfedJar.Result offline;
    try {
      offline = fleetfed("delete", "-f", "many.yaml");
    } finally {
      sandbox.cluster("dev2").goOnline();
    }

    assertThat(offline.exitCode()).as("dev2 could not be reached: " + offline.stderr()).isEqualTo(3);
    assertThat(managed("dev1")).as("deleted where it could be").isEmpty();
    assertThat(managed("dev2")).as("kept where it could not be deleted").isEqualTo(expected());

    FleetfedJar.Result back = fleetfed("delete", "-f", "many.yaml");

    assertThat(back.exitCode()).as(back.stderr()).isZero();
    assertThat(managed("dev2")).isEmpty();
    assertThat(foreign("dev1").getMetadata().getResourceVersion()).isEqualTo(dev1Foreign);
    assertThat(foreign("dev2").getMetadata().getResourceVersion()).isEqualTo(dev2Foreign);
    assertThat(foreign("dev2").getData()).containsEntry("theirs", "yes");
  }
}
