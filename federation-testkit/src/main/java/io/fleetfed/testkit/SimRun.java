package io.fleetfed.testkit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
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
    this.apiVersion = first.getApiVersion();
    this.version = Tekton.versionOf(apiVersion);
    this.namespace = first.getMetadata().getNamespace();
    this.name = first.getMetadata().getName();
    this.uid = Objects.toString(first.getMetadata().getUid(), "");
  }

  /** The run as last seen. */
  GenericKubernetesResource latest;
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

  /** Moves the run on from what {@link #latest} says. */
  abstract void reconcile();

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

  /** Something to do against the cluster; throws KubernetesClientException on failure. */
  interface Effect {
    void apply(KubernetesClient client);

    default void applied() {
    }
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

    StatusWrite(Map<String, Object> status, boolean last) {
      this.status = status;
      this.last = last;
    }

    @Override
    public void apply(KubernetesClient client) {
      String patch = client.getKubernetesSerialization().asJson(
          List.of(Map.of("op", "add", "path", "/status", "value", status)));
      sentAt = System.nanoTime();
      client.genericKubernetesResources(Tekton.runs(kind, version)).inNamespace(namespace).withName(name)
          .subresource("status").patch(PatchContext.of(PatchType.JSON), patch);
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
      } catch (KubernetesClientException e) {
        if (isTransient(e)) {
          LOG.debug("simulated Tekton: {} will retry ({})", describe(), e.getMessage());
          simulator.writeFailed();
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
  }
}
