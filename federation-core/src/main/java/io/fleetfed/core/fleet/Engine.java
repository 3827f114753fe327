package io.fleetfed.core.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.render.ClusterRendering;
import io.fleetfed.core.render.ManagedMetadata;
import io.fleetfed.core.render.Renderer;
import io.fleetfed.core.render.ResourceRendering;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The propagation engine: plans each federated object (placement and rendering), brings each cluster's copy
 * in line (create, update, leave, delete or orphan), records outcomes as statuses, and, once started, keeps
 * copies converged from informer events with capped exponential backoff for failures.
 */
final class Engine implements TypeCache.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  private static final int CONFLICT_ATTEMPTS = 5;
  /** On a federated object, {@code "true"} lets it adopt existing objects even when the fleet does not. */
  static final String ADOPT_ANNOTATION = "fleetfed.io/adopt";

  /** One explicit call (a propagate or a delete): before the fleet is started, each type's cache is listed once per call. */
  record Call(long id) {}

  private final java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();

  /** Starts an explicit call over {@code resources}. */
  Call call() {
    return new Call(calls.incrementAndGet());
  }

  static ResourceDefinitionContext context(FederatedResource resource) {
    String apiVersion = resource.template().path("apiVersion").asText(resource.type().apiVersion());
    return Member.context(resource.type(), apiVersion);
  }

  record Settings(boolean adopt, boolean remoteStatus, Duration requestTimeout, Backoff backoff,
      Predicate<ResourceType> runOnce) {}

  private final Settings settings;
  private final Supplier<Collection<Member>> members;
  private final StatusBoard board;
  private final ExecutorService workers;
  private final ScheduledExecutorService scheduler;
  private final KubernetesSerialization json = new KubernetesSerialization();
  private final Map<ResourceKey, Tracked> tracked = new ConcurrentHashMap<>();
  /** The FederatedNamespaces tracked, by the namespace they federate. */
  private final Map<String, Tracked> namespaces = new ConcurrentHashMap<>();
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  /** Items with a delayed retry scheduled: one at a time, however many failures asked for one. */
  private final Set<String> retrying = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean started;
  private volatile boolean closed;

  Engine(Settings settings, Supplier<Collection<Member>> members, StatusBoard board, ExecutorService workers,
      ScheduledExecutorService scheduler) {
    this.settings = settings;
    this.members = members;
    this.board = board;
    this.workers = workers;
    this.scheduler = scheduler;
  }

  void start() throws InterruptedException {
    started = true;
    for (Member m : members.get()) {
      for (TypeCache c : m.caches()) {
        c.watch(m.ready() ? settings.requestTimeout() : Duration.ofMillis(1));
      }
    }
    for (Tracked t : tracked.values()) {
      for (Member m : members.get()) {
        enqueue(t.key, m.name(), Duration.ZERO);
      }
    }
  }

  boolean started() {
    return started;
  }

  /** Whether caches watch: once started, or from the start when remote status is collected (it is live). */
  private boolean watching() {
    return started || settings.remoteStatus();
  }

  void close() {
    closed = true;
    started = false;
  }

  Optional<FederatedResource> resource(ResourceKey key) {
    return Optional.ofNullable(tracked.get(key)).map(t -> t.plan.resource());
  }

  /** {@code m}'s cache of {@code context}: watching once started, else listed once for {@code call}. */
  private TypeCache cache(Member m, ResourceDefinitionContext context, Optional<Call> call) throws InterruptedException {
    TypeCache cache = m.cache(context, settings.requestTimeout(), this, watching());
    if (!cache.watching() && call.isPresent() && m.ready()) {
      cache.refresh(call.get().id());
    }
    return cache;
  }

  // ---- planning ---------------------------------------------------------------------------------------

  /** Places and renders {@code resource} outside any call (re-planning); throws on invalid input. */
  Tracked.Plan plan(FederatedResource resource, boolean deleting, boolean orphan) throws InterruptedException {
    return plan(resource, deleting, orphan, Map.of(), Optional.empty());
  }

  /**
   * Places and renders {@code resource}; throws on invalid input before anything is sent. A FederatedNamespace in
   * {@code batch} (by name; propagated in the same call) restricts it as one already propagated would. When the
   * object and the clusters it may go to are as in its last plan, that plan's renderings are reused.
   */
  Tracked.Plan plan(FederatedResource resource, boolean deleting, boolean orphan,
      Map<String, FederatedResource> batch, Optional<Call> call) throws InterruptedException {
    ResourceDefinitionContext context = context(resource);
    String namespace = resource.type().isNamespaced() ? resource.namespace() : "";
    if (deleting) {
      return new Tracked.Plan(resource, context, namespace, resource.name(), Map.of(), List.of(), true, orphan,
          Optional.empty());
    }
    List<Cluster> eligible = new ArrayList<>();
    for (Member m : members.get()) {
      if (m.drained()) {
        continue;
      }
      if (m.cordoned() && !hasCopy(m, context, ResourceKey.of(resource), namespace, resource.name(), call)) {
        continue;
      }
      eligible.add(m.state().toCluster());
    }
    eligible.sort(java.util.Comparator.comparing(Cluster::name));
    Optional<FederatedResource> federatedNamespace = federatedNamespace(resource, batch);
    Tracked before = tracked.get(ResourceKey.of(resource));
    if (before != null) {
      Tracked.Plan last = before.plan;
      if (!last.deleting() && last.eligible().equals(eligible) && last.resource().equals(resource)
          && last.federatedNamespace().equals(federatedNamespace)) {
        return last;   // nothing it depends on changed: its renderings stand
      }
    }
    ResourceRendering rendering = Renderer.render(resource, eligible, federatedNamespace);
    Map<String, Optional<Tracked.Desired>> placed = new LinkedHashMap<>();
    for (ClusterRendering r : rendering.clusters().values()) {
      placed.put(r.cluster(), r.object().map(o -> new Tracked.Desired(o, r.hash().orElseThrow())));
    }
    return new Tracked.Plan(resource, context, namespace, resource.name(), placed, eligible, false, orphan,
        federatedNamespace);
  }

  private boolean hasCopy(Member m, ResourceDefinitionContext context, ResourceKey key, String ns, String name,
      Optional<Call> call) throws InterruptedException {
    return lookup(m, cache(m, context, call), context, ns, name).filter(o -> isOurs(o, key)).isPresent();
  }

  /**
   * The object {@code ns/name} on {@code m} as {@code cache} knows it; read from the cluster when the cache has not
   * listed it yet, since absence there proves nothing.
   */
  private static Optional<GenericKubernetesResource> lookup(Member m, TypeCache cache,
      ResourceDefinitionContext context, String ns, String name) {
    Optional<GenericKubernetesResource> known = cache.get(TypeCache.key(ns, name));
    return known.isEmpty() && !cache.synced() && m.ready() ? m.get(context, ns, name) : known;
  }

  private Optional<FederatedResource> federatedNamespace(FederatedResource resource,
      Map<String, FederatedResource> batch) {
    if (!resource.type().isNamespaced() || resource.type().isNamespace()) {
      return Optional.empty();
    }
    FederatedResource inBatch = batch.get(resource.namespace());
    if (inBatch != null) {
      return Optional.of(inBatch);
    }
    return Optional.ofNullable(namespaces.get(resource.namespace())).map(t -> t.plan)
        .filter(p -> !p.deleting()).map(Tracked.Plan::resource);
  }

  // ---- explicit operations ----------------------------------------------------------------------------

  /** Propagates every resource (already planned), all clusters in parallel on the workers. */
  List<PropagationResult> apply(List<Tracked.Plan> plans, Optional<Call> call) throws InterruptedException {
    return apply(plans, call, r -> { });
  }

  /** As {@link #apply(List, Optional)}, telling {@code onEach} of each resource's result as soon as it is complete. */
  List<PropagationResult> apply(List<Tracked.Plan> plans, Optional<Call> call,
      java.util.function.Consumer<PropagationResult> onEach) throws InterruptedException {
    List<Tracked> ts = new ArrayList<>();
    for (Tracked.Plan plan : plans) {
      ResourceKey key = ResourceKey.of(plan.resource());
      Tracked t = tracked.compute(key, (k, before) -> {
        if (before == null) {
          return new Tracked(k, plan);
        }
        before.install(plan);
        return before;
      });
      if (plan.resource().type().isNamespace()) {
        namespaces.put(plan.name(), t);
      }
      ts.add(t);
    }
    return run(ts, call, true, onEach);
  }

  /**
   * Syncs every cluster of {@code ts} in parallel on the workers and waits. {@code explicit} calls overwrite a
   * copy another fleet wrote; re-syncs of what is tracked (uncordon, drain) do not.
   */
  private List<PropagationResult> run(List<Tracked> ts, Optional<Call> call, boolean explicit,
      java.util.function.Consumer<PropagationResult> onEach) throws InterruptedException {
    List<Member> all = List.copyOf(members.get());
    Map<Tracked, List<CompletableFuture<Optional<ClusterOutcome>>>> futures = new LinkedHashMap<>();
    List<CompletableFuture<Void>> notified = new ArrayList<>();
    try {
      for (Tracked t : ts) {
        List<CompletableFuture<Optional<ClusterOutcome>>> perCluster = new ArrayList<>();
        for (Member m : all) {
          perCluster.add(CompletableFuture.supplyAsync(() -> syncAndRecord(t, m, call, explicit), workers));
        }
        futures.put(t, perCluster);
        notified.add(CompletableFuture.allOf(perCluster.toArray(CompletableFuture[]::new)).thenRun(() -> {
          try {
            onEach.accept(result(t, perCluster));
          } catch (RuntimeException e) {
            LOG.warn("a progress callback failed on {}", t.key, e);
          }
        }));
      }
    } catch (RejectedExecutionException closing) {
      throw new IllegalStateException("the fleet is closed");
    }
    // every sync, and every progress callback: the call returns only after it has told of every result
    CompletableFuture<Void> done = CompletableFuture.allOf(java.util.stream.Stream.concat(
        futures.values().stream().flatMap(List::stream), notified.stream()).toArray(CompletableFuture[]::new));
    while (true) {
      try {
        done.get(200, TimeUnit.MILLISECONDS);
        break;
      } catch (java.util.concurrent.TimeoutException e) {
        if (closed) {   // close() may have dropped queued syncs: never wait for them forever
          throw new IllegalStateException("the fleet was closed before the call finished");
        }
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("propagation failed unexpectedly", Errors.unwrap(e));
      }
    }
    List<PropagationResult> results = new ArrayList<>();
    for (Map.Entry<Tracked, List<CompletableFuture<Optional<ClusterOutcome>>>> e : futures.entrySet()) {
      results.add(result(e.getKey(), e.getValue()));
      finishIfDeleted(e.getKey());
    }
    // a FederatedNamespace narrows where objects in its namespace go: replan those already tracked
    for (Tracked t : ts) {
      if (t.plan.resource().type().isNamespace() && started) {
        for (Tracked other : tracked.values()) {
          if (other != t && other.plan.namespace().equals(t.plan.name()) && !other.plan.deleting()) {
            replanLater(other);
          }
        }
      }
    }
    return results;
  }

  /** What this call did to {@code t}, not what background reconciliation may have recorded since. */
  private static PropagationResult result(Tracked t, List<CompletableFuture<Optional<ClusterOutcome>>> perCluster) {
    Map<String, ClusterOutcome> outcomes = new HashMap<>();
    for (CompletableFuture<Optional<ClusterOutcome>> f : perCluster) {
      f.join().ifPresent(o -> outcomes.put(o.cluster(), o));
    }
    return new PropagationResult(t.key, PropagationCondition.of(outcomes.values().stream()
        .map(ClusterOutcome::status).toList()), outcomes, Optional.empty());
  }

  private void replanLater(Tracked t) {
    try {
      workers.execute(() -> {
        try {
          replan(t);
          for (Member m : members.get()) {
            enqueue(t.key, m.name(), Duration.ZERO);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          LOG.warn("cannot re-plan {}: {}", t.key, e.getMessage());
        }
      });
    } catch (RejectedExecutionException closing) {
      // closing
    }
  }

  /** Re-plans {@code t} for the clusters as they are now, unless an explicit call planned it meanwhile. */
  private void replan(Tracked t) throws InterruptedException {
    long seq;
    Tracked.Plan p;
    synchronized (t) {
      seq = t.seq;
      p = t.plan;
    }
    Tracked.Plan fresh = plan(p.resource(), p.deleting(), p.orphan());
    synchronized (t) {
      if (t.seq == seq && t.plan == p) {
        t.plan = fresh;
      }
    }
  }

  private void finishIfDeleted(Tracked t) {
    boolean[] removed = new boolean[1];
    tracked.computeIfPresent(t.key, (k, v) -> {
      // in the map's lock for this key: an explicit call re-planning it cannot slip in between
      if (v == t && v.plan.deleting() && v.outcomes.values().stream().allMatch(Engine::gone)) {
        removed[0] = true;
        return null;
      }
      return v;
    });
    if (removed[0]) {
      namespaces.remove(t.plan.name(), t);
      synchronized (t) {
        board.publish(new FederatedStatus(t.key, PropagationCondition.PROPAGATED, Map.of(), true));
      }
    }
  }

  private static boolean gone(ClusterOutcome o) {
    return o.isOk() && (o.action() == ClusterAction.DELETED || o.action() == ClusterAction.ORPHANED);
  }

  // ---- one cluster ------------------------------------------------------------------------------------

  /**
   * Syncs one cluster; {@code call} is present for a call a caller waits for and empty for background
   * reconciliation, and {@code explicit} says whether it may overwrite another fleet's version.
   */
  private Optional<ClusterOutcome> syncAndRecord(Tracked t, Member m, Optional<Call> call, boolean explicit) {
    ClusterOutcome outcome;
    synchronized (t.lock(m.name())) {
      long seq = t.seq;
      try {
        outcome = sync(t, t.plan, m, call, explicit);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      } catch (RuntimeException e) {
        LOG.warn("unexpected failure syncing {} to {}", t.key, m.name(), e);
        outcome = ClusterOutcome.failed(m.name(), PropagationStatus.RETRIEVAL_FAILED, Errors.describe(e));
      }
      if (!members.get().contains(m)) {
        return Optional.ofNullable(outcome);   // the cluster left the fleet meanwhile: nothing to record
      }
      if (outcome == null) {
        t.outcomes.remove(m.name());
      } else {
        t.outcomes.put(m.name(), outcome);
      }
      Tracked.Stamped done = t.actions.get(m.name());
      if (outcome != null && outcome.action() != ClusterAction.UNCHANGED && outcome.action() != ClusterAction.NONE) {
        t.actions.put(m.name(), new Tracked.Stamped(seq, outcome));
      } else if (call.isPresent() && done != null && done.seq() == seq
          && (outcome == null || outcome.action() == ClusterAction.UNCHANGED)) {
        // background reconciliation carried out this very plan a moment ago: report what it did
        outcome = done.outcome();
      }
    }
    publish(t);
    if (outcome != null && outcome.status().isRecoverable() && started
        && outcome.status() != PropagationStatus.CLUSTER_NOT_READY) {
      int attempt = t.attempts.merge(m.name(), 1, Integer::sum);
      retryLater(t.key, m.name(), settings.backoff().delay(attempt));
    } else {
      t.attempts.remove(m.name());
    }
    return Optional.ofNullable(outcome);
  }

  /** Brings {@code m}'s copy in line with {@code plan}; returns the outcome, or null if the cluster is not listed. */
  private ClusterOutcome sync(Tracked t, Tracked.Plan plan, Member m, Optional<Call> call, boolean explicit)
      throws InterruptedException {
    String cluster = m.name();
    TypeCache cache;
    try {
      cache = cache(m, plan.context(), call);
    } catch (KubernetesClientException e) {
      return ClusterOutcome.failed(cluster, PropagationStatus.CACHED_RETRIEVAL_FAILED, Errors.describe(e));
    }
    String key = TypeCache.key(plan.namespace(), plan.name());
    Optional<GenericKubernetesResource> current = lookup(m, cache, plan.context(), plan.namespace(), plan.name());
    boolean ours = current.filter(o -> isOurs(o, t.key)).isPresent();
    current.filter(o -> ours).ifPresent(o -> observe(t, plan, cluster, o));
    Optional<Tracked.Desired> desired = plan.placed().getOrDefault(cluster, null);
    if (desired == null) {
      if (!ours && plan.deleting() && !m.ready() && !cache.synced()) {
        return ClusterOutcome.failed(cluster, PropagationStatus.CLUSTER_NOT_READY, notReady(m)
            + "; whether it holds a copy is known once it is back");
      }
      if (!ours) {
        return null;
      }
      if (!m.ready()) {
        return ClusterOutcome.failed(cluster, PropagationStatus.CLUSTER_NOT_READY, notReady(m));
      }
      if (current.get().getMetadata().getDeletionTimestamp() != null) {
        return ClusterOutcome.failed(cluster, PropagationStatus.WAITING_FOR_REMOVAL, "the copy is being deleted");
      }
      // a drained cluster keeps its namespaces (deleting one deletes everything in it, managed or not)
      boolean keep = plan.orphan() || (m.drained() && plan.resource().type().isNamespace());
      return keep ? orphan(t, m, cache, current.get()) : remove(t, m, cache, key, plan);
    }
    if (!m.ready()) {
      return ClusterOutcome.failed(cluster, PropagationStatus.CLUSTER_NOT_READY, notReady(m));
    }
    Tracked.Desired want = desired.orElseThrow();
    if (current.isEmpty()) {
      if (settings.runOnce().test(plan.resource().type()) && t.finishedRuns.contains(cluster)) {
        return new ClusterOutcome(cluster, ClusterAction.UNCHANGED, PropagationStatus.OK,
            Optional.of("the run finished and its copy was removed; a run is never created twice"));
      }
      return create(t, m, cache, key, plan, want, explicit);
    }
    return reconcileExisting(t, m, cache, key, plan, want, current.get(), explicit);
  }

  private ClusterOutcome create(Tracked t, Member m, TypeCache cache, String key, Tracked.Plan plan,
      Tracked.Desired want, boolean explicit) throws InterruptedException {
    String cluster = m.name();
    GenericKubernetesResource object = json.convertValue(Retention.markOwnAnnotations(want.object().deepCopy()),
        GenericKubernetesResource.class);
    try {
      m.ensureNamespace(plan.namespace());
      GenericKubernetesResource created;
      try {
        created = m.create(plan.context(), object);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404 || plan.namespace().isEmpty()) {
          throw e;
        }
        m.forgetNamespace(plan.namespace());   // the namespace was deleted behind our back: create it again
        m.ensureNamespace(plan.namespace());
        created = m.create(plan.context(), object);
      }
      cache.wrote(key, Optional.of(created));
      recordWrite(t, cluster, created, want);
      return ClusterOutcome.ok(cluster, ClusterAction.CREATED);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        Optional<GenericKubernetesResource> existing = fetch(m, plan);
        if (existing.isPresent()) {
          return reconcileExisting(t, m, cache, key, plan, want, existing.get(), explicit);
        }
      }
      return failure(cluster, e, PropagationStatus.CREATION_FAILED, PropagationStatus.CREATION_TIMED_OUT);
    } catch (RuntimeException e) {
      return failure(cluster, e, PropagationStatus.CREATION_FAILED, PropagationStatus.CREATION_TIMED_OUT);
    }
  }

  private ClusterOutcome reconcileExisting(Tracked t, Member m, TypeCache cache, String key, Tracked.Plan plan,
      Tracked.Desired want, GenericKubernetesResource current, boolean explicit) throws InterruptedException {
    String cluster = m.name();
    for (int attempt = 1; ; attempt++) {
      Map<String, String> labels = labels(current);
      if ("false".equals(labels.get(ManagedMetadata.MANAGED_LABEL))) {
        return ClusterOutcome.failed(cluster, PropagationStatus.MANAGED_LABEL_FALSE,
            "the cluster's object is labelled " + ManagedMetadata.MANAGED_LABEL + ": \"false\"");
      }
      boolean ours = isOurs(current, t.key);
      if (!ours && !adopt(plan.resource()) && !isHolder(current)) {
        return ClusterOutcome.failed(cluster, PropagationStatus.ALREADY_EXISTS, "an object fleetfed does not "
            + "manage already exists there; adopt it (adoptResources) or remove it");
      }
      if (ours && current.getMetadata().getDeletionTimestamp() != null) {
        return ClusterOutcome.failed(cluster, PropagationStatus.WAITING_FOR_REMOVAL,
            "the copy is being deleted; it is created again once it is gone");
      }
      if (ours) {
        observe(t, plan, cluster, current);
        if (settings.runOnce().test(plan.resource().type())) {
          t.written.put(cluster, hash(current));
          return new ClusterOutcome(cluster, ClusterAction.UNCHANGED, PropagationStatus.OK,
              hash(current).equals(want.hash()) ? Optional.empty()
                  : Optional.of("a run is never updated once created; delete it to run it again"));
        }
      }
      String have = hash(current);
      if (ours && have.equals(want.hash()) && version(current).equals(t.verified.get(cluster))) {
        t.written.put(cluster, want.hash());
        return ClusterOutcome.ok(cluster, ClusterAction.UNCHANGED);   // exactly what this fleet last saw match
      }
      JsonNode currentTree = json.convertValue(current, JsonNode.class);
      ObjectNode toWrite = Retention.retain(want.object().deepCopy(), currentTree, plan.resource().retainReplicas());
      if (ours && have.equals(want.hash()) && unchangedByOthers(t, plan, cluster, toWrite, currentTree)) {
        t.verified.put(cluster, version(current));
        t.written.put(cluster, want.hash());
        boolean retain = plan.resource().retainReplicas();
        t.digests.computeIfAbsent(cluster, c -> new Tracked.Digest(() -> Retention.digest(currentTree, retain)));
        return ClusterOutcome.ok(cluster, ClusterAction.UNCHANGED);
      }
      if (ours && !explicit && !have.isEmpty() && !have.equals(want.hash())
          && want.hash().equals(t.written.get(cluster))) {
        // we wrote our version here and another fleet wrote its own since: do not fight it in the background
        return ClusterOutcome.failed(cluster, PropagationStatus.OWNED_BY_ANOTHER_WRITER,
            "another writer propagated a different version of this object here; propagate it again to overwrite");
      }
      try {
        GenericKubernetesResource updated = m.update(plan.context(),
            json.convertValue(toWrite, GenericKubernetesResource.class));
        cache.wrote(key, Optional.of(updated));
        recordWrite(t, cluster, updated, want);
        return ClusterOutcome.ok(cluster, ClusterAction.UPDATED);
      } catch (KubernetesClientException e) {
        if ((e.getCode() == 409 || e.getCode() == 404) && attempt < CONFLICT_ATTEMPTS) {
          Optional<GenericKubernetesResource> fresh = fetch(m, plan);
          if (fresh.isEmpty()) {
            cache.wrote(key, Optional.empty());
            return create(t, m, cache, key, plan, want, explicit);
          }
          current = fresh.get();
          continue;
        }
        return failure(cluster, e, PropagationStatus.UPDATE_FAILED, PropagationStatus.UPDATE_TIMED_OUT);
      } catch (RuntimeException e) {
        return failure(cluster, e, PropagationStatus.UPDATE_FAILED, PropagationStatus.UPDATE_TIMED_OUT);
      }
    }
  }

  /**
   * Whether a copy whose resourceVersion moved since this fleet verified it still holds what this fleet wrote:
   * everything the plan says ({@code matches}) and, when this fleet knows what its last write returned, nothing
   * added outside metadata and status (a status update or a label added by someone passes; a key added to
   * {@code data} or {@code spec} by hand does not).
   */
  private static boolean unchangedByOthers(Tracked t, Tracked.Plan plan, String cluster, ObjectNode toWrite,
      JsonNode current) {
    if (!Retention.matches(toWrite, current)) {
      return false;
    }
    Tracked.Digest digest = t.digests.get(cluster);
    return digest == null || digest.get().equals(Retention.digest(current, plan.resource().retainReplicas()));
  }

  private void recordWrite(Tracked t, String cluster, GenericKubernetesResource written, Tracked.Desired want) {
    t.verified.put(cluster, version(written));
    t.written.put(cluster, want.hash());
    boolean retain = t.plan.resource().retainReplicas();
    t.digests.put(cluster, new Tracked.Digest(() -> Retention.digest(json.convertValue(written, JsonNode.class),
        retain)));
  }

  private ClusterOutcome remove(Tracked t, Member m, TypeCache cache, String key, Tracked.Plan plan) {
    try {
      m.delete(plan.context(), plan.namespace(), plan.name());
      Optional<GenericKubernetesResource> left = fetch(m, plan);
      if (left.isPresent() && isOurs(left.get(), t.key)) {
        // held by a finalizer: KubeFed reports it until it is gone, and so do we
        cache.wrote(key, left);
        return ClusterOutcome.failed(m.name(), PropagationStatus.WAITING_FOR_REMOVAL,
            "the copy is being deleted and is held by finalizers " + left.get().getMetadata().getFinalizers());
      }
      cache.wrote(key, Optional.empty());
      t.verified.remove(m.name());
      t.written.remove(m.name());
      t.digests.remove(m.name());
      t.remoteStatus.remove(m.name());
      return ClusterOutcome.ok(m.name(), ClusterAction.DELETED);
    } catch (RuntimeException e) {
      return failure(m.name(), e, PropagationStatus.DELETION_FAILED, PropagationStatus.DELETION_TIMED_OUT);
    }
  }

  private ClusterOutcome orphan(Tracked t, Member m, TypeCache cache, GenericKubernetesResource current) {
    Tracked.Plan plan = t.plan;
    GenericKubernetesResource copy = json.clone(current);
    for (int attempt = 1; ; attempt++) {
      if (copy.getMetadata().getLabels() != null) {
        copy.getMetadata().getLabels().remove(ManagedMetadata.MANAGED_LABEL);
      }
      if (copy.getMetadata().getAnnotations() != null) {
        copy.getMetadata().getAnnotations().remove(ManagedMetadata.SOURCE_ANNOTATION);
        copy.getMetadata().getAnnotations().remove(ManagedMetadata.HASH_ANNOTATION);
        copy.getMetadata().getAnnotations().remove(Retention.OWN_ANNOTATIONS);
      }
      try {
        m.update(plan.context(), copy);
        cache.wrote(TypeCache.key(plan.namespace(), plan.name()), Optional.empty());
        t.verified.remove(m.name());
        t.written.remove(m.name());
        t.digests.remove(m.name());
        t.remoteStatus.remove(m.name());
        return ClusterOutcome.ok(m.name(), ClusterAction.ORPHANED);
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409 && attempt < CONFLICT_ATTEMPTS) {
          Optional<GenericKubernetesResource> fresh = fetch(m, plan);
          if (fresh.isEmpty() || !isOurs(fresh.get(), t.key)) {
            return ClusterOutcome.ok(m.name(), ClusterAction.ORPHANED);
          }
          copy = fresh.get();
          continue;
        }
        if (e.getCode() == 404) {
          return ClusterOutcome.ok(m.name(), ClusterAction.ORPHANED);
        }
        return failure(m.name(), e, PropagationStatus.LABEL_REMOVAL_FAILED, PropagationStatus.LABEL_REMOVAL_TIMED_OUT);
      } catch (RuntimeException e) {
        return failure(m.name(), e, PropagationStatus.LABEL_REMOVAL_FAILED, PropagationStatus.LABEL_REMOVAL_TIMED_OUT);
      }
    }
  }

  private Optional<GenericKubernetesResource> fetch(Member m, Tracked.Plan plan) {
    return m.get(plan.context(), plan.namespace(), plan.name());
  }

  private static ClusterOutcome failure(String cluster, Throwable e, PropagationStatus failed,
      PropagationStatus timedOut) {
    return ClusterOutcome.failed(cluster, Errors.isTimeout(e) ? timedOut : failed, Errors.describe(e));
  }

  private static String notReady(Member m) {
    ClusterState s = m.state();
    return "cluster is " + (s.health() == ClusterHealth.OFFLINE ? "offline" : "not ready")
        + s.message().map(msg -> ": " + msg).orElse("");
  }

  /** Notes what the copy says about itself: its remote status, whether a run finished. */
  private void observe(Tracked t, Tracked.Plan plan, String cluster, GenericKubernetesResource copy) {
    Object status = copy.getAdditionalProperties().get("status");
    if (settings.remoteStatus()) {
      if (status == null) {
        t.remoteStatus.remove(cluster);
      } else {
        t.remoteStatus.put(cluster, json.convertValue(status, JsonNode.class));
      }
    }
    if (status != null && settings.runOnce().test(plan.resource().type()) && finished(status)) {
      t.finishedRuns.add(cluster);
    }
  }

  private boolean finished(Object status) {
    JsonNode s = json.convertValue(status, JsonNode.class);
    if (s.hasNonNull("completionTime")) {
      return true;
    }
    for (JsonNode c : s.path("conditions")) {
      if ("Succeeded".equals(c.path("type").asText())
          && ("True".equals(c.path("status").asText()) || "False".equals(c.path("status").asText()))) {
        return true;
      }
    }
    return false;
  }

  /** Whether an existing object fleetfed does not manage may be taken over: fleet-wide, or per resource. */
  private boolean adopt(FederatedResource resource) {
    return settings.adopt() || "true".equals(resource.annotations().get(ADOPT_ANNOTATION));
  }

  /**
   * Whether {@code o} is a namespace fleetfed created only to hold objects (managed, but from no federated
   * object): a FederatedNamespace for it takes it over without needing adoption.
   */
  private static boolean isHolder(GenericKubernetesResource o) {
    Map<String, String> annotations = o.getMetadata().getAnnotations();
    return "Namespace".equals(o.getKind()) && "true".equals(labels(o).get(ManagedMetadata.MANAGED_LABEL))
        && (annotations == null || !annotations.containsKey(ManagedMetadata.SOURCE_ANNOTATION));
  }

  static boolean isOurs(GenericKubernetesResource o, ResourceKey key) {
    Map<String, String> annotations = o.getMetadata().getAnnotations();
    return "true".equals(labels(o).get(ManagedMetadata.MANAGED_LABEL)) && annotations != null
        && key.toString().equals(annotations.get(ManagedMetadata.SOURCE_ANNOTATION));
  }

  private static Map<String, String> labels(GenericKubernetesResource o) {
    Map<String, String> labels = o.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  private static String hash(GenericKubernetesResource o) {
    Map<String, String> annotations = o.getMetadata().getAnnotations();
    String hash = annotations == null ? null : annotations.get(ManagedMetadata.HASH_ANNOTATION);
    return hash == null ? "" : hash;
  }

  private static String version(GenericKubernetesResource o) {
    String v = o.getMetadata().getResourceVersion();
    return v == null ? "" : v;
  }

  // ---- status -----------------------------------------------------------------------------------------

  /** Publishes {@code t}'s status; under its lock, so that statuses reach the board in the order they were made. */
  private void publish(Tracked t) {
    synchronized (t) {
      if (tracked.get(t.key) != t) {
        return;   // deleted: its last status said so
      }
      publishLocked(t);
    }
  }

  private void publishLocked(Tracked t) {
    Map<String, ClusterStatus> clusters = new HashMap<>();
    for (ClusterOutcome o : t.outcomes.values()) {
      if (gone(o)) {
        continue;
      }
      clusters.put(o.cluster(), new ClusterStatus(o.cluster(), o.status(),
          Optional.ofNullable(t.remoteStatus.get(o.cluster())), o.message()));
    }
    board.publish(new FederatedStatus(t.key, PropagationCondition.of(clusters.values().stream()
        .map(ClusterStatus::status).toList()), clusters, false));
  }

  // ---- converging -------------------------------------------------------------------------------------

  @Override
  public void changed(TypeCache cache, GenericKubernetesResource object, boolean deleted) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    String source = annotations == null ? null : annotations.get(ManagedMetadata.SOURCE_ANNOTATION);
    if (source == null) {
      return;
    }
    Optional<ResourceKey> key = ResourceKey.parse(source);
    Tracked t = key.map(tracked::get).orElse(null);
    if (t == null) {
      return;
    }
    String cluster = cache.cluster();
    Tracked.Plan plan = t.plan;
    if (!Member.cacheKey(plan.context()).equals(Member.cacheKey(cache.context()))) {
      return;
    }
    if (!deleted) {
      JsonNode before = t.remoteStatus.get(cluster);
      observe(t, plan, cluster, object);
      JsonNode after = t.remoteStatus.get(cluster);
      if (settings.remoteStatus() && !java.util.Objects.equals(before, after) && t.outcomes.containsKey(cluster)) {
        publish(t);
      }
    }
    if (started) {
      enqueue(t.key, cluster, Duration.ZERO);
    }
  }

  /** A cluster's health changed: every object is brought up to date there. */
  void clusterChanged(Member m) {
    for (Tracked t : tracked.values()) {
      if (started) {
        enqueue(t.key, m.name(), Duration.ZERO);
      } else if (t.outcomes.containsKey(m.name()) && !m.ready()) {
        // without background reconciliation, at least report that the cluster is gone
        synchronized (t.lock(m.name())) {
          t.outcomes.computeIfPresent(m.name(), (c, o) ->
              ClusterOutcome.failed(c, PropagationStatus.CLUSTER_NOT_READY, notReady(m)));
        }
        publish(t);
      }
    }
  }

  /** Replans every object, after cluster membership, labels or cordons changed. */
  void replanAll() throws InterruptedException {
    for (Tracked t : tracked.values()) {
      try {
        replan(t);
      } catch (RuntimeException e) {
        LOG.warn("cannot re-plan {}: {}", t.key, e.getMessage());
      }
    }
  }

  /** Brings every tracked object in line on every cluster now, as planned, waiting for it. */
  List<PropagationResult> syncAll() throws InterruptedException {
    return run(List.copyOf(tracked.values()), Optional.of(call()), false, r -> { });
  }

  /** Brings every object in line on every cluster, logging rather than throwing. */
  void syncAllQuietly() {
    try {
      syncAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("cannot bring every object in line: {}", e.getMessage());
    }
  }

  void enqueue(ResourceKey key, String cluster, Duration delay) {
    if (closed || !started) {
      return;
    }
    String item = key + "\u0000" + cluster;
    if (delay.isZero() && !queued.add(item)) {
      return;   // already waiting to run: one pass will see the latest state
    }
    pending.incrementAndGet();
    Runnable run = () -> {
      try {
        queued.remove(item);
        if (!delay.isZero()) {
          retrying.remove(item);
        }
        Tracked t = tracked.get(key);
        Member m = members.get().stream().filter(x -> x.name().equals(cluster)).findFirst().orElse(null);
        if (t == null || m == null || closed) {
          return;
        }
        syncAndRecord(t, m, Optional.empty(), false);
        finishIfDeleted(t);
      } finally {
        pending.decrementAndGet();
      }
    };
    try {
      if (delay.isZero()) {
        workers.execute(run);
      } else {
        scheduler.schedule(() -> {
          try {
            workers.execute(run);
          } catch (RejectedExecutionException closing) {
            pending.decrementAndGet();
          }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (RejectedExecutionException closing) {
      queued.remove(item);
      pending.decrementAndGet();
    }
  }

  /** Schedules a retry of {@code key} on {@code cluster}, unless one is scheduled already. */
  private void retryLater(ResourceKey key, String cluster, Duration delay) {
    String item = key + "\u0000" + cluster;
    if (retrying.add(item)) {
      enqueue(key, cluster, delay);
    }
  }

  /** Whether no background reconciliation is queued, waiting for a retry, or running. */
  boolean idle() {
    return pending.get() == 0;
  }

  /** The fleet's cached copy of {@code key} in {@code cluster}, for tests: what reconciliation will act on. */
  Optional<GenericKubernetesResource> cached(ResourceKey key, Member m) {
    Tracked t = tracked.get(key);
    if (t == null) {
      return Optional.empty();
    }
    return m.existingCache(t.plan.context()).flatMap(c -> c.get(TypeCache.key(t.plan.namespace(), t.plan.name())));
  }

  /** Removes {@code cluster} from every object's outcomes, after it left the fleet. */
  void forget(String cluster) {
    for (Tracked t : tracked.values()) {
      t.outcomes.remove(cluster);
      t.verified.remove(cluster);
      t.written.remove(cluster);
      t.digests.remove(cluster);
      t.remoteStatus.remove(cluster);
      publish(t);
    }
  }
}
