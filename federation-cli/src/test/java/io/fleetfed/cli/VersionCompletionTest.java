package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetfed version}, {@code fleetfed completion bash|zsh}, and the list of commands when none is given. */
class VersionCompletionTest {
  private record Run(int code, String out, String err) {}

  private static Run fleetfed(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  @DisplayName("version prints fleetfed's version, the Java runtime and the fabric8 client; --version the first line")
  void version() {
    Run version = fleetfed("version");

    assertThat(version.code()).isZero();
    assertThat(version.err()).isEmpty();
    List<String> lines = version.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).isEqualTo("fleetfed (development build)");   // the tests run from classes
    assertThat(lines.get(1)).startsWith("Java " + System.getProperty("java.version") + " (");
    assertThat(lines.get(2)).isEqualTo("fabric8 kubernetes-client "
        + io.fabric8.kubernetes.client.Version.clientVersion()).matches("fabric8 kubernetes-client \\d+\\.\\d+.*");

    Run flag = fleetfed("--version");
    assertThat(flag.code()).isZero();
    assertThat(flag.out().lines().toList()).containsExactly(lines.get(0));
  }

  @Test
  @DisplayName("without a command, the error lists every command, version and completion among them")
  void commandRequired() {
    Run none = fleetfed();

    assertThat(none.code()).isEqualTo(Main.INVALID_INPUT);
    assertThat(none.err()).contains("a command is required (render, enable, disable, federate, apply,", "controller, version,"
        + " completion)").doesNotContain("help)");
  }

  @Test
  @DisplayName("completion bash and zsh print picocli's script of every command; another shell is refused")
  void completionScripts() {
    Run bash = fleetfed("completion", "bash");
    Run zsh = fleetfed("completion", "zsh");

    assertThat(bash.code()).isZero();
    assertThat(zsh.code()).isZero();
    for (String script : List.of(bash.out(), zsh.out())) {
      assertThat(script).startsWith("#!/usr/bin/env bash\n").contains("complete -F _complete_fleetfed",
          "bashcompinit");
      String commands = script.lines().filter(l -> l.strip().startsWith("local commands=\"render ")).findFirst()
          .orElseThrow(() -> new AssertionError("no list of fleetfed's commands in " + script)).strip();
      assertThat(List.of(commands.substring("local commands=\"".length(), commands.length() - 1).split(" ")))
          .containsAll(Main.commands(new picocli.CommandLine(new Main()).getCommandSpec()))
          .contains("version", "completion");
    }
    assertThat(bash.out()).contains("#   source <(fleetfed completion bash)\n");
    assertThat(zsh.out()).contains("#   source <(fleetfed completion zsh)\n");

    Run fish = fleetfed("completion", "fish");
    assertThat(fish.code()).isEqualTo(Main.INVALID_INPUT);
    assertThat(fish.err()).contains("SHELL", "fish", "bash, zsh");
  }

  @Test
  @DisplayName("bash accepts the script, and completes 'fleetfed ap' to apply and 'fleetfed dispatch --wa' to --wait")
  void bashCompletes(@TempDir Path dir) throws Exception {
    Path script = dir.resolve("fleetfed.bash");
    Files.writeString(script, fleetfed("completion", "bash").out(), StandardCharsets.UTF_8);

    assertThat(bash(dir, "bash -n " + script)).isEmpty();
    assertThat(bash(dir, complete(script, "fleetfed", "ap"))).isEqualTo("apply\n");
    assertThat(bash(dir, complete(script, "fleetfed", "co"))).isEqualTo("cordon\ncontroller\ncompletion\n");
    assertThat(bash(dir, complete(script, "fleetfed", "dispatch", "--wa"))).isEqualTo("--wait\n");
  }

  /** Sources the script and calls its completion function as bash does at the last word of {@code words}. */
  private static String complete(Path script, String... words) {
    String line = String.join(" ", words);
    return "source " + script + "\n"
        + "COMP_WORDS=(" + line + "); COMP_CWORD=" + (words.length - 1) + "; COMP_LINE='" + line + "';"
        + " COMP_POINT=${#COMP_LINE}\n"
        + "_complete_fleetfed 2>/dev/null\n"
        + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
  }

  /** Runs {@code commands} with bash; its stdout, failing on a non-zero exit with its stderr. */
  private static String bash(Path dir, String commands) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("bash", "-c", commands).directory(dir.toFile())
        .redirectError(dir.resolve("stderr").toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("bash ended").isTrue();
    assertThat(p.exitValue()).as("bash exit code; stderr: %s", Files.readString(dir.resolve("stderr"))).isZero();
    return out;
  }
}
