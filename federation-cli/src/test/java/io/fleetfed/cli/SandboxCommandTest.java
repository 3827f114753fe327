package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.core.Violation;
import io.fleetfed.testkit.TektonRelease;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetfed sandbox --tekton}'s values, read without starting a sandbox. */
class SandboxCommandTest {

  @Test
  void readsClusterEqualsRelease() {
    List<Violation> problems = new ArrayList<>();
    Map<String, TektonRelease> releases = SandboxCommand.tektonReleases(List.of("dev2=0.24", "dev3=current"),
        List.of("dev1", "dev2", "dev3"), problems, "--tekton");
    assertThat(problems).isEmpty();
    assertThat(releases).containsExactly(Map.entry("dev2", TektonRelease.V0_24),
        Map.entry("dev3", TektonRelease.CURRENT));
  }

  @Test
  void badValuesExit2NamingTheFlagBeforeAnythingStarts(@TempDir Path dir) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), "sandbox", "--clusters", "dev1,dev2",
        "--kubeconfig", dir.resolve("kubeconfig").toString(), "--tekton", "dev2=0.9", "--tekton", "dev9=0.24",
        "--tekton", "dev1", "--tekton", "dev2=current", "--tekton", "dev2=0.24");
    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).doesNotContain("sandbox ready");
    assertThat(err.toString().lines().toList()).hasSize(4).allSatisfy(line ->
        assertThat(line).startsWith("error: ").contains("--tekton"));
    assertThat(err.toString()).contains("unknown Tekton release \"0.9\": expected one of 0.24, current")
        .contains("\"dev9=0.24\" names none of the clusters (dev1, dev2)")
        .contains("\"dev1\" is not CLUSTER=RELEASE")
        .contains("\"dev2=0.24\" gives cluster dev2 a second release");
    assertThat(dir.resolve("kubeconfig")).doesNotExist();
  }
}
