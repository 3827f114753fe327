package io.fleetfed.core.kubefed;

import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.FederatedResource;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What {@link KubeFedYaml#read} found: the documents in input order, and the type registry extended with the
 * FederatedTypeConfigs among them.
 *
 * @param registry the registry the federated objects were read with
 * @param documents every document, in the order of the sources and, within a source, of the documents
 */
public record KubeFedBundle(TypeRegistry registry, List<KubeFedDocument> documents) {

  /** Copies the list. */
  public KubeFedBundle {
    Objects.requireNonNull(registry, "registry");
    documents = List.copyOf(documents);
  }

  /** The federated objects, in input order. */
  public List<FederatedResource> resources() {
    return documents.stream().filter(FederatedObject.class::isInstance).map(d -> ((FederatedObject) d).resource())
        .collect(Collectors.toList());
  }

  /** The FederatedTypeConfigs, in input order. */
  public List<FederatedTypeConfig> typeConfigs() {
    return documents.stream().filter(FederatedTypeConfig.class::isInstance).map(FederatedTypeConfig.class::cast)
        .collect(Collectors.toList());
  }

  /** The KubeFedClusters, in input order. */
  public List<KubeFedCluster> kubeFedClusters() {
    return documents.stream().filter(KubeFedCluster.class::isInstance).map(KubeFedCluster.class::cast)
        .collect(Collectors.toList());
  }

  /** The KubeFedClusters as placement sees them. */
  public List<Cluster> clusters() {
    return kubeFedClusters().stream().map(KubeFedCluster::toCluster).collect(Collectors.toList());
  }
}
