package io.fleetfed.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.SandboxCluster;
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
