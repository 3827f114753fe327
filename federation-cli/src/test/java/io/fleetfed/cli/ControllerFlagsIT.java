package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleetfed controller}'s flags, run as a process on the shaded jar: each bad flag is one {@code error:} line
 * naming it and exit 2 with nothing started, an address in use exits 1, SIGTERM exits 0, and the kubeconfig's token
 * is never printed. The host is an address nothing listens on: none of this needs one.
 */
class ControllerFlagsIT {
  private static final String TOKEN = "SECRET-TOKEN-5f3a";

  @TempDir
  static Path dir;

  static Path kubeconfig;

  @BeforeAll
  static void files() throws IOException {
    kubeconfig = Files.writeString(dir.resolve("host.kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster: {server: "http://127.0.0.1:1"}
        users:
        - name: u
          user: {token: %s}
        contexts:
        - name: dev1
          context: {cluster: c, user: u}
        - name: admin@dev1
          context: {cluster: c, user: u}
        current-context: dev1
        """.formatted(TOKEN));
  }

  @Test
  @DisplayName("every bad flag is an error line naming it; exit 2, nothing started")
  void badFlags() {
    FleetfedJar.Result r = FleetfedJar.run(dir, "controller", "--kubeconfig", kubeconfig.toString(),
        "--kubefed-namespace", "Bad_NS", "--watch-namespace", "a.b", "--id", " ", "--metrics-addr", "9090");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderrLines()).containsExactly(
        "error: --kubefed-namespace: \"Bad_NS\" is not a namespace name (a DNS-1123 label: lower-case letters,"
            + " digits and '-', starting and ending with a letter or digit, at most 63 characters)",
        "error: --watch-namespace: \"a.b\" is not a namespace name (a DNS-1123 label: lower-case letters,"
            + " digits and '-', starting and ending with a letter or digit, at most 63 characters)",
        "error: --id: identity must not be blank",
        "error: --metrics-addr: \"9090\" is not HOST:PORT (such as :9090 or 127.0.0.1:0), or 0 to serve nothing");
  }

  @Test
  @DisplayName("a port out of range, an unknown context, a context that cannot name a cluster, an unreadable file")
  void badHost() throws IOException {
    assertThat(FleetfedJar.run(dir, "controller", "--kubeconfig", kubeconfig.toString(), "--metrics-addr",
        ":65536").stderr()).isEqualTo("error: --metrics-addr: \":65536\": the port must be a number from 0 to"
            + " 65535\n");
    FleetfedJar.Result unknown = FleetfedJar.run(dir, "controller", "--kubeconfig", kubeconfig.toString(),
        "--context", "dev9");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.stderr()).startsWith("error: --context: ").contains("no context \"dev9\"");
    FleetfedJar.Result invalid = FleetfedJar.run(dir, "controller", "--kubeconfig", kubeconfig.toString(),
        "--context", "admin@dev1");
    assertThat(invalid.exitCode()).isEqualTo(2);
    assertThat(invalid.stderr()).startsWith("error: --context: context \"admin@dev1\" cannot name the host"
        + " cluster: ").contains("kubectl config rename-context admin@dev1 admin-dev1");
    Path broken = Files.writeString(dir.resolve("broken.kubeconfig"), "users: [{token: " + TOKEN + "\n");
    FleetfedJar.Result unreadable = FleetfedJar.run(dir, "controller", "--kubeconfig", broken.toString());
    assertThat(unreadable.exitCode()).isEqualTo(2);
    assertThat(unreadable.stderr()).startsWith("error: --kubeconfig: " + broken + " is not a readable kubeconfig")
        .doesNotContain(TOKEN);
    FleetfedJar.Result fromEnvironment = FleetfedJar.runWithEnvironment(dir, Map.of("KUBECONFIG",
        dir.resolve("missing").toString() + ":" + kubeconfig), "controller", "--context", "dev9");
    assertThat(fromEnvironment.stderr()).as("KUBECONFIG's first existing file").contains(kubeconfig + " has no"
        + " context \"dev9\"");
  }

  @Test
  @DisplayName("--metrics-addr already in use exits 1 saying so")
  void addressInUse() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      FleetfedJar.Result r = FleetfedJar.run(dir, "controller", "--kubeconfig", kubeconfig.toString(),
          "--metrics-addr", "127.0.0.1:" + taken.getLocalPort());

      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.stderr()).startsWith("error: --metrics-addr: cannot serve /healthz, /readyz and /metrics on"
          + " 127.0.0.1:" + taken.getLocalPort() + ": ");
    }
  }

  @Test
  @DisplayName("serves on a free port with :0, says where, and exits 0 on SIGTERM without printing the token")
  void servesUntilSigterm() throws Exception {
    FleetfedJar.Running controller = FleetfedJar.start(dir, "controller", "--kubeconfig", kubeconfig.toString(),
        "--metrics-addr", "127.0.0.1:0", "--id", "replica-a");
    String serving = controller.awaitErrLine("serving /healthz /readyz /metrics on ", Duration.ofSeconds(60));
    assertThat(serving).matches(".* serving /healthz /readyz /metrics on 127\\.0\\.0\\.1:\\d+");
    assertThat(controller.stderrLines().get(0)).endsWith(" controller replica-a started on host cluster dev1"
        + " (KubeFed namespace kube-federation-system, watching every namespace)");

    FleetfedJar.Result stopped = controller.stop();

    assertThat(stopped.exitCode()).isZero();
    assertThat(stopped.stderr()).contains("controller replica-a stopped (Lease released)").doesNotContain(TOKEN);
    assertThat(stopped.stdout()).isEmpty();
  }
}
