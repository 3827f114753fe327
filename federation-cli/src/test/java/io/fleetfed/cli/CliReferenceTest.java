package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/cli.md} is what {@link CliReference} makes of the commands now; with
 * {@code -Dfleetfed.cli-docs.update=true} this test writes it anew instead (see {@link CliReference#UPDATE}).
 */
class CliReferenceTest {
  /** The repository's {@code docs/cli.md}: the tests run in {@code federation-cli}. */
  static Path reference() {
    Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    return module.getParent().resolve("docs").resolve("cli.md");
  }

  @Test
  @DisplayName("docs/cli.md is the usage help of every command as the commands define it now")
  void referenceIsCurrent() throws IOException {
    String generated = CliReference.markdown();
    Path file = reference();
    if (Boolean.parseBoolean(System.getProperty("fleetfed.cli-docs.update", "false"))) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, generated, StandardCharsets.UTF_8);
    }

    assertThat(file).as("%s is missing; write it with: %s", file, CliReference.UPDATE).isRegularFile();
    String committed = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(committed.equals(generated)).as("docs/cli.md is stale (%s differs from the commands' help, first at"
        + " line %d); run: %s", file, firstDifference(committed, generated), CliReference.UPDATE).isTrue();
  }

  @Test
  @DisplayName("the reference names every command under a heading, each with its usage and options")
  void referenceHasEveryCommand() {
    String generated = CliReference.markdown();

    for (String command : Main.commands(new picocli.CommandLine(new Main()).getCommandSpec())) {
      assertThat(generated).contains("\n## fleetfed " + command + "\n\n```text\nUsage: fleetfed " + command);
    }
    assertThat(generated).contains("\n## fleetfed\n\n```text\nUsage: fleetfed [-hV] [COMMAND]\n", "-h, --help")
        .doesNotContain("\u001B[");   // no colours
    assertThat(generated.lines().filter(l -> !l.startsWith("<!--") && !l.startsWith("     Regenerate")))
        .allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(CliReference.WIDTH));
  }

  private static int firstDifference(String a, String b) {
    String[] x = a.split("\n", -1);
    String[] y = b.split("\n", -1);
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      if (!x[i].equals(y[i])) {
        return i + 1;
      }
    }
    return Math.min(x.length, y.length) + 1;
  }
}
