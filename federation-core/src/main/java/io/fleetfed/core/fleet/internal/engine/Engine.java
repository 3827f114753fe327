package io.fleetfed.core.fleet.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.cluster.Backoff;
import io.fleetfed.core.cluster.VersionChoice;
import io.fleetfed.core.fleet.internal.apply.Caches;
import io.fleetfed.core.fleet.internal.apply.CopySync;
import io.fleetfed.core.fleet.internal.apply.ServedVersions;
import io.fleetfed.core.fleet.internal.apply.Tracked;
import io.fleetfed.core.fleet.internal.apply.TypeCache;
import io.fleetfed.core.fleet.internal.cluster.Errors;
import io.fleetfed.core.fleet.internal.members.Member;
import io.fleetfed.core.fleet.internal.plan.Plan;
import io.fleetfed.core.fleet.internal.plan.Planner;
import io.fleetfed.core.fleet.internal.status.Inspector;
import io.fleetfed.core.fleet.internal.status.StatusBoard;
import io.fleetfed.core.fleet.internal.status.Statuses;
import io.fleetfed.core.kubefed.VersionConverters;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.render.ManagedMetadata;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.CopyReport;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.PropagationStatus;
import io.fleetfed.core.status.ResourceKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The propagation engine, coordinating the three rooms for every federated object the fleet tracks: it plans
 * ({@link Planner}, with the clusters eligible now), applies on every cluster in parallel on the fleet's workers
 * ({@link CopySync}), and publishes the outcomes as statuses ({@link StatusBoard}). Explicit calls wait for their
 * results; once started, watch events and failures queue background syncs ({@link Reconciler}).
 */
public final class Engine implements TypeCache.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  /**
   * How the engine works.
   *
   * @param sync what applying may do
   * @param requestTimeout how long one request may take (also how long a new watch waits for its first list)
   * @param backoff how failed background syncs are retried
   */
  public record Settings(CopySync.Settings sync, Duration requestTimeout, Backoff backoff,
      VersionConverters converters) {}

  private final Settings settings;
  private final Supplier<Collection<Member>> members;
  private final StatusBoard board;
  private final ExecutorService workers;
  private final Caches caches;
  private final CopySync copies;
  private final Inspector inspector;
  private final Reconciler reconciler;
  private final Map<ResourceKey, Tracked> tracked = new ConcurrentHashMap<>();
  /** The FederatedNamespaces tracked, by the namespace they federate. */
  private final Map<String, Tracked> namespaces = new ConcurrentHashMap<>();
  private final AtomicLong calls = new AtomicLong();
  private volatile boolean closed;

  public Engine(Settings settings, Supplier<Collection<Member>> members, StatusBoard board, ExecutorService workers,
      ScheduledExecutorService scheduler) {
    this.settings = settings;
    this.members = members;
    this.board = board;
    this.workers = workers;
    this.caches = new Caches(this, settings.requestTimeout(), settings.sync().remoteStatus(),
        new ServedVersions(settings.converters()));
    this.copies = new CopySync(settings.sync(), caches);
    this.inspector = new Inspector(caches, copies, settings.requestTimeout());
    this.reconciler = new Reconciler(workers, scheduler, this::syncInBackground);
  }

  /** Starts an explicit call (a propagate, delete or inspect): before the fleet starts, caches list once per call. */
  private long call() {
    return calls.incrementAndGet();
  }

  /** Starts background reconciliation: caches watch, and every tracked object is synced everywhere. */
  public void start() throws InterruptedException {
    reconciler.start();
    caches.watchAll(List.copyOf(members.get()));
    for (Tracked t : tracked.values()) {
      for (Member m : members.get()) {
        reconciler.enqueue(t.key, m.name(), Duration.ZERO);
      }
    }
  }

  public boolean started() {
    return reconciler.started();
  }

  /** Stops background reconciliation; explicit calls in flight fail rather than wait forever. */
  public void close() {
    closed = true;
    reconciler.close();
  }

  /** The version {@code m}'s copies of {@code type} are in, or why none can be. */
  public VersionChoice versionOn(Member m, ResourceType type) {
    return caches.resolve(m, type, Optional.empty());
  }

  /** The converters copies are converted with. */
  public VersionConverters converters() {
    return caches.versions().converters();
  }

  /** Stops every watch, once no sync runs any more. */
  public void stopCaches() {
    caches.stopAll();
  }

  // ---- planning ---------------------------------------------------------------------------------------

  /**
   * Places and renders {@code resource} for the clusters as they are now; throws on invalid input before anything
   * is sent. A FederatedNamespace in {@code batch} (by name; propagated in the same call) restricts it as one
   * already propagated would. When nothing it depends on changed since its last plan, that plan stands.
   */
  private Plan plan(FederatedResource resource, Map<String, FederatedResource> batch, Optional<Long> call)
      throws InterruptedException {
    ResourceType type = resource.copyType();
    String namespace = Planner.copyNamespace(resource);
    ResourceKey key = ResourceKey.of(resource);
    List<Cluster> eligible = new ArrayList<>();
    for (Member m : members.get()) {
      if (m.drained()) {
        continue;
      }
      if (m.cordoned() && !hasCopy(m, type, key, namespace, resource.name(), call)) {
        continue;
      }
      eligible.add(m.state().toCluster());
    }
    eligible.sort(Comparator.comparing(Cluster::name));
    Optional<Plan> last = Optional.ofNullable(tracked.get(key)).map(t -> t.plan);
    return Planner.plan(resource, eligible, federatedNamespace(resource, batch), last);
  }

  private Plan replanned(Plan p) throws InterruptedException {
    return p.deleting() ? Planner.deleting(p.resource(), p.orphan()) : plan(p.resource(), Map.of(), Optional.empty());
  }

  private boolean hasCopy(Member m, ResourceType type, ResourceKey key, String ns, String name, Optional<Long> call)
      throws InterruptedException {
    VersionChoice at = caches.resolve(m, type, call);
    if (at.notServed().isPresent()) {
      return false;
    }
    return CopySync.lookup(m, caches.cache(m, at.type(), call), ns, name).filter(o -> CopySync.isOurs(o, key))
        .isPresent();
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
        .filter(p -> !p.deleting()).map(Plan::resource);
  }

  // ---- explicit calls ---------------------------------------------------------------------------------

  /**
   * Propagates a batch: every resource is planned before anything is sent (an invalid one sends nothing), then
   * FederatedNamespaces are applied first, so that their namespaces exist, as theirs, before the objects inside
   * them; {@code progress} hears of each result as soon as it is complete. Results are in input order.
   */
  public List<PropagationResult> propagateAll(List<FederatedResource> batch, Consumer<PropagationResult> progress)
      throws InterruptedException {
    Map<String, FederatedResource> namespaces = federatedNamespaces(batch);
    Optional<Long> call = Optional.of(call());
    List<Plan> plans = new ArrayList<>();
    for (FederatedResource r : batch) {
      plans.add(plan(r, namespaces, call));
    }
    List<Plan> first = plans.stream().filter(p -> p.resource().type().isNamespace()).toList();
    List<Plan> then = plans.stream().filter(p -> !p.resource().type().isNamespace()).toList();
    Map<ResourceKey, PropagationResult> byKey = new HashMap<>();
    apply(List.of(first, then), call, progress).forEach(r -> byKey.put(r.key(), r));
    return batch.stream().map(r -> byKey.get(ResourceKey.of(r))).toList();
  }

  /**
   * Deletes every resource's copies everywhere, or with {@code orphan} lets them go, in one call: objects first,
   * FederatedNamespaces last (their namespaces hold the others). Results are in input order.
   */
  public List<PropagationResult> deleteAll(List<FederatedResource> resources, boolean orphan,
      Consumer<PropagationResult> progress) throws InterruptedException {
    Optional<Long> call = Optional.of(call());
    List<Plan> plans = resources.stream().map(r -> Planner.deleting(r, orphan)).toList();
    List<Plan> first = plans.stream().filter(p -> !p.resource().type().isNamespace()).toList();
    List<Plan> then = plans.stream().filter(p -> p.resource().type().isNamespace()).toList();
    Map<ResourceKey, PropagationResult> byKey = new HashMap<>();
    apply(List.of(first, then), call, progress).forEach(r -> byKey.put(r.key(), r));
    return resources.stream().map(r -> byKey.get(ResourceKey.of(r))).toList();
  }

  /**
   * What each member holds of each resource, read without writing, in input order; a FederatedNamespace among
   * them (or one already propagated) restricts the placement of the objects in its namespace. Members are read in
   * parallel, each with one list per type.
   */
  public Map<ResourceKey, List<CopyReport>> inspectAll(List<FederatedResource> resources)
      throws InterruptedException {
    Map<String, FederatedResource> batch = federatedNamespaces(resources);
    long call = call();
    List<Plan> plans = new ArrayList<>();
    for (FederatedResource r : resources) {
      plans.add(plan(r, batch, Optional.of(call)));
    }
    List<Member> sorted = members.get().stream().sorted(Comparator.comparing(Member::name)).toList();
    List<CompletableFuture<Map<Plan, CopyReport>>> perMember = new ArrayList<>();
    try {
      for (Member m : sorted) {
        perMember.add(CompletableFuture.supplyAsync(() -> {
          try {
            return inspector.inspect(m, plans, call);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FederationException("interrupted while inspecting " + m.name(), e);
          }
        }, workers));
      }
    } catch (RejectedExecutionException closing) {
      throw new IllegalStateException("the fleet is closed");
    }
    Map<ResourceKey, List<CopyReport>> reports = new LinkedHashMap<>();
    for (Plan p : plans) {
      reports.put(ResourceKey.of(p.resource()), new ArrayList<>());
    }
    for (CompletableFuture<Map<Plan, CopyReport>> f : perMember) {
      Map<Plan, CopyReport> found;
      while (true) {
        try {
          found = f.get(200, TimeUnit.MILLISECONDS);
          break;
        } catch (TimeoutException e) {
          if (closed) {   // close() may have dropped queued reads: never wait for them forever
            throw new IllegalStateException("the fleet was closed before the call finished");
          }
        } catch (ExecutionException e) {
          throw Errors.unwrap(e) instanceof RuntimeException r ? r
              : new FederationException("inspection failed unexpectedly: " + Errors.describe(e), Errors.unwrap(e));
        }
      }
      found.forEach((p, r) -> reports.get(ResourceKey.of(p.resource())).add(r));
    }
    reports.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(reports);
  }

  /** The FederatedNamespaces among {@code resources}, by the namespace they federate (the first one wins). */
  private static Map<String, FederatedResource> federatedNamespaces(Collection<FederatedResource> resources) {
    Map<String, FederatedResource> namespaces = new HashMap<>();
    for (FederatedResource r : resources) {
      if (r.type().isNamespace()) {
        namespaces.putIfAbsent(r.name(), r);
      }
    }
    return namespaces;
  }

  /**
   * Installs these plans and applies them on every cluster in parallel on the workers, telling {@code onEach} of
   * each resource's result as soon as it is complete; returns when every result is told.
   */
  /**
   * Tracks and syncs every plan, stage after stage per member: a member starts a stage once it is done with the
   * one before (its namespaces exist before the objects in them are written, or its objects are gone before their
   * namespace is deleted), without waiting for the other members.
   */
  private List<PropagationResult> apply(List<List<Plan>> stages, Optional<Long> call,
      Consumer<PropagationResult> onEach) throws InterruptedException {
    List<List<Tracked>> tracks = new ArrayList<>();
    for (List<Plan> plans : stages) {
      List<Tracked> ts = new ArrayList<>();
      for (Plan plan : plans) {
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
      tracks.add(ts);
    }
    return run(tracks, members.get(), call, true, onEach);
  }

  /**
   * Syncs every object of every stage on each of {@code targets} in parallel on the workers, and waits. Each member
   * is read once first (then its objects' syncs start; if it failed, they fail at once, without a request), and
   * goes through the stages in order on its own. {@code explicit} calls overwrite a copy another fleet wrote;
   * re-syncs of what is tracked (uncordon, drain) do not.
   */
  private List<PropagationResult> run(List<List<Tracked>> stages, Collection<Member> targets, Optional<Long> call,
      boolean explicit, Consumer<PropagationResult> onEach) throws InterruptedException {
    List<Member> all = List.copyOf(targets);
    Map<Tracked, List<CompletableFuture<Optional<ClusterOutcome>>>> futures = new LinkedHashMap<>();
    List<CompletableFuture<Void>> notified = new ArrayList<>();
    try {
      // each member is read once first (the types placed or deleted there), on one worker: a slow member keeps
      // that worker, not all of them
      Map<Member, CompletableFuture<?>> gate = new HashMap<>();
      for (Member m : all) {
        Map<String, ResourceType> types = new LinkedHashMap<>();
        stages.forEach(ts -> ts.stream().filter(t -> t.plan.deleting() || t.plan.desired(m.name()) != null)
            .forEach(t -> types.putIfAbsent(t.plan.type().group() + "/" + t.plan.type().version() + "/"
                + t.plan.type().plural(), t.plan.type())));
        gate.put(m, call.isEmpty() ? CompletableFuture.completedFuture(null) : CompletableFuture.runAsync(() -> {
          try {
            copies.prime(m, types.values(), call.get(), settings.requestTimeout());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, workers));
      }
      for (List<Tracked> ts : stages) {
        Map<Member, List<CompletableFuture<?>>> stage = new HashMap<>();
        for (Tracked t : ts) {
          List<CompletableFuture<Optional<ClusterOutcome>>> perCluster = new ArrayList<>();
          for (Member m : all) {
            CompletableFuture<Optional<ClusterOutcome>> f =
                gate.get(m).handle((v, e) -> null).thenApplyAsync(v -> syncAndRecord(t, m, call, explicit), workers);
            perCluster.add(f);
            stage.computeIfAbsent(m, k -> new ArrayList<>()).add(f);
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
        stage.forEach((m, fs) -> gate.put(m, CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new))));
      }
    } catch (RejectedExecutionException closing) {
      throw new IllegalStateException("the fleet is closed");
    }
    // every sync, and every progress callback: the call returns only after it has told of every result
    CompletableFuture<Void> done = CompletableFuture.allOf(Stream.concat(
        futures.values().stream().flatMap(List::stream), notified.stream()).toArray(CompletableFuture[]::new));
    while (true) {
      try {
        done.get(200, TimeUnit.MILLISECONDS);
        break;
      } catch (TimeoutException e) {
        if (closed) {   // close() may have dropped queued syncs: never wait for them forever
          throw new IllegalStateException("the fleet was closed before the call finished");
        }
      } catch (ExecutionException e) {
        if (Errors.unwrap(e) instanceof RejectedExecutionException) {
          throw new IllegalStateException("the fleet was closed before the call finished");
        }
        throw new FederationException("propagation failed unexpectedly: " + Errors.describe(e),
            Errors.unwrap(e));
      }
    }
    List<PropagationResult> results = new ArrayList<>();
    for (Map.Entry<Tracked, List<CompletableFuture<Optional<ClusterOutcome>>>> e : futures.entrySet()) {
      results.add(result(e.getKey(), e.getValue()));
      finishIfDeleted(e.getKey());
    }
    // a FederatedNamespace narrows where objects in its namespace go: replan those already tracked
    for (Tracked t : futures.keySet()) {
      if (t.plan.resource().type().isNamespace() && reconciler.started()) {
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
    List<ClusterOutcome> outcomes = new ArrayList<>();
    for (CompletableFuture<Optional<ClusterOutcome>> f : perCluster) {
      f.join().ifPresent(outcomes::add);
    }
    return Statuses.result(t.key, outcomes);
  }

  private void replanLater(Tracked t) {
    try {
      workers.execute(() -> {
        try {
          replan(t);
          for (Member m : members.get()) {
            reconciler.enqueue(t.key, m.name(), Duration.ZERO);
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
    Plan p;
    synchronized (t) {
      seq = t.seq;
      p = t.plan;
    }
    Plan fresh = replanned(p);
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
      if (v == t && v.plan.deleting() && v.outcomes.values().stream().allMatch(Statuses::gone)) {
        removed[0] = true;
        return null;
      }
      return v;
    });
    if (removed[0]) {
      namespaces.remove(t.plan.name(), t);
      synchronized (t) {
        board.publish(Statuses.deleted(t.key));
      }
    }
  }

  // ---- one cluster ------------------------------------------------------------------------------------

  /**
   * Syncs one cluster and records the outcome; {@code call} is present for a call a caller waits for and empty
   * for background reconciliation, and {@code explicit} says whether it may overwrite another fleet's version.
   */
  private Optional<ClusterOutcome> syncAndRecord(Tracked t, Member m, Optional<Long> call, boolean explicit) {
    ClusterOutcome outcome;
    synchronized (t.lock(m.name())) {
      long seq = t.seq;
      try {
        outcome = copies.sync(t, t.plan, m, call, explicit);
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
    if (outcome != null && outcome.status().isRecoverable() && reconciler.started()
        && outcome.status() != PropagationStatus.CLUSTER_NOT_READY) {
      int attempt = t.attempts.merge(m.name(), 1, Integer::sum);
      reconciler.retryLater(t.key, m.name(), settings.backoff().delay(attempt));
    } else {
      t.attempts.remove(m.name());
    }
    return Optional.ofNullable(outcome);
  }

  private void syncInBackground(ResourceKey key, String cluster) {
    Tracked t = tracked.get(key);
    Member m = members.get().stream().filter(x -> x.name().equals(cluster)).findFirst().orElse(null);
    if (t == null || m == null || closed) {
      return;
    }
    syncAndRecord(t, m, Optional.empty(), false);
    finishIfDeleted(t);
  }

  // ---- status -----------------------------------------------------------------------------------------

  /** Publishes {@code t}'s status; under its lock, so that statuses reach the board in the order they were made. */
  private void publish(Tracked t) {
    synchronized (t) {
      if (tracked.get(t.key) != t) {
        return;   // deleted: its last status said so
      }
      board.publish(Statuses.of(t));
    }
  }

  // ---- converging -------------------------------------------------------------------------------------

  @Override
  public void changed(TypeCache cache, GenericKubernetesResource object, boolean deleted) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    String source = annotations == null ? null : annotations.get(ManagedMetadata.SOURCE_ANNOTATION);
    if (source == null) {
      return;
    }
    Tracked t = ResourceKey.parse(source).map(tracked::get).orElse(null);
    if (t == null) {
      return;
    }
    String cluster = cache.cluster();
    Plan plan = t.plan;
    if (!sameType(plan.type(), cache.type())) {
      return;
    }
    if (!deleted) {
      JsonNode before = t.remoteStatus.get(cluster);
      copies.observe(t, plan, cluster, object);
      JsonNode after = t.remoteStatus.get(cluster);
      if (settings.sync().remoteStatus() && !Objects.equals(before, after) && t.outcomes.containsKey(cluster)) {
        publish(t);
      }
    }
    reconciler.enqueue(t.key, cluster, Duration.ZERO);
  }

  /** The same type at any version: a member's copy may be in another version than the plan's. */
  private static boolean sameType(ResourceType a, ResourceType b) {
    return a.group().equals(b.group()) && a.plural().equals(b.plural());
  }

  /** A cluster's health changed: every object is brought up to date there. */
  public void clusterChanged(Member m) {
    for (Tracked t : tracked.values()) {
      if (reconciler.started()) {
        reconciler.enqueue(t.key, m.name(), Duration.ZERO);
      } else if (t.outcomes.containsKey(m.name()) && !m.ready()) {
        // without background reconciliation, at least report that the cluster is gone
        synchronized (t.lock(m.name())) {
          t.outcomes.computeIfPresent(m.name(), (c, o) ->
              ClusterOutcome.failed(c, PropagationStatus.CLUSTER_NOT_READY, m.notReady()));
        }
        publish(t);
      }
    }
  }

  /** Replans every object, after cluster membership, labels or cordons changed. */
  public void replanAll() throws InterruptedException {
    for (Tracked t : tracked.values()) {
      try {
        replan(t);
      } catch (RuntimeException e) {
        LOG.warn("cannot re-plan {}: {}", t.key, e.getMessage());
      }
    }
  }

  /** Brings every tracked object in line on every cluster now, as planned, waiting for it. */
  public List<PropagationResult> syncAll() throws InterruptedException {
    return run(List.of(List.copyOf(tracked.values())), members.get(), Optional.of(call()), false, r -> { });
  }

  /**
   * Brings every tracked object in line on member {@code m} only (as a drain needs: the other members are not
   * asked, so a slow one does not hold it up). The results name only {@code m}.
   */
  public List<PropagationResult> syncMember(Member m) throws InterruptedException {
    return run(List.of(List.copyOf(tracked.values())), List.of(m), Optional.of(call()), false, r -> { });
  }

  /** Brings every object in line on every cluster, logging rather than throwing. */
  public void syncAllQuietly() {
    try {
      syncAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("cannot bring every object in line: {}", e.getMessage());
    }
  }

  /** Whether no background reconciliation is queued, waiting for a retry, or running. */
  public boolean idle() {
    return reconciler.idle();
  }

  /** The fleet's cached copy of {@code key} in {@code cluster}: what reconciliation will act on. */
  public Optional<GenericKubernetesResource> cached(ResourceKey key, String cluster) {
    Tracked t = tracked.get(key);
    if (t == null) {
      return Optional.empty();
    }
    return caches.existing(cluster, t.plan.type()).flatMap(c -> c.get(t.plan.namespace(), t.plan.name()));
  }

  /** Stops the watch of {@code key}'s type on {@code cluster}, whose view then goes stale (for tests). */
  public void stopWatching(ResourceKey key, String cluster) {
    Tracked t = tracked.get(key);
    if (t != null) {
      caches.existing(cluster, t.plan.type()).ifPresent(TypeCache::stop);
    }
  }

  /** The types the fleet has caches of on {@code cluster}: objects of these may be its managed copies. */
  public List<ResourceType> cachedTypes(String cluster) {
    return caches.types(cluster);
  }

  /** Removes {@code cluster} from every object's outcomes and stops its caches, after it left the fleet. */
  public void forget(String cluster) {
    caches.forget(cluster);
    for (Tracked t : tracked.values()) {
      t.outcomes.remove(cluster);
      t.forgetCopy(cluster);
      publish(t);
    }
  }
}
