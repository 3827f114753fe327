package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetfed version} and {@code fleetfed completion bash} from the shaded jar, as a user runs them. */
class VersionCompletionIT {
  @TempDir
  Path dir;

  @Test
  @DisplayName("version from the jar names its version (as --version does), Java and fabric8; its completion"
      + " script is valid bash")
  void fromTheJar() throws Exception {
    FleetfedJar.Result version = FleetfedJar.run(dir, "version");
    FleetfedJar.Result flag = FleetfedJar.run(dir, "--version");

    assertThat(version.exitCode()).as(version.stderr()).isZero();
    List<String> lines = version.stdout().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).matches("fleetfed \\d+\\.\\d+\\.\\d+.*").isEqualTo(flag.stdout().strip());
    assertThat(lines.get(1)).startsWith("Java ");
    assertThat(lines.get(2)).matches("fabric8 kubernetes-client \\d+\\.\\d+\\.\\d+.*");

    FleetfedJar.Result completion = FleetfedJar.run(dir, "completion", "bash");
    assertThat(completion.exitCode()).as(completion.stderr()).isZero();
    Path script = dir.resolve("fleetfed.bash");
    Files.writeString(script, completion.stdout(), StandardCharsets.UTF_8);
    Process check = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
    String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue()).as(said).isZero();
  }
}
