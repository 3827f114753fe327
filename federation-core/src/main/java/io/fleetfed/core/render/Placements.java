package io.fleetfed.core.render;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.internal.Nulls;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * KubeFed's placement computation.
 *
 * <pre>{@code
 * SortedSet<String> where = Placements.select(nginx, List.of(Cluster.ready("dev1"), Cluster.ready("dev2")),
 *     Optional.of(testingFedNamespace));
 * }</pre>
 *
 * <ul>
 *   <li>An explicit cluster list wins over the selector, even when empty; without a list an absent selector
 *       selects nothing and an empty one selects everything (see {@link Placement}).
 *   <li>The result only holds registered clusters: unknown names are dropped. Clusters that are not Ready are
 *       still selected; {@link Renderer} reports them {@code ClusterNotReady}.
 *   <li>A namespaced object is further restricted to the placement of the FederatedNamespace of its namespace,
 *       when there is one. Unlike KubeFed's cluster-scoped control plane, a missing FederatedNamespace does not
 *       empty the placement: fleetfed creates the namespace on each member that needs it.
 * </ul>
 */
public final class Placements {
  private Placements() {}

  /**
   * The names of the registered clusters {@code placement} selects, Ready or not, in name order.
   *
   * @throws ValidationException if two clusters share a name
   */
  public static SortedSet<String> select(Placement placement, Collection<Cluster> clusters) {
    Objects.requireNonNull(placement, "placement");
    requireDistinctNames(Nulls.noNulls(clusters, "clusters"));
    SortedSet<String> selected = new TreeSet<>();
    if (placement.clusters().isPresent()) {
      Set<String> listed = new HashSet<>(placement.clusters().get());
      for (Cluster cluster : clusters) {
        if (listed.contains(cluster.name())) {
          selected.add(cluster.name());
        }
      }
    } else {
      for (Cluster cluster : clusters) {
        if (placement.selects(cluster)) {
          selected.add(cluster.name());
        }
      }
    }
    return Collections.unmodifiableSortedSet(selected);
  }

  /**
   * The names of the registered clusters {@code resource} goes to, Ready or not, in name order: its own
   * placement, intersected with {@code federatedNamespace}'s when given.
   *
   * @param federatedNamespace the FederatedNamespace of the resource's namespace, if one exists; must be empty
   *     for a cluster-scoped resource or a FederatedNamespace itself
   * @throws ValidationException if two clusters share a name
   * @throws IllegalArgumentException if {@code federatedNamespace} is not the resource's namespace
   */
  public static SortedSet<String> select(FederatedResource resource, Collection<Cluster> clusters,
      Optional<FederatedResource> federatedNamespace) {
    SortedSet<String> own = select(resource.placement(), clusters);
    if (federatedNamespace.isEmpty()) {
      return own;
    }
    FederatedResource ns = federatedNamespace.get();
    if (!ns.type().isNamespace() || resource.type().isNamespace() || !resource.type().isNamespaced()
        || !ns.name().equals(resource.namespace())) {
      throw new IllegalArgumentException(ns.describe() + " does not govern the namespace of " + resource.describe());
    }
    SortedSet<String> restricted = new TreeSet<>(own);
    restricted.retainAll(select(ns.placement(), clusters));
    return Collections.unmodifiableSortedSet(restricted);
  }

  private static void requireDistinctNames(Collection<Cluster> clusters) {
    Set<String> seen = new HashSet<>();
    for (Cluster cluster : clusters) {
      if (!seen.add(cluster.name())) {
        throw new ValidationException("clusters", "cluster \"" + cluster.name() + "\" is listed more than once");
      }
    }
  }
}
