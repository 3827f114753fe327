package io.fleetfed.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fleetfed.controller.FederationController;
import io.fleetfed.controller.LeaderElection;
import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.kubefed.FederatedCrds;
import io.fleetfed.core.kubefed.FederatedTypeConfig;
import io.fleetfed.core.kubefed.KubeFedYaml;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.testkit.Await;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.SandboxCluster;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The host-cluster controller ({@link FederationController}) against the direct path it is built on, in the same
 * run, on a sandbox of a host and {@code members} member clusters (issue 10, point 11):
 *
 * <ol type="a">
 *   <li><b>Propagation.</b> Ours: a controller leads on the host (FederatedTypeConfig {@code configmaps} enabled,
 *       the members joined through the host's KubeFedClusters, as {@code fleetfed join} leaves them); N
 *       FederatedConfigMaps placed on every member are created in the host from {@code concurrency} threads; the
 *       figure is the time from the first create sent until the last copy is seen on its member. Baseline:
 *       {@link ClusterFleet#propagateAll} of the same N objects (same data, same placement) from a fleet over the
 *       same members, until it returns. Both from the same empty stores ({@link FleetSandbox#reset()}); copies are
 *       counted by a fabric8 informer on each member (list and watch, not a GET per object), which runs through both
 *       sides so both carry the same measuring load. Target: ours at least 0.9x the baseline's throughput.
 *   <li><b>Latency</b>, per object: from the moment its create was sent to the host until its first copy is seen on
 *       a member (and until its copy is seen on every member), p50 and p99. The create's send time is used, not the
 *       object's {@code creationTimestamp}, which has whole-second resolution.
 *   <li><b>Status writes</b> per object on the happy path: the controller's Micrometer counter
 *       {@code fleetfed_status_writes} once it is idle again, divided by N. Target at most 2.
 *   <li><b>Unchanged resync.</b> After convergence: first a quiet window with the controller idle (the baseline:
 *       only the Lease's renewals should write), then the controller is closed and a new one started (a new leader
 *       lists everything again and reconciles every object) and the same window follows its becoming idle. Writes to
 *       the members and status writes must be 0; host writes should be the Lease's only.
 * </ol>
 *
 * <pre>
 * java -jar federation-bench/target/benchmarks.jar controller                 # 1,000 objects, 5 members, mock
 * java -jar federation-bench/target/benchmarks.jar controller --objects 200 --real
 * java -jar federation-bench/target/benchmarks.jar controller --help
 * </pre>
 *
 * <p>The controller runs with its defaults (KubeFed's: one reconcile worker unless a KubeFedConfig says otherwise,
 * the default Lease durations); {@code --workers N} writes a KubeFedConfig with
 * {@code syncController.maxConcurrentReconciles: N}. A warm-up round of both sides with a fifth of the objects runs
 * first, for the JIT.
 */
public final class ControllerBenchmark {
  static final String NAMESPACE = "bench";
  static final String HOST = "host";
  static final String KUBEFED_NS = FederationController.DEFAULT_KUBEFED_NAMESPACE;
  static final ResourceDefinitionContext FEDERATED_CONFIG_MAPS = new ResourceDefinitionContext.Builder()
      .withGroup("types.kubefed.io").withVersion("v1beta1").withKind("FederatedConfigMap")
      .withPlural("federatedconfigmaps").withNamespaced(true).build();
  static final ResourceDefinitionContext TYPE_CONFIGS = new ResourceDefinitionContext.Builder()
      .withGroup("core.kubefed.io").withVersion("v1beta1").withKind("FederatedTypeConfig")
      .withPlural("federatedtypeconfigs").withNamespaced(true).build();
  static final ResourceDefinitionContext KUBEFED_CONFIGS = new ResourceDefinitionContext.Builder()
      .withGroup("core.kubefed.io").withVersion("v1beta1").withKind("KubeFedConfig")
      .withPlural("kubefedconfigs").withNamespaced(true).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration STABLE = Duration.ofSeconds(2);
  /**
   * The election: with the default {@code --lease 3}, the controller tests' durations (lease 3 s, renew deadline 2 s,
   * retry 500 ms); {@code --lease N} scales all three.
   */
  static LeaderElection election(int leaseSeconds) {
    return LeaderElection.DEFAULT.withDurations(Duration.ofSeconds(leaseSeconds),
        Duration.ofMillis(leaseSeconds * 2000L / 3), Duration.ofMillis(leaseSeconds * 1000L / 6));
  }

  private ControllerBenchmark() {}

  /** The run's settings; {@code workers} 0 leaves the controller's default. */
  record Options(int members, int objects, int concurrency, int warmupObjects, int workers, int quietSeconds,
      int timeoutSeconds, int leaseSeconds, boolean real) {
    static final String USAGE = String.join("\n",
        "usage: java -jar benchmarks.jar controller [options]",
        "  --objects N        FederatedConfigMaps (default 1000)",
        "  --members N        member clusters beside the host (default 5)",
        "  --concurrency N    threads creating the objects in the host (default 16)",
        "  --warmup N         objects of the unmeasured warm-up round of both sides (default objects/5; 0: none)",
        "  --workers N        a KubeFedConfig with syncController.maxConcurrentReconciles N (default: none,",
        "                     the controller's default)",
        "  --quiet N          seconds of each resync window (default 10)",
        "  --timeout N        seconds to wait for the controller to converge (default 600)",
        "  --lease N          the Lease's duration in seconds (default 3, as the controller's tests; renew",
        "                     deadline 2/3 of it, retry period 1/6)",
        BenchServers.USAGE_REAL);

    static Options parse(List<String> args) {
      int members = 5;
      int objects = 1000;
      int concurrency = 16;
      Integer warmup = null;
      int workers = 0;
      int quiet = 10;
      int timeout = 600;
      int lease = 3;
      boolean real = false;
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        if (arg.equals("--real")) {
          real = true;
          continue;
        }
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException("missing value after " + arg + "\n" + USAGE);
        }
        int value;
        try {
          value = Integer.parseInt(args.get(++i));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(arg + " needs a whole number, not \"" + args.get(i) + "\"\n" + USAGE);
        }
        int min = arg.equals("--warmup") || arg.equals("--workers") ? 0 : 1;
        if (value < min) {
          throw new IllegalArgumentException(arg + " must be at least " + min + "\n" + USAGE);
        }
        switch (arg) {
          case "--objects" -> objects = value;
          case "--members" -> members = value;
          case "--concurrency" -> concurrency = value;
          case "--warmup" -> warmup = value;
          case "--workers" -> workers = value;
          case "--quiet" -> quiet = value;
          case "--timeout" -> timeout = value;
          case "--lease" -> lease = value;
          default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
        }
      }
      return new Options(members, objects, concurrency, warmup == null ? Math.max(1, objects / 5) : warmup, workers,
          quiet, timeout, lease, real);
    }

    List<String> memberNames() {
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= members; i++) {
        names.add("member-" + i);
      }
      return names;
    }
  }

  /** The direct path's figures. */
  record Direct(int objects, int copies, double seconds, long memberWrites, double warmupCall) {}

  /** The controller path's figures; times in seconds, latencies in milliseconds. */
  record Controlled(int objects, int copies, double seconds, double createsDone, List<Double> firstCopy, List<Double> allCopies,
      double statusWrites, long hostWrites, long memberWrites, double settle, int statusesTrue, int objectUpdates,
      int events) {}

  /** The resync phase's figures: the quiet window (baseline) and the restart. */
  record Resync(int quietSeconds, long quietHostWrites, long quietMemberWrites, double quietStatusWrites,
      double restartToIdle, double reconciles, long hostWrites, long memberWrites, double statusWrites) {}

  /** Runs the benchmark with the given options (see {@link Options#USAGE}) and prints the report. */
  public static void main(String[] args) throws InterruptedException {
    Optional<Options> parsed = BenchMain.options(args, Options.USAGE, Options::parse);
    if (parsed.isEmpty()) {
      return;
    }
    System.out.println(run(parsed.get()));
  }

  static String run(Options o) throws InterruptedException {
    System.out.printf(Locale.ROOT, "controller benchmark: a host and %d members, %d FederatedConfigMaps, creates from"
        + " %d threads, warm-up %d objects, reconcile workers %s; %d CPUs%n", o.members(), o.objects(),
        o.concurrency(), o.warmupObjects(), o.workers() == 0 ? "default" : Integer.toString(o.workers()),
        Runtime.getRuntime().availableProcessors());
    List<String> clusters = new ArrayList<>();
    clusters.add(HOST);
    clusters.addAll(o.memberNames());
    try (FleetSandbox sandbox = BenchServers.start(FleetSandbox.builder().clusters(clusters).crds(crds()),
        BenchServers.kind(o.real()))) {
      String servers = BenchServers.describe(sandbox);
      System.out.println(servers);
      Run run = new Run(sandbox, o);
      if (o.warmupObjects() > 0) {
        Direct d = run.direct(o.warmupObjects());
        System.out.println("warm-up " + describe(d));
        run.controlled(o.warmupObjects()).close();
        System.out.println("warm-up " + describe(run.last));
      }
      Direct direct = run.direct(o.objects());
      System.out.println(describe(direct));
      Resync resync;
      FederationController controller = run.controlled(o.objects());
      System.out.println(describe(run.last));
      try {
        resync = run.resync(controller);   // closes it and starts another
      } finally {
        controller.close();
      }
      System.out.println(describe(resync));
      return report(o, direct, run.last, resync) + servers + "\n";
    }
  }

  /** KubeFed's core CRDs the controller reads and the federated CRD of ConfigMaps, as the host keeps them. */
  static List<CustomResourceDefinition> crds() {
    List<CustomResourceDefinition> crds = new ArrayList<>();
    crds.add(core("FederatedTypeConfig", "federatedtypeconfigs", true));
    crds.add(core("KubeFedConfig", "kubefedconfigs", false));
    crds.add(core("KubeFedCluster", "kubefedclusters", true));
    crds.add(JSON.convertValue(FederatedCrds.crd(TypeRegistry.standard().lookup("configmaps")),
        CustomResourceDefinition.class));
    return crds;
  }

  private static CustomResourceDefinition core(String kind, String plural, boolean status) {
    var version = new CustomResourceDefinitionVersionBuilder().withName("v1beta1").withServed(true)
        .withStorage(true).withNewSchema().withOpenAPIV3Schema(new JSONSchemaPropsBuilder().withType("object")
            .withXKubernetesPreserveUnknownFields(true).build()).endSchema();
    if (status) {
      version = version.withNewSubresources().withNewStatus().endStatus().endSubresources();
    }
    return new CustomResourceDefinitionBuilder().withNewMetadata().withName(plural + ".core.kubefed.io")
        .endMetadata().withNewSpec().withGroup("core.kubefed.io").withScope("Namespaced").withNewNames()
        .withKind(kind).withListKind(kind + "List").withPlural(plural).withSingular(kind.toLowerCase(Locale.ROOT))
        .endNames().withVersions(version.build()).endSpec().build();
  }

  /** The same data for both sides: a few small keys, about 150 bytes (as the fleet benchmark's). */
  static Map<String, String> data(int i) {
    return Map.of("index", Integer.toString(i), "owner", "fleetfed-bench",
        "settings.properties", "retries=3\ntimeout=30s\nendpoint=https://svc-" + i + ".example.com\n");
  }

  /** One side's copies as the members' informers see them: first sight per object, and of its last copy. */
  static final class Copies implements AutoCloseable {
    final Map<String, Long> first = new ConcurrentHashMap<>();
    final Map<String, Long> all = new ConcurrentHashMap<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> perObject = new ConcurrentHashMap<>();
    private final List<SharedIndexInformer<ConfigMap>> informers = new ArrayList<>();
    private final CountDownLatch done;
    private final int members;

    Copies(FleetSandbox sandbox, List<String> memberNames, int objects) {
      this.members = memberNames.size();
      this.done = new CountDownLatch(objects * members);
      for (String m : memberNames) {
        SharedIndexInformer<ConfigMap> informer = sandbox.cluster(m).client().configMaps().inNamespace(NAMESPACE)
            .inform(new ResourceEventHandler<>() {
              @Override
              public void onAdd(ConfigMap cm) {
                saw(m, cm);
              }

              @Override
              public void onUpdate(ConfigMap old, ConfigMap cm) {
                saw(m, cm);
              }

              @Override
              public void onDelete(ConfigMap cm, boolean unknown) {}
            }, 0);
        informers.add(informer);
      }
      Await.until(Duration.ofSeconds(60), "the members' informers synced",
          () -> informers.stream().allMatch(SharedIndexInformer::hasSynced));
    }

    private void saw(String member, ConfigMap cm) {
      long now = System.nanoTime();
      String name = cm.getMetadata().getName();
      if (!name.startsWith("cm-") || !seen.add(member + "/" + name)) {
        return;
      }
      first.putIfAbsent(name, now);
      if (perObject.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet() == members) {
        all.put(name, now);
      }
      done.countDown();
    }

    boolean await(Duration timeout) throws InterruptedException {
      return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    long seen() {
      return seen.size();
    }

    @Override
    public void close() {
      informers.forEach(SharedIndexInformer::close);
    }
  }

  /** The two sides, run on one sandbox. */
  static final class Run {
    private final FleetSandbox sandbox;
    private final Options o;
    private final List<String> members;
    Controlled last;

    Run(FleetSandbox sandbox, Options o) {
      this.sandbox = sandbox;
      this.o = o;
      this.members = o.memberNames();
    }

    Direct direct(int objects) throws InterruptedException {
      SandboxStores.prepare(sandbox, NAMESPACE);
      List<FederatedResource> resources = new ArrayList<>();
      for (int i = 0; i < objects; i++) {
        resources.add(FederatedResource.builder(BuiltInTypes.CONFIG_MAPS).namespace(NAMESPACE).name("cm-" + i)
            .template(Map.of("data", data(i))).placement(Placement.clusters(members)).build());
      }
      FederatedResource starter = FederatedResource.builder(BuiltInTypes.CONFIG_MAPS).namespace(NAMESPACE)
          .name("informer-starter").template(Map.of("data", data(-1))).placement(Placement.none()).build();
      try (Copies copies = new Copies(sandbox, members, objects);
          ClusterFleet fleet = sandbox.fleet().members(members.toArray(String[]::new)).libraryTimings().build()) {
        long start = System.nanoTime();
        fleet.propagate(starter);   // connects to every member and lists its copies, outside the clock
        double warmupCall = seconds(System.nanoTime() - start);
        quiesce();
        start = System.nanoTime();
        List<PropagationResult> results = fleet.propagateAll(resources);
        double took = seconds(System.nanoTime() - start);
        long memberWrites = writes(members);
        int created = 0;
        for (PropagationResult r : results) {
          if (!r.isSuccess()) {
            throw new IllegalStateException("the direct path failed, so its time means nothing: " + r);
          }
          for (ClusterOutcome c : r.clusters().values()) {
            created += c.action() == ClusterAction.CREATED ? 1 : 0;
          }
        }
        if (created != objects * members.size()) {
          throw new IllegalStateException("the direct path created " + created + " copies, not "
              + objects * members.size());
        }
        if (!copies.await(Duration.ofSeconds(60))) {
          throw new IllegalStateException("the members' informers saw " + copies.seen() + " copies of "
              + objects * members.size());
        }
        return new Direct(objects, objects * members.size(), took, memberWrites, warmupCall);
      }
    }

    /** Sets the host up, starts a controller, creates the objects, waits for every copy; returns it, leading. */
    FederationController controlled(int objects) throws InterruptedException {
      SandboxStores.prepare(sandbox, NAMESPACE);
      SandboxCluster hostCluster = sandbox.cluster(HOST);
      KubernetesClient admin = hostCluster.client();
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(KUBEFED_NS).endMetadata()
          .build()).createOr(NonDeletingOperation::update);
      try (ClusterFleet joiner = ClusterFleet.builder().kubeconfig(sandbox.kubeconfig()).hostContext(HOST)
          .build()) {
        members.forEach(joiner::join);
      }
      admin.genericKubernetesResources(TYPE_CONFIGS).inNamespace(KUBEFED_NS).resource(typeConfig()).create();
      if (o.workers() > 0) {
        GenericKubernetesResource config = new GenericKubernetesResource();
        config.setApiVersion("core.kubefed.io/v1beta1");
        config.setKind("KubeFedConfig");
        config.setMetadata(new ObjectMetaBuilder().withName("kubefed").withNamespace(KUBEFED_NS).build());
        config.setAdditionalProperty("spec", Map.of("syncController", Map.of("maxConcurrentReconciles",
            o.workers())));
        admin.genericKubernetesResources(KUBEFED_CONFIGS).inNamespace(KUBEFED_NS).resource(config).create();
      }

      List<GenericKubernetesResource> objectsToCreate = new ArrayList<>();
      for (int i = 0; i < objects; i++) {
        objectsToCreate.add(federatedConfigMap(i, members));
      }
      File kubeconfig = sandbox.kubeconfig().toFile();
      KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(HOST, kubeconfig))
          .build();
      AtomicInteger threads = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(o.concurrency(), r -> {
        Thread t = new Thread(r, "host-creates-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      Copies copies = new Copies(sandbox, members, objects);
      AtomicInteger objectUpdates = new AtomicInteger();
      SharedIndexInformer<GenericKubernetesResource> hostObjects = client.genericKubernetesResources(
          FEDERATED_CONFIG_MAPS).inNamespace(NAMESPACE).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource r) {}

            @Override
            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource r) {
              objectUpdates.incrementAndGet();
            }

            @Override
            public void onDelete(GenericKubernetesResource r, boolean unknown) {}
          }, 0);
      FederationController controller = startController();
      try {
        client.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace(NAMESPACE).list();   // a first request
        quiesce();
        double statusBefore = statusWrites(controller);
        long[] sent = new long[objects];
        long start = System.nanoTime();
        List<CompletableFuture<GenericKubernetesResource>> futures = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
          int index = i;
          futures.add(CompletableFuture.supplyAsync(() -> {
            sent[index] = System.nanoTime();
            return client.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace(NAMESPACE)
                .resource(objectsToCreate.get(index)).create();
          }, pool));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get();
        double createsDone = seconds(System.nanoTime() - start);
        if (!copies.await(Duration.ofSeconds(o.timeoutSeconds()))) {
          throw new IllegalStateException("after " + o.timeoutSeconds() + " s the members' informers saw "
              + copies.seen() + " copies of " + objects * members.size() + "; controller " + controller.state());
        }
        long lastCopy = copies.all.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        double took = seconds(lastCopy - start);
        List<Double> firstCopy = new ArrayList<>();
        List<Double> allCopies = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
          firstCopy.add((copies.first.get("cm-" + i) - sent[i]) / 1e6);
          allCopies.add((copies.all.get("cm-" + i) - sent[i]) / 1e6);
        }
        long settleStart = System.nanoTime();
        awaitIdle(controller);
        double settle = seconds(System.nanoTime() - settleStart);
        double statusWrites = statusWrites(controller) - statusBefore;
        long hostWrites = hostCluster.writeCount();
        long memberWrites = writes(members);
        int statusesTrue = propagatedTrue(client);
        int events = client.v1().events().inAnyNamespace().list().getItems().size();
        last = new Controlled(objects, objects * members.size(), took, createsDone, firstCopy, allCopies, statusWrites, hostWrites,
            memberWrites, settle, statusesTrue, objectUpdates.get(), events);
        return controller;
      } catch (ExecutionException e) {
        controller.close();
        throw new IllegalStateException("a create in the host failed, so the time means nothing", e.getCause());
      } catch (RuntimeException | InterruptedException e) {
        controller.close();
        throw e;
      } finally {
        copies.close();
        hostObjects.close();
        pool.shutdownNow();
        client.close();
      }
    }

    /** The quiet window with {@code controller} idle, then a restart and the same window after it is idle. */
    Resync resync(FederationController controller) throws InterruptedException {
      SandboxCluster hostCluster = sandbox.cluster(HOST);
      Thread.sleep(STABLE.toMillis());
      sandbox.clusters().forEach(SandboxCluster::resetCounts);
      double before = statusWrites(controller);
      Thread.sleep(o.quietSeconds() * 1000L);
      long quietHost = hostCluster.writeCount();
      long quietMembers = writes(members);
      double quietStatus = statusWrites(controller) - before;

      sandbox.clusters().forEach(SandboxCluster::resetCounts);
      long start = System.nanoTime();
      controller.close();
      try (FederationController next = startController()) {
        double restartToIdle = seconds(System.nanoTime() - start);
        Thread.sleep(o.quietSeconds() * 1000L);
        double reconciles = reconciles(next.meterRegistry());
        return new Resync(o.quietSeconds(), quietHost, quietMembers, quietStatus, restartToIdle, reconciles,
            hostCluster.writeCount(), writes(members), statusWrites(next));
      }
    }

    private FederationController startController() throws InterruptedException {
      FederationController controller = FederationController.builder().kubeconfig(sandbox.kubeconfig(), HOST)
          .leaderElection(election(o.leaseSeconds())).build().start();
      try {
        Await.until(Duration.ofSeconds(120), "the controller leading, running configmaps, with every member ready",
            () -> {
              var s = controller.state();
              return s.leading() && s.typesRunning().equals(List.of("configmaps")) && s.members().size()
                  == members.size() && s.members().stream().allMatch(m -> m.health() == ClusterHealth.READY);
            });
        awaitIdle(controller);
      } catch (RuntimeException | AssertionError e) {
        var state = controller.state();
        controller.close();
        throw new IllegalStateException("the controller did not settle: " + state, e);
      }
      return controller;
    }

    /** Waits until the controller has been idle for {@link #STABLE} without a break. */
    private void awaitIdle(FederationController controller) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.timeoutSeconds());
      long idleSince = -1;
      while (true) {
        long now = System.nanoTime();
        if (!controller.isIdle()) {
          idleSince = -1;
        } else if (idleSince < 0) {
          idleSince = now;
        } else if (now - idleSince >= STABLE.toNanos()) {
          return;
        }
        if (now > deadline) {
          throw new IllegalStateException("the controller is not idle after " + o.timeoutSeconds() + " s: "
              + controller.state());
        }
        Thread.sleep(20);
      }
    }

    @SuppressWarnings("unchecked")
    private int propagatedTrue(KubernetesClient client) {
      int ok = 0;
      for (GenericKubernetesResource r : client.genericKubernetesResources(FEDERATED_CONFIG_MAPS)
          .inNamespace(NAMESPACE).list().getItems()) {
        Object status = r.getAdditionalProperties().get("status");
        if (!(status instanceof Map<?, ?> s)) {
          continue;
        }
        Object conditions = s.get("conditions");
        if (conditions instanceof List<?> list && list.stream().anyMatch(c -> c instanceof Map<?, ?> m
            && "Propagation".equals(m.get("type")) && "True".equals(m.get("status")))) {
          ok++;
        }
      }
      return ok;
    }

    private void quiesce() {
      sandbox.clusters().forEach(SandboxCluster::resetCounts);
      System.gc();
    }

    private long writes(List<String> clusters) {
      return clusters.stream().mapToLong(c -> sandbox.cluster(c).writeCount()).sum();
    }
  }

  static GenericKubernetesResource typeConfig() {
    FederatedTypeConfig c = TypeRegistry.standard().lookup("configmaps");
    FederatedTypeConfig config = new FederatedTypeConfig(KUBEFED_NS, c.target(), c.federated(), true,
        c.statusCollectionEnabled(), c.statusType());
    return JSON.convertValue(KubeFedYaml.toTree(config, TypeRegistry.standard()), GenericKubernetesResource.class);
  }

  static GenericKubernetesResource federatedConfigMap(int i, List<String> members) {
    GenericKubernetesResource o = new GenericKubernetesResource();
    o.setApiVersion("types.kubefed.io/v1beta1");
    o.setKind("FederatedConfigMap");
    o.setMetadata(new ObjectMetaBuilder().withName("cm-" + i).withNamespace(NAMESPACE).build());
    o.setAdditionalProperty("spec", Map.of("template", Map.of("data", data(i)),
        "placement", Map.of("clusters", members.stream().map(m -> Map.of("name", m)).toList())));
    return o;
  }

  static double statusWrites(FederationController controller) {
    Counter c = controller.meterRegistry().find("fleetfed_status_writes").counter();
    return c == null ? 0 : c.count();
  }

  /** Reconciles of Federated objects (every controller but the type configs'), whatever their result. */
  static double reconciles(MeterRegistry registry) {
    return registry.find("controller_runtime_reconcile").counters().stream()
        .filter(c -> !"federatedtypeconfig".equals(c.getId().getTag("controller"))).mapToDouble(Counter::count)
        .sum();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static String describe(Direct d) {
    return String.format(Locale.ROOT, "direct path: propagateAll of %d objects %.3f s = %.0f copies/s [%d member"
        + " writes; first call %.3f s before]", d.objects(), d.seconds(), copiesPerSecond(d.copies(), d.seconds()),
        d.memberWrites(), d.warmupCall());
  }

  private static String describe(Controlled c) {
    return String.format(Locale.ROOT, "controller path: %d objects, last copy %.3f s after the first create = %.0f"
        + " copies/s (creates done after %.3f s); latency to the first copy p50 %.1f ms p99 %.1f ms, to every copy"
        + " p50 %.1f ms p99 %.1f ms; idle %.3f s after the last copy; %.0f status writes (%.2f per object), %d host"
        + " writes (%d updates of the Federated objects seen by a host informer, %d Events in the host), %d member"
        + " writes; %d of %d with Propagation=True", c.objects(), c.seconds(),
        copiesPerSecond(c.copies(), c.seconds()), c.createsDone(), Stats.median(c.firstCopy()),
        Stats.percentile(c.firstCopy(), 99), Stats.median(c.allCopies()), Stats.percentile(c.allCopies(), 99),
        c.settle(), c.statusWrites(), c.statusWrites() / c.objects(), c.hostWrites(), c.objectUpdates(), c.events(),
        c.memberWrites(),
        c.statusesTrue(), c.objects());
  }

  private static String describe(Resync r) {
    return String.format(Locale.ROOT, "resync: quiet %d s with the controller idle: %d host writes, %d member writes,"
        + " %.0f status writes; restart: new leader idle after %.3f s (%.0f reconciles), then %d s: %d host writes,"
        + " %d member writes, %.0f status writes", r.quietSeconds(), r.quietHostWrites(), r.quietMemberWrites(),
        r.quietStatusWrites(), r.restartToIdle(), r.reconciles(), r.quietSeconds(), r.hostWrites(), r.memberWrites(),
        r.statusWrites());
  }

  private static double copiesPerSecond(int copies, double seconds) {
    return copies / seconds;
  }

  static String report(Options o, Direct d, Controlled c, Resync r) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%nfleetfed controller benchmark: the host"
        + " controller vs the direct path, same run (%d members, %d FederatedConfigMaps, one measured round)%n",
        o.members(), o.objects()));
    double ours = copiesPerSecond(c.copies(), c.seconds());
    double base = copiesPerSecond(d.copies(), d.seconds());
    out.append(row("(a) propagate", fmt(ours), fmt(base), "copies/s", String.format(Locale.ROOT, "%.2fx",
        ours / base), ">= 0.90x", ours / base >= 0.9));
    out.append(row("(a) time", fmt(c.seconds()), fmt(d.seconds()), "s", String.format(Locale.ROOT, "%.2fx",
        c.seconds() / d.seconds()), "-", null));
    out.append(String.format(Locale.ROOT, "%-22s ours: first create in the host until the last copy seen on its"
        + " member; baseline: ClusterFleet.propagateAll%n", ""));
    out.append(row("(b) latency p50", fmt(Stats.median(c.firstCopy())), "-", "ms", "-", "-", null));
    out.append(row("(b) latency p99", fmt(Stats.percentile(c.firstCopy(), 99)), "-", "ms", "-", "-", null));
    out.append(row("(b) every copy p50", fmt(Stats.median(c.allCopies())), "-", "ms", "-", "-", null));
    out.append(row("(b) every copy p99", fmt(Stats.percentile(c.allCopies(), 99)), "-", "ms", "-", "-", null));
    out.append(String.format(Locale.ROOT, "%-22s from a create sent to the host until the object's first (every)"
        + " copy is seen by the members' informers%n", ""));
    double perObject = c.statusWrites() / c.objects();
    out.append(row("(c) status writes/obj", fmt(perObject), "2.00", "writes", String.format(Locale.ROOT, "%.2fx",
        perObject / 2), "<= 2", perObject <= 2));
    out.append(row("(c) host writes/obj", fmt(c.hostWrites() / (double) c.objects()), "-", "writes", "-", "-",
        null));
    out.append(row("(c) object updates/obj", fmt(c.objectUpdates() / (double) c.objects()), "-", "writes", "-", "-",
        null));
    out.append(String.format(Locale.ROOT, "%-22s host writes: the creates, every write to the Federated objects"
        + " (updates: finalizer, status...), %d Events, the Lease's renewals; member writes %d (%d copies)%n", "",
        c.events(), c.memberWrites(), c.copies()));
    out.append(row("(d) resync members", Long.toString(r.memberWrites()), Long.toString(r.quietMemberWrites()),
        "writes", "-", "0", r.memberWrites() == 0));
    out.append(row("(d) resync status", fmt0(r.statusWrites()), fmt0(r.quietStatusWrites()), "writes", "-", "0",
        r.statusWrites() == 0));
    out.append(row("(d) resync host", Long.toString(r.hostWrites()), Long.toString(r.quietHostWrites()), "writes",
        "-", "Lease only", null));
    out.append(String.format(Locale.ROOT, "%-22s ours: a new leader's re-list and %.0f reconciles (idle after %.3f"
        + " s) and %d s more; baseline: %d s with the first leader idle%n", "", r.reconciles(), r.restartToIdle(),
        r.quietSeconds(), r.quietSeconds()));
    return out.toString();
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String fmt0(double v) {
    return String.format(Locale.ROOT, "%.0f", v);
  }

  private static String row(String name, String ours, String baseline, String unit, String ratio, String target,
      Boolean pass) {
    return String.format(Locale.ROOT, "%-22s ours %10s %-8s baseline %10s %-8s ratio %7s   target %-12s %s%n",
        name, ours, unit, baseline, unit, ratio, target, pass == null ? "" : pass ? "PASS" : "MISS");
  }
}
