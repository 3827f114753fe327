package io.fleetfed.cli;

import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.model.FederatedResource;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fleetfed delete}: removes federated objects from the fleet's members. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = {
        "Removes every federated object of the input from the fleet: deletes the copies fleetfed manages on each"
            + " member or, with --orphan, keeps them and removes fleetfed's label and annotations from them."
            + " Objects fleetfed does not manage are never touched. FederatedNamespaces go last.",
        "Prints one line per object, such as FederatedDeployment/testing-fed/nginx-fed: dev1 deleted, dev2"
            + " deleted; each cluster that failed also gets an error line on stderr. A member that is not Ready"
            + " counts as failed: a copy there cannot be seen, nor removed."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every copy is gone (or orphaned)",
        "2:invalid input: nothing was sent (files, YAML, options, kubeconfig, contexts)",
        "3:some cluster failed (one error line each on stderr), or the host cluster could not be read"})
final class DeleteCommand extends FleetCommand {
  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
      description = "YAML or JSON file, directory of them, or - for stdin. Repeatable.")
  private List<String> files = new ArrayList<>();

  @Option(names = "--orphan",
      description = "Keep the members' copies, without fleetfed's label and annotations (kubectl's"
          + " --cascade=orphan).")
  private boolean orphan;

  @Mixin
  private FleetOptions fleet;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table (default): one line per object; yaml or json: {\"results\": [...]} after the last.")
  private Format output = Format.table;

  @Override
  int execute() {
    FederatedInput input = FederatedInput.read(files, err);
    try (ClusterFleet f = fleet.open()) {
      input.warn(f.clusters().stream().map(ClusterState::name).toList(), err);
      List<FederatedResource> ordered = new ArrayList<>(input.others());
      ordered.addAll(input.namespaces());
      Progress progress = new Progress(err, orphan ? "orphaned" : "deleted", ordered.size());
      Results results = new Results(output, out, err);
      // one call: a member that is down is listed ClusterNotReady (it cannot tell whether a copy is there), and
      // one that does not answer costs one timeout, not one per object
      results.add(f.deleteAll(ordered, orphan, r -> progress.finished()), "no copy on any member");
      results.finish();
      return results.success() ? 0 : Main.CLUSTER_FAILED;
    }
  }
}
