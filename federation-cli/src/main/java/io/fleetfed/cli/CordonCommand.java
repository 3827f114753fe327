package io.fleetfed.cli;

import io.fleetfed.core.fleet.ClusterFleet;
import picocli.CommandLine.Command;

/** {@code fleetfed cordon}: the member takes no new placements; what it holds stays and is kept up to date. */
@Command(
    name = "cordon",
    mixinStandardHelpOptions = true,
    description = "Cordons a member, as kubectl cordon does a node: it takes no new placements, and the objects it"
        + " already holds stay and are kept up to date. Recorded on its KubeFedCluster in the host cluster.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:cordoned", "2:invalid input: no host cluster, unknown context or cluster",
        "3:the host cluster could not be read or written"})
final class CordonCommand extends MemberCommand {
  @Override
  int execute() {
    requireHost("cordon");
    try (ClusterFleet f = open()) {
      f.cordon(cluster);
    }
    out.println("cluster/" + cluster + " cordoned");
    return 0;
  }
}
