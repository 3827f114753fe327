package io.fleetfed.cli;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.fleet.ClusterFleet;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** A command on one member of the fleet: cordon, uncordon, drain. */
abstract class MemberCommand extends FleetCommand {
  @Parameters(index = "0", paramLabel = "CLUSTER", description = "Name of the member.")
  String cluster;

  @Mixin
  FleetOptions fleet;

  /**
   * Connects to the fleet and checks that {@code CLUSTER} is a member.
   *
   * @throws ValidationException if it is not, listing the members
   */
  ClusterFleet open() {
    ClusterFleet f = fleet.open();
    if (f.cluster(cluster).isEmpty()) {
      String members = f.clusters().stream().map(ClusterState::name).toList().toString();
      f.close();
      throw new ValidationException("", "cluster " + cluster + " is not a member of the fleet of "
          + fleet.describe() + "; its members are " + members);
    }
    return f;
  }

  /**
   * Refuses to run without a host cluster.
   *
   * @throws ValidationException saying why {@code what} needs one
   */
  void requireHost(String what) {
    if (fleet.host().isEmpty()) {
      throw new ValidationException("", what + " needs --host-cluster-context: a cordon is recorded on the"
          + " member's KubeFedCluster in the host cluster; without one it would end with this command");
    }
  }
}
