package io.fleetfed.core.fleet.internal.plan;

import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.ResourceType;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A federated object as last placed and rendered: what each cluster's copy should be.
 *
 * @param resource the federated object
 * @param type its target type at the version its copies are written in (the template's own apiVersion wins)
 * @param namespace the copies' namespace ({@code ""} for a cluster-scoped type)
 * @param name the copies' name
 * @param placed per placed cluster, the rendered copy (empty for a placed cluster that is not Ready)
 * @param eligible the clusters placement chose among (not drained; cordoned only where a copy is)
 * @param deleting whether the object is being removed from every cluster
 * @param orphan whether removal keeps the copies, only stripping fleetfed's label and annotations
 * @param federatedNamespace the FederatedNamespace that restricted the placement, if one did
 */
public record Plan(FederatedResource resource, ResourceType type, String namespace, String name,
    Map<String, Optional<Desired>> placed, List<Cluster> eligible, boolean deleting, boolean orphan,
    Optional<FederatedResource> federatedNamespace) {

  /** One cluster's rendered copy and its hash. */
  public record Desired(com.fasterxml.jackson.databind.node.ObjectNode object, String hash) {}

  /** What the plan says about {@code cluster}: null when not placed, empty when placed but not Ready. */
  public Optional<Desired> desired(String cluster) {
    return placed.getOrDefault(cluster, null);
  }
}
