package io.fleetfed.tekton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.cluster.VersionChoice;
import io.fleetfed.core.model.ResourceType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A dispatched run: where it went and why, its live status, its outcome, cancellation and logs.
 *
 * <pre>{@code
 * RunHandle handle = dispatcher.dispatch(request);
 * System.out.println("running on " + handle.cluster() + ": " + handle.choice().reason());
 * handle.addPhaseListener(s -> System.out.println(s.phase() + " " + s.reason()));
 * RunStatus outcome = handle.await(Duration.ofMinutes(30));
 * for (StepLog log : handle.logs()) {
 *   System.out.print(log.text());
 * }
 * }</pre>
 *
 * <p>The status comes from watches on the member cluster, never from polling. A handle is thread-safe; every
 * dispatch of one key in one dispatcher returns the same handle.
 */
public final class RunHandle {
  /**
   * What a handle needs from the dispatcher that made it, and all it may ask of it: the member's client (to
   * cancel and read logs), a thread to tell listeners on, and a word when the run has ended.
   */
  interface Control {
    /** The fleet's client for {@code cluster}. */
    ClusterClient client(String cluster);

    /** The version runs of {@code type} are created in on {@code cluster}. */
    VersionChoice versionOn(String cluster, ResourceType type);

    /** Tells {@code listener} of {@code status}, in order, off the caller's thread. */
    void deliver(RunHandle handle, RunListener listener, RunStatus status);

    /** The run has ended: its handle need not be followed any more. */
    void ended(RunHandle handle);
  }

  private final Control control;
  private final String key;
  private final ResourceType type;
  private final String namespace;
  private final String name;
  private final CompletableFuture<RunStatus> outcome = new CompletableFuture<>();
  /** Each listener as given, with what is told in its place (a phase filter, or itself). */
  private final List<Registered> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, String> tried = new LinkedHashMap<>();
  private final Object statusLock = new Object();
  /** Held by the dispatcher while it reads the run and its TaskRuns and tells {@link #observe}: one at a time. */
  private final Object observing = new Object();
  private final DispatchRequest request;
  private volatile List<Closure.Dependency> dependencies;
  private volatile List<String> warnings = List.of();
  private volatile ClusterChoice choice;
  private volatile RunStatus status;
  private final ObjectNode run;

  RunHandle(Control control, String key, ResourceType type, ObjectNode run, DispatchRequest request,
      Closure.Result closure, ClusterChoice choice) {
    this.control = control;
    this.run = run.deepCopy();
    this.key = key;
    this.type = type;
    this.namespace = RunKind.namespace(run);
    this.name = run.path("metadata").path("name").asText();
    this.request = request;
    if (closure != null) {
      dependencies(closure);
    }
    this.choice = choice;
    this.status = pending(choice.cluster(), "Dispatched", choice.reason());
  }

  private RunStatus pending(String cluster, String reason, String message) {
    return new RunStatus(type.kind(), namespace, name, cluster, RunPhase.PENDING, reason, message, Optional.empty(),
        Optional.empty(), Map.of(), Optional.empty(), List.of(), List.of());
  }

  /**
   * What this dispatch could not check or propagate, each naming the object, the field and why: names known only
   * when the run runs (such as {@code $(tasks.build.results.image)}), objects given in the request that the run does
   * not use, Pipelines that run inside themselves. Empty for a run followed from an earlier dispatch until it is
   * placed again.
   *
   * <pre>{@code
   * RunHandle handle = dispatcher.dispatch(request);
   * handle.warnings().forEach(log::warn);   // "Task use: spec.steps[0].envFrom[0].secretRef: the Secret name ..."
   * }</pre>
   */
  public List<String> warnings() {
    return warnings;
  }

  /** The dispatch key. */
  public String key() {
    return key;
  }

  /** {@code TaskRun} or {@code PipelineRun}. */
  public String kind() {
    return type.kind();
  }

  /** The run's namespace. */
  public String namespace() {
    return namespace;
  }

  /** The run's name (the same in every cluster). */
  public String name() {
    return name;
  }

  /** The member cluster that runs it now (another after a failover). */
  public String cluster() {
    return choice.cluster();
  }

  /** Why {@link #cluster()} was chosen, and why each other cluster was not. */
  public ClusterChoice choice() {
    return choice;
  }

  /** The clusters tried before the current one, with why each was left; empty without a failover. */
  public Map<String, String> failovers() {
    synchronized (tried) {
      return Map.copyOf(tried);
    }
  }

  /** The run's status now. */
  public RunStatus status() {
    return status;
  }

  /** Completes with the outcome once the run has ended (its phase is done). */
  public CompletableFuture<RunStatus> outcome() {
    return outcome.thenApply(s -> s);
  }

  /**
   * Waits for the run to end.
   *
   * @return its final status: succeeded, failed, cancelled, timed out or cluster lost
   */
  public RunStatus await() {
    try {
      return outcome.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FederationException("interrupted while waiting for " + this, e);
    } catch (ExecutionException e) {
      throw new FederationException("waiting for " + this + " failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * Waits at most {@code timeout} for the run to end. The run goes on if it has not: see {@link #cancel()}.
   *
   * @throws FederationException if it has not ended by then, naming its status
   */
  public RunStatus await(Duration timeout) {
    try {
      return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FederationException("interrupted while waiting for " + this, e);
    } catch (TimeoutException e) {
      throw new FederationException("the run has not ended after " + timeout + ": " + status);
    } catch (ExecutionException e) {
      throw new FederationException("waiting for " + this + " failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * Tells {@code listener} of every status change from now on, each status once: see {@link RunListener} for what
   * counts as a change. To hear the phases only, see {@link #addPhaseListener}.
   */
  public void addListener(RunListener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (statusLock) {
      listeners.add(new Registered(listener, listener));
    }
  }

  /**
   * Tells {@code listener} of the status now, then of every change from then on, in order and on the same thread
   * as the changes: a listener added this way misses nothing, and is not told a status twice (as it could be when it
   * read {@link #status()} itself before {@link #addListener}).
   *
   * <pre>{@code
   * handle.follow(s -> System.out.println(s));   // the status now, then each change, to the end
   * }</pre>
   */
  public void follow(RunListener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (statusLock) {
      listeners.add(new Registered(listener, listener));
      control.deliver(this, listener, status);
    }
  }

  /**
   * Tells {@code listener} only when the run's phase changes from now on: each status it is told has a phase other
   * than the one before it (the first, another than the phase now) — for a PipelineRun {@code RUNNING} once, however
   * many of its TaskRuns start and end meanwhile.
   *
   * <pre>{@code
   * handle.addPhaseListener(s -> log.info("{} is {}", s.name(), s.phase()));   // RUNNING, then SUCCEEDED
   * }</pre>
   */
  public void addPhaseListener(RunListener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (statusLock) {
      listeners.add(new Registered(listener, new PhaseChanges(listener, Optional.of(status.phase()))));
    }
  }

  /** Stops telling {@code listener}, however it was added. */
  public void removeListener(RunListener listener) {
    listeners.removeIf(r -> r.given() == listener);
  }

  /** A listener as it was given, and what is told in its place. */
  private record Registered(RunListener given, RunListener told) {}

  /**
   * Cancels the run on its member cluster by setting {@code spec.status} to {@code TaskRunCancelled} (TaskRun) or
   * {@code Cancelled} (PipelineRun; {@code PipelineRunCancelled} on a member whose Tekton serves no {@code v1}, such
   * as 0.24), in the version the run was created in there; Tekton then stops it and it ends
   * {@link RunPhase#CANCELLED}. Does nothing if it has ended.
   *
   * @throws DispatchException if the member cannot be reached
   */
  public void cancel() {
    if (status.isDone()) {
      return;
    }
    String cluster = cluster();
    try {
      ClusterClient client = control.client(cluster);
      ResourceType there = control.versionOn(cluster, type).type();   // the version it was created in there
      // the fleet's discovery of the member, as cached: whether its PipelineRuns are served at v1
      boolean modern = control.versionOn(cluster, TektonTypes.PIPELINE_RUN.withVersion("v1")).type().version()
          .equals("v1");
      ObjectNode patch = run.objectNode();
      patch.putObject("spec").put("status", RunKind.cancelValue(type.kind(), modern));
      client.mergePatch(there, namespace, name, patch);
    } catch (ClusterRequestException e) {
      throw failure("cannot cancel " + this + " on " + cluster + ": " + e.getMessage(), cluster, e);
    }
  }

  /**
   * Reads the log of every step (of every TaskRun, for a PipelineRun) from the member's pods, as they are now.
   * Steps of a pod that is gone (a timed-out TaskRun's) have empty text.
   */
  public List<StepLog> logs() {
    List<StepLog> logs = new ArrayList<>();
    for (LogSource s : logSources(status)) {
      logs.add(new StepLog(s.taskRun(), s.pipelineTask(), s.step(), read(s)));
    }
    return logs;
  }

  /**
   * Streams the logs of every step to {@code out} as the run goes, each line prefixed with its
   * {@linkplain StepLog#label() label}, following each step's container until it ends; returns when the run has
   * ended and every step's log is written.
   */
  public void streamLogs(OutputStream out) {
    Set<String> done = new HashSet<>();
    while (true) {
      RunStatus now = status;
      boolean finished = now.isDone();
      for (LogSource s : logSources(now)) {
        if (done.add(s.taskRun() + "/" + s.step())) {
          follow(s, out);
        }
      }
      if (finished) {
        return;
      }
      awaitChange(now);
    }
  }

  private void awaitChange(RunStatus seen) {
    synchronized (statusLock) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      while (status == seen && !outcome.isDone()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(statusLock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new FederationException("interrupted while streaming the logs of " + this, e);
        }
      }
    }
  }

  private record LogSource(String taskRun, Optional<String> pipelineTask, String pod, String step, String container,
      boolean ended) {}

  /** The steps whose containers exist or existed: those of a pod, once the run (or child) has one. */
  private static List<LogSource> logSources(RunStatus s) {
    List<LogSource> sources = new ArrayList<>();
    if (s.kind().equals(RunKind.TASK_RUN)) {
      s.podName().ifPresent(pod -> s.steps().forEach(step -> sources.add(new LogSource(s.name(), Optional.empty(),
          pod, step.name(), step.container(), s.isDone() || step.exitCode().isPresent()))));
    } else {
      for (ChildRunStatus c : s.children()) {
        c.podName().ifPresent(pod -> c.steps().forEach(step -> sources.add(new LogSource(c.name(),
            Optional.of(c.pipelineTask()), pod, step.name(), step.container(),
            c.phase().isDone() || step.exitCode().isPresent()))));
      }
    }
    return sources;
  }

  private DispatchException failure(String message, String cluster, Exception cause) {
    return new DispatchException(message, type.kind(), namespace, name, Optional.of(cluster), cause);
  }

  private String read(LogSource s) {
    String cluster = cluster();
    try {
      return control.client(cluster).log(namespace, s.pod(), s.container()).orElse("");
    } catch (ClusterRequestException e) {
      throw failure("cannot read the log of step " + s.step() + " of " + s.taskRun() + " on " + cluster + ": "
          + e.getMessage(), cluster, e);
    }
  }

  private void follow(LogSource s, OutputStream out) {
    String label = new StepLog(s.taskRun(), s.pipelineTask(), s.step(), "").label() + " ";
    String cluster = cluster();
    try {
      if (s.ended()) {
        for (String line : read(s).split("\n", -1)) {
          if (!line.isEmpty()) {
            out.write((label + line + "\n").getBytes(StandardCharsets.UTF_8));
          }
        }
      } else {
        Optional<InputStream> log = control.client(cluster).followLog(namespace, s.pod(), s.container());
        if (log.isPresent()) {
          try (BufferedReader in = new BufferedReader(new InputStreamReader(log.get(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
              out.write((label + line + "\n").getBytes(StandardCharsets.UTF_8));
            }
          }
        }
      }
      out.flush();
    } catch (ClusterRequestException e) {
      throw failure("cannot stream the log of step " + s.step() + " of " + s.taskRun() + " on " + cluster + ": "
          + e.getMessage(), cluster, e);
    } catch (IOException e) {
      throw failure("cannot stream the log of step " + s.step() + " of " + s.taskRun() + " on " + cluster + ": "
          + e.getMessage(), cluster, e);
    }
  }

  // ---- driven by the dispatcher -----------------------------------------------------------------------

  ResourceType type() {
    return type;
  }

  /** The run as it is created on a member (name, labels and timeout set). */
  ObjectNode run() {
    return run.deepCopy();
  }

  DispatchRequest request() {
    return request;
  }

  List<Closure.Dependency> dependencies() {
    return dependencies;
  }

  void dependencies(Closure.Result closure) {
    this.warnings = closure.warnings();
    this.dependencies = closure.dependencies();
  }

  /** The lock of one observation: see {@link #observe}. */
  Object observing() {
    return observing;
  }

  /** Whether the run has started, as far as the member told. */
  boolean started() {
    RunStatus s = status;
    return s.phase() != RunPhase.PENDING || s.startTime().isPresent();
  }

  /** Moves the handle to {@code next}: the run is placed there from now on. */
  void movedTo(ClusterChoice next, String why) {
    synchronized (tried) {
      tried.put(choice.cluster(), why);
    }
    choice = next;
    update(pending(next.cluster(), "Dispatched", "moved from " + String.join(", ", failovers().keySet()) + ": " + why
        + "; " + next.reason()));
  }

  /** A run or child TaskRun changed on {@code cluster}; {@code children} are the PipelineRun's TaskRuns there. */
  void observe(String cluster, ObjectNode run, boolean deleted, List<ObjectNode> children) {
    if (!cluster.equals(cluster()) || outcome.isDone()) {
      return;
    }
    JsonNode st = run.path("status");
    RunPhase phase = RunKind.phase(st);
    JsonNode c = RunKind.succeeded(st);
    String reason = c.path("reason").asText();
    String message = c.path("message").asText();
    if (deleted && !phase.isDone()) {
      phase = RunPhase.FAILED;
      reason = "RunDeleted";
      message = "the " + type.kind() + " was deleted from " + cluster + " before it finished";
    }
    List<ChildRunStatus> kids = new ArrayList<>();
    if (type.kind().equals(RunKind.PIPELINE_RUN)) {
      Map<String, ChildRunStatus> byName = new LinkedHashMap<>();
      for (JsonNode ref : st.path("childReferences")) {
        byName.put(ref.path("name").asText(), null);
      }
      // those not referenced yet (the watch of TaskRuns is ahead of the PipelineRun's) by name, not as listed
      List<ObjectNode> sorted = new ArrayList<>(children);
      sorted.sort(Comparator.comparing(child -> child.path("metadata").path("name").asText()));
      for (ObjectNode child : sorted) {
        byName.put(child.path("metadata").path("name").asText(), RunKind.child(child));
      }
      byName.values().stream().filter(Objects::nonNull).forEach(kids::add);
    }
    update(new RunStatus(type.kind(), namespace, name, cluster, phase, reason, message, RunKind.time(st, "startTime"),
        RunKind.time(st, "completionTime"), RunKind.results(st), RunKind.text(st.path("podName")), RunKind.steps(st),
        kids));
  }

  /** Ends the handle as {@code phase} without the member saying so (the cluster was lost). */
  void end(RunPhase phase, String reason, String message) {
    update(status.withPhase(phase, reason, message));
  }

  private void update(RunStatus next) {
    synchronized (statusLock) {
      if (status.isDone()) {
        return;   // an ended run's status is final
      }
      boolean news = !sameButForChildOrder(status, next);
      status = next;
      statusLock.notifyAll();
      if (!news) {
        return;   // nothing a listener could tell apart: the same status, or its TaskRuns listed in another order
      }
      for (Registered r : listeners) {   // queued in order, called on the dispatcher's listener thread
        control.deliver(this, r.told(), next);
      }
    }
    if (next.isDone()) {
      outcome.complete(next);
      control.ended(this);
    }
  }

  /**
   * Whether {@code a} and {@code b} are equal but perhaps for the order of their children (which changes when the
   * PipelineRun first references TaskRuns its watch was late to list).
   */
  static boolean sameButForChildOrder(RunStatus a, RunStatus b) {
    if (a.equals(b)) {
      return true;
    }
    if (a.children().size() != b.children().size()
        || !Set.copyOf(a.children()).equals(Set.copyOf(b.children()))) {
      return false;
    }
    return a.equals(new RunStatus(b.kind(), b.namespace(), b.name(), b.cluster(), b.phase(), b.reason(), b.message(),
        b.startTime(), b.completionTime(), b.results(), b.podName(), b.steps(), a.children()));
  }

  @Override
  public String toString() {
    return type.kind() + " " + namespace + "/" + name + " on " + cluster() + " (key " + key + ")";
  }
}
