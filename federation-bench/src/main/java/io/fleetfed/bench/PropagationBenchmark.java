package io.fleetfed.bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.SandboxCluster;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Targets (a) and (b): propagating {@code objects} ConfigMaps to every sandbox cluster, first into empty clusters
 * (a), then again unchanged (b).
 *
 * <ul>
 *   <li><b>(a) ours</b>: {@link ClusterFleet#propagateAll} of the federated ConfigMaps, placed on every cluster,
 *       with the fleet's {@code concurrency(N)}. <b>Baseline</b>: the same objects-times-clusters writes as plain
 *       fabric8 {@code configMaps().inNamespace(ns).resource(cm).createOr(NonDeletingOperation::update)} calls, from
 *       an executor of the same N threads, one client per cluster built from the same kubeconfig (each with its own
 *       Vert.x, as a default-built client has). The baseline's ConfigMaps are built before the clock starts; ours
 *       are rendered inside the timed region, because rendering is part of what {@code propagateAll} does.
 *   <li><b>(b) ours</b>: right after (a), on the same fleet, {@code propagateAll} of the same objects again, which
 *       must write nothing (the sandbox's write counters are checked and printed). Its baseline is the (a) time of
 *       the same round: the target is (a)/(b) of at least 10.
 * </ul>
 *
 * <p><b>Equal conditions.</b> The CRUD mock scans its whole store on every request, so every timed region starts
 * from the same store: before each side of each round every cluster is wiped ({@link FleetSandbox#reset()}) and
 * given the namespace {@value #NAMESPACE} (the fleet would otherwise create it on first use; it still GETs it on
 * first use in each cluster, a cost that stays in its figure, as does the list of managed ConfigMaps an unstarted
 * fleet makes once per call and member). Both sides then grow each store from the same size to the same size. Ours and the baseline
 * alternate which goes first, round by round, to cancel drift. The sandbox's request and write counters are printed
 * for both sides: each should write exactly objects-times-clusters times.
 *
 * <p><b>What is timed.</b> Only the propagation. A fresh fleet is built for each round (a fleet's member caches
 * would not survive the wipe) outside the clock, and it makes a first call outside the clock too, by propagating
 * one ConfigMap placed nowhere (which connects to every member and lists its managed ConfigMaps without writing);
 * that warm-up is reported beside the figure. The baseline's clients are likewise built, and have made a first
 * request, before the clock starts. Between (a) and (b) the run pauses {@value #SETTLE_MILLIS} ms, so that the
 * servers have finished (a)'s work and (b) measures a propagation of an unchanged set.
 */
final class PropagationBenchmark {
  static final String NAMESPACE = "bench";
  private static final long SETTLE_MILLIS = 1000;

  /** One round's figures; times in seconds. */
  record Round(int number, boolean oursFirst, int copies, double ours, long oursWrites, long oursRequests,
      double informerStart, double unchanged, long unchangedWrites, long unchangedRequests, double baseline,
      long baselineWrites, long baselineRequests) {

    double oursThroughput() {
      return copies / ours;
    }

    double baselineThroughput() {
      return copies / baseline;
    }
  }

  private record OursTimes(double informerStart, double first, long firstWrites, long firstRequests, double again,
      long againWrites, long againRequests) {}

  private record BaselineTimes(double seconds, long writes, long requests) {}

  private final FleetSandbox sandbox;
  private final FleetBenchmark.Options options;
  private final List<String> clusters;
  private final List<FederatedResource> resources = new ArrayList<>();
  private final FederatedResource informerStarter;

  PropagationBenchmark(FleetSandbox sandbox, FleetBenchmark.Options options) {
    this.sandbox = sandbox;
    this.options = options;
    this.clusters = sandbox.clusterNames();
    for (int i = 0; i < options.objects(); i++) {
      resources.add(FederatedResource.builder(BuiltInTypes.CONFIG_MAPS).namespace(NAMESPACE).name("cm-" + i)
          .template(Map.of("data", data(i))).placement(Placement.clusters(clusters)).build());
    }
    informerStarter = FederatedResource.builder(BuiltInTypes.CONFIG_MAPS).namespace(NAMESPACE)
        .name("informer-starter").template(Map.of("data", data(-1))).placement(Placement.none()).build();
  }

  /** The same data for ours and the baseline: a few small keys, about 150 bytes. */
  private static Map<String, String> data(int i) {
    return Map.of("index", Integer.toString(i), "owner", "fleetfed-bench",
        "settings.properties", "retries=3\ntimeout=30s\nendpoint=https://svc-" + i + ".example.com\n");
  }

  /** Runs one round: ours (a) then (b), and the baseline, in the given order. */
  Round round(int number, boolean oursFirst) throws InterruptedException {
    OursTimes ours;
    BaselineTimes baseline;
    if (oursFirst) {
      ours = ours();
      baseline = baseline();
    } else {
      baseline = baseline();
      ours = ours();
    }
    return new Round(number, oursFirst, resources.size() * clusters.size(), ours.first(), ours.firstWrites(),
        ours.firstRequests(), ours.informerStart(), ours.again(), ours.againWrites(), ours.againRequests(),
        baseline.seconds(), baseline.writes(), baseline.requests());
  }

  private void prepare() {
    SandboxStores.prepare(sandbox, NAMESPACE);
  }

  private OursTimes ours() throws InterruptedException {
    prepare();
    try (ClusterFleet fleet = sandbox.fleet().members(clusters.toArray(String[]::new)).libraryTimings()
        .configure(b -> b.concurrency(options.concurrency())).build()) {
      long start = System.nanoTime();
      PropagationResult started = fleet.propagate(informerStarter);
      double informerStart = seconds(System.nanoTime() - start);
      if (!started.clusters().isEmpty() || writes() != 0) {
        throw new IllegalStateException("starting the informers wrote something: " + started);
      }

      quiesce();
      start = System.nanoTime();
      List<PropagationResult> first = fleet.propagateAll(resources);
      double firstSeconds = seconds(System.nanoTime() - start);
      long firstWrites = writes();
      long firstRequests = requests();
      check(first, ClusterAction.CREATED, "the first propagation");

      Thread.sleep(SETTLE_MILLIS);
      quiesce();
      start = System.nanoTime();
      List<PropagationResult> again = fleet.propagateAll(resources);
      double againSeconds = seconds(System.nanoTime() - start);
      long againWrites = writes();
      long againRequests = requests();
      check(again, ClusterAction.UNCHANGED, "the unchanged propagation");
      return new OursTimes(informerStart, firstSeconds, firstWrites, firstRequests, againSeconds, againWrites,
          againRequests);
    }
  }

  private void check(List<PropagationResult> results, ClusterAction expected, String what) {
    int matching = 0;
    for (PropagationResult r : results) {
      if (!r.isSuccess()) {
        throw new IllegalStateException(what + " failed, so its time means nothing: " + r);
      }
      for (ClusterOutcome o : r.clusters().values()) {
        if (o.action() == expected) {
          matching++;
        }
      }
    }
    int copies = resources.size() * clusters.size();
    if (matching != copies) {
      throw new IllegalStateException(what + " should have " + expected + " " + copies + " copies but did so for "
          + matching);
    }
  }

  private BaselineTimes baseline() throws InterruptedException {
    prepare();
    File kubeconfig = sandbox.kubeconfig().toFile();
    List<KubernetesClient> clients = new ArrayList<>();
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(options.concurrency(), r -> {
      Thread t = new Thread(r, "baseline-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      List<List<ConfigMap>> objects = new ArrayList<>();
      for (String cluster : clusters) {
        KubernetesClient client = new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(cluster, kubeconfig)).build();
        clients.add(client);
        client.namespaces().withName(NAMESPACE).get();   // a first request, as the fleet's health probe is
        List<ConfigMap> perCluster = new ArrayList<>();
        for (int i = 0; i < resources.size(); i++) {
          perCluster.add(new ConfigMapBuilder().withNewMetadata().withName("cm-" + i).withNamespace(NAMESPACE)
              .endMetadata().withData(data(i)).build());
        }
        objects.add(perCluster);
      }

      quiesce();
      long start = System.nanoTime();
      List<CompletableFuture<ConfigMap>> futures = new ArrayList<>();
      for (int i = 0; i < resources.size(); i++) {            // object by object, every cluster: as ours does
        for (int c = 0; c < clients.size(); c++) {
          KubernetesClient client = clients.get(c);
          ConfigMap cm = objects.get(c).get(i);
          futures.add(CompletableFuture.supplyAsync(() -> client.configMaps().inNamespace(NAMESPACE).resource(cm)
              .createOr(NonDeletingOperation::update), pool));
        }
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get();
      double seconds = seconds(System.nanoTime() - start);
      for (CompletableFuture<ConfigMap> f : futures) {
        if (f.get() == null) {
          throw new IllegalStateException("a baseline write returned nothing");
        }
      }
      return new BaselineTimes(seconds, writes(), requests());
    } catch (ExecutionException e) {
      throw new IllegalStateException("a baseline write failed, so its time means nothing", e.getCause());
    } finally {
      pool.shutdownNow();
      clients.forEach(KubernetesClient::close);
    }
  }

  /** Zeroes the sandbox's counters and collects garbage left by the set-up, just before a timed region. */
  private void quiesce() {
    sandbox.clusters().forEach(SandboxCluster::resetCounts);
    System.gc();
  }

  private long writes() {
    return sandbox.clusters().stream().mapToLong(SandboxCluster::writeCount).sum();
  }

  private long requests() {
    return sandbox.clusters().stream().mapToLong(SandboxCluster::requestCount).sum();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
