package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;



import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and invalid input through {@code render} and {@code apply}, run as processes on the shaded jar: every
 * case exits 2 with one line naming the file, the document and the limit or rule, prints nothing on stdout and
 * sends nothing to any cluster. Each run is bounded by the harness's process timeout, so an input that made a
 * command hang would fail here.
 */
// Not tagged real-api-servers: it passes on real API servers too, but its input is refused before any request, so
// the kind of server changes nothing worth the rerun.
@EnableFleetSandbox(clusters = {"dev1-context", "dev2-context"}, resetBetweenTests = true)
class InputIT {
  private static final String DEV1 = "dev1-context";
  private static final String DEV2 = "dev2-context";

  @TempDir
  static Path dir;

  /** Started for the class by {@code @EnableFleetSandbox}, and reset (stores wiped, counters zeroed) per test. */
  static FleetSandbox sandbox;

  private static List<String> withKubeconfig(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--kubeconfig", sandbox.kubeconfig().toString()));
    return all;
  }

  private static FleetfedJar.Result fleetfed(String... args) {
    return FleetfedJar.run(dir, withKubeconfig(args).toArray(String[]::new));
  }

  /** A FederatedConfigMap placed on both clusters, valid: it would be written first if validation came late. */
  private static String configMap(String name) {
    return """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedConfigMap
        metadata: {name: %s, namespace: ci}
        spec:
          placement: {clusters: [{name: dev1-context}, {name: dev2-context}]}
          template: {data: {level: high}}
        """.formatted(name);
  }

  /** Asserts exit code 2, nothing on stdout, and one error line that contains each of {@code parts}. */
  private static void assertRefused(FleetfedJar.Result result, String... parts) {
    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(2);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderrLines()).singleElement().asString().startsWith("error: ").contains(parts);
  }

  private static void assertNothingWritten() {
    assertThat(sandbox.clusters()).allSatisfy(c -> assertThat(c.writeCount()).as(c.name()).isZero());
  }

  @Test
  @DisplayName("a file with one 50 MB value is refused at the file size limit by render and apply")
  void fiftyMegabyteValue() throws IOException {
    Path file = dir.resolve("huge.yaml");
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(configMap("huge").replace("level: high", "level: ").getBytes(StandardCharsets.UTF_8));
      byte[] chunk = "x".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 50; i++) {
        out.write(chunk);
      }
      out.write('\n');
    }

    assertRefused(FleetfedJar.run(dir, "render", "-f", "huge.yaml"),
        "huge.yaml: is larger than 8 MiB (8388608 bytes), the limit for one source");
    assertRefused(fleetfed("apply", "-f", "huge.yaml"), "huge.yaml: is larger than 8 MiB");
    assertNothingWritten();
  }

  @Test
  @DisplayName("a 4 MB value on one line is refused at the line limit, naming file, document and line")
  void fourMegabyteValue() throws IOException {
    Files.writeString(dir.resolve("long.yaml"), configMap("fine") + "---\n"
        + configMap("long").replace("level: high", "level: " + "x".repeat(4_000_000)));

    assertRefused(fleetfed("apply", "-f", "long.yaml"), "long.yaml, document 2 (line 8): line 13 is longer than 2 MiB"
        + " (2097152 characters), the limit for one line");
    assertNothingWritten();
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  @DisplayName("render -f /dev/zero ends at the size limit instead of reading forever")
  void devZero() {
    assertRefused(FleetfedJar.run(dir, "render", "-f", "/dev/zero"),
        "/dev/zero: is larger than 8 MiB (8388608 bytes), the limit for one source");
  }

  @Test
  @DisplayName("stdin that is not UTF-8 is refused naming <stdin> and the offset, and nothing is written")
  void nonUtf8Stdin() {
    byte[] valid = configMap("latin1").getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(valid);
    bytes.writeBytes("---\n# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));   // é as one byte, 0xE9
    byte[] stdin = bytes.toByteArray();

    FleetfedJar.Result apply = FleetfedJar.runWithStdinBytes(dir, stdin,
        withKubeconfig("apply", "-f", "-").toArray(String[]::new));

    assertRefused(apply, "<stdin>: is not valid UTF-8 (line 8, byte offset " + (valid.length + 9) + ")");
    assertNothingWritten();
    assertRefused(FleetfedJar.runWithStdinBytes(dir, stdin, "render", "-f", "-"), "<stdin>: is not valid UTF-8");
  }

  @Test
  @DisplayName("a name the API server would refuse (nginx-фед) is refused, and the valid object beside it not sent")
  void invalidName() throws IOException {
    Files.writeString(dir.resolve("names.yaml"), configMap("fine") + "---\n" + """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata: {name: nginx-фед, namespace: ci}
        spec:
          placement: {clusters: [{name: dev1-context}]}
        """);

    String expected = "names.yaml, document 2 (line 8): FederatedDeployment ci/nginx-фед: metadata.name:"
        + " \"nginx-фед\" is not a valid Deployment name: 'ф' is not allowed";
    assertRefused(FleetfedJar.run(dir, "render", "-f", "names.yaml"), expected);
    assertRefused(fleetfed("apply", "-f", "names.yaml"), expected);
    assertNothingWritten();
  }

  @Test
  @DisplayName("a FederatedSecret's data that is not base64 is refused naming the key, never the value")
  void invalidBase64() throws IOException {
    Files.writeString(dir.resolve("secret.yaml"), configMap("fine") + "---\n" + """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedSecret
        metadata: {name: creds, namespace: ci}
        spec:
          placement: {clusters: [{name: dev1-context}]}
          template:
            data:
              password: hunter2-supersecret
        """);

    FleetfedJar.Result render = FleetfedJar.run(dir, "render", "-f", "secret.yaml");
    FleetfedJar.Result apply = fleetfed("apply", "-f", "secret.yaml");

    for (FleetfedJar.Result result : List.of(render, apply)) {
      assertRefused(result, "secret.yaml, document 2 (line 8): FederatedSecret ci/creds:"
          + " spec.template.data[password]: is not valid base64");
      assertThat(result.stderr()).doesNotContain("hunter2");
    }
    assertNothingWritten();
  }

  @Test
  @DisplayName("empty input means the same to render and apply: exit 2 with the same message")
  void emptyInput() throws IOException {
    Files.writeString(dir.resolve("empty.yaml"), "# nothing here\n---\n");

    FleetfedJar.Result render = FleetfedJar.run(dir, "render", "-f", "empty.yaml");
    FleetfedJar.Result apply = fleetfed("apply", "-f", "empty.yaml");

    assertRefused(render, "no objects in empty.yaml: the input is empty");
    assertRefused(apply, "no objects in empty.yaml: the input is empty");
    assertThat(apply.stderr()).isEqualTo(render.stderr());
    assertNothingWritten();
  }

  @Test
  @DisplayName("-f DIR names the file inside the directory that failed, not the directory")
  void directoryNamesTheFile() throws IOException {
    Path manifests = Files.createDirectories(dir.resolve("manifests"));
    Files.writeString(manifests.resolve("a.yaml"), configMap("a"));
    Files.write(manifests.resolve("b.yaml"), new byte[] {'x', ':', ' ', (byte) 0xC3, '\n'});

    FleetfedJar.Result render = FleetfedJar.run(dir, "render", "-f", "manifests");

    assertRefused(render, "error: " + Path.of("manifests", "b.yaml") + ": is not valid UTF-8 (line 1, byte offset 3)");
    assertThat(render.stderr()).doesNotContain("Input length");
  }

  @Test
  @DisplayName("an override that cannot apply exits 2 before any cluster is contacted, even with the host down")
  void invalidOverrideWithTheHostDown() throws IOException {
    Files.writeString(dir.resolve("override.yaml"), configMap("broken") + """
          overrides:
          - clusterName: dev2-context
            clusterOverrides: [{op: remove, path: /data/missing}]
        """);
    sandbox.cluster(DEV1).goOffline();
    try {
      FleetfedJar.Result result = fleetfed("apply", "-f", "override.yaml", "--host-cluster-context", DEV1);

      assertRefused(result, "override.yaml, document 1 (line 1): FederatedConfigMap ci/broken:"
          + " spec.overrides[0].clusterOverrides[0]: cluster \"dev2-context\", override 0 (remove /data/missing)");
      assertThat(sandbox.clusters()).allSatisfy(c -> assertThat(c.requestCount()).as(c.name()).isZero());
    } finally {
      sandbox.cluster(DEV1).goOnline();
    }
  }
}
