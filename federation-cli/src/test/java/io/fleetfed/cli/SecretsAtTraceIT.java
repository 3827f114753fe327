package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With every logger at trace level, as someone debugging a propagation would run it, {@code fleetfed apply, status,
 * delete} print neither the clusters' bearer tokens nor a Secret's values: fabric8's HTTP logging (headers and
 * bodies) is not on the fleet's clients.
 */
@Tag("real-api-servers")
@EnableFleetSandbox(clusters = {"dev1", "dev2"})   // on real servers, pooled with MembershipCommandsIT's
class SecretsAtTraceIT {
  private static final String MARKER = "marker-secret-value-7f3a9c";
  private static final Map<String, String> TRACE =
      Map.of("JAVA_TOOL_OPTIONS", "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace");

  @TempDir
  static Path dir;

  static FleetSandbox sandbox;

  @BeforeAll
  static void files() throws IOException {
    Files.writeString(dir.resolve("secret.yaml"), "apiVersion: types.kubefed.io/v1beta1\n"
        + "kind: FederatedSecret\n"
        + "metadata: {name: db, namespace: ci}\n"
        + "spec:\n"
        + "  placement: {clusterSelector: {}}\n"
        + "  template:\n"
        + "    data: {password: " + base64(MARKER) + "}\n"
        + "    stringData: {plain: " + MARKER + "-plain}\n");
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static FleetfedJar.Result fleetfed(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--kubeconfig", sandbox.kubeconfig().toString()));
    return FleetfedJar.runWithEnvironment(dir, TRACE, all.toArray(String[]::new));
  }

  /** Every token the kubeconfig holds. */
  private static List<String> tokens() throws IOException {
    List<String> tokens = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\s*token: *\"?([^\"\\s]+)").matcher(Files.readString(sandbox.kubeconfig()));
    while (m.find()) {
      tokens.add(m.group(1));
    }
    return tokens;
  }

  @Test
  @DisplayName("apply, status and delete at trace level print no token and no Secret value")
  void nothingSecretAtTrace() throws IOException {
    List<String> tokens = tokens();
    assertThat(tokens).hasSize(2).allSatisfy(t -> assertThat(t).hasSizeGreaterThan(10));

    for (String[] command : List.of(new String[] {"apply", "-f", "secret.yaml"},
        new String[] {"status", "-f", "secret.yaml"}, new String[] {"delete", "-f", "secret.yaml"})) {
      FleetfedJar.Result r = fleetfed(command);
      String output = r.stdout() + r.stderr();

      assertThat(r.exitCode()).as("%s: %s", command[0], output).isZero();
      assertThat(output).as("%s logs at trace level", command[0]).contains("DEBUG io.vertx")   // http on the mock, https on a real API server
          .containsPattern("TRACE io\\.fleetfed\\.http - dev1: GET https?://127\\.0\\.0\\.1:");
      assertThat(output).as(command[0]).doesNotContain(MARKER).doesNotContain(base64(MARKER))
          .doesNotContain(base64(MARKER + "-plain"));
      for (String token : tokens) {
        assertThat(output).as(command[0]).doesNotContain(token);
      }
    }
    assertThat(sandbox.cluster("dev1").client().secrets().inNamespace("ci").withName("db").get())
        .as("deleted at the end").isNull();
  }
}
