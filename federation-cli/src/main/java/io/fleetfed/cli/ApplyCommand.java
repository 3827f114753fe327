package io.fleetfed.cli;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.cluster.ResourceContexts;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.status.PropagationStatus;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.SandboxCluster;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fleetfed apply}: propagates federated objects to the fleet's members. */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = {
        "Propagates every federated object of the input to the members it is placed on, as KubeFed's sync"
            + " controller does: creates each member's copy, updates it, leaves it when it is already as it should"
            + " be (no write), or deletes it from members it is no longer placed on.",
        "The whole input is read and rendered first: invalid input sends nothing. FederatedNamespaces are sent first."
            + " Prints one line per object, such as FederatedDeployment/testing-fed/nginx-fed: dev1 created, dev2"
            + " unchanged; each cluster that failed also gets an error line on stderr. With more than "
            + Progress.QUIET_UP_TO + " objects, progress lines (propagated 120/500) go to stderr."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every object is where it should be",
        "2:invalid input: nothing was sent (files, YAML, overrides, options, kubeconfig, contexts; an empty input,"
            + " or one past the input limits)",
        "3:some cluster failed (one error line each on stderr), or the host cluster could not be read"})
final class ApplyCommand extends FleetCommand {
  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
      description = "YAML or JSON file, directory of them, or - for stdin. Repeatable.")
  private List<String> files = new ArrayList<>();

  @Mixin
  private FleetOptions fleet;

  @Option(names = "--adopt",
      description = "Take over objects of the same name that fleetfed does not manage (default: leave them and"
          + " report AlreadyExists).")
  private boolean adopt;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table (default): one line per object; yaml or json: {\"results\": [...]} after the last.")
  private Format output = Format.table;

  @Option(names = "--sandbox", paramLabel = "CLUSTER", split = ",",
      description = "Apply to an in-process fleet of API servers with these clusters, started for this command"
          + " and stopped after it (as fleetfed sandbox runs one); prints each member's copies at the end.")
  private List<String> sandbox = new ArrayList<>();

  @Override
  int execute() {
    FederatedInput input = FederatedInput.read(files, err);
    input.checkOffline();   // invalid input exits 2 before any cluster is contacted, reachable or not
    if (sandbox.isEmpty()) {
      return apply(input, fleet.open(adopt));
    }
    try (FleetSandbox fleetSandbox = FleetSandbox.builder().clusters(sandbox).start()) {
      err.println("started an in-process fleet: " + String.join(", ", fleetSandbox.clusterNames()));
      int code = apply(input, fleet.openSandbox(fleetSandbox, adopt));
      if (output == Format.table) {
        out.println();
        Table table = new Table("CLUSTER", "KIND", "NAMESPACE", "NAME", "REPLICAS");
        for (SandboxCluster c : fleetSandbox.clusters()) {
          for (FederatedResource r : input.resources()) {
            var copy = c.client().genericKubernetesResources(ResourceContexts.of(r));
            var found = (r.type().isNamespaced() ? copy.inNamespace(r.namespace()) : copy).withName(r.name()).get();
            if (found != null) {
              Object replicas = found.get("spec", "replicas");
              table.row(c.name(), r.type().kind(), r.type().isNamespaced() ? r.namespace() : "", r.name(),
                  replicas == null ? "" : replicas);
            }
          }
        }
        out.print(table);
      }
      return code;
    }
  }

  private int apply(FederatedInput input, ClusterFleet opened) {
    try (ClusterFleet f = opened) {
      List<ClusterState> members = f.clusters();
      input.check(members.stream().map(ClusterState::toCluster).toList());
      input.warn(members.stream().map(ClusterState::name).toList(), err);
      for (ClusterState member : members) {
        if (member.drained()) {
          Problems.warn(err, "cluster " + member.name() + " is drained: it takes no placements until uncordoned");
        } else if (member.cordoned()) {
          Problems.warn(err, "cluster " + member.name() + " is cordoned: it takes no new placements");
        }
      }
      // one call: FederatedNamespaces go first, so that their namespaces restrict the objects inside them, and a
      // member that does not answer costs one timeout, not one per object
      List<FederatedResource> ordered = new ArrayList<>(input.namespaces());
      ordered.addAll(input.others());
      Progress progress = new Progress(err, "propagated", ordered.size());
      Results results = new Results(output, out, err);
      try {
        results.add(f.propagateAll(ordered, r -> progress.finished()), "placed on no member");
      } catch (ValidationException e) {
        throw input.locate(e);
      }
      results.finish();
      if (!adopt && results.failed(PropagationStatus.ALREADY_EXISTS)) {
        Problems.warn(err, "to take over objects fleetfed does not manage, apply again with --adopt");
      }
      err.flush();
      return results.success() ? 0 : Main.CLUSTER_FAILED;
    }
  }
}
