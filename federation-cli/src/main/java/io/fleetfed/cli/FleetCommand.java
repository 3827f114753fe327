package io.fleetfed.cli;

import io.fleetfed.core.FederationException;
import io.fleetfed.core.ValidationException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to clusters. Invalid input ({@link ValidationException}: flags, YAML, kubeconfig, context
 * or cluster names) exits 2 with one {@code error:} line per problem; any other {@link FederationException} is a
 * cluster that failed (a host that cannot be read, a join that a member refused) and exits 3.
 */
abstract class FleetCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  /** Standard output: results only. */
  PrintWriter out;
  /** Standard error: errors, warnings and progress. */
  PrintWriter err;

  @Override
  public final Integer call() {
    out = spec.commandLine().getOut();
    err = spec.commandLine().getErr();
    try {
      return execute();
    } catch (ValidationException e) {
      out.flush();
      return Problems.report(e, err);
    } catch (FederationException e) {
      out.flush();
      Problems.error(err, e.getMessage());
      err.flush();
      return Main.CLUSTER_FAILED;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Runs the command and returns its exit code. */
  abstract int execute();
}
