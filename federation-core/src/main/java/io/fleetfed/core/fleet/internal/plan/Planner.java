package io.fleetfed.core.fleet.internal.plan;

import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.render.ClusterRendering;
import io.fleetfed.core.render.Renderer;
import io.fleetfed.core.render.ResourceRendering;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Planning, the first room of propagation: from a federated object and the clusters it may go to, the copy each
 * cluster should hold ({@link Plan}). Pure: it places and renders ({@code io.fleetfed.core.render}) and does no
 * I/O; which clusters are eligible is the caller's to say.
 */
public final class Planner {
  private Planner() {}

  /** The namespace of {@code resource}'s copies: its own, or {@code ""} for a cluster-scoped type. */
  public static String copyNamespace(FederatedResource resource) {
    return resource.type().isNamespaced() ? resource.namespace() : "";
  }

  /** The plan that removes {@code resource} from every cluster (or, with {@code orphan}, lets its copies go). */
  public static Plan deleting(FederatedResource resource, boolean orphan) {
    return new Plan(resource, resource.copyType(), copyNamespace(resource), resource.name(), Map.of(), List.of(),
        true, orphan, Optional.empty());
  }

  /**
   * Places and renders {@code resource} on {@code eligible} (sorted by name), restricted by
   * {@code federatedNamespace} when there is one. When the object, the eligible clusters and the FederatedNamespace
   * are as in {@code last}, {@code last} is returned: its renderings stand.
   *
   * @throws io.fleetfed.core.render.OverrideException if an override cannot apply (nothing is planned)
   */
  public static Plan plan(FederatedResource resource, List<Cluster> eligible,
      Optional<FederatedResource> federatedNamespace, Optional<Plan> last) {
    if (last.isPresent()) {
      Plan p = last.get();
      if (!p.deleting() && p.eligible().equals(eligible) && p.resource().equals(resource)
          && p.federatedNamespace().equals(federatedNamespace)) {
        return p;
      }
    }
    ResourceRendering rendering = Renderer.render(resource, eligible, federatedNamespace);
    Map<String, Optional<Plan.Desired>> placed = new LinkedHashMap<>();
    for (ClusterRendering r : rendering.clusters().values()) {
      placed.put(r.cluster(), r.object().map(o -> new Plan.Desired(o, r.hash().orElseThrow())));
    }
    return new Plan(resource, resource.copyType(), copyNamespace(resource), resource.name(), placed,
        List.copyOf(eligible), false, false, federatedNamespace);
  }
}
