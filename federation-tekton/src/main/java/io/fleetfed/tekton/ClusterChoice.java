package io.fleetfed.tekton;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where a dispatch went and why, and why every other member was passed over.
 *
 * <pre>{@code
 * ClusterChoice choice = handle.choice();
 * System.out.println(choice.cluster() + ": " + choice.reason());
 * choice.passedOver().forEach((cluster, why) -> System.out.println("  not " + cluster + ": " + why));
 * }</pre>
 *
 * @param cluster the chosen member cluster
 * @param reason why it was chosen, such as {@code least loaded: 1 of 10 runs}
 * @param passedOver every other cluster of the fleet, by name, with the reason it was not chosen
 */
public record ClusterChoice(String cluster, String reason, Map<String, String> passedOver) {

  /** Checks that nothing is null; sorts {@code passedOver} by cluster name. */
  public ClusterChoice {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(reason, "reason");
    passedOver = Collections.unmodifiableSortedMap(new TreeMap<>(Arguments.noNulls(passedOver, "passedOver")));
  }

  @Override
  public String toString() {
    return cluster + " (" + reason + ")" + (passedOver.isEmpty() ? "" : "; passed over " + passedOver);
  }
}
