package io.fleetfed.core.fleet;

import static org.assertj.core.api.Assertions.fail;

import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.testkit.FleetSandbox;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Shared helpers for fleet tests: quick settings, ConfigMaps, and waiting for a condition. */
final class Fixtures {
  private Fixtures() {}

  /** A fleet over every sandbox cluster, tuned to react within a fraction of a second. */
  static ClusterFleet.Builder quickFleet(FleetSandbox sandbox) {
    return ClusterFleet.builder().kubeconfig(sandbox.kubeconfig())
        .memberContexts(sandbox.clusterNames().toArray(String[]::new))
        .health(HealthCheck.DEFAULT.withPeriod(Duration.ofMillis(100)).withTimeout(Duration.ofMillis(500))
            .withThresholds(1, 1))
        .retry(new Backoff(Duration.ofMillis(50), Duration.ofMillis(500)))
        .watchReconnect(Duration.ofMillis(100))
        .requestTimeout(Duration.ofSeconds(3));
  }

  static FederatedResource configMap(String namespace, String name, Placement placement, Map<String, String> data) {
    return FederatedResource.builder(BuiltInTypes.CONFIG_MAPS).namespace(namespace).name(name)
        .template(Map.of("data", data)).placement(placement).build();
  }

  /** Polls {@code condition} every 20 ms until it holds, failing with {@code what} after {@code timeout}. */
  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted waiting for " + what);
      }
    }
  }
}
