package io.fleetfed.cli;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.fleet.ClusterFleet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fleetfed join}: makes a cluster a member of the fleet kept in a host cluster, as kubefedctl join does. */
@Command(
    name = "join",
    mixinStandardHelpOptions = true,
    description = {
        "Joins a cluster to the fleet of a host cluster, as kubefedctl join does: creates a ServiceAccount, its"
            + " token Secret, a ClusterRole and a ClusterRoleBinding in the member, then a KubeFedCluster and a"
            + " Secret with the token in the host's KubeFed namespace. The fleet then reaches the member with that"
            + " token.",
        "CLUSTER is the member's name, a DNS-1123 label; its kubeconfig context is --cluster-context, by default"
            + " CLUSTER itself. A context such as kubernetes-admin@kubernetes cannot name a cluster: give the"
            + " cluster a valid name and --cluster-context."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:joined",
        "2:invalid input: unknown context, invalid cluster name or label, cluster already joined",
        "3:the host or the member refused or could not be reached"})
final class JoinCommand extends FleetCommand {
  @Parameters(index = "0", paramLabel = "CLUSTER", description = "Name of the new member.")
  private String cluster;

  @Option(names = {"--host-cluster-context", "--context"}, required = true, paramLabel = "CONTEXT",
      description = "Kubeconfig context of the host cluster, which keeps the fleet's KubeFedClusters.")
  private String host;

  @Option(names = "--cluster-context", paramLabel = "CONTEXT",
      description = "Kubeconfig context of the member, with rights to create a ServiceAccount and RBAC there"
          + " (default: CLUSTER).")
  private Optional<String> clusterContext = Optional.empty();

  @Option(names = "--label", paramLabel = "KEY=VALUE",
      description = "A label of the member, matched by placements' clusterSelector. Repeatable.")
  private Map<String, String> labels = new LinkedHashMap<>();

  @Mixin
  private KubeOptions kube;

  @Override
  int execute() {
    String context = clusterContext.orElse(cluster);
    try (ClusterFleet fleet = kube.builder().hostContext(host).build()) {
      if (fleet.cluster(cluster).isPresent()) {
        throw new ValidationException("", "cluster " + cluster + " is already joined to host cluster " + host
            + " (KubeFedCluster " + kube.federationNamespace() + "/" + cluster + "); unjoin it first");
      }
      ClusterState joined = fleet.join(context, cluster, labels);
      String sa = cluster + "-" + fleet.hostName();
      String ns = kube.federationNamespace();
      String role = "kubefed-controller-manager:" + sa;
      out.println(cluster + ": ServiceAccount " + ns + "/" + sa);
      out.println(cluster + ": Secret " + ns + "/" + sa + " (the ServiceAccount's token)");
      out.println(cluster + ": ClusterRole " + role);
      out.println(cluster + ": ClusterRoleBinding " + role);
      out.println(host + ": Secret " + ns + "/" + cluster + "-* (the token, for the fleet)");
      out.println(host + ": KubeFedCluster " + ns + "/" + cluster);
      out.println("cluster " + cluster + " joined host cluster " + host + ": "
          + ClustersCommand.health(joined.health()) + joined.message().map(m -> " (" + m + ")").orElse(""));
    }
    return 0;
  }
}
