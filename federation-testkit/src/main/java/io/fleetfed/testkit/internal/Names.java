package io.fleetfed.testkit.internal;

import io.fleetfed.core.model.ClusterNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Checks sandbox cluster names: distinct, and valid cluster names by fleetfed's one rule ({@link ClusterNames}). */
public final class Names {

  private Names() {
  }

  /**
   * Checks cluster names.
   *
   * @param names the names, in order
   * @return the names, as an immutable list
   * @throws IllegalArgumentException naming the first bad or repeated name, or if there is none
   */
  public static List<String> checkClusterNames(Collection<String> names) {
    if (names == null || names.isEmpty()) {
      throw new IllegalArgumentException("a sandbox needs at least one cluster name");
    }
    Set<String> seen = new HashSet<>();
    List<String> result = new ArrayList<>();
    for (String name : names) {
      if (name == null) {
        throw new IllegalArgumentException("a cluster name is null");
      }
      Optional<String> problem = ClusterNames.problem(name);
      if (problem.isPresent()) {
        throw new IllegalArgumentException(problem.get());
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("cluster name \"" + name + "\" is given twice");
      }
      result.add(name);
    }
    return List.copyOf(result);
  }
}
