package io.fleetfed.core.fleet;

import static io.fleetfed.core.fleet.FleetItSupport.configMap;
import static io.fleetfed.core.fleet.FleetItSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.core.model.Placement;
import io.fleetfed.tekton.RunDispatcher;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code close()} of a fleet, a dispatcher and a sandbox returns once their threads and connections are gone, within a
 * bounded time.
 */
@EnableFleetSandbox(clusters = {"dev1", "dev2"})
class ShutdownTest {

  /**
   * The live threads but the JVM's and fabric8's and Netty's shared ones, which stop on their own when idle, and
   * the sandbox's (its own Vert.x threads have the same names as a fleet's: identity tells them apart).
   */
  private static Set<Thread> threads() {
    return threads(true);
  }

  private static Set<Thread> threads(boolean withoutSandboxes) {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .filter(t -> !t.getName().startsWith("CachedSingleThreadScheduler") && !t.getName().startsWith("globalEventExecutor")
            && !t.getName().equals("CompletableFutureDelayScheduler")
            && !(withoutSandboxes && t.getName().startsWith("sandbox-")))
        .collect(Collectors.toSet());
  }

  /**
   * Fails if a thread started since {@code before} is still alive, allowing each a moment to end: a pool's thread
   * signals its termination (which close() awaits) just before its last instructions.
   */
  private static void assertNoneLeft(Set<Thread> before, Set<Thread> after, String what) {
    Set<Thread> left = new HashSet<>(after);
    left.removeAll(before);
    for (Thread t : left) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    left.removeIf(t -> !t.isAlive());
    assertThat(left.stream().map(Thread::getName).sorted().toList()).as("threads left by " + what).isEmpty();
  }

  /**
   * Starts what the JVM shares and keeps, once, before any count: the sandbox's own clients use fabric8's default
   * Vert.x, which the JVM shares and starts on first use, and a fleet with a host reaches it through them.
   */
  @BeforeAll
  static void startWhatIsShared(FleetSandbox sandbox) {
    sandbox.clusterNames().forEach(c -> sandbox.cluster(c).client().configMaps().inNamespace("ci").list());
    try (FleetSandbox other = FleetSandbox.builder().clusters("a").start();
        ClusterFleet fleet = sandbox.fleet().host("dev1").members("dev2").build();
        RunDispatcher dispatcher = RunDispatcher.builder(fleet).build()) {
      other.cluster("a").client().configMaps().inNamespace("ci").list();
      dispatcher.load();
    }
  }

  @Test
  void fiftyFleetsCreatedAndClosedLeaveNoThreadBehind(FleetSandbox sandbox) {
    Set<Thread> before = threads();
    String ns = unique("shutdown");
    for (int i = 0; i < 50; i++) {
      ClusterFleet fleet = sandbox.fleet().build();
      if (i % 10 == 0) {   // some fleets did real work, and watch
        fleet.propagate(configMap(ns, "cm-" + i, Placement.clusters("dev1", "dev2"), Map.of("i", "" + i)))
            .orThrow();
        fleet.start();
      }
      long started = System.nanoTime();
      fleet.close();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("close() of fleet %d", i)
          .isLessThan(Duration.ofSeconds(15));
    }
    assertNoneLeft(before, threads(), "50 closed fleets");
  }

  @Test
  void dispatchersClosedWithTheirFleetsLeaveNoThreadBehind(FleetSandbox sandbox) {
    Set<Thread> before = threads();
    for (int i = 0; i < 20; i++) {
      try (ClusterFleet fleet = sandbox.fleet().host("dev1").members("dev2").build();
          RunDispatcher dispatcher = RunDispatcher.builder(fleet).build()) {
        assertThat(dispatcher.load()).containsKey("dev2");   // starts the member's watcher
      }
    }
    assertNoneLeft(before, threads(), "20 closed dispatchers");
  }

  @Test
  void sandboxesClosedLeaveNoThreadBehind() {
    Set<Thread> before = threads(false);
    for (int i = 0; i < 10; i++) {
      try (FleetSandbox other = FleetSandbox.builder().clusters("a", "b").start()) {
        other.cluster("a").client().configMaps().inNamespace("ci").list();
      }
    }
    assertNoneLeft(before, threads(false), "10 closed sandboxes");
  }
}
