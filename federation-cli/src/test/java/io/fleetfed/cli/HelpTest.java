package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Every command answers {@code -h} and {@code --help} with its usage on stdout and exit code 0. */
class HelpTest {

  static Stream<String> commands() {
    return new CommandLine(new Main()).getSubcommands().keySet().stream().filter(c -> !c.equals("help"));
  }

  @ParameterizedTest(name = "fleetfed {0} --help")
  @MethodSource("commands")
  void everyCommandAnswersHelp(String command) {
    for (String flag : List.of("-h", "--help")) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();

      int code = Main.run(new PrintWriter(out), new PrintWriter(err), command, flag);

      assertThat(code).as("fleetfed %s %s: %s", command, flag, err).isZero();
      assertThat(err.toString()).isEmpty();
      assertThat(out.toString()).startsWith("Usage: fleetfed " + command);
    }
  }
}
