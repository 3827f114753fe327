package io.fleetfed.tekton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.cluster.VersionChoice;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.model.ResourceType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches TaskRuns and PipelineRuns to the member cluster of a {@link ClusterFleet} that should run them, and
 * follows them there.
 *
 * <pre>{@code
 * try (ClusterFleet fleet = ClusterFleet.builder().kubeconfigFromEnvironment().hostContext("dev1").build();
 *      RunDispatcher dispatcher = RunDispatcher.builder(fleet).capacity("dev2", 20).build()) {
 *   RunHandle handle = dispatcher.dispatch(DispatchRequest.read("run.yaml", yaml).key("build-4711").build());
 *   RunStatus outcome = handle.await(Duration.ofHours(1));
 *   System.out.println(outcome.phase() + " on " + outcome.cluster() + " " + outcome.results());
 * }
 * }</pre>
 *
 * <p>A dispatch, in order:
 * <ol>
 *   <li>finds what the run needs in a cluster: its Pipeline (and child Pipelines), Tasks, ClusterTasks and
 *       StepActions, its ServiceAccounts and their Secrets, the Secrets, ConfigMaps and PersistentVolumeClaims its
 *       steps, volumes, pod templates, workspaces and resolvers name (after {@code $(params)} substitution); from
 *       the request, else from the source cluster (the host). A missing one fails the dispatch before anything is
 *       written;</li>
 *   <li>chooses a member: never the host unless allowed, only Ready, uncordoned members that match the request,
 *       the least loaded of them (unfinished runs counted by watches, against each cluster's capacity), ties broken
 *       by name;</li>
 *   <li>writes the dispatch record in the host cluster (a FederatedTaskRun or FederatedPipelineRun named after the
 *       dispatch key, or like the run when the key is the default {@code namespace/name}): of several dispatchers
 *       racing for one key, one writes it and the others follow its run;</li>
 *   <li>propagates the dependencies to the chosen member (adding it to their placement, never removing), then
 *       the run. If the member fails, the next best is tried.</li>
 * </ol>
 *
 * <p><b>One run per key.</b> A dispatch key (unique within the run's namespace and kind: TaskRuns and PipelineRuns
 * keep separate records) is one run for as long as its record is kept: across threads, dispatchers, processes and
 * restarts. Dispatching the key again with the same run (kind and name, or the same {@code generateName}) returns
 * that run's handle, even after it ended; with another run it fails with a {@link DispatchException} naming the key
 * and the run it belongs to. The record is kept for
 * {@link Builder#recordRetention} after the run ended (a day by default), then deleted, which frees the key.
 * Without a host cluster, records live in the dispatcher and the key's run is found again on its member, as long
 * as it is there.
 *
 * <p>Afterwards, if the member goes Offline or NotReady before the run has started there, the run moves to the next
 * best member and the dispatcher deletes the first copy once that cluster is back. A run that had started ends
 * {@link RunPhase#CLUSTER_LOST} unless the request asked for a re-run.
 *
 * <p>The dispatcher coordinates: {@link ClusterChooser} decides where a run goes, {@code RunPlacer} puts it and what
 * it needs there, {@code Records} keeps the one record per run in the host, {@code Watcher}s follow the runs on
 * each member, and each {@link RunHandle} tells its listeners. Runs are created on their member as the fleet would
 * write them, but not tracked by it: a run is created once
 * and never updated. Dependencies are propagated by the fleet, which the dispatcher starts so that its background
 * reconciliation keeps them in place. Closing the dispatcher stops its watches; it does not close the fleet.
 */
public final class RunDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunDispatcher.class);

  /** A cluster label giving how many runs the cluster takes at once, such as {@code fleetfed.io/capacity: "20"}. */
  public static final String CAPACITY_LABEL = ClusterChooser.CAPACITY_LABEL;
  /** The label on dispatched runs (and their records): a hash of the dispatch key. */
  public static final String DISPATCH_LABEL = "fleetfed.io/dispatch";
  /** The annotation on dispatched runs (and their records) holding the dispatch key. */
  public static final String DISPATCH_KEY_ANNOTATION = Records.KEY;
  /**
   * Locks for keys: a dispatch holds its key's for its whole length (record, then run), so two keys sharing one wait
   * for each other. Of sixteen dispatches at once, two share a lock 1 time in 9 with 1,024 (7 times in 8 with 64).
   */
  private static final int LOCK_STRIPES = 1024;
  /** How long an ended run's record, and so its key, is kept unless the builder says otherwise: a day. */
  public static final Duration DEFAULT_RECORD_RETENTION = Duration.ofHours(24);
  /** How long after its record was written a run absent from its member counts as ended (if not noted). */
  private static final Duration ABSENT_GRACE = Duration.ofMinutes(1);
  /** How long closing waits for a dispatch in flight to end its request. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(15);

  private final ClusterFleet fleet;
  private final ClusterChooser.Capacities capacities;
  private final Duration listWait;
  private final ObjectMapper json = new ObjectMapper();
  private final Records records;
  private final RunPlacer placer;
  private final Map<String, Watcher> watchers = new ConcurrentHashMap<>();
  private final Set<String> versions = ConcurrentHashMap.newKeySet();
  private final Map<String, RunHandle> byKey = new ConcurrentHashMap<>();
  private final Map<String, RunHandle> byRun = new ConcurrentHashMap<>();
  private final Object[] keyLocks = new Object[LOCK_STRIPES];
  private final Duration recordRetention;
  private final ExecutorService notifier;
  private final ExecutorService worker;
  private final ScheduledExecutorService sweeper;
  private final Consumer<ClusterState> clusterListener = this::clusterChanged;
  /** What the members' watchers tell: changes of the runs this dispatcher follows, and of their child TaskRuns. */
  private final Watcher.Events watcherEvents = new Watcher.Events() {
    @Override
    public boolean interested(String kind, String namespace, String name, String parent) {
      return byRun.containsKey(Watcher.id(kind, namespace, name))
          || !parent.isEmpty() && byRun.containsKey(Watcher.id(RunKind.PIPELINE_RUN, namespace, parent));
    }

    @Override
    public void changed(String cluster, ObjectNode run, boolean deleted) {
      RunDispatcher.this.changed(cluster, run, deleted);
    }

    @Override
    public void dispatchedRunDeleted(String cluster, ObjectNode run) {
      RunDispatcher.this.pruned(cluster, run);
    }
  };
  /** All a handle may ask of its dispatcher. */
  private final RunHandle.Control control = new RunHandle.Control() {
    @Override
    public ClusterClient client(String cluster) {
      requireOpen();
      return fleet.client(cluster);
    }

    @Override
    public VersionChoice versionOn(String cluster, ResourceType type) {
      requireOpen();
      return fleet.versionOn(cluster, type);
    }

    @Override
    public void deliver(RunHandle handle, RunListener listener, RunStatus status) {
      try {
        notifier.execute(() -> {
          try {
            listener.onStatus(status);
          } catch (RuntimeException e) {
            LOG.warn("a run listener of {} failed", handle, e);
          }
        });
      } catch (RejectedExecutionException closing) {
        // the dispatcher is closed
      }
    }

    @Override
    public void ended(RunHandle handle) {
      byKey.remove(keyId(handle.namespace(), handle.key()), handle);
      byRun.remove(Watcher.id(handle.kind(), handle.namespace(), handle.name()), handle);
    }
  };
  private volatile boolean closed;

  private RunDispatcher(Builder b) {
    this.fleet = b.fleet;
    this.capacities = new ClusterChooser.Capacities(Map.copyOf(b.capacities), b.defaultCapacity);
    this.listWait = b.listWait;
    this.recordRetention = b.recordRetention;
    for (int i = 0; i < keyLocks.length; i++) {
      keyLocks[i] = new Object();
    }
    this.records = fleet.hostClient().<Records>map(h -> new Records.InHost(h, json))
        .orElseGet(Records.InMemory::new);
    this.notifier = Executors.newSingleThreadExecutor(r -> daemon(r, "fleetfed-run-listeners"));
    this.worker = Executors.newCachedThreadPool(r -> daemon(r, "fleetfed-dispatch"));
    this.placer = new RunPlacer(fleet, json, worker);
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "fleetfed-dispatch-records"));
    long every = sweepPeriod(recordRetention).toMillis();
    sweeper.scheduleWithFixedDelay(this::expireRecords, 0, every, TimeUnit.MILLISECONDS);   // first at once
    fleet.start();
    fleet.addClusterListener(clusterListener);
    watch("v1");
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** A builder for a dispatcher over {@code fleet}. */
  public static Builder builder(ClusterFleet fleet) {
    return new Builder(fleet);
  }

  // ---- dispatching ------------------------------------------------------------------------------------

  /**
   * Dispatches a run; returns once it is created on its member (or found, if its key was dispatched before).
   *
   * @throws DispatchException if a dependency is missing, no cluster may run it, no cluster accepted it, or the
   *     key or run name is already taken by another dispatch; nothing is left in any cluster then
   */
  public RunHandle dispatch(DispatchRequest request) {
    return dispatch(request, status -> { });
  }

  /**
   * As {@link #dispatch(DispatchRequest)}, with {@code listener} told of every status change from the first: it is
   * added to the handle before the run is created, so it misses nothing (a listener added to the returned handle
   * may miss changes that happened before). To be told of phase changes only (a PipelineRun's TaskRuns change its
   * status many times while it stays {@code RUNNING}), wrap it in {@link RunListener#onPhaseChange}.
   *
   * <pre>{@code
   * RunHandle handle = dispatcher.dispatch(request,
   *     RunListener.onPhaseChange(s -> log.info("{} {}", s.phase(), s.reason())));
   * }</pre>
   */
  public RunHandle dispatch(DispatchRequest request, RunListener listener) {
    requireOpen();
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(request, "request");
    ObjectNode given = request.run();
    String namespace = request.namespace();
    String givenName = given.path("metadata").path("name").asText();
    String key = request.key().orElseGet(() -> givenName.isEmpty() ? UUID.randomUUID().toString()
        : namespace + "/" + givenName);
    String name = givenName.isEmpty() ? given.path("metadata").path("generateName").asText()
        + keyHash(key).substring(0, 10) : givenName;
    ResourceType type = RunKind.type(given);
    String runId = Watcher.id(type.kind(), namespace, name);
    String recordName = Records.name(key, namespace);
    synchronized (lock(keyId(namespace, key))) {
      RunHandle known = byKey.get(keyId(namespace, key));
      if (known != null) {
        if (!Watcher.id(known.kind(), known.namespace(), known.name()).equals(runId)) {
          throw keyTaken(key, known.type(), known.name(), known.cluster(), type, namespace, name);
        }
        known.addListener(listener);
        return known;
      }
      RunHandle sameRun = byRun.get(runId);
      if (sameRun != null) {
        throw conflict(type, namespace, name, sameRun.key());
      }
      watch(type.version());
      if (records instanceof Records.InMemory) {   // no host: the key's run may be on a member from before
        Optional<Records.Record> onMember = onMember(type, namespace, key);
        if (onMember.isPresent()) {
          records.create(type, onMember.get().object());
          return attach(request, key, type, onMember.get(), name, listener);
        }
      }
      Closure.Result deps;
      try {
        deps = placer.closure(request);
      } catch (DispatchException missing) {
        // a retry of a dispatch made before follows its run, even if a dependency has gone since
        Optional<Records.Record> existing = records.get(type, namespace, recordName);
        if (existing.isPresent()) {
          return attach(request, key, type, existing.get(), name, listener);
        }
        throw missing;
      }
      ClusterChoice choice = choose(request, type, namespace, name, Map.of());
      ObjectNode run = prepare(request, name, key);
      ObjectNode record = Records.record(json, type, run, key, choice.cluster(), choice.reason());
      if (!records.create(type, record)) {
        return attach(request, key, type, records.get(type, namespace, recordName).orElseThrow(() ->
            new DispatchException("the dispatch record " + namespace + "/" + recordName + " of key \"" + key
                + "\" exists but cannot be read", type.kind(), namespace, name, Optional.empty())), name, listener);
      }
      RunHandle handle = new RunHandle(control, key, type, run, request, deps, choice);
      handle.addListener(listener);
      byKey.put(keyId(namespace, key), handle);
      byRun.put(runId, handle);
      try {
        place(handle);
      } catch (RuntimeException e) {
        byKey.remove(keyId(namespace, key));
        byRun.remove(runId);
        records.delete(type, namespace, recordName);
        throw e;
      }
      return handle;
    }
  }

  /** Keys are unique within a namespace: the one of their runs and records. */
  private static String keyId(String namespace, String key) {
    return namespace + "/" + key;   // no namespace has a '/'
  }

  private static DispatchException conflict(ResourceType type, String namespace, String name, String otherKey) {
    return new DispatchException(type.kind() + " " + namespace + "/" + name + " was already dispatched with the key \""
        + otherKey + "\"; give this run another name or the same key", type.kind(), namespace, name,
        Optional.empty());
  }

  /** The key belongs to another run: a dispatch key is one run for as long as its record exists. */
  private DispatchException keyTaken(String key, ResourceType ownerType, String owner, String cluster,
      ResourceType type, String namespace, String name) {
    return new DispatchException("dispatch key \"" + key + "\" belongs to " + ownerType.kind() + " " + namespace + "/"
        + owner + " (on " + cluster + "), not " + type.kind() + " " + namespace + "/" + name + ": a key is one run "
        + "for as long as its record is kept (" + GoDuration.format(recordRetention) + " after the run ends); "
        + "dispatch " + owner + " again to follow it, or use another key", type.kind(), namespace, name,
        Optional.empty());
  }

  /** Without a host cluster: the run a dispatcher before this one created for {@code key}, found on its member. */
  private Optional<Records.Record> onMember(ResourceType type, String namespace, String key) {
    for (Map.Entry<String, Watcher> w : watchers.entrySet()) {
      boolean ready = fleet.cluster(w.getKey()).map(c -> c.health().isReady()).orElse(false);
      Optional<ObjectNode> run = w.getValue().byKey(type, namespace, keyHash(key), key,
          ready ? listWait : Duration.ZERO);
      if (run.isPresent()) {
        ObjectNode found = Closure.clean(run.get(), namespace);
        found.remove("status");
        return Optional.of(Records.parse(Records.record(json, type, found, key, w.getKey(),
            "found on " + w.getKey())));
      }
    }
    return Optional.empty();
  }

  /** Follows a run an earlier dispatch (this process's, or another's) recorded; creates it if that one did not. */
  private RunHandle attach(DispatchRequest request, String key, ResourceType type, Records.Record record,
      String wanted, RunListener listener) {
    ObjectNode run = (ObjectNode) record.object().path("spec").path("template");
    String namespace = RunKind.namespace(run);
    String name = run.path("metadata").path("name").asText();
    String recordName = record.object().path("metadata").path("name").asText();
    if (!record.key().equals(key)) {
      throw new DispatchException("the dispatch record " + namespace + "/" + recordName + " is the key \""
          + record.key() + "\"'s, not \"" + key + "\"'s; use another key", type.kind(), namespace, wanted,
          Optional.empty());
    }
    if (!run.path("kind").asText().equals(type.kind()) || !wanted.equals(name)) {
      throw keyTaken(key, RunKind.type(run), name, record.cluster(), type, namespace, wanted);
    }
    String reason = record.object().path("metadata").path("annotations").path(Records.REASON).asText();
    ClusterChoice choice = new ClusterChoice(record.cluster(), "dispatched earlier: " + reason, Map.of());
    RunHandle handle = new RunHandle(control, key, type, run, request, null, choice);
    handle.addListener(listener);
    byKey.put(keyId(namespace, key), handle);
    byRun.put(Watcher.id(type.kind(), namespace, name), handle);
    Watcher w = watcher(record.cluster());
    if (w != null) {
      w.watch(type.version(), listWait);
    }
    Optional<ObjectNode> current = w == null ? Optional.empty() : w.get(type, namespace, name);
    if (current.isPresent()) {
      observe(record.cluster(), handle, current.get(), false);
    } else if (record.ended().isPresent()) {
      // it ended and was pruned from its member since: the key's one run is over, and is not run again
      Records.Outcome o = Records.outcome(json, record.object());
      handle.end(o.phase(), o.reason(), "the run ended at " + record.ended().get() + " and is no longer on "
          + record.cluster() + (o.message().isEmpty() ? "" : ": " + o.message()));
    } else {
      // the first dispatcher stopped before creating it, is creating it now, or it was pruned after it ended and
      // before any dispatcher noted its end: creating it is right in the first two cases, and makes the one run of
      // the key in the third
      try {
        place(handle);
      } catch (RuntimeException e) {
        byKey.remove(keyId(namespace, key));
        byRun.remove(Watcher.id(type.kind(), namespace, name));
        throw e;   // the record stays: it is the earlier dispatch's
      }
    }
    return handle;
  }

  /** Creates the run (and what it needs) on its chosen cluster, moving on to the next best while one fails. */
  private void place(RunHandle handle) {
    while (true) {
      String cluster = handle.cluster();
      Watcher w = watcher(cluster);
      if (w != null) {
        w.reserve(handle.kind(), handle.namespace(), handle.name());
      }
      Optional<String> failure = placer.place(handle, cluster);
      if (failure.isEmpty()) {
        return;
      }
      if (w != null) {
        w.release(handle.kind(), handle.namespace(), handle.name());
      }
      Map<String, String> tried = new LinkedHashMap<>(handle.failovers());
      tried.put(cluster, failure.get());
      ClusterChoice next;
      try {
        next = choose(handle.request(), handle.type(), handle.namespace(), handle.name(), tried);
      } catch (DispatchException none) {
        throw new DispatchException("cannot create " + handle.kind() + " " + handle.namespace() + "/" + handle.name()
            + " on any cluster: " + ClusterChooser.describe(tried) + ". " + none.getMessage(), handle.kind(),
            handle.namespace(), handle.name(), Optional.of(cluster), none);
      }
      if (!records.move(handle.type(), handle.namespace(), handle.name(), cluster, next.cluster(), next.reason())) {
        throw new DispatchException("the dispatch record of " + handle + " was changed by another dispatcher while "
            + "this one was placing it", handle.kind(), handle.namespace(), handle.name(), Optional.of(cluster));
      }
      LOG.info("{}: {} failed ({}); trying {}", handle, cluster, failure.get(), next.cluster());
      placer.leave(cluster, handle);
      handle.movedTo(next, failure.get());
    }
  }

  /** The run as created on members: its name, dispatch label and key, the request's timeout. */
  private ObjectNode prepare(DispatchRequest request, String name, String key) {
    ObjectNode run = Closure.clean(request.run(), request.namespace());
    ObjectNode meta = (ObjectNode) run.path("metadata");
    meta.put("name", name);
    meta.remove("generateName");
    (meta.path("labels").isObject() ? (ObjectNode) meta.get("labels") : meta.putObject("labels"))
        .put(DISPATCH_LABEL, keyHash(key));
    (meta.path("annotations").isObject() ? (ObjectNode) meta.get("annotations") : meta.putObject("annotations"))
        .put(DISPATCH_KEY_ANNOTATION, key);
    request.timeout().ifPresent(t -> {
      ObjectNode spec = (ObjectNode) run.path("spec");
      String go = GoDuration.format(t);
      if (request.kind().equals(RunKind.TASK_RUN) || !RunKind.isV1(run)) {
        spec.put("timeout", go);
      } else {
        (spec.path("timeouts").isObject() ? (ObjectNode) spec.get("timeouts") : spec.putObject("timeouts"))
            .put("pipeline", go);
      }
    });
    return run;
  }

  // ---- choosing a cluster -----------------------------------------------------------------------------

  /**
   * Where the request would go now and why, without dispatching it.
   *
   * @throws DispatchException if no cluster may run it, naming why each was passed over
   */
  public ClusterChoice explain(DispatchRequest request) {
    requireOpen();
    String name = request.run().path("metadata").path("name").asText("(generated)");
    return choose(request, RunKind.type(request.run()), request.namespace(), name, Map.of());
  }

  /**
   * The member to run on: members tried already for this run are out; so are members that did not answer a recent
   * placement, as long as another member can take the run.
   */
  private ClusterChoice choose(DispatchRequest request, ResourceType type, String namespace, String name,
      Map<String, String> tried) {
    Map<String, String> avoided = new LinkedHashMap<>(placer.unanswering());
    avoided.putAll(tried);
    if (avoided.size() > tried.size()) {
      try {
        return ClusterChooser.choose(ClusterChooser.Constraints.of(request), fleet.clusters(), this::load,
            capacities, fleet.hostName(), avoided, c -> notServed(c, type), type.kind(), namespace, name);
      } catch (DispatchException onlyTheUnanswering) {
        // no other member may take it: try those that did not answer, rather than fail
      }
    }
    return ClusterChooser.choose(ClusterChooser.Constraints.of(request), fleet.clusters(), this::load, capacities,
        fleet.hostName(), tried, c -> notServed(c, type), type.kind(), namespace, name);
  }

  /** Why member {@code cluster} cannot take runs of {@code type} at all: no version of it there the fleet reaches. */
  private Optional<String> notServed(String cluster, ResourceType type) {
    try {
      return fleet.versionOn(cluster, type).notServed();
    } catch (FederationException gone) {
      return Optional.empty();   // left the fleet meanwhile: the placement says so
    }
  }

  /** The runs occupying each member now (unfinished runs seen by watches plus those just dispatched). */
  public Map<String, Integer> load() {
    Map<String, Integer> load = new TreeMap<>();
    for (ClusterState c : fleet.clusters()) {
      load.put(c.name(), load(c.name()));
    }
    return load;
  }

  /** The runs occupying {@code cluster}, watching it from now on. */
  private int load(String cluster) {
    Watcher w = watcher(cluster);
    return w == null ? 0 : w.load();
  }

  /**
   * The handle of a run in progress that this dispatcher dispatched or followed, by its namespace and dispatch key
   * (keys are unique within a namespace). Ended runs are forgotten (a long-running dispatcher keeps no history);
   * dispatching their key again follows them through their record, as long as it is kept.
   */
  public Optional<RunHandle> handle(String namespace, String key) {
    return Optional.ofNullable(byKey.get(keyId(namespace, key)));
  }

  // ---- watching ---------------------------------------------------------------------------------------

  private void watch(String version) {
    if (versions.add(version)) {
      for (ClusterState c : fleet.clusters()) {
        Watcher w = watcher(c.name());
        if (w != null) {
          w.watch(version, c.health().isReady() ? listWait : Duration.ZERO);
        }
      }
    }
  }

  /** The watcher of member {@code cluster}, started on first use; null if it is not a member. */
  private Watcher watcher(String cluster) {
    Watcher existing = watchers.get(cluster);
    if (existing != null || fleet.cluster(cluster).isEmpty() || closed) {
      return existing;
    }
    Watcher created = watchers.computeIfAbsent(cluster, c -> closed ? null
        : new Watcher(fleet.client(c), type -> fleet.versionOn(c, type), watcherEvents, json));
    if (created == null) {
      return null;
    }
    for (String v : versions) {
      created.watch(v, Duration.ZERO);
    }
    if (closed) {   // closed meanwhile: close() may have missed it
      created.close();
    }
    return created;
  }

  private void changed(String cluster, ObjectNode run, boolean deleted) {
    String kind = run.path("kind").asText();
    String ns = run.path("metadata").path("namespace").asText();
    String name = run.path("metadata").path("name").asText();
    RunHandle handle = byRun.get(Watcher.id(kind, ns, name));
    if (handle != null) {
      observe(cluster, handle, run, deleted);
    }
    String parent = run.path("metadata").path("labels").path(Watcher.PIPELINE_RUN_LABEL).asText();
    if (kind.equals(RunKind.TASK_RUN) && !parent.isEmpty()) {
      RunHandle owner = byRun.get(Watcher.id(RunKind.PIPELINE_RUN, ns, parent));
      Watcher w = watchers.get(cluster);
      if (owner != null && w != null) {
        w.get(owner.type(), ns, parent).ifPresent(pr -> observe(cluster, owner, pr, false));
      }
    }
  }

  private void observe(String cluster, RunHandle handle, ObjectNode event, boolean deleted) {
    // One observation of a handle at a time, each of the newest state the watches hold: the watches of runs and of
    // TaskRuns tell on threads of their own, and a PipelineRun read with its TaskRuns a moment earlier would tell a
    // TaskRun's older state after its newer one (a child SUCCEEDED, then RUNNING again, then SUCCEEDED twice).
    synchronized (handle.observing()) {
      Watcher w = watchers.get(cluster);
      ObjectNode run = deleted || w == null ? event
          : w.get(handle.type(), handle.namespace(), handle.name()).orElse(event);
      List<ObjectNode> children = List.of();
      if (handle.kind().equals(RunKind.PIPELINE_RUN)) {
        children = w == null ? List.of() : w.children(handle.type().version(), handle.namespace(), handle.name());
        if (RunKind.phase(run.path("status")).isDone() && lagging(run, children)) {
          children = freshChildren(cluster, handle).orElse(children);   // the TaskRuns' own watch lags behind
        }
      }
      String version = handle.type().version();
      handle.observe(cluster, inVersion(run, version), deleted,
          children.stream().map(c -> inVersion(c, version)).toList());
    }
  }

  /**
   * A run or child as its member holds it, converted to {@code version} (the dispatched run's) when the member
   * holds another; as it is when it cannot be converted (the status reader knows both versions' fields).
   */
  private ObjectNode inVersion(ObjectNode run, String version) {
    String apiVersion = run.path("apiVersion").asText("");
    if (apiVersion.isEmpty() || apiVersion.endsWith("/" + version)) {
      return run;
    }
    try {
      return fleet.converters().convert(run, version);
    } catch (FederationException e) {
      LOG.debug("reading {} {} as {}: {}", run.path("kind").asText(), run.path("metadata").path("name").asText(),
          apiVersion, e.getMessage());
      return run;
    }
  }

  /**
   * Whether the TaskRuns' watch is behind a PipelineRun that has ended: one of its TaskRuns listed has not ended, or
   * one it references is not listed yet.
   */
  private static boolean lagging(ObjectNode pipelineRun, List<ObjectNode> children) {
    if (children.stream().anyMatch(c -> !RunKind.phase(c.path("status")).isDone())) {
      return true;
    }
    Set<String> listed = new HashSet<>();
    children.forEach(c -> listed.add(c.path("metadata").path("name").asText()));
    for (JsonNode ref : pipelineRun.path("status").path("childReferences")) {
      if (ref.path("kind").asText(RunKind.TASK_RUN).equals(RunKind.TASK_RUN)
          && !listed.contains(ref.path("name").asText())) {
        return true;
      }
    }
    return false;
  }

  /** The TaskRuns of a PipelineRun read from its member now; empty if it cannot be reached. */
  private Optional<List<ObjectNode>> freshChildren(String cluster, RunHandle handle) {
    try {
      ResourceType taskRuns = fleet.versionOn(cluster, TektonTypes.TASK_RUN.withVersion(handle.type().version()))
          .type();
      return Optional.of(fleet.client(cluster).list(taskRuns, handle.namespace(),
              Map.of(Watcher.PIPELINE_RUN_LABEL, handle.name())).stream()
          .map(o -> json.convertValue(o, ObjectNode.class)).toList());
    } catch (FederationException e) {
      LOG.debug("cannot read the TaskRuns of {} from {}: {}", handle, cluster, e.toString());
      return Optional.empty();
    }
  }

  // ---- losing clusters --------------------------------------------------------------------------------

  private void clusterChanged(ClusterState state) {
    if (closed) {
      return;
    }
    if (state.health().isReady()) {
      placer.clusterReady(state.name());
      Watcher w = watchers.get(state.name());
      if (w != null) {
        w.rewatch();   // what it serves is known now: a watch made while it was away may be at a version it lacks
      }
      return;
    }
    for (RunHandle h : byKey.values()) {
      if (h.cluster().equals(state.name()) && !h.status().isDone()) {
        try {
          worker.execute(() -> lost(h));
        } catch (RejectedExecutionException closing) {
          return;
        }
      }
    }
  }

  private void lost(RunHandle h) {
    synchronized (lock(h.key())) {
      String cluster = h.cluster();
      Optional<ClusterState> state = fleet.cluster(cluster);
      if (h.status().isDone() || state.map(s -> s.health().isReady()).orElse(false)) {
        return;
      }
      String health = state.map(s -> s.health().toString()).orElse("gone from the fleet");
      if (h.started() && !h.request().rerunOnClusterLoss()) {
        h.end(RunPhase.CLUSTER_LOST, "ClusterLost", "cluster " + cluster + " became " + health + " after the run "
            + "started; its outcome is unknown, and it was not run again elsewhere");
        return;
      }
      String why = "cluster " + cluster + " became " + health + (h.started() ? " after the run started (re-run as "
          + "the request asks)" : " before the run started");
      Map<String, String> tried = new LinkedHashMap<>(h.failovers());
      tried.put(cluster, why);
      ClusterChoice next;
      try {
        next = choose(h.request(), h.type(), h.namespace(), h.name(), tried);
      } catch (DispatchException none) {
        LOG.warn("{}: {}; no other cluster can run it, so it waits for {}", h, why, cluster);
        return;
      }
      if (!records.move(h.type(), h.namespace(), h.name(), cluster, next.cluster(), next.reason())) {
        LOG.warn("{}: another dispatcher moved it meanwhile", h);
        return;
      }
      LOG.info("{}: {}; moving it to {}", h, why, next.cluster());
      Watcher old = watchers.get(cluster);
      if (old != null) {
        old.release(h.kind(), h.namespace(), h.name());
      }
      placer.leave(cluster, h);
      h.movedTo(next, why);
      try {
        place(h);
      } catch (RuntimeException e) {
        h.end(RunPhase.FAILED, "DispatchFailed", e.getMessage());
      }
    }
  }

  // ---- keeping keys -----------------------------------------------------------------------------------

  /** How often records are checked for expiry: a quarter of the retention, between 1 s and 10 min. */
  static Duration sweepPeriod(Duration retention) {
    Duration quarter = retention.dividedBy(4);
    Duration min = Duration.ofSeconds(1);
    Duration max = Duration.ofMinutes(10);
    return quarter.compareTo(min) < 0 ? min : quarter.compareTo(max) > 0 ? max : quarter;
  }

  /**
   * A run this or another dispatcher dispatched was deleted from {@code cluster}: if its record places it there,
   * notes there how it ended (a retry of its key then ends so, rather than running it again), off the watch thread.
   */
  private void pruned(String cluster, ObjectNode run) {
    JsonNode annotations = run.path("metadata").path("annotations");
    if (!annotations.hasNonNull(DISPATCH_KEY_ANNOTATION) || !RunKind.isRun(run)) {
      return;
    }
    String key = annotations.path(DISPATCH_KEY_ANNOTATION).asText();
    String namespace = RunKind.namespace(run);
    String name = run.path("metadata").path("name").asText();
    JsonNode status = run.path("status");
    RunPhase phase = RunKind.phase(status);
    JsonNode condition = RunKind.succeeded(status);
    Records.Outcome outcome = phase.isDone()
        ? new Records.Outcome(phase, condition.path("reason").asText(), condition.path("message").asText())
        : new Records.Outcome(RunPhase.CANCELLED, "RunDeleted", "it was deleted from " + cluster + " before it ended");
    Instant at = RunKind.time(status, "completionTime").orElseGet(Instant::now);
    try {   // on the records' one thread: pruning a thousand runs queues a thousand notes, not threads
      sweeper.execute(() -> records.notePruned(RunKind.type(run), namespace, Records.name(key, namespace), cluster,
          name, at, outcome));
    } catch (RejectedExecutionException closing) {
      // closing
    }
  }

  /**
   * When the run of {@code r} ended: as noted on the record; else as its member's watch shows it (its
   * completionTime); else, if it is not on its member, a minute after the record was written (it was pruned
   * unseen, or never created by a dispatcher that stopped); empty while it runs or cannot be seen.
   */
  private Optional<Instant> endedAt(Records.Record r) {
    if (r.ended().isPresent()) {
      return r.ended();
    }
    Watcher w = watchers.get(r.cluster());
    if (w == null) {
      return Optional.empty();
    }
    JsonNode template = r.object().path("spec").path("template");
    Optional<Optional<ObjectNode>> listed = w.listed(RunKind.type(template), RunKind.namespace(template), r.run());
    if (listed.isEmpty()) {
      return Optional.empty();
    }
    if (listed.get().isEmpty()) {
      return r.created().map(at -> at.plus(ABSENT_GRACE));
    }
    JsonNode status = listed.get().get().path("status");
    return RunKind.phase(status).isDone() ? RunKind.time(status, "completionTime").or(r::created) : Optional.empty();
  }

  /** Deletes the records of runs that ended longer than the retention ago, freeing their keys. */
  private void expireRecords() {
    Instant cutoff = Instant.now().minus(recordRetention);
    for (ResourceType type : List.of(TektonTypes.TASK_RUN, TektonTypes.PIPELINE_RUN)) {
      try {
        int n = records.expire(type, cutoff, this::endedAt);
        if (n > 0) {
          LOG.info("deleted {} dispatch records of {}s that ended before {}, freeing their keys", n, type.kind(),
              cutoff);
        }
      } catch (RuntimeException e) {   // the host is away, or this dispatcher may not list them: tried again later
        LOG.debug("cannot expire the dispatch records of {}s: {}", type.kind(), e.toString());
      }
    }
  }

  // ---- lifecycle --------------------------------------------------------------------------------------

  /**
   * Stops watching members and tells no more listeners; runs go on in their clusters. Returns once the
   * dispatcher's threads are gone (a dispatch in the middle of a request ends with it, within the fleet's request
   * timeout). Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    fleet.removeClusterListener(clusterListener);
    watchers.values().forEach(Watcher::close);
    watchers.clear();
    placer.close();
    sweeper.shutdownNow();
    worker.shutdownNow();
    notifier.shutdown();
    try {
      // the listeners hear what was queued; a worker in a request ends with it (at most the fleet's timeout)
      if (!notifier.awaitTermination(5, TimeUnit.SECONDS)) {
        notifier.shutdownNow();
      }
      worker.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      sweeper.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the dispatcher is closed");
    }
  }

  private Object lock(String key) {
    return keyLocks[Math.floorMod(key.hashCode(), keyLocks.length)];
  }

  /** A stable hash of a dispatch key, usable as a label value and a name suffix. */
  static String keyHash(String key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new FederationException("this Java runtime has no SHA-256, which every runtime must provide", e);
    }
  }

  @Override
  public String toString() {
    return "RunDispatcher" + load();
  }

  /** Builds a {@link RunDispatcher}. */
  public static final class Builder {
    private final ClusterFleet fleet;
    private final Map<String, Integer> capacities = new HashMap<>();
    private int defaultCapacity = 10;
    private Duration listWait = Duration.ofSeconds(10);
    private Duration recordRetention = DEFAULT_RECORD_RETENTION;

    private Builder(ClusterFleet fleet) {
      this.fleet = Objects.requireNonNull(fleet, "fleet");
    }

    /** How many runs {@code cluster} takes at once, overriding its {@value #CAPACITY_LABEL} label. */
    public Builder capacity(String cluster, int runs) {
      if (runs < 0) {
        throw new IllegalArgumentException("capacity of " + cluster + " must not be negative: " + runs);
      }
      capacities.put(Objects.requireNonNull(cluster, "cluster"), runs);
      return this;
    }

    /** The capacity of clusters given none, by label or {@link #capacity}; default 10. */
    public Builder defaultCapacity(int runs) {
      if (runs < 0) {
        throw new IllegalArgumentException("default capacity must not be negative: " + runs);
      }
      this.defaultCapacity = runs;
      return this;
    }

    /** How long to wait for a member's first list of runs when starting to watch it (default 10 s). */
    public Builder listWait(Duration wait) {
      this.listWait = Objects.requireNonNull(wait, "wait");
      return this;
    }

    /**
     * How long a run's dispatch record (and so its key) is kept after the run ended (default 24 h): until then,
     * dispatching its key again follows that run, even after the run was pruned from its member (then it ends as
     * noted on the record when a dispatcher saw the run deleted); afterwards the key is free and makes a new run.
     * Records are deleted by any dispatcher over the host (the runs stay on their members, for Tekton's pruning):
     * each checks once when it starts, then every quarter of the retention (between 1 s and 10 min), when each
     * record's run ended, from the record's note or its member's watch (its {@code completionTime}; a run gone from
     * its member unnoted counts as ended a minute after its record was written). A record whose member cannot be
     * read is kept, and so is every record if the dispatcher may not list the record type in all namespaces of
     * the host.
     *
     * <pre>{@code
     * RunDispatcher.builder(fleet).recordRetention(Duration.ofDays(7)).build();   // a week of retries
     * }</pre>
     */
    public Builder recordRetention(Duration retention) {
      Objects.requireNonNull(retention, "retention");
      if (retention.isNegative()) {
        throw new IllegalArgumentException("record retention must not be negative: " + retention);
      }
      this.recordRetention = retention;
      return this;
    }

    /** Builds the dispatcher, starts the fleet and watches every member's runs. */
    public RunDispatcher build() {
      return new RunDispatcher(this);
    }
  }
}
