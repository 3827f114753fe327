package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fleetfed.testkit.internal.RealApiServers;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetfed sandbox}, run as a process on the shaded jar. */
class SandboxCommandIT {
  @TempDir
  Path dir;

  @Test
  @DisplayName("sandbox serves its clusters through the kubeconfig it wrote until stopped, then exits 0")
  void servesUntilStopped() throws Exception {
    Path kubeconfig = dir.resolve("fleet.kubeconfig");
    FleetfedJar.Running sandbox = FleetfedJar.start(dir, "sandbox", "--clusters", "east,west", "--kubeconfig",
        kubeconfig.toString());
    try {
      String ready = sandbox.awaitLine("sandbox ready: ", Duration.ofSeconds(60));

      assertThat(ready).startsWith("sandbox ready: 2 clusters (east, west)");
      assertThat(Files.isRegularFile(kubeconfig)).isTrue();
      Config west = Config.fromKubeconfig("west", Files.readString(kubeconfig), kubeconfig.toString());
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(west).build()) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("builds").endMetadata()
            .build()).create();
        assertThat(client.namespaces().list().getItems()).extracting(Namespace::getMetadata)
            .anyMatch(m -> m.getName().equals("builds"));
      }

      FleetfedJar.Result clusters = FleetfedJar.run(dir, "clusters", "--kubeconfig", kubeconfig.toString());
      assertThat(clusters.exitCode()).isZero();
      assertThat(clusters.stdout()).containsPattern("(?m)^east   True ").containsPattern("(?m)^west   True ");
    } finally {
      FleetfedJar.Result stopped = sandbox.stop();

      assertThat(stopped.exitCode()).isZero();
      assertThat(stopped.stdout()).containsPattern("(?m)^east   http://127\\.0\\.0\\.1:\\d+/$")
          .containsPattern("(?m)^west   http://127\\.0\\.0\\.1:\\d+/$")
          .contains("export KUBECONFIG=" + kubeconfig.toAbsolutePath());
      assertThat(stopped.stderr()).isEqualTo("sandbox stopped");
    }
  }

  /**
   * Always on real API servers (--real), so it runs once, in the default execution, and is not tagged
   * real-api-servers: the rerun on real servers would only repeat it.
   */
  @Test
  @DisplayName("sandbox --real serves real kube-apiservers over https that kubectl reaches through the kubeconfig it"
      + " wrote, until SIGTERM, then exits 0")
  void realServesKubectlUntilStopped() throws Exception {
    Assumptions.assumeTrue(RealApiServers.assets().isPresent(), RealApiServers::missingMessage);
    Optional<Path> kubectl = Kubectl.path();
    Assumptions.assumeTrue(kubectl.isPresent(), "kubectl is not on the PATH");
    Path kubeconfig = dir.resolve("real.kubeconfig");
    FleetfedJar.Running sandbox = FleetfedJar.start(dir, "sandbox", "--real", "--clusters", "a,b", "--kubeconfig",
        kubeconfig.toString());
    try {
      String ready = sandbox.awaitLine("sandbox ready: ", Duration.ofSeconds(120));

      assertThat(ready).startsWith("sandbox ready: 2 real clusters (a, b)");
      for (String context : List.of("a", "b")) {
        Process get = new ProcessBuilder(kubectl.get().toString(), "--kubeconfig", kubeconfig.toString(),
            "--context", context, "get", "ns", "--no-headers", "-o", "custom-columns=NAME:.metadata.name")
            .redirectErrorStream(true).start();
        get.getOutputStream().close();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        get.getInputStream().transferTo(output);
        assertThat(get.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String namespaces = output.toString(StandardCharsets.UTF_8);

        assertThat(get.exitValue()).as("kubectl --context %s get ns: %s", context, namespaces).isZero();
        assertThat(namespaces.lines()).contains("default", "kube-system");
      }
    } finally {
      FleetfedJar.Result stopped = sandbox.stop();

      assertThat(stopped.exitCode()).as(stopped.stderr()).isZero();
      assertThat(stopped.stdout()).containsPattern("(?m)^a   https://127\\.0\\.0\\.1:\\d+/?$")
          .containsPattern("(?m)^b   https://127\\.0\\.0\\.1:\\d+/?$")
          .contains("export KUBECONFIG=" + kubeconfig.toAbsolutePath());
      assertThat(stopped.stderr()).endsWith("sandbox stopped");
    }
  }

  @Test
  @DisplayName("an invalid cluster name exits 2 and starts nothing")
  void invalidClusterName() {
    FleetfedJar.Result result = FleetfedJar.run(dir, "sandbox", "--clusters", "dev1,kubernetes-admin@kubernetes",
        "--kubeconfig", "k");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr()).startsWith("error: cluster kubernetes-admin@kubernetes: --clusters: cluster name"
        + " \"kubernetes-admin@kubernetes\" is not a DNS-1123 label");
    assertThat(dir.resolve("k")).doesNotExist();
  }
}
