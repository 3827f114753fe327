package io.fleetfed.tekton;

import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.model.LabelSelector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Choosing the member a run goes to, and saying why: pure (it decides from the clusters' states and loads it is
 * given) so that every rule is a row of a table test.
 *
 * <ol>
 *   <li>Eligibility, in this order of reasons: the host only when allowed; only the requested clusters; only
 *       clusters whose labels match the selector; not one tried already; not drained; not cordoned; Ready; able to
 *       take the run's kind in a version it serves (its own, or one the fleet converts it to).</li>
 *   <li>Load against capacity: a cluster below its capacity beats a full one; then the lower load-to-capacity
 *       ratio, then the lower load; ties go to the first name.</li>
 *   <li>The explanation: why the winner won, and why each other cluster was passed over.</li>
 * </ol>
 */
final class ClusterChooser {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterChooser.class);
  /** A cluster label giving how many runs the cluster takes at once. */
  static final String CAPACITY_LABEL = "fleetfed.io/capacity";

  /** Where a run may go: from its request. */
  record Constraints(boolean allowHost, Set<String> clusters, LabelSelector selector) {
    static Constraints of(DispatchRequest request) {
      return new Constraints(request.allowHost(), request.clusters(), request.selector());
    }
  }

  /** How many runs each cluster takes: given per cluster, else its label, else the default. */
  record Capacities(Map<String, Integer> given, int defaultCapacity) {
    int of(ClusterState c) {
      Integer explicit = given.get(c.name());
      if (explicit != null) {
        return explicit;
      }
      String label = c.labels().get(CAPACITY_LABEL);
      if (label != null) {
        try {
          return Math.max(0, Integer.parseInt(label.trim()));
        } catch (NumberFormatException e) {
          LOG.warn("cluster {} has an invalid {} label \"{}\"; using {}", c.name(), CAPACITY_LABEL, label,
              defaultCapacity);
        }
      }
      return defaultCapacity;
    }
  }

  private record Candidate(String name, int load, int capacity) {
    double ratio() {
      return capacity <= 0 ? Double.MAX_VALUE : (double) load / capacity;
    }

    boolean full() {
      return load >= capacity;
    }

    String describe() {
      return load + " of " + capacity + " runs";
    }
  }

  private ClusterChooser() {}

  /**
   * The member run {@code kind namespace/name} goes to.
   *
   * @param clusters every member as it is now
   * @param load the runs occupying a member, asked only of the eligible ones
   * @param hostName the host cluster's name ({@code ""} without a host)
   * @param tried clusters tried already for this run, with why each was left
   * @param notServed why a Ready cluster cannot take the run's kind at its version (nor convert it to one it
   *     serves); asked only of clusters eligible otherwise
   * @throws DispatchException if no cluster is eligible, naming why each was passed over
   */
  static ClusterChoice choose(Constraints constraints, List<ClusterState> clusters, ToIntFunction<String> load,
      Capacities capacities, String hostName, Map<String, String> tried,
      Function<String, Optional<String>> notServed, String kind, String namespace, String name) {
    Map<String, String> passed = new HashMap<>();
    List<Candidate> candidates = new ArrayList<>();
    Set<String> members = new TreeSet<>();
    for (ClusterState c : clusters) {
      members.add(c.name());
      Optional<String> why = passOver(constraints, c, hostName, tried, notServed);
      if (why.isPresent()) {
        passed.put(c.name(), why.get());
      } else {
        candidates.add(new Candidate(c.name(), load.applyAsInt(c.name()), capacities.of(c)));
      }
    }
    for (String wanted : constraints.clusters()) {
      if (!members.contains(wanted)) {
        passed.put(wanted, "not a member of the fleet");
      }
    }
    if (candidates.isEmpty()) {
      throw new DispatchException("no cluster can run " + kind + " " + namespace + "/" + name + ": "
          + (passed.isEmpty() ? "the fleet has no members" : describe(new TreeMap<>(passed))), kind, namespace,
          name, Optional.empty());
    }
    candidates.sort(Comparator.comparing(Candidate::full).thenComparingDouble(Candidate::ratio)
        .thenComparingInt(Candidate::load).thenComparing(Candidate::name));
    Candidate best = candidates.get(0);
    for (Candidate other : candidates.subList(1, candidates.size())) {
      passed.put(other.name(), other.ratio() == best.ratio() && other.load() == best.load()
          ? "as loaded (" + other.describe() + "); ties go to the first name"
          : "more loaded: " + other.describe() + " against " + best.describe() + " on " + best.name());
    }
    String reason = candidates.size() == 1 ? "the only eligible cluster (" + best.describe() + ")"
        : "least loaded: " + best.describe();
    if (best.full()) {
      reason += "; every eligible cluster is at capacity, so the run may queue there";
    }
    return new ClusterChoice(best.name(), reason, passed);
  }

  /** Why {@code c} may not run the run, or empty if it may. */
  static Optional<String> passOver(Constraints constraints, ClusterState c, String hostName,
      Map<String, String> tried, Function<String, Optional<String>> notServed) {
    if (c.name().equals(hostName) && !constraints.allowHost()) {
      return Optional.of("the host cluster runs no pipelines unless the request allows it");
    }
    if (!constraints.clusters().isEmpty() && !constraints.clusters().contains(c.name())) {
      return Optional.of("not among the requested clusters " + new TreeSet<>(constraints.clusters()));
    }
    if (!constraints.selector().matches(c.labels())) {
      return Optional.of("its labels " + new TreeMap<>(c.labels()) + " do not match the selector "
          + describe(constraints.selector()));
    }
    if (tried.containsKey(c.name())) {
      return Optional.of("tried already: " + tried.get(c.name()));
    }
    if (c.drained()) {
      return Optional.of("drained");
    }
    if (c.cordoned()) {
      return Optional.of("cordoned");
    }
    if (!c.health().isReady()) {
      return Optional.of(c.health() + c.message().map(m -> " (" + m + ")").orElse(""));
    }
    return notServed.apply(c.name()).map(why -> "cannot take the run's version: " + why);
  }

  static String describe(LabelSelector selector) {
    List<String> parts = new ArrayList<>();
    new TreeMap<>(selector.matchLabels()).forEach((k, v) -> parts.add(k + "=" + v));
    selector.matchExpressions().forEach(r -> parts.add(r.key() + " " + r.operator() + " " + r.values()));
    return parts.isEmpty() ? "(everything)" : String.join(",", parts);
  }

  /** {@code reasons} as {@code cluster: why; cluster: why}. */
  static String describe(Map<String, String> reasons) {
    List<String> parts = new ArrayList<>();
    reasons.forEach((c, why) -> parts.add(c + ": " + why));
    return String.join("; ", parts);
  }
}
