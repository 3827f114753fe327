package io.fleetfed.core.render;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.internal.Nulls;
import io.fleetfed.core.internal.Problems;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.FederatedResource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders a set of federated objects together, as {@code fleetfed render} does: each namespaced object is
 * restricted by the FederatedNamespace of its namespace when that is among the objects, and every problem of
 * every object is reported at once.
 *
 * <pre>{@code
 * List<ResourceRendering> preview = Preview.render(List.of(testingFed, nginxFed),
 *     List.of(Cluster.ready("dev1-context"), Cluster.ready("dev2-context")));
 * }</pre>
 */
public final class Preview {
  private Preview() {}

  /**
   * Renders every resource, in the given order.
   *
   * @throws ValidationException listing every override that cannot be applied, in every resource; or if one
   *     federated object is given twice with different contents; or if two clusters share a name
   */
  public static List<ResourceRendering> render(List<FederatedResource> resources, Collection<Cluster> clusters) {
    Nulls.noNulls(resources, "resources");
    Nulls.noNulls(clusters, "clusters");
    Problems problems = new Problems();
    Map<String, FederatedResource> namespaces = new HashMap<>();
    Map<String, FederatedResource> seen = new HashMap<>();
    for (FederatedResource resource : resources) {
      String id = resource.type().qualifiedName() + " " + resource.describe();
      FederatedResource previous = seen.putIfAbsent(id, resource);
      if (previous != null && !previous.equals(resource)) {
        problems.addAll(new ValidationException("", "is given twice, with different contents: each cluster can"
            + " get only one of them").map(v -> v.withObject(resource.describe())));
      }
      if (resource.type().isNamespace()) {
        namespaces.putIfAbsent(resource.name(), resource);
      }
    }
    List<ResourceRendering> renderings = new ArrayList<>();
    for (FederatedResource resource : resources) {
      Optional<FederatedResource> namespace = resource.type().isNamespaced() && !resource.type().isNamespace()
          ? Optional.ofNullable(namespaces.get(resource.namespace()))
          : Optional.empty();
      problems.capture("", () -> Renderer.render(resource, clusters, namespace)).ifPresent(renderings::add);
    }
    problems.throwIfAny();
    return List.copyOf(renderings);
  }
}
