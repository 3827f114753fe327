package io.fleetfed.core.kubefed;

import io.fleetfed.core.internal.Nulls;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.FederatedResource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link KubeFedYaml#read} found: the documents in input order, and the type registry extended with the
 * FederatedTypeConfigs among them.
 *
 * @param registry the registry the federated objects were read with
 * @param documents every document, in the order of the sources and, within a source, of the documents
 * @param positions where each document was read, such as {@code "deploy.yaml, document 2 (line 14)"}: one per
 *     document, in the same order
 */
public record KubeFedBundle(TypeRegistry registry, List<KubeFedDocument> documents, List<String> positions) {

  /** Copies the lists, which must have the same length. */
  public KubeFedBundle {
    Objects.requireNonNull(registry, "registry");
    documents = List.copyOf(Nulls.noNulls(documents, "documents"));
    positions = List.copyOf(Nulls.noNulls(positions, "positions"));
    if (documents.size() != positions.size()) {
      throw new IllegalArgumentException("one position per document is needed");
    }
  }

  /** Where {@code resource} was read, if it came from this bundle. */
  public Optional<String> positionOf(FederatedResource resource) {
    for (int i = 0; i < documents.size(); i++) {
      KubeFedDocument doc = documents.get(i);
      if (doc instanceof FederatedObject && ((FederatedObject) doc).resource() == resource) {
        return Optional.of(positions.get(i));
      }
    }
    for (int i = 0; i < documents.size(); i++) {
      KubeFedDocument doc = documents.get(i);
      if (doc instanceof FederatedObject && ((FederatedObject) doc).resource().equals(resource)) {
        return Optional.of(positions.get(i));
      }
    }
    return Optional.empty();
  }

  /** The federated objects, in input order (an unmodifiable list). */
  public List<FederatedResource> resources() {
    return documents.stream().filter(FederatedObject.class::isInstance).map(d -> ((FederatedObject) d).resource())
        .toList();
  }

  /** The FederatedTypeConfigs, in input order (an unmodifiable list). */
  public List<FederatedTypeConfig> typeConfigs() {
    return documents.stream().filter(FederatedTypeConfig.class::isInstance).map(FederatedTypeConfig.class::cast)
        .toList();
  }

  /** The KubeFedClusters, in input order (an unmodifiable list). */
  public List<KubeFedCluster> kubeFedClusters() {
    return documents.stream().filter(KubeFedCluster.class::isInstance).map(KubeFedCluster.class::cast)
        .toList();
  }

  /** The KubeFedClusters as placement sees them (an unmodifiable list). */
  public List<Cluster> clusters() {
    return kubeFedClusters().stream().map(KubeFedCluster::toCluster).toList();
  }
}
