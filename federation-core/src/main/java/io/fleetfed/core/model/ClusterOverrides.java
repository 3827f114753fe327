package io.fleetfed.core.model;

import io.fleetfed.core.internal.Nulls;
import io.fleetfed.core.internal.Problems;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The overrides of one cluster, applied in order: one {@code spec.overrides[]} entry of a federated object.
 *
 * <pre>{@code
 * new ClusterOverrides("dev2", List.of(ClusterOverride.replace("/spec/replicas", 3)));
 * }</pre>
 *
 * @param clusterName the cluster the overrides apply to (a valid cluster name; it need not be placed)
 * @param clusterOverrides the operations, in the order they apply; no path may appear twice
 */
public record ClusterOverrides(String clusterName, List<ClusterOverride> clusterOverrides) {

  /** Validates the cluster name and that no path appears twice. */
  public ClusterOverrides {
    Objects.requireNonNull(clusterName, "clusterName");
    clusterOverrides = List.copyOf(Nulls.noNulls(clusterOverrides, "clusterOverrides"));
    Problems problems = new Problems();
    ClusterNames.problem(clusterName).ifPresent(p -> problems.add("clusterName", p));
    Map<String, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < clusterOverrides.size(); i++) {
      String path = clusterOverrides.get(i).path();
      Integer first = firstIndex.putIfAbsent(path, i);
      if (first != null) {
        problems.add("clusterOverrides[" + i + "].path", "path \"" + path + "\" appears more than once for"
            + " cluster \"" + clusterName + "\" (first at clusterOverrides[" + first + "])");
      }
    }
    problems.throwIfAny();
  }

  /** The overrides of {@code clusterName}. */
  public static ClusterOverrides of(String clusterName, ClusterOverride... overrides) {
    return new ClusterOverrides(clusterName, List.of(Nulls.noNulls(overrides, "overrides")));
  }
}
