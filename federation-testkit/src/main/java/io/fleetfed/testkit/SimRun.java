package io.fleetfed.testkit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fleetfed.tekton.GoDuration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run the simulator follows, as an actor: informer events and timers are queued in its inbox and handled one
 * at a time on the simulator's executor, never on an informer thread. Handling a message changes the run's state
 * in memory and queues effects (status writes, pod and child changes), which are then applied in order; an effect
 * that fails because the cluster is unreachable stays at the head of the queue and is retried with back-off, so a
 * run's progress pauses while its cluster is offline. Consecutive status writes are merged, so that only the last
 * is sent.
 *
 * <p>Every field of a subclass is confined to the actor, except where marked.
 */
abstract class SimRun {

  static final Logger LOG = LoggerFactory.getLogger(TektonSimulator.class);

  private static final long MAX_BACKOFF_MILLIS = 2000;
  /** Tekton's default timeout of a run. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(60);

  final SimCluster cluster;
  final TektonSimulator simulator;
  final String kind;
  final String apiVersion;
  final String version;
  final String namespace;
  final String name;
  final String uid;

  private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final ArrayDeque<Effect> effects = new ArrayDeque<>();
  private Map<String, Object> lastStatus;
  private boolean retryPending;
  private int failures;
  boolean gone;

  SimRun(SimCluster cluster, String kind, GenericKubernetesResource first) {
    this.cluster = cluster;
    this.simulator = cluster.simulator();
    this.kind = kind;
    this.apiVersion = cluster.apiVersionOf(first);
    this.version = Tekton.versionOf(apiVersion);
    this.namespace = first.getMetadata().getNamespace();
    this.name = first.getMetadata().getName();
    this.uid = Objects.toString(first.getMetadata().getUid(), "");
  }

  /**
   * Where a run is in Tekton's state machine, the same for both kinds: new; held by {@code spec.status} pending;
   * resolving its Task or Pipeline; waiting out the script's start delay; running; done.
   */
  enum Phase { NEW, SPEC_PENDING, RESOLVING, WAITING, RUNNING, DONE }

  /** The run as last seen. */
  GenericKubernetesResource latest;
  Phase phase = Phase.NEW;
  Instant startTime;
  Instant completionTime;
  /** The {@code Succeeded} condition as the simulator last set it. */
  String conditionStatus = "Unknown";
  String reason = "";
  String message = "";
  Instant transitionTime = Instant.now();
  boolean conditionSet;
  ScheduledFuture<?> timeoutTimer;

  /** An informer saw the run added or changed. */
  final void onEvent(GenericKubernetesResource run) {
    if (gone) {
      return;
    }
    latest = run;
    reconcile();
  }

  // ---- the state machine both kinds share ----

  /**
   * Moves the run on from what {@link #latest} says: a cancel before it started ends it; {@code spec.status}
   * pending holds it (reason {@code <Kind>Pending}); then its definition is resolved ({@link #resolve()}); once
   * resolved, every change is the kind's own ({@link #progress(String)}).
   */
  void reconcile() {
    if (gone || phase == Phase.DONE) {
      return;
    }
    String specStatus = Json.text(Json.spec(latest), "status");
    String lacking = releaseLacks(specStatus);
    if (!lacking.isEmpty()) {
      finish("False", SimUnsupported.REASON, lacking, Instant.now());
      return;
    }
    if (phase == Phase.NEW || phase == Phase.SPEC_PENDING || phase == Phase.RESOLVING) {
      if (cancelsBeforeStart(specStatus)) {
        cancel(specStatus);
        return;
      }
    }
    if (phase == Phase.NEW || phase == Phase.SPEC_PENDING) {
      String pending = kind + "Pending";
      if (pending.equals(specStatus)) {
        if (phase == Phase.NEW) {
          phase = Phase.SPEC_PENDING;
          condition("Unknown", pending, kind + " \"" + name + "\" is pending");
        }
        writeStatus(status(), false);
        return;
      }
      phase = Phase.RESOLVING;
    }
    if (phase == Phase.RESOLVING) {
      resolve();
    } else {
      progress(specStatus);
    }
  }

  /**
   * What the run asks of the cluster's Tekton release that it lacks, or that the simulator does not simulate for
   * it, naming the feature and the field; empty if nothing. Fields a release did not know and would have ignored
   * are not named here: the runs ignore them.
   */
  private String releaseLacks(String specStatus) {
    TektonRelease release = cluster.release();
    if (!release.simulates(version)) {
      return "the simulator does not simulate " + kind + "s at tekton.dev/" + version + " (apiVersion) on a Tekton "
          + release.label() + " cluster; it runs them at " + String.join(" and ", release.simulatedVersions());
    }
    if (!release.isV024()) {
      return "";
    }
    Map<?, ?> spec = Json.spec(latest);
    List<String> known = Tekton.TASK_RUN.equals(kind) ? List.of("TaskRunCancelled")
        : List.of("PipelineRunCancelled", "PipelineRunPending");
    if (!specStatus.isEmpty() && !known.contains(specStatus)) {
      return "Tekton 0.24 knows no spec.status " + specStatus + " (its webhook accepts " + String.join(" or ", known)
          + ")";
    }
    String ref = Tekton.TASK_RUN.equals(kind) ? "taskRef" : "pipelineRef";
    if (!Json.text(spec, ref, "resolver").isEmpty()) {
      return "Tekton 0.24 has no remote resolution: spec." + ref + ".resolver";
    }
    return "";
  }

  /**
   * On a 0.24 cluster, a feature of a Task's spec that 0.24 lacked, naming its field, or empty: StepAction
   * references ({@code steps[].ref}).
   *
   * @param taskSpec the Task's spec
   * @param where the spec's path, such as {@code the Task} or {@code spec.tasks[0].taskSpec}
   */
  final String taskLacks(Map<?, ?> taskSpec, String where) {
    if (!cluster.release().isV024()) {
      return "";
    }
    List<?> steps = Json.list(taskSpec.get("steps"));
    for (int i = 0; i < steps.size(); i++) {
      if (Json.at(steps.get(i), "ref") != null) {
        return "Tekton 0.24 has no StepActions: spec.steps[" + i + "].ref of " + where;
      }
    }
    return "";
  }

  /** Whether {@code spec.status} cancels the run while it has not started. */
  abstract boolean cancelsBeforeStart(String specStatus);

  /** Ends the run as cancelled by {@code spec.status} {@code specStatus}. */
  abstract void cancel(String specStatus);

  /** Resolves the run's Task or Pipeline; then calls {@link #scheduleStart} or ends the run. */
  abstract void resolve();

  /** Handles a change of a resolved run (waiting or running). */
  abstract void progress(String specStatus);

  /** The run's whole {@code status}, as the kind writes it. */
  abstract Map<String, Object> status();

  /** Called once the run has started (its Started condition is written). */
  abstract void started();

  /** The timeout in {@code text} (Go's duration), or Tekton's default 60 minutes when it is empty or unreadable. */
  final Duration timeoutOf(String text) {
    if (text.isEmpty()) {
      return DEFAULT_TIMEOUT;
    }
    return GoDuration.parse(text).orElseGet(() -> {
      LOG.warn("simulated Tekton: {} has an unreadable timeout {}; using 60m", describe(), text);
      return DEFAULT_TIMEOUT;
    });
  }

  /**
   * After resolution: arms the timeout (none for zero) and starts the run now, or after the script's start delay
   * (while waiting, a TaskRun reports {@code Pending}).
   */
  final void scheduleStart(Duration timeout, Duration startDelay, boolean reportPending) {
    if (!timeout.isZero()) {
      timeoutTimer = after(timeout, () -> timedOut(timeout));
    }
    if (startDelay.isZero()) {
      start();
    } else {
      phase = Phase.WAITING;
      if (reportPending) {
        condition("Unknown", "Pending", "Pending");
        writeStatus(status(), false);
      }
      after(startDelay, this::start);
    }
  }

  private void start() {
    if (gone || (phase != Phase.WAITING && phase != Phase.RESOLVING)) {
      return;
    }
    phase = Phase.RUNNING;
    startTime = Instant.now();
    condition("Unknown", "Started", "");
    writeStatus(status(), false);
    started();
  }

  /** The run's timeout passed. */
  abstract void timedOut(Duration timeout);

  /** Ends the run: done, completed now, no timeout, its final condition written as the last status. */
  final void finish(String status, String finalReason, String finalMessage, Instant now) {
    phase = Phase.DONE;
    completionTime = now;
    cancelTimeout();
    condition(status, finalReason, finalMessage);
    writeStatus(status(), true);
    LOG.debug("simulated Tekton: {} finished {} {}", describe(), status, finalReason);
  }

  /** The start of every status: the generation observed and the {@code Succeeded} condition, once set. */
  final Map<String, Object> statusHeader() {
    Map<String, Object> status = new LinkedHashMap<>();
    Long generation = latest.getMetadata().getGeneration();
    if (generation != null) {
      status.put("observedGeneration", generation);
    }
    if (conditionSet) {
      Map<String, Object> condition = new LinkedHashMap<>();
      condition.put("type", "Succeeded");
      condition.put("status", conditionStatus);
      condition.put("lastTransitionTime", Json.time(transitionTime));
      condition.put("reason", reason);
      if (!message.isEmpty()) {
        condition.put("message", message);
      }
      status.put("conditions", List.of(condition));
    }
    return status;
  }

  /** Adds the start and completion times, once there are. */
  final void putTimes(Map<String, Object> status) {
    if (startTime != null) {
      status.put("startTime", Json.time(startTime));
    }
    if (completionTime != null) {
      status.put("completionTime", Json.time(completionTime));
    }
  }

  /** Sets the {@code Succeeded} condition, with a new transition time when it changes. */
  final void condition(String status, String newReason, String newMessage) {
    if (!conditionSet || !status.equals(conditionStatus) || !newReason.equals(reason)
        || !newMessage.equals(message)) {
      transitionTime = Instant.now();
    }
    conditionSet = true;
    conditionStatus = status;
    reason = newReason;
    message = newMessage;
  }

  final void cancelTimeout() {
    if (timeoutTimer != null) {
      timeoutTimer.cancel(false);
      timeoutTimer = null;
    }
  }

  /** A TaskRun this run owns was added or changed. */
  void onChild(GenericKubernetesResource child) {
  }

  /** The run was deleted: stop, and clean up what Kubernetes' garbage collector would. */
  void onDeleted() {
    gone = true;
    effects.clear();
  }

  /** Called after the back-off that {@link #retryLater()} asked for. */
  void retry() {
    reconcile();
  }

  String describe() {
    return kind + " " + namespace + "/" + name + " (" + apiVersion + ") on " + cluster.name();
  }

  // ---- actor ----

  final void submit(Runnable message) {
    inbox.add(message);
    kick();
  }

  private void kick() {
    if (simulator.isClosed() || !draining.compareAndSet(false, true)) {
      return;
    }
    try {
      simulator.executor().execute(this::drain);
    } catch (RejectedExecutionException e) {
      draining.set(false);
    }
  }

  private void drain() {
    try {
      Runnable message;
      while (!simulator.isClosed() && (message = inbox.poll()) != null) {
        try {
          message.run();
        } catch (RuntimeException e) {
          LOG.warn("simulated Tekton: handling {} failed", describe(), e);
        }
      }
      if (!simulator.isClosed()) {
        flush();
      }
    } finally {
      draining.set(false);
      if (!inbox.isEmpty()) {
        kick();
      }
    }
  }

  /**
   * Runs {@code message} in this actor after {@code delay}.
   *
   * @return the timer, or {@code null} if the simulator is closed
   */
  final ScheduledFuture<?> after(Duration delay, Runnable message) {
    try {
      return simulator.executor().schedule(() -> submit(message), Math.max(0, delay.toNanos()),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /** Asks for {@link #retry()} and another attempt at the queued effects after a back-off. */
  final void retryLater() {
    failures++;
    if (retryPending) {
      return;
    }
    retryPending = true;
    long millis = Math.min(MAX_BACKOFF_MILLIS, 50L << Math.min(failures, 6));
    after(Duration.ofMillis(millis), () -> {
      retryPending = false;
      retry();
    });
  }

  static boolean isTransient(KubernetesClientException e) {
    int code = e.getCode();
    return code <= 0 || code == 429 || code >= 500;
  }

  // ---- effects ----

  /**
   * Something to do against the cluster; throws KubernetesClientException on failure. An effect must be valid on a
   * real API server (status only through a status subresource, never a whole stale object) and safe to apply
   * again: after a failure whose outcome is unknown (a timeout, an unreachable server, a conflict) it is told so
   * by {@link #uncertain()} and must then read what the cluster holds before writing, so that a write which took
   * effect is not sent again as if it had not.
   */
  interface Effect {
    void apply(KubernetesClient client);

    default void applied() {
    }

    /** The last attempt failed without a clear answer; it may have taken effect. */
    default void uncertain() {
    }
  }

  /**
   * Thrown by an effect that the cluster refused for now, for a reason that passes by itself (such as a pod whose
   * ServiceAccount the sandbox has not created yet): it is retried after a back-off, and not counted as a failed
   * write.
   */
  static final class RetryShortly extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RetryShortly(String message) {
      super(message, null, false, false);
    }
  }

  /** Whether {@code e} is a 409 Conflict (a stale resourceVersion), not an AlreadyExists. */
  static boolean isConflict(KubernetesClientException e) {
    return e.getCode() == 409 && !"AlreadyExists".equals(e.getStatus() == null ? null : e.getStatus().getReason());
  }

  /**
   * Whether every field of {@code desired} holds the same value in {@code stored}, both as JSON (so that numbers
   * compare whatever Java type they were given or read as).
   */
  static boolean holds(KubernetesClient client, Object stored, Object desired) {
    if (stored == null) {
      return false;
    }
    var serialization = client.getKubernetesSerialization();
    Map<?, ?> have = serialization.unmarshal(serialization.asJson(stored), Map.class);
    Map<?, ?> want = serialization.unmarshal(serialization.asJson(desired), Map.class);
    for (Map.Entry<?, ?> entry : want.entrySet()) {
      if (!Objects.equals(entry.getValue(), have.get(entry.getKey()))) {
        return false;
      }
    }
    return true;
  }

  final void effect(Effect effect) {
    if (!gone) {
      effects.add(effect);
    }
  }

  /** Queues a cleanup effect even once the run is gone (it is then the garbage collector's work). */
  final void cleanup(Effect effect) {
    effects.add(effect);
  }

  /**
   * Queues writing the whole {@code status} (replacing what is there) to the run's status subresource; merged into
   * a status write queued just before, and skipped when it equals the last status queued.
   */
  final void writeStatus(Map<String, Object> status, boolean last) {
    if (gone || (!last && status.equals(lastStatus))) {
      return;
    }
    lastStatus = status;
    Effect tail = effects.peekLast();
    if (tail instanceof StatusWrite) {
      ((StatusWrite) tail).status = status;
      ((StatusWrite) tail).last |= last;
      return;
    }
    effects.add(new StatusWrite(status, last));
  }

  private final class StatusWrite implements Effect {
    Map<String, Object> status;
    boolean last;
    /** When the last attempt was sent: watchers may hear of the write before its response returns. */
    long sentAt;
    /** Whether an earlier attempt failed in a way that may have stored it all the same. */
    boolean uncertain;

    StatusWrite(Map<String, Object> status, boolean last) {
      this.status = status;
      this.last = last;
    }

    @Override
    public void uncertain() {
      uncertain = true;
    }

    /**
     * Replaces the whole status through the status subresource (a JSON patch without a resourceVersion: the
     * simulator is the status's only writer, so it cannot conflict, and a real server ignores a status sent to
     * the main resource). After an attempt of unknown outcome, the run is read first: a status already stored is
     * not sent again.
     */
    @Override
    public void apply(KubernetesClient client) {
      var runs = client.genericKubernetesResources(Tekton.runs(kind, version)).inNamespace(namespace).withName(name);
      if (uncertain) {
        GenericKubernetesResource stored = runs.get();
        if (stored == null || !uid.equals(Objects.toString(stored.getMetadata().getUid(), ""))) {
          throw new KubernetesClientException(kind + " " + namespace + "/" + name + " is gone", 404, null);
        }
        Object storedStatus = stored.getAdditionalProperties().get("status");
        if (storedStatus instanceof Map && holds(client, storedStatus, status)
            && holds(client, status, storedStatus)) {
          LOG.debug("simulated Tekton: {}: the status is stored already; not sending it again", describe());
          uncertain = false;
          return;
        }
      }
      String patch = client.getKubernetesSerialization().asJson(
          List.of(Map.of("op", "add", "path", "/status", "value", status)));
      sentAt = System.nanoTime();
      runs.subresource("status").patch(PatchContext.of(PatchType.JSON), patch);
      uncertain = false;
    }

    @Override
    public void applied() {
      if (last) {
        Map<?, ?> condition = Json.map(Json.list(status.get("conditions")).stream().findFirst().orElse(null));
        simulator.runFinished(new TektonSimulator.FinishedRun(cluster.name(), apiVersion, kind, namespace, name,
            Json.text(condition, "status"), Json.text(condition, "reason"), sentAt));
      }
    }
  }

  private void flush() {
    while (!effects.isEmpty() && !simulator.isClosed()) {
      Effect effect = effects.peek();
      KubernetesClient client;
      try {
        client = cluster.client();
      } catch (IllegalStateException e) {
        LOG.debug("simulated Tekton: {} cannot reach its closed sandbox cluster", describe());
        effects.clear();
        return;
      }
      try {
        effect.apply(client);
      } catch (RetryShortly e) {
        LOG.debug("simulated Tekton: {} will retry shortly ({})", describe(), e.getMessage());
        retryLater();
        return;
      } catch (KubernetesClientException e) {
        if (isTransient(e)) {
          LOG.debug("simulated Tekton: {} will retry ({})", describe(), e.getMessage());
          effect.uncertain();
          simulator.writeFailed();
          retryLater();
          return;
        }
        if (isConflict(e)) {
          LOG.debug("simulated Tekton: {} will read again and retry after a conflict ({})", describe(),
              e.getMessage());
          effect.uncertain();
          retryLater();
          return;
        }
        effects.poll();
        if (e.getCode() == 404) {
          LOG.debug("simulated Tekton: {} no longer found ({})", describe(), e.getMessage());
        } else {
          LOG.warn("simulated Tekton: {}: a write failed with HTTP {}: {}", describe(), e.getCode(),
              e.getMessage());
        }
        continue;
      } catch (RuntimeException e) {
        effects.poll();
        LOG.warn("simulated Tekton: {}: a write failed", describe(), e);
        continue;
      }
      effects.poll();
      failures = 0;
      effect.applied();
    }
  }

  /** A run the simulator leaves alone: managed by another controller, or finished before it was seen. */
  static final class Ignored extends SimRun {
    Ignored(SimCluster cluster, String kind, GenericKubernetesResource first) {
      super(cluster, kind, first);
    }

    @Override
    void reconcile() {
    }

    @Override
    boolean cancelsBeforeStart(String specStatus) {
      return false;
    }

    @Override
    void cancel(String specStatus) {
    }

    @Override
    void resolve() {
    }

    @Override
    void progress(String specStatus) {
    }

    @Override
    Map<String, Object> status() {
      return Map.of();
    }

    @Override
    void started() {
    }

    @Override
    void timedOut(Duration timeout) {
    }
  }
}
