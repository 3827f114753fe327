package io.fleetfed.cli;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.cluster.UnjoinResult;
import io.fleetfed.core.fleet.ClusterFleet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fleetfed unjoin}: removes a member from the fleet kept in a host cluster, as kubefedctl unjoin does. */
@Command(
    name = "unjoin",
    mixinStandardHelpOptions = true,
    description = {
        "Removes a member from the fleet of a host cluster, as kubefedctl unjoin does: its KubeFedCluster and"
            + " token Secret from the host, and, with the kubeconfig context named CLUSTER, its ServiceAccount,"
            + " token Secret, ClusterRole, ClusterRoleBinding and KubeFed namespace from the member. Objects"
            + " propagated to the member stay there (drain it first to remove them).",
        "What could not be removed is printed as a warning, and the exit code is then 3."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:unjoined, everything removed",
        "2:invalid input: unknown context, cluster not joined to the host",
        "3:something could not be removed (one warning each), or the host could not be reached"})
final class UnjoinCommand extends FleetCommand {
  @Parameters(index = "0", paramLabel = "CLUSTER", description = "Name of the member to remove.")
  private String cluster;

  @Option(names = {"--host-cluster-context", "--context"}, required = true, paramLabel = "CONTEXT",
      description = "Kubeconfig context of the host cluster, which keeps the fleet's KubeFedClusters.")
  private String host;

  @Option(names = "--cluster-context", paramLabel = "CONTEXT",
      description = "Kubeconfig context with admin rights on the member, to remove the ServiceAccount, token Secret"
          + " and RBAC there (default: the context named CLUSTER, if there is one).")
  private String clusterContext;

  @Mixin
  private KubeOptions kube;

  @Override
  int execute() {
    try (ClusterFleet fleet = kube.builder().hostContext(host).build()) {
      if (fleet.cluster(cluster).isEmpty()) {
        throw new ValidationException("", "cluster " + cluster + " is not joined to host cluster " + host
            + " (no KubeFedCluster " + kube.federationNamespace() + "/" + cluster + "); its members are "
            + fleet.clusters().stream().map(ClusterState::name).toList());
      }
      UnjoinResult result = clusterContext == null ? fleet.unjoin(cluster) : fleet.unjoin(cluster, clusterContext);
      out.println("cluster " + cluster + " unjoined from host cluster " + host
          + (result.isComplete() ? "" : ", leaving what is listed on stderr"));
      result.leftovers().forEach(l -> Problems.warn(err, cluster + ": " + l.message()));
      return result.isComplete() ? 0 : Main.CLUSTER_FAILED;
    }
  }
}
