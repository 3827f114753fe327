package io.fleetfed.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fleetfed.core.cluster.ResourceContexts;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.status.ClusterStatus;
import io.fleetfed.core.status.ResourceKey;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.SandboxCluster;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Target (c): the time from a member copy's status change to the fleet's {@link io.fleetfed.core.status.StatusListener}
 * seeing it, over {@code changes} changes.
 *
 * <p>A {@code Probe} ({@value #GROUP}/v1, with a status subresource and a schema that keeps unknown fields) is
 * propagated to every cluster by a fleet that collects remote status and is started. Then, change by change, the
 * copy on one cluster (round-robin over the clusters) gets {@code status.seq = i} through the sandbox's own client
 * ({@code editStatus}: a GET and a PATCH of {@code /status}); the clock starts just before that call and stops when
 * the fleet's listener sees {@code remoteStatusAt("/seq")} equal to {@code i} for that cluster.
 *
 * <p><b>Baseline</b>: a plain fabric8 informer per cluster ({@code genericKubernetesResources(ctx).inNamespace(ns)
 * .inform(handler)}, its own client built from the same kubeconfig), listening at the same time as the fleet, timed
 * from the same start to its {@code onUpdate} carrying {@code seq = i}. The difference is what the fleet adds on
 * top of an informer: the status conversion, the status board and the listener's thread. Both include the
 * {@code editStatus} round trip.
 *
 * <p>The first {@code warmup} changes are not recorded. After each change the run waits for both to see it (at most
 * {@value #TIMEOUT_MILLIS} ms; a miss counts as that long) and then {@value #PAUSE_MILLIS} ms more, so that the
 * fleet's background pass over the changed copy does not queue up behind the next change.
 */
final class StatusLatencyBenchmark {
  static final String GROUP = "bench.fleetfed.io";
  static final ResourceType PROBES = ResourceType.namespaced(GROUP, "v1", "Probe", "probes");
  private static final String NAMESPACE = PropagationBenchmark.NAMESPACE;
  private static final long TIMEOUT_MILLIS = 5000;
  private static final long PAUSE_MILLIS = 5;

  /** Latencies in milliseconds, one per recorded change; misses count as the timeout. */
  record Result(List<Double> ours, List<Double> baseline, List<Double> statusWrite, int oursMissed,
      int baselineMissed, long writes, int changes) {}

  private final FleetSandbox sandbox;
  private final FleetBenchmark.Options options;

  StatusLatencyBenchmark(FleetSandbox sandbox, FleetBenchmark.Options options) {
    this.sandbox = sandbox;
    this.options = options;
  }

  /** The Probe CRD: namespaced, v1 served and stored, a status subresource, any fields. */
  static CustomResourceDefinition crd() {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(PROBES.plural() + "." + GROUP).endMetadata()
        .withNewSpec().withGroup(GROUP).withScope("Namespaced")
        .withNewNames().withKind(PROBES.kind()).withPlural(PROBES.plural()).withSingular("probe").endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema().endSchema()
        .withNewSubresources().withNewStatus().endStatus().endSubresources()
        .endVersion().endSpec().build();
  }

  Result run() throws InterruptedException {
    ResourceDefinitionContext context = ResourceContexts.of(PROBES);
    SandboxStores.prepare(sandbox, NAMESPACE, context);
    List<String> clusters = sandbox.clusterNames();
    FederatedResource probe = FederatedResource.builder(PROBES).namespace(NAMESPACE).name("probe")
        .template(Map.of("spec", Map.of("period", "1s"))).placement(Placement.clusters(clusters)).build();
    ResourceKey key = ResourceKey.of(probe);
    int total = options.warmupChanges() + options.changes();
    Seen ours = new Seen(total);
    Seen baseline = new Seen(total);
    File kubeconfig = sandbox.kubeconfig().toFile();
    List<KubernetesClient> clients = new ArrayList<>();
    List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
    try (ClusterFleet fleet = sandbox.fleet().members(clusters.toArray(String[]::new)).libraryTimings()
        .configure(b -> b.concurrency(options.concurrency()).collectRemoteStatus(true)).build()) {
      fleet.propagate(probe).orThrow();
      fleet.start();
      fleet.addStatusListener(status -> {
        if (status.key().equals(key)) {
          for (ClusterStatus c : status.clusters().values()) {
            c.remoteStatusAt("/seq").ifPresent(seq -> ours.mark(Integer.parseInt(seq)));
          }
        }
      });
      for (String cluster : clusters) {
        KubernetesClient client = new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(cluster, kubeconfig)).build();
        clients.add(client);
        informers.add(client.genericKubernetesResources(context).inNamespace(NAMESPACE)
            .inform(States.each(obj -> {
              Object seq = obj.get("status", "seq");
              if (seq instanceof Number n) {
                baseline.mark(n.intValue());
              }
            })));
      }

      List<Double> oursMs = new ArrayList<>();
      List<Double> baselineMs = new ArrayList<>();
      List<Double> writeMs = new ArrayList<>();
      int oursMissed = 0;
      int baselineMissed = 0;
      sandbox.clusters().forEach(SandboxCluster::resetCounts);
      for (int seq = 1; seq <= total; seq++) {
        SandboxCluster target = sandbox.clusters().get(seq % clusters.size());
        int value = seq;
        long start = System.nanoTime();
        target.client().genericKubernetesResources(context).inNamespace(NAMESPACE).withName(probe.name())
            .editStatus(o -> {
              o.setAdditionalProperty("status", Map.of("seq", value));
              return o;
            });
        long written = System.nanoTime();
        boolean oursSaw = ours.await(seq, TIMEOUT_MILLIS);
        boolean baselineSaw = baseline.await(seq, TIMEOUT_MILLIS);
        if (seq > options.warmupChanges()) {
          writeMs.add(millis(written - start));
          oursMs.add(oursSaw ? millis(ours.at(seq) - start) : TIMEOUT_MILLIS);
          baselineMs.add(baselineSaw ? millis(baseline.at(seq) - start) : TIMEOUT_MILLIS);
          oursMissed += oursSaw ? 0 : 1;
          baselineMissed += baselineSaw ? 0 : 1;
        }
        Thread.sleep(PAUSE_MILLIS);
      }
      long writes = sandbox.clusters().stream().mapToLong(SandboxCluster::writeCount).sum();
      return new Result(oursMs, baselineMs, writeMs, oursMissed, baselineMissed, writes, total);
    } finally {
      informers.forEach(SharedIndexInformer::close);
      clients.forEach(KubernetesClient::close);
    }
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  /** When each {@code seq} was first seen, and a latch per {@code seq} to wait for it. */
  private static final class Seen {
    private final AtomicLongArray at;
    private final CountDownLatch[] latches;

    Seen(int total) {
      at = new AtomicLongArray(total + 1);
      latches = new CountDownLatch[total + 1];
      for (int i = 0; i <= total; i++) {
        latches[i] = new CountDownLatch(1);
      }
    }

    void mark(int seq) {
      if (seq > 0 && seq < latches.length && at.compareAndSet(seq, 0, System.nanoTime())) {
        latches[seq].countDown();
      }
    }

    boolean await(int seq, long timeoutMillis) throws InterruptedException {
      return latches[seq].await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    long at(int seq) {
      return at.get(seq);
    }
  }
}
