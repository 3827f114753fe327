package io.fleetfed.core.fleet;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.model.ClusterNames;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.render.ManagedMetadata;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fleet of Kubernetes clusters that federated objects are propagated to: KubeFed's sync controller, embedded
 * in the caller's JVM.
 *
 * <pre>{@code
 * try (ClusterFleet fleet = ClusterFleet.builder()
 *     .kubeconfig(Path.of("config-1"), Path.of("config-2"))    // merged as KUBECONFIG=config-1:config-2
 *     .hostContext("dev1")                                     // membership lives in dev1, as KubeFed keeps it
 *     .build()) {
 *   fleet.join("dev2");                                        // kubefedctl join dev2 --host-cluster-context dev1
 *   PropagationResult result = fleet.propagate(nginx);         // create / update / leave / delete per cluster
 *   fleet.start();                                             // keep every copy converged in the background
 *   fleet.await(ResourceKey.of(nginx), FederatedStatus::isPropagated, Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p><b>Clusters.</b> Members come from the host cluster's KubeFedClusters (when a host is given) and from
 * kubeconfig contexts or fabric8 {@link Config}s given to the builder. Each member has one fabric8 client; all
 * share one Vert.x instance; {@link #close()} closes them. Health is probed as KubeFed probes it
 * ({@link HealthCheck}). A cordoned cluster takes no new placements but keeps its objects; a drained one loses
 * its objects and takes no placements until uncordoned.
 *
 * <p><b>Propagation.</b> {@link #propagate} places and renders the object as {@code io.fleetfed.core.render}
 * does, then brings each cluster's copy in line, clusters in parallel with bounded concurrency: it creates
 * the copy (and its namespace when missing), updates it conditionally on its resourceVersion (retrying
 * conflicts), leaves it when its {@code fleetfed.io/hash} and content already match (no write), or deletes it
 * where the object is no longer placed. Objects fleetfed does not manage are left alone ({@code AlreadyExists})
 * unless adoption is on; objects labelled {@code fleetfed.io/managed: "false"} are never touched. Runs
 * (TaskRun, PipelineRun, CustomRun) are created once and never updated or re-created after they finish.
 *
 * <p><b>Converging.</b> After {@link #start()}, informers on the managed objects of every member drive
 * reconciliation: a copy edited or deleted by hand is restored, a cluster back from Offline gets what it
 * missed, and failures are retried with capped exponential backoff ({@link Backoff}). What the fleet manages
 * is read from the members' labels and annotations, so a restarted fleet neither duplicates nor loses copies.
 * Before {@code start()} the fleet keeps no watch open: each explicit call lists the managed objects of the
 * types it touches once per member (unless remote status is collected, which is live and so always watched).
 *
 * <p>Instances are thread-safe.
 */
public final class ClusterFleet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterFleet.class);
  /** KubeFed's namespace, where membership lives in the host cluster. */
  public static final String DEFAULT_FEDERATION_NAMESPACE = "kube-federation-system";

  private final Settings settings;
  private final Vertx vertx;
  private final Map<String, Member> members = new ConcurrentHashMap<>();
  private final Optional<KubernetesClient> host;
  private final Optional<Membership> membership;
  private final String hostName;
  private final Optional<Kubeconfigs> kubeconfigs;
  private final Map<String, Config> adminConfigs = new ConcurrentHashMap<>();
  private final StatusBoard board = new StatusBoard();
  private final List<java.util.function.Consumer<ClusterState>> clusterListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService scheduler;
  private final Engine engine;
  private volatile boolean closed;

  private record Settings(String federationNamespace, boolean adopt, boolean remoteStatus, int concurrency,
      Duration requestTimeout, HealthCheck health, Backoff backoff, Duration watchReconnect,
      Predicate<ResourceType> runOnce, TypeRegistry registry) {}

  private ClusterFleet(Builder b) {
    this.settings = new Settings(b.federationNamespace, b.adopt, b.remoteStatus, b.concurrency, b.requestTimeout,
        b.health, b.backoff, b.watchReconnect, b.runOnce, b.registry);
    this.kubeconfigs = b.kubeconfigs;
    AtomicInteger n = new AtomicInteger();
    this.workers = new ThreadPoolExecutor(b.concurrency, b.concurrency, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> daemon(r, "fleetfed-worker-" + n.incrementAndGet()));
    this.workers.allowCoreThreadTimeOut(true);
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "fleetfed-timer"));
    timer.setRemoveOnCancelPolicy(true);
    this.scheduler = timer;
    this.vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(Math.max(2, b.concurrency))
        .setEventLoopPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors())));
    this.engine = new Engine(new Engine.Settings(b.adopt, b.remoteStatus, b.requestTimeout, b.backoff, b.runOnce),
        members::values, board, workers, scheduler);
    try {
      if (b.hostConfig != null) {
        KubernetesClient hostClient = client(b.hostConfig);
        this.host = Optional.of(hostClient);
        this.membership = Optional.of(new Membership(hostClient, b.federationNamespace));
        this.hostName = b.hostName;
        for (Membership.Registered r : membership.get().read(tuned(b.hostConfig))) {
          addMember(r.name(), r.labels(), r.config(), true, r.cordoned(), r.drained());
          r.recorded().ifPresent(members.get(r.name())::recorded);
        }
      } else {
        this.host = Optional.empty();
        this.membership = Optional.empty();
        this.hostName = "";
      }
      for (Map.Entry<String, Builder.Given> e : b.members.entrySet()) {
        if (members.containsKey(e.getKey())) {
          throw new ValidationException("members", "cluster \"" + e.getKey() + "\" is both joined in the host "
              + "cluster and given to the builder");
        }
        adminConfigs.put(e.getKey(), e.getValue().config());
        addMember(e.getKey(), e.getValue().labels(), tuned(e.getValue().config()), false, false, false);
      }
      adminConfigs.putAll(b.adminConfigs);
      probeAll();
      scheduler.scheduleWithFixedDelay(this::probeAll, settings.health().period().toMillis(),
          settings.health().period().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      close();
      throw e instanceof KubernetesClientException k ? new FederationException("cannot read the fleet's members "
          + "from the host cluster: " + Errors.describe(k), k) : e;
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** A builder for a fleet. */
  public static Builder builder() {
    return new Builder();
  }

  private Config tuned(Config config) {
    int timeout = (int) settings.requestTimeout().toMillis();
    return new ConfigBuilder(config).withRequestTimeout(timeout).withConnectionTimeout(timeout)
        .withRequestRetryBackoffLimit(0).withWatchReconnectInterval((int) settings.watchReconnect().toMillis())
        .withWatchReconnectLimit(-1).build();
  }

  private KubernetesClient client(Config config) {
    return new KubernetesClientBuilder().withConfig(tuned(config))
        .withHttpClientFactory(new VertxHttpClientFactory(vertx)).build();
  }

  private void addMember(String name, Map<String, String> labels, Config config, boolean joined, boolean cordoned,
      boolean drained) {
    ClusterNames.requireValid(name);
    Member m = new Member(name, labels, client(config), joined);
    m.cordon(cordoned, drained);
    members.put(name, m);
  }

  // ---- clusters ---------------------------------------------------------------------------------------

  /** Every member, by name. */
  public List<ClusterState> clusters() {
    return members.values().stream().map(Member::state).sorted(java.util.Comparator.comparing(ClusterState::name))
        .toList();
  }

  /**
   * The fleet's client for member {@code name}, for reading or writing what the fleet does not federate, such as
   * the status and pod logs of runs the fleet placed there:
   *
   * <pre>{@code
   * String log = fleet.client("dev2").pods().inNamespace("ci").withName("build-1-pod")
   *     .inContainer("step-build").getLog();
   * }</pre>
   *
   * <p>The client belongs to the fleet: do not close it, and do not use it after the fleet is closed. It reaches
   * the member with the fleet's credentials for it (for a joined member, its service account's token).
   *
   * @throws FederationException if no member has that name
   */
  public KubernetesClient client(String name) {
    requireOpen();
    return member(Objects.requireNonNull(name, "name")).client();
  }

  /**
   * The fleet's client for its host cluster, when it was built with one ({@link Builder#hostContext(String)} or
   * {@link Builder#host(String, Config)}). As with {@link #client(String)}, it belongs to the fleet.
   */
  public Optional<KubernetesClient> hostClient() {
    requireOpen();
    return host;
  }

  /**
   * Tells {@code listener} of each member whose health changes from now on, with its new state, on the thread
   * that probed it. Keep it short; it must not block.
   *
   * <pre>{@code
   * fleet.addClusterListener(c -> log.info("{} is now {}", c.name(), c.health()));
   * }</pre>
   */
  public void addClusterListener(java.util.function.Consumer<ClusterState> listener) {
    clusterListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Stops telling {@code listener}. */
  public void removeClusterListener(java.util.function.Consumer<ClusterState> listener) {
    clusterListeners.remove(listener);
  }

  /** One member, if there is one of that name. */
  public Optional<ClusterState> cluster(String name) {
    return Optional.ofNullable(members.get(name)).map(Member::state);
  }

  /** The name the host cluster goes by in ServiceAccount names ({@code <member>-<host>}); empty without a host. */
  public String hostName() {
    return hostName;
  }

  /**
   * Joins the kubeconfig context {@code context} as a member named after it, as
   * {@code kubefedctl join <context> --host-cluster-context <host>} does.
   *
   * @throws ValidationException if the context does not exist or its name is not a valid cluster name
   * @throws FederationException if there is no host cluster, the member is already joined, or a request fails
   */
  public ClusterState join(String context) {
    return join(context, context, Map.of());
  }

  /**
   * Joins the kubeconfig context {@code context} as a member named {@code clusterName}, with {@code labels}
   * for placement selectors.
   */
  public ClusterState join(String context, String clusterName, Map<String, String> labels) {
    Kubeconfigs kc = kubeconfigs.orElseThrow(() -> new FederationException("join by context needs a kubeconfig: "
        + "build the fleet with kubeconfig(...)"));
    if (clusterName.equals(context)) {
      kc.requireValidClusterName(context);
    }
    return join(clusterName, kc.config(context), labels);
  }

  /**
   * Joins the cluster reached with {@code admin} (credentials able to create a ServiceAccount and RBAC there)
   * as member {@code clusterName}: creates the ServiceAccount, its token Secret and ClusterRole binding in the
   * member, and the KubeFedCluster and token Secret in the host's federation namespace. The fleet then reaches
   * the member with that ServiceAccount's token.
   */
  public ClusterState join(String clusterName, Config admin, Map<String, String> labels) {
    requireOpen();
    ClusterNames.requireValid(clusterName);
    Map<String, String> checkedLabels = io.fleetfed.core.model.Cluster.ready(clusterName).withLabels(labels).labels();
    Membership m = membership.orElseThrow(() -> new FederationException("join needs a host cluster: build the "
        + "fleet with hostContext(...) or host(...)"));
    if (members.containsKey(clusterName)) {
      throw new FederationException("cluster " + clusterName + " is already a member of this fleet");
    }
    try (KubernetesClient adminClient = client(admin)) {
      Membership.Registered r = m.join(clusterName, hostName, adminClient, admin, checkedLabels,
          Duration.ofSeconds(30));
      adminConfigs.put(clusterName, admin);
      addMember(r.name(), r.labels(), tuned(r.config()), true, false, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FederationException("interrupted while joining " + clusterName, e);
    } catch (KubernetesClientException e) {
      throw new FederationException("cannot join " + clusterName + ": " + Errors.describe(e), e);
    }
    Member member = members.get(clusterName);
    probe(member);
    replan();
    return member.state();
  }

  /**
   * Removes member {@code name}: its ServiceAccount, RBAC and token Secret from the member (when the fleet has
   * admin credentials for it: a kubeconfig context or Config of that name), then its KubeFedCluster and Secret
   * from the host. Objects already propagated to it stay there. Returns what could not be removed.
   */
  public List<String> unjoin(String name) {
    return unjoin(name, Optional.ofNullable(adminConfigs.get(name)).or(() -> kubeconfigs
        .filter(kc -> kc.contexts().contains(name)).map(kc -> kc.config(name))));
  }

  /**
   * Removes member {@code name} as {@link #unjoin(String)} does, cleaning up the member with the credentials of
   * kubeconfig context {@code context} (as {@code kubefedctl unjoin --cluster-context}).
   */
  public List<String> unjoin(String name, String context) {
    Kubeconfigs kc = kubeconfigs.orElseThrow(() -> new FederationException("unjoin by context needs a kubeconfig"));
    return unjoin(name, Optional.of(kc.config(context)));
  }

  private List<String> unjoin(String name, Optional<Config> admin) {
    requireOpen();
    Membership m = membership.orElseThrow(() -> new FederationException("unjoin needs a host cluster"));
    List<String> problems;
    try {
      if (admin.isPresent()) {
        try (KubernetesClient adminClient = client(admin.get())) {
          problems = m.unjoin(name, hostName, Optional.of(adminClient));
        }
      } else {
        problems = new ArrayList<>(m.unjoin(name, hostName, Optional.empty()));
        problems.add("no admin credentials for " + name + ": its ServiceAccount, token Secret and ClusterRole "
            + "were left in the member");
      }
    } catch (KubernetesClientException e) {
      throw new FederationException("cannot unjoin " + name + ": " + Errors.describe(e), e);
    }
    Member removed = members.remove(name);
    if (removed != null) {
      removed.close();
      engine.forget(name);
    }
    adminConfigs.remove(name);
    replan();
    return problems;
  }

  /** Cordons {@code name}: no new placements go there; what is already there stays and is kept up to date. */
  public ClusterState cordon(String name) {
    return setCordon(name, true, false);
  }

  /** Uncordons {@code name} (also ends a drain): it takes placements again. */
  public ClusterState uncordon(String name) {
    ClusterState state = setCordon(name, false, false);
    engine.syncAllQuietly();
    return state;
  }

  /**
   * Drains {@code name}: cordons it and deletes every object fleetfed manages there, tracked by this fleet or
   * not (found by their {@code fleetfed.io/managed} label and source annotation); placements are recomputed
   * without it. Namespaces fleetfed created only to hold objects are kept.
   */
  public DrainResult drain(String name) {
    setCordon(name, true, true);
    Member m = member(name);
    List<String> problems = new ArrayList<>();
    int removed = 0;
    try {
      for (PropagationResult r : engine.syncAll()) {
        ClusterOutcome o = r.clusters().get(name);
        if (o != null && o.action() == ClusterAction.DELETED) {
          removed++;
        } else if (o != null && !o.isOk()) {
          problems.add(r.key() + ": " + o);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FederationException("interrupted while draining " + name, e);
    }
    if (!m.ready()) {
      problems.add("cluster " + name + " is " + m.health() + ": its objects are removed when it is back");
      return new DrainResult(name, removed, problems);
    }
    for (ResourceDefinitionContext context : managedTypes(m, problems)) {
      try {
        for (GenericKubernetesResource o : m.client().genericKubernetesResources(context).inAnyNamespace()
            .withLabel(ManagedMetadata.MANAGED_LABEL, "true").list().getItems()) {
          Map<String, String> annotations = o.getMetadata().getAnnotations();
          if (annotations == null || !annotations.containsKey(ManagedMetadata.SOURCE_ANNOTATION)
              || "Namespace".equals(context.getKind())) {
            continue;   // namespaces are kept: deleting one deletes everything in it, managed or not
          }
          String ns = o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace();
          if (m.delete(context, ns, o.getMetadata().getName())) {
            removed++;
          }
        }
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          problems.add("cannot remove " + context.getPlural() + "." + context.getGroup() + ": " + Errors.describe(e));
        }
      }
    }
    return new DrainResult(name, removed, problems);
  }

  /**
   * Every type that may hold managed objects on {@code m}: those this fleet has caches for, the registry's, and
   * whatever the member serves (discovery), so that objects other fleets propagated are found too.
   */
  private List<ResourceDefinitionContext> managedTypes(Member m, List<String> problems) {
    Map<String, ResourceDefinitionContext> contexts = new LinkedHashMap<>();
    for (TypeCache c : m.caches()) {
      contexts.put(Member.cacheKey(c.context()), c.context());
    }
    for (ResourceType t : settings.registry().all().stream().map(c -> c.target()).toList()) {
      ResourceDefinitionContext c = Member.context(t, t.apiVersion());
      contexts.putIfAbsent(Member.cacheKey(c), c);
    }
    try {
      List<String> groupVersions = new ArrayList<>(List.of("v1"));
      var groups = m.client().getApiGroups();
      if (groups != null && groups.getGroups() != null) {
        for (var g : groups.getGroups()) {
          if (g.getPreferredVersion() != null) {
            groupVersions.add(g.getPreferredVersion().getGroupVersion());
          }
        }
      }
      for (String gv : groupVersions) {
        var list = m.client().getApiResources(gv);
        if (list == null || list.getResources() == null) {
          continue;
        }
        String group = gv.contains("/") ? gv.substring(0, gv.indexOf('/')) : "";
        String version = gv.contains("/") ? gv.substring(gv.indexOf('/') + 1) : gv;
        for (var r : list.getResources()) {
          if (r.getName().contains("/") || r.getVerbs() == null || !r.getVerbs().containsAll(List.of("list", "delete"))) {
            continue;
          }
          ResourceDefinitionContext c = new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version)
              .withKind(r.getKind()).withPlural(r.getName()).withNamespaced(Boolean.TRUE.equals(r.getNamespaced()))
              .build();
          contexts.putIfAbsent(Member.cacheKey(c), c);
        }
      }
    } catch (KubernetesClientException e) {
      problems.add("cannot discover the types " + m.name() + " serves (" + Errors.describe(e)
          + "); only fleetfed's known types were drained");
    }
    return List.copyOf(contexts.values());
  }

  private ClusterState setCordon(String name, boolean cordoned, boolean drained) {
    requireOpen();
    Member m = member(name);
    if (m.state().joined()) {
      try {
        membership.orElseThrow().cordon(name, cordoned, drained);
      } catch (KubernetesClientException e) {
        throw new FederationException("cannot record the cordon of " + name + " in the host cluster: "
            + Errors.describe(e), e);
      }
    }
    m.cordon(cordoned, drained);
    replan();
    return m.state();
  }

  private Member member(String name) {
    Member m = members.get(name);
    if (m == null) {
      throw new FederationException("no cluster named \"" + name + "\" in the fleet; the clusters are "
          + members.keySet().stream().sorted().toList());
    }
    return m;
  }

  private void replan() {
    try {
      engine.replanAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- health -----------------------------------------------------------------------------------------

  /** Probes every member at once and records the results on the calling thread, never on an event loop. */
  private void probeAll() {
    if (closed) {
      return;
    }
    Map<Member, CompletableFuture<Member.ProbeResult>> probes = new LinkedHashMap<>();
    for (Member m : members.values()) {
      probes.put(m, m.probe(settings.health().timeout()));
    }
    long deadline = System.nanoTime() + settings.health().timeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
    for (Map.Entry<Member, CompletableFuture<Member.ProbeResult>> e : probes.entrySet()) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        record(e.getKey(), e.getValue().get(left, TimeUnit.NANOSECONDS));
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException ex) {
        record(e.getKey(), new Member.ProbeResult(ClusterHealth.OFFLINE,
            Optional.of("cluster is not reachable: the probe did not finish")));
      }
    }
  }

  private void probe(Member m) {
    try {
      record(m, m.probe(settings.health().timeout()).get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.debug("probe of {} failed: {}", m.name(), e.toString());
    }
  }

  /** Records a probe; on a change, re-plans and reconciles on a worker (planning may wait for a cache). */
  private void record(Member m, Member.ProbeResult r) {
    Optional<ClusterHealth> changed = m.probed(r.health(), r.message(), settings.health());
    if (m.state().joined() && !m.recorded().equals(Optional.of(m.health())) && !closed) {
      ClusterHealth health = m.health();
      Optional<String> message = m.state().message();
      try {
        workers.execute(() -> {
          try {
            membership.orElseThrow().writeStatus(m.name(), health, message);
            m.recorded(health);
          } catch (KubernetesClientException e) {
            LOG.warn("cannot record the health of {} in its KubeFedCluster: {}", m.name(), Errors.describe(e));
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        // the fleet is closing
      }
    }
    if (changed.isPresent() && !closed) {
      LOG.info("cluster {} is now {}{}", m.name(), changed.get(), r.message().map(s -> ": " + s).orElse(""));
      ClusterState state = m.state();
      for (java.util.function.Consumer<ClusterState> listener : clusterListeners) {
        try {
          listener.accept(state);
        } catch (RuntimeException e) {
          LOG.warn("a cluster listener failed on {}", m.name(), e);
        }
      }
      try {
        workers.execute(() -> {
          replan();
          engine.clusterChanged(m);
        });
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        // the fleet is closing
      }
    }
  }

  // ---- propagation ------------------------------------------------------------------------------------

  /**
   * Propagates {@code resource} to the clusters it is placed on and removes it from those it no longer is,
   * waiting for every cluster.
   *
   * @throws io.fleetfed.core.render.OverrideException if an override cannot be applied (nothing is sent)
   * @throws FederationException if the target type is not registered
   */
  public PropagationResult propagate(FederatedResource resource) {
    return propagateAll(List.of(resource)).get(0);
  }

  /**
   * Propagates every resource, all clusters in parallel with the fleet's concurrency. Every resource is placed
   * and rendered before anything is sent, so one invalid resource sends nothing at all.
   */
  public List<PropagationResult> propagateAll(Collection<FederatedResource> resources) {
    return propagateAll(resources, r -> { });
  }

  /**
   * As {@link #propagateAll(Collection)}, telling {@code progress} of each resource's result as soon as every
   * cluster is done with it, in completion order:
   *
   * <pre>{@code
   * AtomicInteger done = new AtomicInteger();
   * fleet.propagateAll(resources, r -> System.err.printf("propagated %d/%d%n", done.incrementAndGet(), n));
   * }</pre>
   *
   * <p>{@code progress} runs on a thread of the fleet, possibly several at once: keep it short and thread-safe,
   * and do not call the fleet from it.
   */
  public List<PropagationResult> propagateAll(Collection<FederatedResource> resources,
      java.util.function.Consumer<PropagationResult> progress) {
    requireOpen();
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(progress, "progress");
    try {
      List<FederatedResource> batch = List.copyOf(resources);
      Map<String, FederatedResource> namespaces = federatedNamespaces(batch);
      Optional<Engine.Call> call = Optional.of(engine.call());
      List<Tracked.Plan> plans = new ArrayList<>();
      for (FederatedResource r : batch) {
        plans.add(engine.plan(r, false, false, namespaces, call));
      }
      // FederatedNamespaces first: their namespaces then exist, as theirs, before the objects inside them
      List<Tracked.Plan> first = plans.stream().filter(p -> p.resource().type().isNamespace()).toList();
      List<Tracked.Plan> then = plans.stream().filter(p -> !p.resource().type().isNamespace()).toList();
      Map<ResourceKey, PropagationResult> byKey = new java.util.HashMap<>();
      for (List<Tracked.Plan> group : List.of(first, then)) {
        if (!group.isEmpty()) {
          engine.apply(group, call, progress).forEach(r -> byKey.put(r.key(), r));
        }
      }
      return batch.stream().map(r -> byKey.get(ResourceKey.of(r))).toList();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FederationException("interrupted while propagating", e);
    }
  }

  /** Deletes every copy of {@code resource} (see {@link #delete(FederatedResource, boolean)}). */
  public PropagationResult delete(FederatedResource resource) {
    return delete(resource, false);
  }

  /**
   * Removes {@code resource} from the fleet: deletes its copies, or with {@code orphan} keeps them and removes
   * fleetfed's label and annotations from them. Copies on clusters that are not Ready are listed
   * {@code ClusterNotReady}; once started, the fleet finishes the job when they come back.
   */
  public PropagationResult delete(FederatedResource resource, boolean orphan) {
    requireOpen();
    try {
      return engine.apply(List.of(engine.plan(resource, true, orphan)),
          Optional.of(engine.call())).get(0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FederationException("interrupted while deleting", e);
    }
  }

  /**
   * What each cluster holds of {@code resource} right now, read from the clusters without writing: whether it
   * is placed there, present, current, and its remote status.
   */
  public List<CopyReport> inspect(FederatedResource resource) {
    return inspectAll(List.of(resource)).get(ResourceKey.of(resource));
  }

  /**
   * What each cluster holds of each resource, as {@link #inspect(FederatedResource)}, in input order; a
   * FederatedNamespace among them restricts the placement of the objects in its namespace, as it would if they
   * were propagated together.
   */
  public Map<ResourceKey, List<CopyReport>> inspectAll(Collection<FederatedResource> resources) {
    requireOpen();
    Map<String, FederatedResource> namespaces = federatedNamespaces(resources);
    Optional<Engine.Call> call = Optional.of(engine.call());
    Map<ResourceKey, List<CopyReport>> reports = new LinkedHashMap<>();
    for (FederatedResource r : resources) {
      reports.put(ResourceKey.of(r), inspect(r, namespaces, call));
    }
    return java.util.Collections.unmodifiableMap(reports);
  }

  /** The FederatedNamespaces among {@code resources}, by the namespace they federate (the first one wins). */
  private static Map<String, FederatedResource> federatedNamespaces(Collection<FederatedResource> resources) {
    Map<String, FederatedResource> namespaces = new java.util.HashMap<>();
    for (FederatedResource r : resources) {
      if (r.type().isNamespace()) {
        namespaces.putIfAbsent(r.name(), r);
      }
    }
    return namespaces;
  }

  private List<CopyReport> inspect(FederatedResource resource, Map<String, FederatedResource> batch,
      Optional<Engine.Call> call) {
    try {
      Map<String, FederatedResource> namespaces = new java.util.HashMap<>(batch);
      if (!namespaces.containsKey(resource.namespace())) {
        engine.resource(new ResourceKey("FederatedNamespace", Optional.of(resource.namespace()),
            resource.namespace())).ifPresent(ns -> namespaces.put(ns.name(), ns));
      }
      Tracked.Plan plan = engine.plan(resource, false, false, namespaces, call);
      ResourceKey key = ResourceKey.of(resource);
      List<CopyReport> reports = new ArrayList<>();
      for (Member m : members.values().stream().sorted(java.util.Comparator.comparing(Member::name)).toList()) {
        Optional<Tracked.Desired> desired = plan.placed().getOrDefault(m.name(), null);
        boolean placed = plan.placed().containsKey(m.name());
        Optional<GenericKubernetesResource> copy = Optional.empty();
        Optional<PropagationStatus> problem = Optional.empty();
        if (m.ready()) {
          try {
            copy = m.get(plan.context(), plan.namespace(), plan.name());
          } catch (KubernetesClientException e) {
            problem = Optional.of(PropagationStatus.RETRIEVAL_FAILED);
          }
        } else if (placed) {
          problem = Optional.of(PropagationStatus.CLUSTER_NOT_READY);
        }
        boolean ours = copy.filter(o -> Engine.isOurs(o, key)).isPresent();
        if (copy.isPresent() && !ours && placed) {
          Map<String, String> labels = copy.get().getMetadata().getLabels();
          problem = Optional.of(labels != null && "false".equals(labels.get(ManagedMetadata.MANAGED_LABEL))
              ? PropagationStatus.MANAGED_LABEL_FALSE : PropagationStatus.ALREADY_EXISTS);
        }
        boolean upToDate = ours && desired != null && desired.isPresent() && desired.get().hash().equals(
            copy.get().getMetadata().getAnnotations().get(ManagedMetadata.HASH_ANNOTATION));
        Optional<com.fasterxml.jackson.databind.JsonNode> remote = copy.filter(o -> ours)
            .map(o -> o.getAdditionalProperties().get("status"))
            .map(s -> io.fleetfed.core.internal.Json.MAPPER.valueToTree(s));
        if (placed || ours || problem.isPresent()) {
          reports.add(new CopyReport(m.name(), m.health(), placed, ours, upToDate, problem, remote));
        }
      }
      return reports;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FederationException("interrupted while inspecting", e);
    }
  }

  // ---- status -----------------------------------------------------------------------------------------

  /** The live status of the object with {@code key}, if the fleet propagates it. */
  public Optional<FederatedStatus> status(ResourceKey key) {
    return board.get(key);
  }

  /** The live status of {@code resource}, if the fleet propagates it. */
  public Optional<FederatedStatus> status(FederatedResource resource) {
    return status(ResourceKey.of(resource));
  }

  /** The live status of every object the fleet propagates. */
  public Map<ResourceKey, FederatedStatus> statuses() {
    return board.all();
  }

  /** Tells {@code listener} of every status change from now on (see {@link StatusListener}). */
  public void addStatusListener(StatusListener listener) {
    board.addListener(Objects.requireNonNull(listener, "listener"));
  }

  /** Stops telling {@code listener}. */
  public void removeStatusListener(StatusListener listener) {
    board.removeListener(listener);
  }

  /**
   * Waits until the status of {@code key} satisfies {@code condition}, driven by status changes (no polling).
   *
   * @return the status that satisfied it
   * @throws FederationException if {@code timeout} passes first (naming the last status) or the fleet closes
   */
  public FederatedStatus await(ResourceKey key, Predicate<FederatedStatus> condition, Duration timeout) {
    try {
      return awaitAsync(key, condition, timeout).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FederationException("interrupted while waiting for " + key, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TimeoutException) {
        throw new FederationException("timed out after " + timeout + " waiting for " + key + "; its status is "
            + status(key).map(Object::toString).orElse("unknown"));
      }
      throw new FederationException("waiting for " + key + " failed: " + cause.getMessage(), cause);
    }
  }

  /** Like {@link #await} without blocking: completes with the status, or exceptionally on timeout. */
  public CompletableFuture<FederatedStatus> awaitAsync(ResourceKey key, Predicate<FederatedStatus> condition,
      Duration timeout) {
    return board.when(Objects.requireNonNull(key, "key"), Objects.requireNonNull(condition, "condition"), timeout);
  }

  /** For tests: whether no background reconciliation is queued, waiting for a retry, or running. */
  boolean idle() {
    return engine.idle();
  }

  /** For tests: the copy of {@code key} the fleet's cache holds for {@code cluster}. */
  Optional<GenericKubernetesResource> cached(ResourceKey key, String cluster) {
    return engine.cached(key, member(cluster));
  }

  // ---- lifecycle --------------------------------------------------------------------------------------

  /**
   * Starts background reconciliation: from now on copies edited or deleted on a member are restored, clusters
   * returning from Offline catch up, and failures are retried with backoff. Idempotent.
   */
  public ClusterFleet start() {
    requireOpen();
    if (!engine.started()) {
      try {
        engine.start();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FederationException("interrupted while starting", e);
      }
    }
    return this;
  }

  /** Stops reconciliation, waits for operations in flight, and closes every client. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (engine != null) {
      engine.close();
    }
    scheduler.shutdownNow();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(settings.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
    board.close();
    members.values().forEach(Member::close);
    members.clear();
    if (host != null) {   // null when the constructor failed before reaching the host
      host.ifPresent(KubernetesClient::close);
    }
    vertx.close();
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the fleet is closed");
    }
  }

  @Override
  public String toString() {
    return "ClusterFleet" + clusters();
  }

  /**
   * Builds a {@link ClusterFleet}.
   *
   * <pre>{@code
   * ClusterFleet fleet = ClusterFleet.builder()
   *     .kubeconfig(sandbox.kubeconfig())
   *     .memberContexts("dev1", "dev2")       // members used directly, nothing stored in a host
   *     .health(HealthCheck.DEFAULT.withPeriod(Duration.ofSeconds(1)))
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private record Given(Config config, Map<String, String> labels) {}

    private Optional<Kubeconfigs> kubeconfigs = Optional.empty();
    private Config hostConfig;
    private String hostName = "";
    private final Map<String, Given> members = new LinkedHashMap<>();
    private final Map<String, Config> adminConfigs = new LinkedHashMap<>();
    private String federationNamespace = DEFAULT_FEDERATION_NAMESPACE;
    private boolean adopt;
    private boolean remoteStatus;
    private int concurrency = 16;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private HealthCheck health = HealthCheck.DEFAULT;
    private Backoff backoff = Backoff.DEFAULT;
    private Duration watchReconnect = Duration.ofSeconds(1);
    private Predicate<ResourceType> runOnce = ClusterFleet::isRun;
    private TypeRegistry registry = TypeRegistry.standard();
    private final List<Violation> problems = new ArrayList<>();

    private Builder() {}

    /** Reads these kubeconfig files, merged as {@code KUBECONFIG=a:b} merges them (the first wins). */
    public Builder kubeconfig(Path... files) {
      return kubeconfig(List.of(files));
    }

    /** Reads these kubeconfig files, merged as {@code KUBECONFIG=a:b} merges them (the first wins). */
    public Builder kubeconfig(List<Path> files) {
      this.kubeconfigs = Optional.of(Kubeconfigs.load(files));
      return this;
    }

    /** Reads the files in the {@code KUBECONFIG} environment variable, or {@code ~/.kube/config}. */
    public Builder kubeconfigFromEnvironment() {
      this.kubeconfigs = Optional.of(Kubeconfigs.fromEnvironment());
      return this;
    }

    /**
     * Uses kubeconfig context {@code context} as the host cluster: members are read from its KubeFedClusters,
     * and join/unjoin write there. The host goes by the context's name in ServiceAccount names.
     */
    public Builder hostContext(String context) {
      Kubeconfigs kc = requireKubeconfig();
      if (context.contains(":") || context.contains("/")) {
        throw new ValidationException(List.of(new Violation(Optional.of(kc.describeFiles()),
            Optional.of("context " + context), Optional.of("host-cluster-context"), "host-cluster-name must be set "
                + "if the name of the host cluster context contains one of \":\" or \"/\"; use hostContext(context, "
                + "hostName)")));
      }
      kc.requireValidClusterName(context);
      return host(context, kc.config(context));
    }

    /**
     * Uses kubeconfig context {@code context} as the host cluster, going by {@code hostName} in ServiceAccount
     * names (kubefedctl's {@code --host-cluster-name}, needed when the context's name is not a valid name).
     */
    public Builder hostContext(String context, String hostName) {
      return host(hostName, requireKubeconfig().config(context));
    }

    /** Uses {@code config} as the host cluster, which goes by {@code name} in ServiceAccount names. */
    public Builder host(String name, Config config) {
      ClusterNames.requireValid(name);
      this.hostConfig = Objects.requireNonNull(config, "config");
      this.hostName = name;
      return this;
    }

    /** Uses these kubeconfig contexts as members named after them, without storing them in a host. */
    public Builder memberContexts(String... contexts) {
      Kubeconfigs kc = requireKubeconfig();
      for (String context : contexts) {
        kc.requireValidClusterName(context);
        member(context, kc.config(context), Map.of());
      }
      return this;
    }

    /** Uses kubeconfig context {@code context} as member {@code clusterName} with placement labels. */
    public Builder memberContext(String context, String clusterName, Map<String, String> labels) {
      return member(clusterName, requireKubeconfig().config(context), labels);
    }

    /** Uses every context of the kubeconfig as a member named after it. */
    public Builder allContextsAsMembers() {
      Kubeconfigs kc = requireKubeconfig();
      return memberContexts(kc.contexts().toArray(String[]::new));
    }

    /** Uses {@code config} as member {@code name}, without storing it in a host. */
    public Builder member(String name, Config config) {
      return member(name, config, Map.of());
    }

    /** Uses {@code config} as member {@code name} with placement labels, without storing it in a host. */
    public Builder member(String name, Config config, Map<String, String> labels) {
      ClusterNames.requireValid(name);
      Map<String, String> checked = io.fleetfed.core.model.Cluster.ready(name).withLabels(labels).labels();
      if (members.put(name, new Given(Objects.requireNonNull(config, "config"), checked)) != null) {
        throw new ValidationException("members", "cluster \"" + name + "\" is given twice");
      }
      return this;
    }

    /** KubeFed's namespace in the host (default {@value #DEFAULT_FEDERATION_NAMESPACE}). */
    public Builder federationNamespace(String namespace) {
      this.federationNamespace = Objects.requireNonNull(namespace, "namespace");
      return this;
    }

    /** Whether an existing object fleetfed does not manage is taken over (default false: {@code AlreadyExists}). */
    public Builder adoptResources(boolean adopt) {
      this.adopt = adopt;
      return this;
    }

    /** Whether each copy's {@code .status} is collected into the fleet's statuses (default false). */
    public Builder collectRemoteStatus(boolean collect) {
      this.remoteStatus = collect;
      return this;
    }

    /** How many cluster operations run at once (default 16). */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1) {
        throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
      }
      this.concurrency = concurrency;
      return this;
    }

    /** How long one request to a cluster may take (default 10 s). */
    public Builder requestTimeout(Duration timeout) {
      HealthCheck.requirePositive(timeout, "requestTimeout");
      this.requestTimeout = timeout;
      return this;
    }

    /** How clusters are probed (default {@link HealthCheck#DEFAULT}). */
    public Builder health(HealthCheck health) {
      this.health = Objects.requireNonNull(health, "health");
      return this;
    }

    /** How failed operations are retried in the background (default {@link Backoff#DEFAULT}). */
    public Builder retry(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /** The first wait before an informer reconnects to a cluster whose watch broke (default 1 s). */
    public Builder watchReconnect(Duration interval) {
      HealthCheck.requirePositive(interval, "watchReconnect");
      this.watchReconnect = interval;
      return this;
    }

    /** Which target types are run-once (default: Tekton's TaskRun, PipelineRun, CustomRun and Run). */
    public Builder runOnce(Predicate<ResourceType> runOnce) {
      this.runOnce = Objects.requireNonNull(runOnce, "runOnce");
      return this;
    }

    /** The types the fleet knows, for draining (default {@link TypeRegistry#standard()}). */
    public Builder registry(TypeRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    private Kubeconfigs requireKubeconfig() {
      if (kubeconfigs.isEmpty()) {
        kubeconfigs = Optional.of(Kubeconfigs.fromEnvironment());
      }
      return kubeconfigs.get();
    }

    /**
     * Builds the fleet: reads members from the host (if any), builds one client per member, and probes each
     * once so that health is known.
     *
     * @throws ValidationException if no cluster is given
     * @throws FederationException if the host cannot be read
     */
    public ClusterFleet build() {
      if (hostConfig == null && members.isEmpty()) {
        throw new ValidationException("clusters", "a fleet needs a host cluster or at least one member");
      }
      if (!problems.isEmpty()) {
        throw new ValidationException(problems);
      }
      return new ClusterFleet(this);
    }
  }

  /** Whether {@code type} is one of Tekton's run kinds, created once and never updated. */
  public static boolean isRun(ResourceType type) {
    return "tekton.dev".equals(type.group())
        && Set.of("TaskRun", "PipelineRun", "CustomRun", "Run").contains(type.kind());
  }
}
