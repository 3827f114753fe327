package io.fleetfed.testkit;

import static io.fleetfed.testkit.FleetAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kubectl, when installed, works against the sandbox: discovery, apply (create and change), get and delete. */
@Tag("real-api-servers")
class KubectlTest {

  private static Path kubectl;

  @TempDir
  Path dir;

  @BeforeAll
  static void findKubectl() {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(entry, "kubectl");
      if (Files.isExecutable(candidate)) {
        kubectl = candidate;
        return;
      }
    }
  }

  @Test
  void applyGetAndDeleteBuiltInAndCustomObjects() throws Exception {
    assumeTrue(kubectl != null, "kubectl is not on the PATH");
    try (FleetSandbox fleet = FleetSandbox.builder().clusters("dev1", "dev2").crdResource("crds/widgets.yaml")
        .start()) {
      Path manifest = dir.resolve("objects.yaml");
      Files.writeString(manifest, objects("nginx:1", "1"));

      Result created = run(fleet, "--context", "dev2", "apply", "-f", manifest.toString());
      assertThat(created.output).contains("configmap/cfg created", "deployment.apps/web created",
          "widget.example.fleetfed.io/w1 created");
      SandboxCluster dev2 = fleet.cluster("dev2");
      assertThat(dev2).hasObject("apps/v1", "Deployment", "ci", "web")
          .hasFieldAt("/spec/template/spec/containers/0/image", "nginx:1");
      assertThat(fleet.cluster("dev1")).hasObjectCount("apps/v1", "Deployment", 0);

      Files.writeString(manifest, objects("nginx:2", "2"));
      Result changed = run(fleet, "--context", "dev2", "apply", "-f", manifest.toString());
      assertThat(changed.output).contains("configmap/cfg configured", "deployment.apps/web configured",
          "widget.example.fleetfed.io/w1 configured");
      assertThat(dev2).hasObject("apps/v1", "Deployment", "ci", "web")
          .hasFieldAt("/spec/template/spec/containers/0/image", "nginx:2")
          .hasFieldAt("/spec/template/spec/containers/0/ports/0/containerPort", 80);
      assertThat(dev2).hasObject("example.fleetfed.io/v1", "Widget", "ci", "w1").hasFieldAt("/spec/size", 2);

      Result got = run(fleet, "--context", "dev2", "get", "deploy,cm,wd", "-n", "ci", "-o", "name");
      assertThat(got.output).contains("deployment.apps/web", "configmap/cfg", "widget.example.fleetfed.io/w1");
      Result resources = run(fleet, "api-resources");
      assertThat(resources.output).contains("configmaps", "deployments", "widgets");

      run(fleet, "--context", "dev2", "delete", "-f", manifest.toString());
      assertThat(dev2).doesNotHaveObject("apps/v1", "Deployment", "ci", "web")
          .doesNotHaveObject("example.fleetfed.io/v1", "Widget", "ci", "w1");
    }
  }

  private static String objects(String image, String size) {
    return String.join("\n",
        "apiVersion: v1", "kind: Namespace", "metadata: {name: ci}",
        "---",
        "apiVersion: v1", "kind: ConfigMap", "metadata: {name: cfg, namespace: ci}", "data: {size: \"" + size + "\"}",
        "---",
        "apiVersion: apps/v1", "kind: Deployment", "metadata: {name: web, namespace: ci}", "spec:",
        "  replicas: 1", "  selector: {matchLabels: {app: web}}", "  template:",
        "    metadata: {labels: {app: web}}", "    spec:", "      containers:",
        "      - name: nginx", "        image: " + image, "        ports: [{containerPort: 80}]",
        "---",
        "apiVersion: example.fleetfed.io/v1", "kind: Widget", "metadata: {name: w1, namespace: ci}",
        "spec: {size: " + size + "}", "");
  }

  private Result run(FleetSandbox fleet, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", fleet.kubeconfig().toString(),
        "--cache-dir", dir.resolve("cache").toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("kubectl did not finish: " + command);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("kubectl %s:%n%s", String.join(" ", args), output).isZero();
    return new Result(output);
  }

  private static final class Result {
    final String output;

    Result(String output) {
      this.output = output;
    }
  }
}
