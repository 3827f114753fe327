package io.fleetfed.cli;

import io.fleetfed.core.cluster.DrainResult;
import io.fleetfed.core.fleet.ClusterFleet;
import java.time.Duration;
import picocli.CommandLine.Command;

/** {@code fleetfed drain}: cordons a member and removes every object fleetfed manages there. */
@Command(
    name = "drain",
    mixinStandardHelpOptions = true,
    description = {
        "Drains a member, as kubectl drain does a node: cordons it and deletes every copy fleetfed owns"
            + " there, whoever propagated it: objects whose fleetfed.io/managed label, fleetfed.io/source annotation"
            + " (naming a federated object of the copy's own kind, namespace and name) and fleetfed.io/hash"
            + " annotation agree. Any other object with fleetfed's label is left alone, with a warning."
            + " Namespaces are kept. Until uncordoned, the member takes no placements.",
        "With a host cluster the drain is recorded on the member's KubeFedCluster; without one, it is not, and the"
            + " next apply places objects there again."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:drained: every copy fleetfed owns removed (objects left alone are warned about)",
        "2:invalid input: unknown context or cluster", "3:some object could not be removed (one error line each),"
            + " or the member is not Ready"})
final class DrainCommand extends MemberCommand {
  @Override
  int execute() {
    if (fleet.host().isEmpty()) {
      Problems.warn(err, "without --host-cluster-context the drain is not recorded: the next apply places"
          + " objects on " + cluster + " again");
    }
    DrainResult result;
    try (ClusterFleet f = open()) {
      Progress.Heartbeat progress = Progress.heartbeat(err, "draining " + cluster
          + ": removing the objects fleetfed manages there", Duration.ofSeconds(5));
      try {
        result = f.drain(cluster);
      } finally {
        progress.close();
      }
    }
    out.println("cluster/" + cluster + (result.isComplete() ? " drained: " : " cordoned, not fully drained: ")
        + result.removed() + " object" + (result.removed() == 1 ? "" : "s") + " removed");
    result.leftAlone().forEach(o -> Problems.warn(err, cluster + ": left alone " + o));
    result.problems().forEach(p -> Problems.error(err, cluster + ": " + p.message()));
    return result.isComplete() ? 0 : Main.CLUSTER_FAILED;
  }
}
