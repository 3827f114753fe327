package io.fleetfed.core.model;

import io.fleetfed.core.internal.LabelMaps;
import io.fleetfed.core.internal.Problems;
import java.util.Map;
import java.util.Objects;

/**
 * A member cluster as placement sees it: its name, its labels and whether it is Ready.
 *
 * <pre>{@code
 * Cluster dev2 = Cluster.ready("dev2").withLabels(Map.of("security", "high"));
 * Cluster dev3 = new Cluster("dev3", Map.of(), false);   // selected clusters that are not Ready report ClusterNotReady
 * }</pre>
 *
 * @param name a DNS-1123 label (see {@link ClusterNames})
 * @param labels the cluster's labels, matched by placement selectors
 * @param ready whether the cluster is Ready (KubeFed: condition {@code Ready=True})
 */
public record Cluster(String name, Map<String, String> labels, boolean ready) {

  /** Validates the name and labels. */
  public Cluster {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(labels, "labels");
    Problems problems = new Problems();
    ClusterNames.problem(name).ifPresent(p -> problems.add("name", p));
    Map<String, String> given = labels;
    Map<String, String> validLabels = problems.capture("", () -> LabelMaps.labels(given, "labels")).orElse(Map.of());
    problems.throwIfAny();
    labels = validLabels;
  }

  /** A Ready cluster without labels. */
  public static Cluster ready(String name) {
    return new Cluster(name, Map.of(), true);
  }

  /** This cluster with {@code labels} instead of its current labels. */
  public Cluster withLabels(Map<String, String> labels) {
    return new Cluster(name, labels, ready);
  }

  /** This cluster, Ready or not. */
  public Cluster withReady(boolean ready) {
    return new Cluster(name, labels, ready);
  }
}
