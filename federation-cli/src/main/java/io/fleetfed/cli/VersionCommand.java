package io.fleetfed.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code fleetfed version}: fleetfed's version (as {@code fleetfed --version} prints it), then the Java runtime and
 * the fabric8 Kubernetes client it runs on, for bug reports.
 */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = {"Prints fleetfed's version (the first line, as fleetfed --version prints it), then the Java"
        + " runtime and the fabric8 Kubernetes client it runs on. A fleetfed not run from its jar is a"
        + " \"(development build)\"."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:printed"})
final class VersionCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    for (String line : lines()) {
      out.println(line);
    }
    out.flush();
    return 0;
  }

  /** {@code fleetfed <version>}, {@code Java <version> (<vendor>) on <os> <arch>}, {@code fabric8 ...}. */
  static String[] lines() {
    return new String[] {
        Main.versionLine(),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ") on "
            + System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        "fabric8 kubernetes-client " + io.fabric8.kubernetes.client.Version.clientVersion()};
  }
}
