package io.fleetfed.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.fleet.ClusterFleet;
import java.util.List;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fleetfed clusters}: lists the fleet's members and their health. */
@Command(
    name = "clusters",
    mixinStandardHelpOptions = true,
    description = {
        "Lists the members of the fleet: health (probed on /healthz as KubeFed probes it), cordon and drain, and"
            + " whether the member is joined to a host cluster.",
        "With --host-cluster-context, the members are the host's KubeFedClusters; otherwise the contexts of"
            + " --clusters, or every context of the kubeconfig."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed (whatever the members' health)",
        "2:invalid input: options, kubeconfig, unknown context, invalid cluster name",
        "3:the host cluster could not be read"})
final class ClustersCommand extends FleetCommand {
  @Mixin
  private FleetOptions fleet;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table (default): NAME READY OFFLINE CORDONED DRAINED JOINED MESSAGE; yaml or json:"
          + " {\"clusters\": [...]}, with labels.")
  private Format output = Format.table;

  @Override
  int execute() {
    List<ClusterState> clusters;
    try (ClusterFleet f = fleet.open()) {
      clusters = f.clusters();
    }
    if (output != Format.table) {
      out.print(output.write(tree(clusters)));
      return 0;
    }
    if (clusters.isEmpty()) {
      err.println("No clusters in " + fleet.describe() + ".");
      return 0;
    }
    Table table = new Table("NAME", "READY", "OFFLINE", "CORDONED", "DRAINED", "JOINED", "MESSAGE");
    for (ClusterState c : clusters) {
      table.row(c.name(), Table.bool(c.health().isReady()), Table.bool(c.health() == ClusterHealth.OFFLINE),
          Table.bool(c.cordoned()), Table.bool(c.drained()), Table.bool(c.joined()), c.message().orElse(""));
    }
    out.print(table);
    return 0;
  }

  private static ObjectNode tree(List<ClusterState> clusters) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ArrayNode list = root.putArray("clusters");
    for (ClusterState c : clusters) {
      ObjectNode entry = list.addObject();
      entry.put("name", c.name());
      entry.put("health", health(c.health()));
      entry.put("ready", c.health().isReady());
      entry.put("offline", c.health() == ClusterHealth.OFFLINE);
      entry.put("cordoned", c.cordoned());
      entry.put("drained", c.drained());
      entry.put("joined", c.joined());
      ObjectNode labels = entry.putObject("labels");
      new TreeMap<>(c.labels()).forEach(labels::put);
      entry.put("message", c.message().orElse(""));
    }
    return root;
  }

  /** The health as KubeFed's cluster conditions spell it: Ready, NotReady or Offline. */
  static String health(ClusterHealth health) {
    switch (health) {
      case READY:
        return "Ready";
      case NOT_READY:
        return "NotReady";
      default:
        return "Offline";
    }
  }
}
