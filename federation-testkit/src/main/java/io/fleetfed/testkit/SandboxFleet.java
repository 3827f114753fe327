package io.fleetfed.testkit;

import io.fleetfed.core.cluster.Backoff;
import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.cluster.HealthCheck;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.fleet.ClusterFleetBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link ClusterFleet} over a {@link FleetSandbox}: the one way the project's tests, benchmarks and demo stand a
 * fleet on sandbox clusters, and the way yours can. Made with {@link FleetSandbox#fleet()}.
 *
 * <pre>{@code
 * try (ClusterFleet fleet = sandbox.fleet()
 *     .host("dev1")                                       // membership and dispatch records live in dev1
 *     .member("dev2", Map.of("security", "low"))          // members used directly, with placement labels
 *     .member("dev3", Map.of("security", "high"))
 *     .start()) {                                         // built, and every member READY
 *   fleet.propagate(nginx).orThrow();
 * }
 * }</pre>
 *
 * <p>By default the fleet reacts quickly, as a test wants: health probed every 200 ms (1 s timeout, 2 failures to
 * go not Ready), failures retried after 50 ms up to 500 ms, watches reconnecting after 100 ms, requests timing out
 * after 2 s. {@link #libraryTimings()} keeps the library's own defaults instead (KubeFed's), as benchmarks do.
 * Without a {@link #member}, a fleet with a host has the members the host records (none, until some are joined),
 * and one without a host has every sandbox cluster as a member.
 */
public final class SandboxFleet {
  /** Health checks for tests: every 200 ms, 1 s timeout, 2 failures to go not Ready, 1 success to come back. */
  public static final HealthCheck QUICK_HEALTH = HealthCheck.DEFAULT.withPeriod(Duration.ofMillis(200))
      .withTimeout(Duration.ofMillis(1000)).withThresholds(2, 1);
  /** Retries for tests: 50 ms, doubling, at most 500 ms. */
  public static final Backoff QUICK_RETRY = new Backoff(Duration.ofMillis(50), Duration.ofMillis(500));
  /** How long {@link #start()} waits for every member to be READY. */
  public static final Duration READY_WAIT = Duration.ofSeconds(15);

  private final FleetSandbox sandbox;
  private Optional<String> host = Optional.empty();
  private final Map<String, Map<String, String>> members = new LinkedHashMap<>();
  private boolean quick = true;
  private final List<Consumer<ClusterFleetBuilder>> settings = new ArrayList<>();

  SandboxFleet(FleetSandbox sandbox) {
    this.sandbox = sandbox;
  }

  /**
   * Uses sandbox cluster {@code cluster} as the host: members are read from its KubeFedClusters and join writes
   * there; it is a member only if joined or named with {@link #member}.
   */
  public SandboxFleet host(String cluster) {
    sandbox.cluster(cluster);   // fails naming the clusters there are
    this.host = Optional.of(cluster);
    return this;
  }

  /** Uses sandbox cluster {@code cluster} as a member, directly (nothing stored in a host). */
  public SandboxFleet member(String cluster) {
    return member(cluster, Map.of());
  }

  /** Uses sandbox cluster {@code cluster} as a member with placement {@code labels}. */
  public SandboxFleet member(String cluster, Map<String, String> labels) {
    sandbox.cluster(cluster);
    members.put(cluster, Map.copyOf(labels));
    return this;
  }

  /** Uses these sandbox clusters as members, without labels. */
  public SandboxFleet members(String... clusters) {
    for (String c : clusters) {
      member(c);
    }
    return this;
  }

  /** Keeps the library's default timings (KubeFed's health checks and retries) rather than the quick ones. */
  public SandboxFleet libraryTimings() {
    this.quick = false;
    return this;
  }

  /** Anything else to set on the fleet's builder, such as {@code b -> b.adoptResources(true)}. */
  public SandboxFleet configure(Consumer<ClusterFleetBuilder> setting) {
    settings.add(Objects.requireNonNull(setting, "setting"));
    return this;
  }

  /**
   * The quick settings' request timeout: 2 s on the mock; on real API servers the production default, 10 s, since a
   * real server's first write of a type whose CRD was just created takes about 2 s (measured on 1.34).
   */
  static Duration quickRequestTimeout(FleetSandbox sandbox) {
    return sandbox.servers() == ServerKind.REAL ? Duration.ofSeconds(10) : Duration.ofSeconds(2);
  }

  /** The fleet's builder as configured so far, to build yourself. */
  public ClusterFleetBuilder builder() {
    ClusterFleetBuilder b = ClusterFleet.builder().kubeconfig(sandbox.kubeconfig());
    if (quick) {
      b.health(QUICK_HEALTH).retry(QUICK_RETRY).watchReconnect(Duration.ofMillis(100))
          .requestTimeout(quickRequestTimeout(sandbox));
    }
    host.ifPresent(b::hostContext);
    Map<String, Map<String, String>> chosen = new LinkedHashMap<>(members);
    if (chosen.isEmpty() && host.isEmpty()) {
      sandbox.clusterNames().forEach(c -> chosen.put(c, Map.of()));
    }
    chosen.forEach((cluster, labels) -> b.memberContext(cluster, cluster, labels));
    settings.forEach(s -> s.accept(b));
    return b;
  }

  /** Builds the fleet without waiting for its members' health. */
  public ClusterFleet build() {
    return builder().build();
  }

  /**
   * Builds the fleet and waits until every member is READY (a cold JVM can miss the first probe).
   *
   * @throws AssertionError if a member is not READY within {@link #READY_WAIT} (the fleet is closed then)
   */
  public ClusterFleet start() {
    ClusterFleet fleet = build();
    try {
      Await.until(READY_WAIT, "every member READY (now " + fleet.clusters() + ")",
          () -> fleet.clusters().stream().allMatch(c -> c.health() == ClusterHealth.READY));
    } catch (AssertionError e) {
      fleet.close();
      throw e;
    }
    return fleet;
  }
}
