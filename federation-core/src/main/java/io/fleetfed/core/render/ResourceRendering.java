package io.fleetfed.core.render;

import io.fleetfed.core.internal.Nulls;
import io.fleetfed.core.model.FederatedResource;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What every selected cluster gets for one federated object. Clusters that are not selected are absent.
 *
 * @param resource the federated object rendered
 * @param clusters each selected cluster's outcome, by cluster name, in name order
 */
public record ResourceRendering(FederatedResource resource, Map<String, ClusterRendering> clusters) {

  /** Copies the map, ordered by cluster name. */
  public ResourceRendering {
    Objects.requireNonNull(resource, "resource");
    clusters = Collections.unmodifiableMap(new TreeMap<>(Nulls.noNulls(clusters, "clusters")));
  }

  /** The resource and each cluster's status, without the objects, which may hold a Secret's data. */
  @Override
  public String toString() {
    return "ResourceRendering[" + resource.describe() + ", " + clusters.values() + "]";
  }

  /** The outcome of {@code cluster}, or empty when it is not selected. */
  public Optional<ClusterRendering> cluster(String cluster) {
    return Optional.ofNullable(clusters.get(cluster));
  }

  /** The names of the clusters that get an object, in name order. */
  public List<String> renderedClusters() {
    return clusters.values().stream().filter(ClusterRendering::isRendered).map(ClusterRendering::cluster)
        .collect(Collectors.toList());
  }
}
