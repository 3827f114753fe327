package io.fleetfed.cli;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.fleet.ClusterFleetBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a command finds the fleet: a host cluster whose KubeFedClusters are the members (as KubeFed keeps them),
 * or kubeconfig contexts used directly as members.
 */
final class FleetOptions {
  @Mixin
  private KubeOptions kube;

  @Option(names = {"--host-cluster-context", "--context"}, paramLabel = "CONTEXT",
      description = "Kubeconfig context of the fleet's host cluster: the members are its KubeFedClusters"
          + " (see fleetfed join), and cordons are recorded there. --context is the same, in kubectl's spelling.")
  private Optional<String> host = Optional.empty();

  @Option(names = "--clusters", paramLabel = "CONTEXT", split = ",",
      description = "Without a host cluster: the kubeconfig contexts to use as members, named after them"
          + " (default: every context of the kubeconfig).")
  private List<String> clusters = new ArrayList<>();

  /** The host cluster's context, when one was given. */
  Optional<String> host() {
    return host;
  }

  /** Whether {@code --clusters} was given. */
  boolean hasClusters() {
    return !clusters.isEmpty();
  }

  /**
   * Connects to the fleet: reads the kubeconfig, the host's members (if there is a host) and probes each member
   * once.
   *
   * @throws ValidationException for a bad option, kubeconfig, context or cluster name (nothing was sent)
   * @throws io.fleetfed.core.FederationException if the host cluster cannot be read
   */
  ClusterFleet open() {
    return open(false);
  }

  /** Like {@link #open()}, taking over existing objects fleetfed does not manage when {@code adopt} is set. */
  ClusterFleet open(boolean adopt) {
    if (host.isPresent() && !clusters.isEmpty()) {
      throw new ValidationException("", "--clusters and --host-cluster-context exclude each other: with a host"
          + " cluster, the members are its KubeFedClusters");
    }
    ClusterFleetBuilder builder = kube.builder().adoptResources(adopt);
    if (host.isPresent()) {
      builder.hostContext(host.get());
    } else if (!clusters.isEmpty()) {
      builder.memberContexts(clusters.toArray(String[]::new));
    } else {
      builder.allContextsAsMembers();
    }
    return builder.build();
  }

  /**
   * Connects to an in-process fleet of API servers started for this command, with each of its clusters as a
   * member (the kubeconfig options are ignored).
   */
  ClusterFleet openSandbox(io.fleetfed.testkit.FleetSandbox sandbox, boolean adopt) {
    if (host.isPresent() || !clusters.isEmpty()) {
      throw new ValidationException("", "--sandbox excludes --host-cluster-context and --clusters: the sandbox's"
          + " clusters are the members");
    }
    return kube.builder(List.of(sandbox.kubeconfig())).adoptResources(adopt)
        .memberContexts(sandbox.clusterNames().toArray(String[]::new)).build();
  }

  /**
   * Connects to an in-process fleet of API servers started for this command, with {@code hostCluster} as its host
   * and each of its clusters (the host too) as a member used directly (the kubeconfig options are ignored).
   */
  ClusterFleet openSandbox(io.fleetfed.testkit.FleetSandbox sandbox, String hostCluster) {
    if (host.isPresent() || !clusters.isEmpty()) {
      throw new ValidationException("", "--sandbox excludes --host-cluster-context and --clusters: the sandbox's"
          + " clusters are the members");
    }
    return kube.builder(List.of(sandbox.kubeconfig())).hostContext(hostCluster)
        .memberContexts(sandbox.clusterNames().toArray(String[]::new)).build();
  }

  /** How the fleet is named in messages: by its host cluster, or as the kubeconfig's contexts. */
  String describe() {
    return host.map(h -> "host cluster " + h + " (namespace " + kube.federationNamespace() + ")")
        .orElse(clusters.isEmpty() ? "the kubeconfig's contexts" : "the contexts " + String.join(", ", clusters));
  }
}
