package io.fleetfed.core.model;

import io.fleetfed.core.internal.Nulls;
import io.fleetfed.core.internal.Problems;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a federated object goes: an explicit list of clusters, or a label selector over cluster labels.
 *
 * <p>The rules are KubeFed's, exactly:
 * <ul>
 *   <li>When {@link #clusters()} is present, those names are used and the selector is ignored; an empty list
 *       selects no cluster.
 *   <li>Otherwise the selector decides: absent selects <em>nothing</em>, the empty selector selects
 *       <em>every</em> cluster, any other selects the clusters whose labels match.
 *   <li>Names that are not registered clusters are dropped; selected clusters that are not Ready are reported
 *       {@code ClusterNotReady} rather than skipped silently.
 * </ul>
 *
 * <pre>{@code
 * Placement.clusters("dev1", "dev2");
 * Placement.selector(LabelSelector.matchLabels(Map.of("pipelines", "true")));
 * Placement.allClusters();   // clusterSelector: {}
 * Placement.clusters(List.of());   // an empty list: nothing is selected
 * Placement.none();          // neither: nothing is selected
 * }</pre>
 *
 * @param clusters the explicit cluster names ({@code spec.placement.clusters[].name}), when given
 * @param clusterSelector the label selector ({@code spec.placement.clusterSelector}), when given
 */
public record Placement(Optional<List<String>> clusters, Optional<LabelSelector> clusterSelector) {

  /** Validates the cluster names. Duplicates are allowed and count once, as in KubeFed. */
  public Placement {
    Objects.requireNonNull(clusters, "clusters");
    Objects.requireNonNull(clusterSelector, "clusterSelector");
    clusters = clusters.map(names -> List.copyOf(Nulls.noNulls(names, "clusters")));
    Problems problems = new Problems();
    List<String> names = clusters.orElse(List.of());
    for (int i = 0; i < names.size(); i++) {
      String field = "clusters[" + i + "].name";
      ClusterNames.problem(names.get(i)).ifPresent(p -> problems.add(field, p));
    }
    problems.throwIfAny();
  }

  /** Exactly these clusters. To select none, pass an empty list: {@code clusters(List.of())}. */
  public static Placement clusters(String... names) {
    return clusters(List.of(Nulls.noNulls(names, "names")));
  }

  /** Exactly these clusters (an empty list selects none). */
  public static Placement clusters(List<String> names) {
    return new Placement(Optional.of(List.copyOf(Nulls.noNulls(names, "names"))), Optional.empty());
  }

  /** The clusters whose labels match {@code selector}. */
  public static Placement selector(LabelSelector selector) {
    return new Placement(Optional.empty(), Optional.of(Objects.requireNonNull(selector, "selector")));
  }

  /** Every registered cluster ({@code clusterSelector: {}}). */
  public static Placement allClusters() {
    return selector(LabelSelector.everything());
  }

  /** No cluster: neither a list nor a selector, which KubeFed reads as "nowhere". */
  public static Placement none() {
    return new Placement(Optional.empty(), Optional.empty());
  }

  /**
   * Whether a cluster with this name and labels is selected. Whether the cluster is registered or Ready is
   * not this method's concern.
   */
  public boolean selects(Cluster cluster) {
    if (clusters.isPresent()) {
      return clusters.get().contains(cluster.name());
    }
    return clusterSelector.map(s -> s.matches(cluster.labels())).orElse(false);
  }
}
