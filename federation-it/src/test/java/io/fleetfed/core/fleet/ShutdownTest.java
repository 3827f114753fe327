package io.fleetfed.core.fleet;

import static io.fleetfed.core.fleet.FleetItSupport.configMap;
import static io.fleetfed.core.fleet.FleetItSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.core.model.Placement;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code close()} returns once the fleet's threads and connections are gone, within a bounded time. */
@EnableFleetSandbox(clusters = {"dev1", "dev2"})
class ShutdownTest {

  /**
   * The live threads but the JVM's and fabric8's and Netty's shared ones, which stop on their own when idle, and
   * the sandbox's (its own Vert.x threads have the same names as a fleet's: identity tells them apart).
   */
  private static Set<Thread> threads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .filter(t -> !t.getName().startsWith("CachedSingleThreadScheduler") && !t.getName().startsWith("globalEventExecutor")
            && !t.getName().equals("CompletableFutureDelayScheduler") && !t.getName().startsWith("sandbox-"))
        .collect(Collectors.toSet());
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
    Set<Thread> left = threads();
    left.removeAll(before);
    assertThat(left.stream().map(Thread::getName).sorted().toList()).as("threads left by 50 closed fleets")
        .isEmpty();
  }
}
