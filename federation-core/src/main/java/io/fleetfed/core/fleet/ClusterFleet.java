package io.fleetfed.core.fleet;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.cluster.DrainResult;
import io.fleetfed.core.cluster.HealthCheck;
import io.fleetfed.core.cluster.MembershipChange;
import io.fleetfed.core.cluster.UnjoinResult;
import io.fleetfed.core.cluster.VersionChoice;
import io.fleetfed.core.fleet.internal.apply.CopySync;
import io.fleetfed.core.fleet.internal.cluster.Clients;
import io.fleetfed.core.fleet.internal.engine.Engine;
import io.fleetfed.core.fleet.internal.members.Drainer;
import io.fleetfed.core.fleet.internal.members.HealthProber;
import io.fleetfed.core.fleet.internal.members.Kubeconfigs;
import io.fleetfed.core.fleet.internal.members.Member;
import io.fleetfed.core.fleet.internal.members.Members;
import io.fleetfed.core.fleet.internal.status.StatusBoard;
import io.fleetfed.core.kubefed.VersionConverters;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.ClusterNames;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.status.CopyReport;
import io.fleetfed.core.status.FederatedStatus;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.ResourceKey;
import io.fleetfed.core.status.StatusListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
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
 * kubeconfig contexts, fabric8 {@link Config}s or {@code KubernetesClient}s (whose Config is read; the caller's
 * client is never used or closed) given to the builder. Each member has one client of the fleet's own; all share one
 * Vert.x instance; {@link #close()} closes them. Health is probed as KubeFed probes it ({@link HealthCheck}), with
 * the fleet's check or a member's own ({@link ClusterFleetBuilder#memberHealth}), or not at all. A
 * cordoned cluster takes no new placements but keeps its objects; a drained one loses its objects and takes no
 * placements until uncordoned.
 *
 * <p><b>Propagation.</b> {@link #propagate} places and renders the object as {@code io.fleetfed.core.render}
 * does, then brings each cluster's copy in line, clusters in parallel with bounded concurrency: it creates
 * the copy (and its namespace when missing), updates it conditionally on its resourceVersion (retrying
 * conflicts), leaves it when its {@code fleetfed.io/hash} and content already match (no write), or deletes it
 * where the object is no longer placed. Objects fleetfed does not manage are left alone ({@code AlreadyExists})
 * unless adoption is on, or they are KubeFed's copies and the fleet takes those over
 * ({@link ClusterFleetBuilder#takeOverKubeFedCopies(boolean)}); objects labelled {@code fleetfed.io/managed:
 * "false"} are never touched, nor, by a fleet that would otherwise take them, those labelled
 * {@code kubefed.io/managed: "false"}. Runs
 * (TaskRun, PipelineRun, CustomRun) are created once and never updated or re-created after they finish.
 *
 * <p><b>Converging.</b> After {@link #start()}, watches on the managed objects of every member drive
 * reconciliation: a copy edited or deleted by hand is restored, a cluster back from Offline gets what it
 * missed, and failures are retried with capped exponential backoff ({@link io.fleetfed.core.cluster.Backoff}).
 * What the fleet manages is read from the members' labels and annotations, so a restarted fleet neither
 * duplicates nor loses copies. Before {@code start()} the fleet keeps no watch open: each explicit call lists the
 * managed objects of the types it touches once per member (unless remote status is collected, which is live and
 * so always watched).
 *
 * <p><b>Errors.</b> Per-cluster failures are results ({@link PropagationResult}), not exceptions. Invalid input
 * throws {@link ValidationException} before anything is sent; a failure of the fleet's own work (a host that cannot
 * be read, a join that fails) throws {@link FederationException}; calling a closed fleet throws
 * {@link IllegalStateException}.
 *
 * <p>Instances are thread-safe. This class is a facade: the rooms behind it are planning, applying and status
 * ({@code io.fleetfed.core.fleet.internal}), members and their health, and the {@link ClusterClient} seam.
 */
public final class ClusterFleet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterFleet.class);
  /** KubeFed's namespace, where membership lives in the host cluster. */
  public static final String DEFAULT_FEDERATION_NAMESPACE = "kube-federation-system";
  private static final Duration TOKEN_TIMEOUT = Duration.ofSeconds(30);
  private static final Set<String> RUN_KINDS = Set.of("TaskRun", "PipelineRun", "CustomRun", "Run");

  private final Duration requestTimeout;
  private final io.fleetfed.core.kubefed.TypeRegistry registry;
  private final ThreadPoolExecutor workers;
  private final ScheduledThreadPoolExecutor scheduler;
  private final Clients clients;
  private final StatusBoard board = new StatusBoard();
  private final List<Consumer<ClusterState>> clusterListeners = new CopyOnWriteArrayList<>();
  private final Members members;
  private final Engine engine;
  private final HealthProber health;
  private volatile boolean closed;

  ClusterFleet(ClusterFleetBuilder b) {
    this.requestTimeout = b.requestTimeout;
    this.registry = b.registry;
    AtomicInteger n = new AtomicInteger();
    this.workers = new ThreadPoolExecutor(b.concurrency, b.concurrency, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> daemon(r, "fleetfed-worker-" + n.incrementAndGet()));
    this.workers.allowCoreThreadTimeOut(true);
    this.scheduler = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "fleetfed-timer"));
    this.scheduler.setRemoveOnCancelPolicy(true);
    this.clients = new Clients(b.concurrency, b.requestTimeout, b.watchReconnect, b.writesAllowed);
    try {
      this.members = new Members(clients, b.kubeconfigs, b.hostConfig, b.hostName, b.federationNamespace,
          b.members, b.adminConfigs);
      requireMembers(members, b.memberHealth.keySet());
    } catch (ClusterRequestException e) {
      shutDownExecutors();
      clients.close();
      throw new FederationException("cannot read the fleet's members from the host cluster: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      shutDownExecutors();
      clients.close();
      throw e;
    }
    this.engine = new Engine(new Engine.Settings(new CopySync.Settings(b.adopt, b.takeOverKubeFedCopies,
        b.remoteStatus, b.runOnce), b.requestTimeout, b.backoff,
        b.converters != null ? b.converters : VersionConverters.standard()), members::all, board, workers, scheduler);
    this.health = new HealthProber(members, b.health, b.memberHealth, workers, this::healthChanged);
    health.probeAll();
    for (Duration period : health.periods()) {
      scheduler.scheduleWithFixedDelay(() -> health.probeEvery(period), period.toMillis(), period.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Rejects a per-member health check for a cluster that is no member, closing what was built; with a host, a
   * cluster may also join later, so any name is taken.
   */
  private static void requireMembers(Members members, Set<String> names) {
    if (members.membership().isPresent()) {
      return;
    }
    List<String> unknown = new ArrayList<>();
    for (String name : names) {
      if (members.all().stream().noneMatch(m -> m.name().equals(name))) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      String known = String.join(", ", members.all().stream().map(Member::name).sorted().toList());
      members.close();
      throw new ValidationException("memberHealth", "no member is named " + String.join(", ", unknown)
          + " (members: " + known + "); give the member to the builder, or use a host where it is or will be joined");
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** A builder for a fleet. */
  public static ClusterFleetBuilder builder() {
    return new ClusterFleetBuilder();
  }

  /** Whether {@code type} is one of Tekton's run kinds, created once and never updated. */
  public static boolean isRun(ResourceType type) {
    return "tekton.dev".equals(type.group()) && RUN_KINDS.contains(type.kind());
  }

  // ---- clusters ---------------------------------------------------------------------------------------

  /** Every member, by name. */
  public List<ClusterState> clusters() {
    return members.states();
  }

  /** One member, if there is one of that name. */
  public Optional<ClusterState> cluster(String name) {
    return members.get(name).map(Member::state);
  }

  /** The name the host cluster goes by in ServiceAccount names ({@code <member>-<host>}); empty without a host. */
  public String hostName() {
    return members.hostName();
  }

  /**
   * The fleet's {@link ClusterClient} for member {@code name}: the seam every request of the fleet goes through,
   * for reading or writing what the fleet does not federate, such as the status and pod logs of runs it placed:
   *
   * <pre>{@code
   * Optional<String> log = fleet.client("dev2").log("ci", "build-1-pod", "step-build");
   * }</pre>
   *
   * <p>The client belongs to the fleet: do not use it after the fleet is closed. It reaches the member with the
   * fleet's credentials for it (for a joined member, its service account's token).
   *
   * @throws FederationException if no member has that name
   */
  public ClusterClient client(String name) {
    requireOpen();
    return members.require(Objects.requireNonNull(name, "name")).client();
  }

  /**
   * The API version member {@code cluster}'s copies of {@code type} are written in, from the member's discovery
   * (see {@link ClusterFleetBuilder#converters}): {@code type} itself when the member serves its version, else the
   * member's most preferred served version the fleet's converters reach, else none, with why. The member's answer
   * is kept for minutes when it serves {@code type}'s version, for a second otherwise. A member that is not Ready is
   * not asked: the answer is {@code type} itself, as is a member that serves no version of it at all (a write there
   * says whether it does now).
   *
   * <pre>{@code
   * VersionChoice v = fleet.versionOn("dev2", TektonTypes.PIPELINE_RUN);   // tekton.dev/v1
   * v.type().apiVersion();                                                  // "tekton.dev/v1beta1" on Tekton 0.24
   * }</pre>
   *
   * @throws FederationException if {@code cluster} is not a member
   */
  public VersionChoice versionOn(String cluster, ResourceType type) {
    requireOpen();
    Objects.requireNonNull(type, "type");
    return engine.versionOn(members.require(Objects.requireNonNull(cluster, "cluster")), type);
  }

  /**
   * The converters the fleet writes copies with, for members that serve another version
   * ({@link ClusterFleetBuilder#converters}).
   *
   * <pre>{@code
   * ObjectNode forDev2 = fleet.converters().convert(pipelineRun, fleet.versionOn("dev2", type).type().version());
   * }</pre>
   */
  public VersionConverters converters() {
    return engine.converters();
  }

  /**
   * The fleet's {@link ClusterClient} for its host cluster, when it was built with one
   * ({@link ClusterFleetBuilder#hostContext(String)} or {@link ClusterFleetBuilder#host(String, Config)}).
   */
  public Optional<ClusterClient> hostClient() {
    requireOpen();
    return members.host();
  }

  /**
   * Tells {@code listener} of each member whose health changes from now on, with its new state, on the thread
   * that probed it. Keep it short; it must not block.
   *
   * <pre>{@code
   * fleet.addClusterListener(c -> log.info("{} is now {}", c.name(), c.health()));
   * }</pre>
   */
  public void addClusterListener(Consumer<ClusterState> listener) {
    clusterListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Stops telling {@code listener}. */
  public void removeClusterListener(Consumer<ClusterState> listener) {
    clusterListeners.remove(listener);
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
    Kubeconfigs kc = members.kubeconfigs().orElseThrow(() -> new IllegalStateException("join by context needs a "
        + "kubeconfig: build the fleet with kubeconfig(...)"));
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
    Map<String, String> checkedLabels = Cluster.ready(clusterName).withLabels(labels).labels();
    Member member = members.join(clusterName, admin, checkedLabels, TOKEN_TIMEOUT);
    health.probe(member);
    replan();
    return member.state();
  }

  /**
   * Removes member {@code name}: its ServiceAccount, RBAC and token Secret from the member (when the fleet has
   * admin credentials for it: a kubeconfig context or Config of that name), then its KubeFedCluster and Secret
   * from the host. Objects already propagated to it stay there.
   *
   * @return what could not be removed
   */
  public UnjoinResult unjoin(String name) {
    return unjoin(name, members.adminConfig(name));
  }

  /**
   * Removes member {@code name} as {@link #unjoin(String)} does, cleaning up the member with the credentials of
   * kubeconfig context {@code context} (as {@code kubefedctl unjoin --cluster-context}).
   */
  public UnjoinResult unjoin(String name, String context) {
    Kubeconfigs kc = members.kubeconfigs().orElseThrow(() -> new IllegalStateException("unjoin by context needs "
        + "a kubeconfig"));
    return unjoin(name, Optional.of(kc.config(context)));
  }

  private UnjoinResult unjoin(String name, Optional<Config> admin) {
    requireOpen();
    UnjoinResult result = members.unjoin(name, admin);
    engine.forget(name);
    replan();
    return result;
  }

  /**
   * Reads the host cluster's KubeFedClusters (and their token Secrets) again and brings the fleet's members in line:
   * a member joined since, by {@code fleetfed join}, {@code kubefedctl join} or by hand, is added and gets every
   * object placed on it (at once when the fleet is started, else at the next propagation); a member unjoined since is removed (its copies stay, as after {@link #unjoin}); a member
   * whose endpoint, CA bundle, token or proxy changed (a rotated Secret) is reached with a new client; new labels
   * and cordons take effect. Members given to the builder are left alone. The host-cluster controller calls this on
   * every KubeFedCluster change and every few seconds (for rotated Secrets).
   *
   * <pre>{@code
   * MembershipChange change = fleet.refreshMembers();
   * }</pre>
   *
   * @throws IllegalStateException if the fleet has no host cluster, or is closed
   * @throws FederationException if the host cannot be read (the members stay as they were)
   */
  public MembershipChange refreshMembers() {
    requireOpen();
    if (members.membership().isEmpty()) {
      throw new IllegalStateException("refreshMembers needs a host cluster: build the fleet with hostContext(...) "
          + "or host(...)");
    }
    Members.Refreshed r;
    try {
      r = members.refresh();
    } catch (ClusterRequestException e) {
      throw new FederationException("cannot read the fleet's members from the host cluster: " + e.getMessage(), e);
    }
    if (r.none()) {
      return new MembershipChange(List.of(), List.of(), List.of(), List.of());
    }
    r.removed().forEach(engine::forget);
    r.replaced().forEach(m -> engine.forget(m.name()));
    List<Member> fresh = new ArrayList<>(r.added());
    fresh.addAll(r.replaced());
    fresh.forEach(health::probe);
    replan();
    fresh.forEach(engine::clusterChanged);
    r.relabelled().forEach(engine::clusterChanged);
    return new MembershipChange(r.added().stream().map(Member::name).toList(), r.removed(),
        r.replaced().stream().map(Member::name).toList(), r.relabelled().stream().map(Member::name).toList());
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
   * Drains {@code name}: cordons it and deletes every copy fleetfed owns there, tracked by this fleet or not;
   * placements are recomputed without it. A copy is fleetfed's when its {@code fleetfed.io/managed} label, its
   * {@code fleetfed.io/source} annotation (naming a federated object of the copy's own kind, namespace and name)
   * and its {@code fleetfed.io/hash} annotation agree; an object labelled as fleetfed's that fails this is not
   * touched and is listed in {@link DrainResult#leftAlone()}. A failed delete is retried when the failure may pass,
   * then reported for that object; the others go on. Namespaces are kept.
   */
  public DrainResult drain(String name) {
    setCordon(name, true, true);
    Member m = members.require(name);
    try {
      List<PropagationResult> synced = engine.syncMember(m);
      List<ResourceType> known = new ArrayList<>(engine.cachedTypes(name));
      registry.all().forEach(c -> known.add(c.target()));
      return Drainer.drain(m, synced, known);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FederationException("interrupted while draining " + name, e);
    }
  }

  private ClusterState setCordon(String name, boolean cordoned, boolean drained) {
    requireOpen();
    ClusterState state = members.cordon(name, cordoned, drained);
    replan();
    return state;
  }

  private void replan() {
    try {
      engine.replanAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A member's health changed: tell the listeners, then re-plan and reconcile on a worker. */
  private void healthChanged(Member m) {
    if (closed) {
      return;
    }
    ClusterState state = m.state();
    for (Consumer<ClusterState> listener : clusterListeners) {
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
    } catch (RejectedExecutionException closing) {
      // the fleet is closing
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
      Consumer<PropagationResult> progress) {
    requireOpen();
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(progress, "progress");
    try {
      return engine.propagateAll(List.copyOf(resources), progress);
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
   *
   * <p>Each copy's DELETE carries the resource's {@link FederatedResource#deleteOptions()} (KubeFed's
   * {@code kubefed.io/deleteoption} annotation), as KubeFed's does: its grace period, propagation policy
   * ({@code Background} when it names none) and preconditions. A copy the API server keeps while it deletes it
   * (an {@code Orphan} or {@code Foreground} policy, a grace period, finalizers) is listed {@code WaitingForRemoval}
   * until it is gone; a precondition that does not hold is {@code DeletionFailed} and the copy stays.
   *
   * <pre>{@code
   * FederatedResource nginx = ...;   // annotated kubefed.io/deleteoption: '{"propagationPolicy":"Orphan"}'
   * fleet.delete(nginx);             // each member deletes its Deployment copy and keeps its ReplicaSets
   * }</pre>
   */
  public PropagationResult delete(FederatedResource resource, boolean orphan) {
    return deleteAll(List.of(Objects.requireNonNull(resource, "resource")), orphan, r -> { }).get(0);
  }

  /**
   * Removes every resource from the fleet as {@link #delete(FederatedResource, boolean)} does, in one call: a member
   * that fails or does not answer is tried once for all of them, not once each. FederatedNamespaces go last.
   * {@code progress} hears of each result as soon as every cluster is done with it, as in
   * {@link #propagateAll(Collection, Consumer)}.
   *
   * @return the results, in input order
   */
  public List<PropagationResult> deleteAll(Collection<FederatedResource> resources, boolean orphan,
      Consumer<PropagationResult> progress) {
    requireOpen();
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(progress, "progress");
    try {
      return engine.deleteAll(List.copyOf(resources), orphan, progress);
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
    try {
      return engine.inspectAll(List.copyOf(resources));
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
    return engine.cached(key, members.require(cluster).name());
  }

  /** For tests: the fabric8 configuration (credentials included) the fleet reaches {@code cluster} with. */
  Config clientConfig(String cluster) {
    return members.require(cluster).client().fabric8().getConfiguration();
  }

  /** For tests: stops watching the type of {@code key} on {@code cluster}, so that its view goes stale. */
  void stopWatching(ResourceKey key, String cluster) {
    engine.stopWatching(key, members.require(cluster).name());
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

  /**
   * Stops reconciliation, waits for operations in flight (at most a request timeout), and closes every client;
   * returns once the fleet's threads and connections are gone. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    health.close();
    engine.close();
    shutDownExecutors();
    board.close();
    engine.stopCaches();
    members.close();
    clients.close();
  }

  /**
   * Stops the timer and the workers: work in flight may finish its request (at most a request timeout), then what
   * is left is interrupted; returns once every thread is gone, or a further second has passed.
   */
  private void shutDownExecutors() {
    scheduler.shutdownNow();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(requestTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
        workers.shutdownNow();
        workers.awaitTermination(1, TimeUnit.SECONDS);
      }
      scheduler.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
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
}
