package io.fleetfed.cli;

import io.fleetfed.core.fleet.ClusterFleet;
import picocli.CommandLine.Command;

/** {@code fleetfed uncordon}: the member takes placements again, also after a drain. */
@Command(
    name = "uncordon",
    mixinStandardHelpOptions = true,
    description = "Uncordons a member, also ending a drain: it takes placements again from the next apply.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:uncordoned", "2:invalid input: no host cluster, unknown context or cluster",
        "3:the host cluster could not be read or written"})
final class UncordonCommand extends MemberCommand {
  @Override
  int execute() {
    requireHost("uncordon");
    try (ClusterFleet f = open()) {
      f.uncordon(cluster);
    }
    out.println("cluster/" + cluster + " uncordoned");
    return 0;
  }
}
