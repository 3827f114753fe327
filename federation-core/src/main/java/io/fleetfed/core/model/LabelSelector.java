package io.fleetfed.core.model;

import io.fleetfed.core.internal.LabelMaps;
import io.fleetfed.core.internal.Nulls;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Kubernetes label selector over cluster labels: {@code matchLabels} and {@code matchExpressions}, all of
 * which must hold.
 *
 * <p>The empty selector ({@link #everything()}) matches every cluster, as in Kubernetes and KubeFed.
 *
 * <pre>{@code
 * LabelSelector highSecurity = LabelSelector.matchLabels(Map.of("security", "high"))
 *     .and(SelectorRequirement.notIn("env", "prod"));
 * highSecurity.matches(Map.of("security", "high", "env", "dev"));   // true
 * }</pre>
 *
 * @param matchLabels labels a cluster must carry with exactly these values
 * @param matchExpressions requirements a cluster's labels must all satisfy
 */
public record LabelSelector(Map<String, String> matchLabels, List<SelectorRequirement> matchExpressions) {

  /** Validates the labels; the requirements are valid by construction. */
  public LabelSelector {
    Objects.requireNonNull(matchLabels, "matchLabels");
    matchExpressions = List.copyOf(Nulls.noNulls(matchExpressions, "matchExpressions"));
    matchLabels = LabelMaps.labels(matchLabels, "matchLabels");
  }

  /** The empty selector, which matches every cluster. */
  public static LabelSelector everything() {
    return new LabelSelector(Map.of(), List.of());
  }

  /** A selector of clusters carrying all of {@code labels}. */
  public static LabelSelector matchLabels(Map<String, String> labels) {
    return new LabelSelector(Objects.requireNonNull(labels, "labels"), List.of());
  }

  /** This selector with one more requirement. */
  public LabelSelector and(SelectorRequirement requirement) {
    List<SelectorRequirement> more = new ArrayList<>(matchExpressions);
    more.add(requirement);
    return new LabelSelector(matchLabels, more);
  }

  /** Whether this selector has neither labels nor expressions, and so matches everything. */
  public boolean isEmpty() {
    return matchLabels.isEmpty() && matchExpressions.isEmpty();
  }

  /** Whether a cluster with {@code labels} is selected. */
  public boolean matches(Map<String, String> labels) {
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (SelectorRequirement requirement : matchExpressions) {
      if (!requirement.matches(labels)) {
        return false;
      }
    }
    return true;
  }
}
