package io.fleetfed.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.testkit.Await;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.ServerKind;
import io.fleetfed.testkit.SandboxCluster;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Puts the sandbox's stores in the same state before each measured side of a benchmark. */
final class SandboxStores {
  private static final long RESPONSIVE_TIMEOUT_SECONDS = 120;

  private SandboxStores() {}

  /**
   * Waits until every cluster answers, wipes every store ({@link FleetSandbox#reset()}: the builder's CRDs come
   * back, counters go to zero) and creates {@code namespace} in each.
   *
   * <p>The wait is for a quirk of fabric8's mock server (7.9.0): when a watch that still has events queued for
   * sending is closed (an informer or a fleet closed right after a burst of writes), the server's only event loop
   * waits, for up to a minute, for the watch's sender thread, which is itself waiting (up to 30 s per event) for a
   * write that only that event loop can finish. Every request to that cluster stalls meanwhile. Waiting here keeps
   * such a stall out of the next measurement, and says so.
   */
  static void prepare(FleetSandbox sandbox, String namespace) {
    awaitResponsive(sandbox);
    sandbox.reset();
    for (SandboxCluster c : sandbox.clusters()) {
      c.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
          .build()).create();
    }
    sandbox.clusters().forEach(SandboxCluster::resetCounts);
  }

  /**
   * {@link #prepare}, then, on real API servers, waits until every cluster lists {@code type} in {@code namespace}.
   * A real server re-registers the builder's CRDs after {@link FleetSandbox#reset()} and answers 429 "storage is
   * (re)initializing" for their kinds for a moment; a fleet or informer started then would spend the measurement
   * retrying. The mock serves them at once, so it is asked nothing more.
   */
  static void prepare(FleetSandbox sandbox, String namespace, ResourceDefinitionContext type) {
    prepare(sandbox, namespace);
    if (sandbox.servers() != ServerKind.REAL) {
      return;
    }
    for (SandboxCluster c : sandbox.clusters()) {
      Await.until(Duration.ofSeconds(RESPONSIVE_TIMEOUT_SECONDS), type.getPlural() + " served on " + c.name(), () -> {
        try {
          c.client().genericKubernetesResources(type).inNamespace(namespace).list();
          return true;
        } catch (KubernetesClientException e) {
          return false;
        }
      });
    }
    sandbox.clusters().forEach(SandboxCluster::resetCounts);
  }

  private static void awaitResponsive(FleetSandbox sandbox) {
    for (SandboxCluster c : sandbox.clusters()) {
      long start = System.nanoTime();
      while (true) {
        try {
          c.client().namespaces().withName("default").get();
          break;
        } catch (KubernetesClientException e) {
          long waited = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
          if (waited > RESPONSIVE_TIMEOUT_SECONDS) {
            throw new IllegalStateException("sandbox cluster " + c.name() + " has not answered for " + waited
                + " s", e);
          }
          System.out.println("note: sandbox cluster " + c.name() + " is not answering (" + e.getMessage()
              + "); waiting before the next measurement");
        }
      }
    }
  }
}
