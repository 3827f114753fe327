package io.fleetfed.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code fleetfed.jar}. */
@Command(
    name = "fleetfed",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Federates Kubernetes objects across a fleet of clusters, KubeFed-style.",
    subcommands = {RenderCommand.class, EnableCommand.class, DisableCommand.class, FederateCommand.class,
        ApplyCommand.class, DeleteCommand.class,
        StatusCommand.class, ClustersCommand.class, JoinCommand.class, UnjoinCommand.class, CordonCommand.class,
        UncordonCommand.class, DrainCommand.class, SandboxCommand.class, DispatchCommand.class, DemoCommand.class,
        InstallCommand.class, ControllerCommand.class, VersionCommand.class, CompletionCommand.class,
        CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "2:invalid input (nothing was sent anywhere)",
        "3:some cluster failed (the other clusters' results are printed), or a dispatch failed",
        "4:dispatch --wait: the run failed", "5:dispatch --wait: the run was cancelled",
        "6:dispatch --wait: the run timed out", "7:dispatch --wait: the run's cluster was lost after it started",
        "1:unexpected failure"})
public final class Main implements Runnable {
  /** Exit code for invalid input. */
  static final int INVALID_INPUT = 2;
  /** Exit code when some cluster failed, or some object is not where it should be. */
  static final int CLUSTER_FAILED = 3;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (for tests and embedding). */
  static int run(String... args) {
    return run(null, null, args);
  }

  /**
   * Runs the command line with its output and errors going to {@code out} and {@code err} (null: stdout and
   * stderr), and returns its exit code.
   */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    if (out != null) {
      cli.setOut(out);
    }
    if (err != null) {
      cli.setErr(err);
    }
    cli.setParameterExceptionHandler((e, a) -> {
      e.getCommandLine().getErr().println("error: " + e.getMessage());
      e.getCommandLine().getErr().println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName()
          + " --help' for usage.");
      return INVALID_INPUT;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required ("
        + String.join(", ", commands(spec)) + ")");
  }

  /** The names of {@code spec}'s commands, in the order they are declared, but {@code help} and hidden ones. */
  static List<String> commands(CommandLine.Model.CommandSpec spec) {
    return spec.subcommands().values().stream().map(CommandLine::getCommandSpec)
        .filter(c -> !c.name().equals("help") && !c.usageMessage().hidden())
        .map(CommandLine.Model.CommandSpec::name).distinct().toList();
  }

  /** fleetfed's version, from the jar's manifest; empty when the classes are not run from the jar. */
  static Optional<String> version() {
    return Optional.ofNullable(Main.class.getPackage().getImplementationVersion());
  }

  /** {@code fleetfed <version>}, or {@code fleetfed (development build)} when not run from the jar. */
  static String versionLine() {
    return "fleetfed " + version().orElse("(development build)");
  }

  /** Reads the version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {versionLine()};
    }
  }
}
