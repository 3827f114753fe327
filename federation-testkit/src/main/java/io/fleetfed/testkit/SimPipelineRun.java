package io.fleetfed.testkit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fleetfed.tekton.GoDuration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PipelineRun as the Tekton controller runs it: pending while {@code spec.status} is {@code PipelineRunPending},
 * its Pipeline and every Task resolved ({@code CouldntGetPipeline}, {@code CouldntGetTask}), then one child
 * TaskRun per pipeline task, each started once the tasks it runs after (or takes results from) have succeeded,
 * and the finally tasks once the others are done. A failed child stops new tasks from starting; the run ends
 * Succeeded, Failed, Cancelled ({@code spec.status} Cancelled, CancelledRunFinally, StoppedRunFinally) or
 * PipelineRunTimeout. Its script only adds a start delay and results, except for a Pipeline resolved remotely,
 * whose tasks are unknown: that run follows its script like a TaskRun.
 */
final class SimPipelineRun extends SimRun {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\(([^()]+)\\)");
  private static final Pattern RESULT_REF = Pattern.compile("\\$\\(tasks\\.([^.()]+)\\.results\\.");
  private static final Pattern RESULT_NAME_REF =
      Pattern.compile("\\$\\(tasks\\.([^.()\\[\\]]+)\\.results\\.([^.()\\[\\]]+)");
  private static final Pattern INDEXED = Pattern.compile("^([^\\[\\]]+)\\[(\\*|\\d+)\\]$");
  private static final List<String> PIPELINE_VARIABLES = List.of("params.", "tasks.", "finally.",
      "context.pipelineRun.", "context.pipeline.", "context.pipelineTask.", "workspaces.");
  private static final String CANCELLED_BY_PIPELINE =
      "TaskRun cancelled as the PipelineRun it belongs to has been cancelled.";
  private static final String CANCELLED_BY_TIMEOUT =
      "TaskRun cancelled as the PipelineRun it belongs to has timed out.";

  /** Tekton's {@code SkippingReason}s (pkg/apis/pipeline/v1/pipelinerun_types.go). */
  static final String SKIP_WHEN = "When Expressions evaluated to false";
  static final String SKIP_PARENT = "Parent Tasks were skipped";
  static final String SKIP_STOPPING = "PipelineRun was stopping";
  static final String SKIP_GRACEFULLY_CANCELLED = "PipelineRun was gracefully cancelled";
  static final String SKIP_GRACEFULLY_STOPPED = "PipelineRun was gracefully stopped";
  static final String SKIP_MISSING_RESULTS = "Results were missing";
  static final String SKIP_TASKS_TIMEOUT = "PipelineRun Tasks timeout has been reached";
  static final String SKIP_FINALLY_TIMEOUT = "PipelineRun Finally timeout has been reached";
  static final String SKIP_EMPTY_MATRIX = "Matrix Parameters have an empty array";

  private enum Stop { NONE, CANCELLED_RUN_FINALLY, STOPPED_RUN_FINALLY }

  private enum State {
    NOT_STARTED, RUNNING, SUCCEEDED, FAILED, CANCELLED, SKIPPED;

    boolean done() {
      return this != NOT_STARTED && this != RUNNING;
    }
  }

  /** One pipeline task and its child TaskRuns (one, or one per matrix combination). */
  private static final class PipelineTask {
    final String name;
    final Map<?, ?> spec;
    final boolean isFinally;
    /** Its field path in the Pipeline, such as {@code spec.tasks[2]}. */
    final String path;
    final Set<String> dependencies;
    final SimCluster.TaskLookup lookup;
    final List<Child> children = new ArrayList<>();
    State state = State.NOT_STARTED;
    boolean matrixed;
    String skipReason = "";
    /** Skipped because a timeout was reached before it started: it fails the run. */
    boolean skippedForTimeout;

    PipelineTask(String name, Map<?, ?> spec, boolean isFinally, String path, Set<String> dependencies,
        SimCluster.TaskLookup lookup) {
      this.name = name;
      this.spec = spec;
      this.isFinally = isFinally;
      this.path = path;
      this.dependencies = dependencies;
      this.lookup = lookup;
      this.matrixed = spec.get("matrix") instanceof Map;
    }

    /** A result: a child's value, or for a matrixed task the array of its children's values. */
    Object result(String resultName) {
      if (!matrixed) {
        return children.isEmpty() ? null : children.get(0).results.get(resultName);
      }
      List<Object> values = new ArrayList<>();
      for (Child child : children) {
        Object value = child.results.get(resultName);
        if (value instanceof String) {
          values.add(value);
        }
      }
      return values;
    }
  }

  /** One child TaskRun. */
  private static final class Child {
    final String name;
    final PipelineTask task;
    State state = State.RUNNING;
    Map<String, Object> results = Map.of();
    /** The child's status as last seen, for 0.24's {@code status.taskRuns} map. */
    Map<String, Object> status = Map.of();
    boolean cancelledForTimeout;

    Child(String name, PipelineTask task) {
      this.name = name;
      this.task = task;
    }
  }

  private RunScript script = RunScript.succeeds();
  private String pipelineName = "";
  private Map<?, ?> pipelineSpec = Map.of();
  private boolean remote;
  private final Map<String, PipelineTask> tasks = new LinkedHashMap<>();
  private final List<Child> started = new ArrayList<>();
  private Stop stop = Stop.NONE;
  private boolean finallyStarted;
  private boolean tasksTimedOut;
  private boolean finallyTimedOut;
  private List<Map<String, Object>> results = List.of();

  SimPipelineRun(SimCluster cluster, GenericKubernetesResource first) {
    super(cluster, Tekton.PIPELINE_RUN, first);
    this.latest = first;
  }

  @Override
  void onDeleted() {
    super.onDeleted();
    cancelTimeout();
    phase = Phase.DONE;
    for (Child child : started) {
      cleanup(new DeleteChild(child.name)); // the garbage collector deletes the TaskRuns the PipelineRun owns
    }
  }

  @Override
  void onChild(GenericKubernetesResource child) {
    if (gone || phase != Phase.RUNNING) {
      return;
    }
    String childName = child.getMetadata().getName();
    for (Child known : started) {
      if (known.name.equals(childName) && !known.state.done()) {
        boolean v024 = cluster.release().isV024();
        if (v024) {
          known.status = Json.copy(Json.status(child));
        }
        String succeeded = Json.succeeded(child);
        if ("True".equals(succeeded)) {
          known.state = State.SUCCEEDED;
          known.results = resultsOf(child);
        } else if ("False".equals(succeeded)) {
          known.state = "TaskRunCancelled".equals(Json.succeededReason(child)) && !known.cancelledForTimeout
              ? State.CANCELLED : State.FAILED;
        } else {
          if (v024) {
            writeStatus(status(), false); // 0.24 copied each child's status into status.taskRuns
          }
          return;
        }
        PipelineTask task = known.task;
        if (task.children.stream().allMatch(c -> c.state.done())) {
          task.state = task.children.stream().anyMatch(c -> c.state == State.FAILED) ? State.FAILED
              : task.children.stream().anyMatch(c -> c.state == State.CANCELLED) ? State.CANCELLED
              : State.SUCCEEDED;
        }
        advance();
        return;
      }
    }
  }

  private static Map<String, Object> resultsOf(GenericKubernetesResource child) {
    Map<String, Object> results = new LinkedHashMap<>();
    Map<?, ?> status = Json.status(child);
    List<?> list = Json.list(status.containsKey("results") ? status.get("results") : status.get("taskResults"));
    for (Object result : list) {
      results.put(Json.text(result, "name"), Json.copyValue(Json.at(result, "value")));
    }
    return results;
  }

  @Override
  boolean cancelsBeforeStart(String specStatus) {
    return "Cancelled".equals(specStatus) || "PipelineRunCancelled".equals(specStatus)
        || "CancelledRunFinally".equals(specStatus) || "StoppedRunFinally".equals(specStatus);
  }

  /**
   * The reason of a PipelineRun cancelled by its {@code spec.status}: {@code Cancelled}, but {@code
   * PipelineRunCancelled} on 0.24, whose reconciler wrote that (a run ended by a cancelled child says
   * {@code Cancelled} there too).
   */
  private String cancelledReason() {
    return cluster.release().isV024() ? "PipelineRunCancelled" : "Cancelled";
  }

  @Override
  void cancel(String specStatus) {
    end("False", cancelledReason(), cancelledMessage());
  }

  @Override
  void progress(String specStatus) {
    boolean cancelled = "Cancelled".equals(specStatus) || "PipelineRunCancelled".equals(specStatus);
    if (cancelled) {
      cancelChildren(false, CANCELLED_BY_PIPELINE);
      end("False", cancelledReason(), cancelledMessage());
      return;
    }
    if ("CancelledRunFinally".equals(specStatus) && stop != Stop.CANCELLED_RUN_FINALLY) {
      stop = Stop.CANCELLED_RUN_FINALLY;
      cancelChildren(true, CANCELLED_BY_PIPELINE);
    } else if ("StoppedRunFinally".equals(specStatus) && stop == Stop.NONE) {
      stop = Stop.STOPPED_RUN_FINALLY;
    }
    if (phase == Phase.WAITING && stop != Stop.NONE) {
      end("False", cancelledReason(), cancelledMessage());
      return;
    }
    if (phase == Phase.RUNNING) {
      advance();
    }
  }

  private String cancelledMessage() {
    return "PipelineRun \"" + name + "\" was cancelled";
  }

  // ---- resolution ----

  @Override
  void resolve() {
    Map<?, ?> spec = Json.spec(latest);
    Map<?, ?> inline = Json.map(spec.get("pipelineSpec"));
    Map<?, ?> ref = Json.map(spec.get("pipelineRef"));
    Map<String, PipelineTask> resolved = new LinkedHashMap<>();
    try {
      if (!inline.isEmpty()) {
        pipelineSpec = inline;
        pipelineName = name;
      } else if (isClusterResolved(ref)) {
        // the cluster resolver reads the Pipeline in this cluster: Tekton knows its tasks, so does the simulator
        Map<String, String> params = SimCluster.resolverParams(ref);
        pipelineName = params.get("name");
        String from = params.getOrDefault("namespace", namespace);
        GenericKubernetesResource pipeline = cluster.get(Tekton.pipelines(version), from, pipelineName);
        if (pipeline == null) {
          pipeline = cluster.get(Tekton.pipelines(cluster.otherVersion(version)), from, pipelineName);
        }
        if (pipeline == null) {
          end("False", "CouldntGetPipeline", "Error retrieving pipeline for pipelinerun " + namespace + "/" + name
              + ": cluster resolver: pipelines.tekton.dev \"" + pipelineName + "\" not found in namespace " + from);
          return;
        }
        pipelineSpec = Json.spec(pipeline);
      } else if (!Json.text(ref, "resolver").isEmpty()) {
        remote = true;
        pipelineName = Json.text(ref, "name");
        for (Object param : Json.list(ref.get("params"))) {
          if (pipelineName.isEmpty() && "name".equals(Json.text(param, "name"))) {
            pipelineName = Json.text(param, "value");
          }
        }
      } else if (!Json.text(ref, "name").isEmpty()) {
        pipelineName = Json.text(ref, "name");
        GenericKubernetesResource pipeline = cluster.get(Tekton.pipelines(version), namespace, pipelineName);
        if (pipeline == null) {
          pipeline = cluster.get(Tekton.pipelines(cluster.otherVersion(version)), namespace, pipelineName);
        }
        if (pipeline == null) {
          end("False", "CouldntGetPipeline", "Error retrieving pipeline for pipelinerun " + namespace + "/" + name
              + ": pipelines.tekton.dev \"" + pipelineName + "\" not found");
          return;
        }
        pipelineSpec = Json.spec(pipeline);
      } else {
        end("False", "CouldntGetPipeline", "Error retrieving pipeline for pipelinerun " + namespace + "/" + name
            + ": expected exactly one, got neither: spec.pipelineRef, spec.pipelineSpec");
        return;
      }
      for (String section : List.of("tasks", "finally")) {
        List<?> elements = Json.list(pipelineSpec.get(section));
        for (int index = 0; index < elements.size(); index++) {
          Map<?, ?> taskSpec = Json.map(elements.get(index));
          String taskName = Json.text(taskSpec, "name");
          String path = "spec." + section + "[" + index + "]";
          String unsupported = unsupportedIn(taskSpec, path);
          if (!unsupported.isEmpty()) {
            end("False", SimUnsupported.REASON, unsupported);
            return;
          }
          unsupported = pipelineTaskLacks(taskSpec, path);
          if (!unsupported.isEmpty()) {
            end("False", SimUnsupported.REASON, unsupported);
            return;
          }
          SimCluster.TaskLookup lookup = cluster.lookupTask(namespace, version, Json.map(taskSpec.get("taskRef")),
              taskSpec.get("taskSpec"));
          unsupported = lookup.missing.isEmpty() ? taskLacks(lookup.spec, lookup.taskName.isEmpty()
              ? path + ".taskSpec" : "Task " + lookup.taskName) : "";
          if (!unsupported.isEmpty()) {
            end("False", SimUnsupported.REASON, unsupported);
            return;
          }
          if (!lookup.missing.isEmpty()) {
            end("False", "CouldntGetTask", "Pipeline " + namespace + "/" + pipelineName
                + " can't be Run; it contains Tasks that don't exist: Couldn't retrieve Task \"" + lookup.taskName
                + "\": " + lookup.missing);
            return;
          }
          resolved.put(taskName, new PipelineTask(taskName, taskSpec, section.equals("finally"), path,
              dependenciesOf(taskSpec), lookup));
        }
      }
    } catch (KubernetesClientException e) {
      if (isTransient(e)) {
        retryLater();
        return;
      }
      end("False", "CouldntGetPipeline", "Error retrieving pipeline for pipelinerun " + namespace + "/" + name
          + ": " + e.getMessage());
      return;
    } catch (IllegalStateException e) {
      return; // the sandbox is closed
    }
    String invalid = invalidGraph(resolved);
    if (!invalid.isEmpty()) {
      end("False", "PipelineInvalidGraph", "PipelineRun " + namespace + "/" + name + "'s Pipeline DAG is invalid: "
          + invalid);
      return;
    }
    tasks.putAll(resolved);
    script = simulator.pipelineRunScript(name, pipelineName, remote);
    scheduleStart(timeout(), script.startDelay(), false);
  }

  /**
   * On a 0.24 cluster, a feature of a pipeline task that 0.24 lacked, naming its field, or empty: a remote
   * resolver, a matrix, a CEL {@code when} expression; or one it had that the simulator does not model, its
   * {@code conditions} (v1alpha1 Conditions guarding the task).
   */
  private String pipelineTaskLacks(Map<?, ?> taskSpec, String path) {
    if (!cluster.release().isV024()) {
      return "";
    }
    if (taskSpec.get("conditions") != null) {
      return "the simulator does not evaluate Tekton 0.24's Conditions: " + path + ".conditions";
    }
    if (!Json.text(taskSpec, "taskRef", "resolver").isEmpty()) {
      return "Tekton 0.24 has no remote resolution: " + path + ".taskRef.resolver";
    }
    if (taskSpec.get("matrix") != null) {
      return "Tekton 0.24 has no matrix: " + path + ".matrix";
    }
    List<?> when = Json.list(taskSpec.get("when"));
    for (int i = 0; i < when.size(); i++) {
      if (Json.at(when.get(i), "cel") != null) {
        return "Tekton 0.24 has no CEL when expressions: " + path + ".when[" + i + "].cel";
      }
    }
    return "";
  }

  /** A {@code cluster} resolver reference to a Pipeline ({@code kind: pipeline}) named without variables. */
  private boolean isClusterResolved(Map<?, ?> ref) {
    if (!"cluster".equals(Json.text(ref, "resolver"))) {
      return false;
    }
    Map<String, String> params = SimCluster.resolverParams(ref);
    String pipeline = params.getOrDefault("name", "");
    return "pipeline".equals(params.get("kind")) && !pipeline.isEmpty()
        && !pipeline.contains("$(") && !params.getOrDefault("namespace", "").contains("$(");
  }

  /** The feature of a pipeline task the simulator does not model, naming its field, or empty. */
  private static String unsupportedIn(Map<?, ?> taskSpec, String path) {
    Map<?, ?> ref = Json.map(taskSpec.get("taskRef"));
    String kind = Json.text(ref, "kind");
    if (!Json.text(ref, "apiVersion").isEmpty() && !kind.isEmpty() && !"Task".equals(kind)
        && !"ClusterTask".equals(kind)) {
      return "the simulator does not run custom tasks (CustomRuns): " + path + ".taskRef is " + kind + " of "
          + Json.text(ref, "apiVersion");
    }
    if (taskSpec.get("pipelineRef") != null || taskSpec.get("pipelineSpec") != null) {
      return "the simulator does not run Pipelines in Pipelines: " + path + "."
          + (taskSpec.get("pipelineRef") != null ? "pipelineRef" : "pipelineSpec");
    }
    String onError = Json.text(taskSpec, "onError");
    if (!onError.isEmpty() && !"stopAndFail".equals(onError)) {
      return "the simulator does not model " + path + ".onError: " + onError;
    }
    return "";
  }

  private Duration timeout() {
    Map<?, ?> spec = Json.spec(latest);
    // 0.24 had spec.timeout only (spec.timeouts came in 0.25): it ignores the unknown field
    String text = cluster.release().isV024() ? "" : Json.text(spec, "timeouts", "pipeline");
    if (text.isEmpty() && Tekton.V1BETA1.equals(version)) {
      text = Json.text(spec, "timeout");
    }
    return timeoutOf(text);
  }

  /** The tasks a pipeline task runs after, or takes results from. */
  private static Set<String> dependenciesOf(Map<?, ?> taskSpec) {
    Set<String> dependencies = new LinkedHashSet<>();
    for (Object after : Json.list(taskSpec.get("runAfter"))) {
      dependencies.add(Json.str(after));
    }
    List<String> texts = new ArrayList<>();
    collectStrings(taskSpec.get("params"), texts);
    collectStrings(taskSpec.get("matrix"), texts);
    collectStrings(taskSpec.get("when"), texts);
    for (String text : texts) {
      Matcher ref = RESULT_REF.matcher(text);
      while (ref.find()) {
        dependencies.add(ref.group(1));
      }
    }
    return dependencies;
  }

  private static void collectStrings(Object value, List<String> into) {
    if (value instanceof String) {
      into.add((String) value);
    } else if (value instanceof Map) {
      ((Map<?, ?>) value).values().forEach(v -> collectStrings(v, into));
    } else if (value instanceof List) {
      ((List<?>) value).forEach(v -> collectStrings(v, into));
    }
  }

  /** Why the tasks do not form a DAG (an unknown or finally dependency, a cycle), or empty. */
  private static String invalidGraph(Map<String, PipelineTask> resolved) {
    for (PipelineTask task : resolved.values()) {
      for (String dependency : task.dependencies) {
        PipelineTask other = resolved.get(dependency);
        if (other == null || (other.isFinally && !task.isFinally)) {
          return "task " + task.name + " depends on " + dependency + " but " + dependency
              + " wasn't present in Pipeline";
        }
      }
    }
    Map<String, Integer> marks = new HashMap<>();
    for (PipelineTask task : resolved.values()) {
      if (!task.isFinally && cycleFrom(task.name, resolved, marks)) {
        return "cycle detected; task \"" + task.name + "\" is part of a cycle";
      }
    }
    return "";
  }

  private static boolean cycleFrom(String name, Map<String, PipelineTask> resolved, Map<String, Integer> marks) {
    Integer mark = marks.get(name);
    if (mark != null) {
      return mark == 1;
    }
    marks.put(name, 1);
    for (String dependency : resolved.get(name).dependencies) {
      if (!resolved.get(dependency).isFinally && cycleFrom(dependency, resolved, marks)) {
        return true;
      }
    }
    marks.put(name, 2);
    return false;
  }

  // ---- running ----

  @Override
  void started() {
    LOG.debug("simulated Tekton: {} is running {} tasks", describe(), remote ? "unknown" : tasks.size());
    if (remote) {
      condition("Unknown", "Running", "Tasks Completed: 0 (Failed: 0, Cancelled 0), Incomplete: 0, Skipped: 0");
      writeStatus(status(), false);
      if (!script.forever()) {
        if (script.duration().isZero()) {
          remoteDone();
        } else {
          after(script.duration(), this::remoteDone);
        }
      }
      return;
    }
    Duration tasksTimeout = sectionTimeout("tasks");
    if (!tasksTimeout.isZero()) {
      after(tasksTimeout, this::tasksTimedOut);
    }
    advance();
  }

  /** {@code spec.timeouts.<section>}, zero when not set (or 0). */
  private Duration sectionTimeout(String section) {
    String text = cluster.release().isV024() ? "" : Json.text(Json.spec(latest), "timeouts", section);
    return text.isEmpty() ? Duration.ZERO : timeoutOf(text);
  }

  private void remoteDone() {
    if (gone || phase != Phase.RUNNING) {
      return;
    }
    if (script.succeed()) {
      results = scriptResults(new LinkedHashMap<>());
      end("True", "Succeeded", "Tasks Completed: 0 (Failed: 0, Cancelled 0), Skipped: 0");
    } else {
      end("False", script.reason(), script.message());
    }
  }

  /** {@code spec.timeouts.tasks} passed: running tasks are cancelled (and count as failed), no new one starts. */
  private void tasksTimedOut() {
    if (gone || phase != Phase.RUNNING || finallyStarted) {
      return;
    }
    tasksTimedOut = true;
    for (Child child : started) {
      if (!child.task.isFinally && child.state == State.RUNNING) {
        child.cancelledForTimeout = true;
        effect(new CancelChild(child.name, CANCELLED_BY_TIMEOUT));
      }
    }
    advance();
  }

  /** {@code spec.timeouts.finally} passed: running finally tasks are cancelled (and count as failed). */
  private void finallyTimedOut() {
    if (gone || phase != Phase.RUNNING) {
      return;
    }
    finallyTimedOut = true;
    for (Child child : started) {
      if (child.task.isFinally && child.state == State.RUNNING) {
        child.cancelledForTimeout = true;
        effect(new CancelChild(child.name, CANCELLED_BY_TIMEOUT));
      }
    }
    advance();
  }

  /** Starts or skips what can be, then ends the run or reports its progress. */
  private void advance() {
    if (gone || phase != Phase.RUNNING || remote) {
      return;
    }
    try {
      schedule();
    } catch (SimUnsupported e) {
      cancelChildren(false, CANCELLED_BY_PIPELINE);
      end("False", SimUnsupported.REASON, e.getMessage());
      return;
    } catch (InvalidResultReference e) {
      end("False", "InvalidTaskResultReference", e.getMessage());
      return;
    }
    if (phase != Phase.RUNNING) {
      return;
    }
    boolean failed = dagFailed();
    if (tasks.values().stream().allMatch(t -> t.state.done())) {
      complete();
      return;
    }
    String runningReason = stop == Stop.CANCELLED_RUN_FINALLY ? "CancelledRunningFinally"
        : stop == Stop.STOPPED_RUN_FINALLY ? "StoppedRunningFinally" : failed ? "PipelineRunStopping" : "Running";
    condition("Unknown", runningReason, counts(true));
    writeStatus(status(), false);
  }

  private boolean dagFailed() {
    return tasks.values().stream()
        .anyMatch(t -> !t.isFinally && (t.state == State.FAILED || t.state == State.CANCELLED));
  }

  /** A result reference to a task that succeeded without that result: Tekton fails the run. */
  private static final class InvalidResultReference extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidResultReference(String message) {
      super(message, null, false, false);
    }
  }

  private void schedule() {
    boolean changed = true;
    while (changed) {
      changed = false;
      boolean stopping = stop != Stop.NONE || dagFailed();
      for (PipelineTask task : tasks.values()) {
        if (task.isFinally || task.state != State.NOT_STARTED) {
          continue;
        }
        if (stopping) {
          skip(task, stop == Stop.STOPPED_RUN_FINALLY ? SKIP_GRACEFULLY_STOPPED
              : stop == Stop.CANCELLED_RUN_FINALLY ? SKIP_GRACEFULLY_CANCELLED : SKIP_STOPPING);
          changed = true;
          continue;
        }
        if (!task.dependencies.stream().allMatch(d -> tasks.get(d).state.done())) {
          continue;
        }
        changed = true;
        if (task.dependencies.stream().map(tasks::get)
            .anyMatch(p -> p.state == State.SKIPPED && !SKIP_WHEN.equals(p.skipReason))) {
          skip(task, SKIP_PARENT);
        } else if (resultsMissing(task)) {
          skip(task, SKIP_MISSING_RESULTS);
        } else if (!whenAllows(task)) {
          skip(task, SKIP_WHEN);
        } else if (tasksTimedOut) {
          skip(task, SKIP_TASKS_TIMEOUT);
          task.skippedForTimeout = true;
        } else {
          startTask(task);
        }
      }
    }
    boolean dagDone = tasks.values().stream().filter(t -> !t.isFinally).allMatch(t -> t.state.done());
    if (dagDone && !finallyStarted) {
      finallyStarted = true;
      Duration finallyTimeout = sectionTimeout("finally");
      if (!finallyTimeout.isZero() && tasks.values().stream().anyMatch(t -> t.isFinally)) {
        after(finallyTimeout, this::finallyTimedOut);
      }
      for (PipelineTask task : tasks.values()) {
        if (!task.isFinally) {
          continue;
        }
        if (resultsMissing(task)) {
          skip(task, SKIP_MISSING_RESULTS);
        } else if (!whenAllows(task)) {
          skip(task, SKIP_WHEN);
        } else {
          startTask(task);
        }
      }
    }
  }

  private void skip(PipelineTask task, String why) {
    task.state = State.SKIPPED;
    task.skipReason = why;
  }

  /**
   * Whether a result the task consumes is missing because its task was skipped (or, for a finally task, did not
   * succeed or did not write it); a task that succeeded without a result a DAG task consumes fails the run.
   */
  private boolean resultsMissing(PipelineTask task) {
    List<String> texts = new ArrayList<>();
    collectStrings(task.spec.get("params"), texts);
    collectStrings(task.spec.get("matrix"), texts);
    collectStrings(task.spec.get("when"), texts);
    for (String text : texts) {
      Matcher ref = RESULT_NAME_REF.matcher(text);
      while (ref.find()) {
        PipelineTask producer = tasks.get(ref.group(1));
        if (producer == null) {
          continue;
        }
        if (producer.state != State.SUCCEEDED) {
          return true;
        }
        if (!producer.matrixed && producer.result(ref.group(2)) == null) {
          if (task.isFinally) {
            return true;
          }
          throw new InvalidResultReference("Invalid task result reference: Could not find result with name "
              + ref.group(2) + " for task " + producer.name);
        }
      }
    }
    return false;
  }

  /** Evaluates the task's {@code when} expressions (input/operator/values, or CEL), all of which must hold. */
  private boolean whenAllows(PipelineTask task) {
    boolean allows = true;
    List<?> when = Json.list(task.spec.get("when"));
    for (int i = 0; i < when.size(); i++) {
      Map<?, ?> expression = Json.map(when.get(i));
      String where = task.path + ".when[" + i + "]";
      if (expression.get("cel") != null) {
        Object cel = substitute(expression.get("cel"), where + ".cel", task, true);
        if (!(cel instanceof String) || !SimCel.evaluate((String) cel, where + ".cel")) {
          allows = false;
        }
        continue;
      }
      Object input = substitute(expression.get("input"), where + ".input", task, true);
      String operator = Json.text(expression, "operator");
      Object values = substitute(expression.get("values"), where + ".values", task, true);
      if (!(input instanceof String) || !(values instanceof List)
          || !((List<?>) values).stream().allMatch(v -> v instanceof String)) {
        throw new SimUnsupported("the simulator compares strings only: " + where + " has input " + input
            + " and values " + values);
      }
      boolean in = ((List<?>) values).contains(input);
      if ("in".equals(operator)) {
        allows &= in;
      } else if ("notin".equals(operator)) {
        allows &= !in;
      } else {
        throw new SimUnsupported("operator \"" + operator + "\" at " + where
            + ".operator is none of Tekton's (in, notin)");
      }
    }
    return allows;
  }

  /** Creates the task's child TaskRun, or one per matrix combination; skips it if a matrix param is empty. */
  private void startTask(PipelineTask task) {
    if (!task.matrixed) {
      createChild(task, Tekton.childName(name, "-" + task.name), List.of());
      return;
    }
    Map<?, ?> matrix = Json.map(task.spec.get("matrix"));
    Map<String, List<String>> params = new LinkedHashMap<>();
    List<?> declared = Json.list(matrix.get("params"));
    boolean empty = false;
    for (int i = 0; i < declared.size(); i++) {
      String where = task.path + ".matrix.params[" + i + "].value";
      Object value = substitute(Json.at(declared.get(i), "value"), where, task, true);
      if (!(value instanceof List) || !((List<?>) value).stream().allMatch(v -> v instanceof String)) {
        throw new SimUnsupported("the simulator fans out arrays of strings only: " + where + " is " + value);
      }
      List<String> values = new ArrayList<>();
      ((List<?>) value).forEach(v -> values.add((String) v));
      empty |= values.isEmpty();
      params.put(Json.text(declared.get(i), "name"), values);
    }
    if (empty) {
      skip(task, SKIP_EMPTY_MATRIX);
      return;
    }
    List<Map<String, String>> include = new ArrayList<>();
    List<?> includes = Json.list(matrix.get("include"));
    for (int i = 0; i < includes.size(); i++) {
      Map<String, String> combination = new LinkedHashMap<>();
      List<?> includeParams = Json.list(Json.at(includes.get(i), "params"));
      for (int j = 0; j < includeParams.size(); j++) {
        String where = task.path + ".matrix.include[" + i + "].params[" + j + "].value";
        Object value = substitute(Json.at(includeParams.get(j), "value"), where, task, true);
        if (!(value instanceof String)) {
          throw new SimUnsupported("matrix include params are strings: " + where + " is " + value);
        }
        combination.put(Json.text(includeParams.get(j), "name"), (String) value);
      }
      include.add(combination);
    }
    List<Map<String, String>> combinations = SimMatrix.combinations(params, include);
    for (int i = 0; i < combinations.size(); i++) {
      createChild(task, Tekton.childName(name, "-" + task.name + "-" + i), SimMatrix.asParams(combinations.get(i)));
    }
    if (combinations.isEmpty()) {
      skip(task, SKIP_EMPTY_MATRIX);
    }
  }

  private String counts(boolean withIncomplete) {
    int succeeded = 0;
    int failed = 0;
    int cancelled = 0;
    int skipped = 0;
    int incomplete = 0;
    for (PipelineTask task : tasks.values()) {
      switch (task.state) {
        case SUCCEEDED:
          succeeded++;
          break;
        case FAILED:
          failed++;
          break;
        case CANCELLED:
          cancelled++;
          break;
        case SKIPPED:
          skipped++;
          break;
        default:
          incomplete++;
          break;
      }
    }
    return "Tasks Completed: " + (succeeded + failed + cancelled) + " (Failed: " + failed + ", Cancelled "
        + cancelled + "), " + (withIncomplete ? "Incomplete: " + incomplete + ", " : "") + "Skipped: " + skipped;
  }

  private void complete() {
    boolean failed = tasks.values().stream().anyMatch(t -> t.state == State.FAILED || t.skippedForTimeout);
    boolean cancelled = tasks.values().stream().anyMatch(t -> t.state == State.CANCELLED);
    boolean skipped = tasks.values().stream().anyMatch(t -> t.state == State.SKIPPED);
    Map<String, Object> values;
    try {
      values = pipelineResults();
    } catch (SimUnsupported e) {
      end("False", SimUnsupported.REASON, e.getMessage());
      return;
    } catch (InvalidResultReference e) {
      end("False", "CouldntGetPipelineResult", "Failed to get PipelineResult from TaskRun Results for PipelineRun "
          + name + ": " + e.getMessage());
      return;
    }
    results = scriptResults(values);
    if (failed) {
      end("False", "Failed", counts(false));
    } else if (stop != Stop.NONE) {
      end("False", cancelledReason(), cancelledMessage());
    } else if (cancelled) {
      end("False", "Cancelled", counts(false));
    } else {
      end("True", skipped ? "Completed" : "Succeeded", counts(false));
    }
  }

  /**
   * The Pipeline's results, their task results substituted: one that refers to a task that did not succeed is
   * left out; one that refers to a result a succeeded task did not write fails the run (Tekton's
   * {@code CouldntGetPipelineResult}).
   */
  private Map<String, Object> pipelineResults() {
    Map<String, Object> values = new LinkedHashMap<>();
    List<String> invalid = new ArrayList<>();
    List<?> declared = Json.list(pipelineSpec.get("results"));
    for (int i = 0; i < declared.size(); i++) {
      String resultName = Json.text(declared.get(i), "name");
      String where = "spec.results[" + i + "].value";
      Object value = Json.at(declared.get(i), "value");
      List<String> texts = new ArrayList<>();
      collectStrings(value, texts);
      boolean valid = true;
      for (String text : texts) {
        Matcher variable = VARIABLE.matcher(text);
        while (variable.find()) {
          String[] parts = variable.group(1).split("\\.", 4);
          if (parts.length != 4 || !"results".equals(parts[2])
              || !("tasks".equals(parts[0]) || "finally".equals(parts[0])) || !tasks.containsKey(parts[1])) {
            throw new SimUnsupported("the simulator substitutes task results only in a Pipeline's results: "
                + variable.group() + " at " + where);
          }
          PipelineTask producer = tasks.get(parts[1]);
          Matcher indexed = INDEXED.matcher(parts[3]);
          String produced = indexed.matches() ? indexed.group(1) : parts[3];
          if (producer.state != State.SUCCEEDED) {
            valid = false;
          } else if (producer.result(produced) == null) {
            valid = false;
            invalid.add(resultName);
          }
        }
      }
      if (valid && !texts.isEmpty()) {
        values.put(resultName, substitute(value, where, null, true));
      }
    }
    if (!invalid.isEmpty()) {
      throw new InvalidResultReference("invalid pipelineresults [" + String.join(" ", invalid)
          + "], the referenced results don't exist");
    }
    return values;
  }

  private List<Map<String, Object>> scriptResults(Map<String, Object> values) {
    values.putAll(script.results());
    List<Map<String, Object>> list = new ArrayList<>();
    values.forEach((resultName, value) -> {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("name", resultName);
      result.put("value", value);
      list.add(result);
    });
    return list;
  }

  @Override
  void timedOut(Duration timeout) {
    if (gone || (phase != Phase.RUNNING && phase != Phase.WAITING)) {
      return;
    }
    cancelChildren(false, CANCELLED_BY_TIMEOUT);
    end("False", "PipelineRunTimeout", "PipelineRun \"" + name + "\" failed to finish within \""
        + GoDuration.format(timeout) + "\"");
  }

  private void end(String status, String finalReason, String finalMessage) {
    finish(status, finalReason, finalMessage, Instant.now());
  }

  @Override
  Map<String, Object> status() {
    Map<String, Object> status = statusHeader();
    putTimes(status);
    if (!started.isEmpty() && cluster.release().isV024()) {
      // 0.24 reported its children in the taskRuns map (child name → pipeline task and the child's status);
      // childReferences came in 0.35
      Map<String, Object> taskRuns = new LinkedHashMap<>();
      for (Child child : started) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("pipelineTaskName", child.task.name);
        if (!child.status.isEmpty()) {
          entry.put("status", child.status);
        }
        List<Object> when = whenForStatus(child.task);
        if (!when.isEmpty()) {
          entry.put("whenExpressions", when);
        }
        taskRuns.put(child.name, entry);
      }
      status.put("taskRuns", taskRuns);
    } else if (!started.isEmpty()) {
      List<Map<String, Object>> references = new ArrayList<>();
      for (Child child : started) {
        Map<String, Object> reference = new LinkedHashMap<>();
        reference.put("apiVersion", apiVersion);
        reference.put("kind", Tekton.TASK_RUN);
        reference.put("name", child.name);
        reference.put("pipelineTaskName", child.task.name);
        List<Object> when = whenForStatus(child.task);
        if (!when.isEmpty()) {
          reference.put("whenExpressions", when);
        }
        references.add(reference);
      }
      status.put("childReferences", references);
    }
    if (!results.isEmpty()) {
      status.put(Tekton.V1.equals(version) ? "results" : "pipelineResults", results);
    }
    List<Map<String, Object>> skipped = new ArrayList<>();
    for (PipelineTask task : tasks.values()) {
      if (task.state == State.SKIPPED) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", task.name);
        if (!cluster.release().isV024()) {
          entry.put("reason", task.skipReason);   // 0.24's skippedTasks were {name, whenExpressions}
        }
        List<Object> when = whenForStatus(task);
        if (!when.isEmpty() && (!task.isFinally || SKIP_WHEN.equals(task.skipReason))) {
          entry.put("whenExpressions", when);
        }
        skipped.add(entry);
      }
    }
    if (!skipped.isEmpty()) {
      status.put("skippedTasks", skipped);
    }
    if (!pipelineSpec.isEmpty()) {
      status.put("pipelineSpec", Json.copy(pipelineSpec));
    }
    return status;
  }

  /** The task's {@code when} expressions with what can be substituted substituted, as the status shows them. */
  private List<Object> whenForStatus(PipelineTask task) {
    List<Object> when = new ArrayList<>();
    for (Object expression : Json.list(task.spec.get("when"))) {
      when.add(substitute(expression, "", task, false));
    }
    return when;
  }

  // ---- children ----

  private void createChild(PipelineTask task, String childName, List<Object> matrixParams) {
    GenericKubernetesResource resource = childOf(task, childName, matrixParams);
    Child child = new Child(childName, task);
    task.children.add(child);
    task.state = State.RUNNING;
    started.add(child);
    effect(new CreateChild(resource));
  }

  /** Sets {@code spec.status: TaskRunCancelled} on the unfinished children (of the DAG only, if asked). */
  private void cancelChildren(boolean dagOnly, String why) {
    for (Child child : started) {
      if (child.state == State.RUNNING && !(dagOnly && child.task.isFinally)) {
        effect(new CancelChild(child.name, why));
      }
    }
  }

  private GenericKubernetesResource childOf(PipelineTask task, String childName, List<Object> matrixParams) {
    Map<?, ?> spec = Json.spec(latest);
    Map<String, String> labels = new LinkedHashMap<>();
    if (latest.getMetadata().getLabels() != null) {
      labels.putAll(latest.getMetadata().getLabels());
    }
    labels.put(Tekton.LABEL_PIPELINE, pipelineName);
    labels.put(Tekton.LABEL_PIPELINE_RUN, name);
    labels.put(Tekton.LABEL_PIPELINE_RUN_UID, uid);
    labels.put(Tekton.LABEL_PIPELINE_TASK, task.name);
    labels.put(Tekton.LABEL_MEMBER_OF, task.isFinally ? "finally" : "tasks");
    if (!task.lookup.taskName.isEmpty()) {
      labels.put(Tekton.LABEL_TASK, task.lookup.taskName);
      if (task.lookup.clusterTask) {
        labels.put(Tekton.LABEL_CLUSTER_TASK, task.lookup.taskName);
      }
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    if (latest.getMetadata().getAnnotations() != null) {
      annotations.putAll(latest.getMetadata().getAnnotations());
    }
    annotations.remove("kubectl.kubernetes.io/last-applied-configuration");

    Map<String, Object> childSpec = new LinkedHashMap<>();
    if (task.spec.get("taskRef") instanceof Map) {
      childSpec.put("taskRef", Json.copyValue(task.spec.get("taskRef")));
    }
    if (task.spec.get("taskSpec") instanceof Map) {
      childSpec.put("taskSpec", Json.copyValue(task.spec.get("taskSpec")));
    }
    List<Object> params = new ArrayList<>();
    List<?> declared = Json.list(task.spec.get("params"));
    for (int i = 0; i < declared.size(); i++) {
      Map<String, Object> copy = Json.copy(Json.map(declared.get(i)));
      if (copy.get("value") != null) {
        copy.put("value", substitute(copy.get("value"), task.path + ".params[" + i + "].value", task, true));
      }
      params.add(copy);
    }
    params.addAll(matrixParams);
    if (!params.isEmpty()) {
      childSpec.put("params", params);
    }
    List<Object> workspaces = workspacesOf(task, Json.list(spec.get("workspaces")));
    if (!workspaces.isEmpty()) {
      childSpec.put("workspaces", workspaces);
    }
    Map<?, ?> taskRunSpec = Map.of();
    for (Object element : Json.list(spec.get("taskRunSpecs"))) {
      if (task.name.equals(Json.text(element, "pipelineTaskName"))) {
        taskRunSpec = Json.map(element);
      }
    }
    boolean v1 = Tekton.V1.equals(version);
    String serviceAccount = Json.text(taskRunSpec, v1 ? "serviceAccountName" : "taskServiceAccountName");
    if (serviceAccount.isEmpty()) {
      serviceAccount = v1 ? Json.text(spec, "taskRunTemplate", "serviceAccountName")
          : Json.text(spec, "serviceAccountName");
    }
    if (!serviceAccount.isEmpty()) {
      childSpec.put("serviceAccountName", serviceAccount);
    }
    Object podTemplate = taskRunSpec.get(v1 ? "podTemplate" : "taskPodTemplate");
    if (!(podTemplate instanceof Map)) {
      podTemplate = v1 ? Json.at(spec, "taskRunTemplate", "podTemplate") : spec.get("podTemplate");
    }
    if (podTemplate instanceof Map) {
      childSpec.put("podTemplate", Json.copyValue(podTemplate));
    }
    String timeout = Json.text(task.spec, "timeout");
    if (!timeout.isEmpty()) {
      childSpec.put("timeout", timeout);
    }
    long retries = Json.number(task.spec.get("retries"));
    if (retries > 0) {
      childSpec.put("retries", retries);
    }
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(apiVersion).withKind(Tekton.TASK_RUN)
        .withNewMetadata().withName(childName).withNamespace(namespace)
        .withLabels(labels).withAnnotations(annotations)
        .addNewOwnerReference().withApiVersion(apiVersion).withKind(Tekton.PIPELINE_RUN).withName(name)
        .withUid(uid).withController(true).withBlockOwnerDeletion(true).endOwnerReference()
        .endMetadata()
        .addToAdditionalProperties("spec", childSpec)
        .build();
  }

  /** The pipeline task's workspaces, bound to what the PipelineRun binds the pipeline workspaces to. */
  private static List<Object> workspacesOf(PipelineTask task, List<?> bindings) {
    List<Object> result = new ArrayList<>();
    for (Object workspace : Json.list(task.spec.get("workspaces"))) {
      String taskWorkspace = Json.text(workspace, "name");
      String pipelineWorkspace = Json.text(workspace, "workspace");
      if (pipelineWorkspace.isEmpty()) {
        pipelineWorkspace = taskWorkspace;
      }
      for (Object binding : bindings) {
        if (pipelineWorkspace.equals(Json.text(binding, "name"))) {
          Map<String, Object> copy = Json.copy(Json.map(binding));
          copy.put("name", taskWorkspace);
          String subPath = Json.text(workspace, "subPath");
          if (!subPath.isEmpty()) {
            String outer = Json.text(binding, "subPath");
            copy.put("subPath", outer.isEmpty() ? subPath : outer + "/" + subPath);
          }
          result.add(copy);
          break;
        }
      }
    }
    return result;
  }

  // ---- variables ----

  /**
   * Replaces the variables Tekton substitutes in a Pipeline ({@code $(params.x)}, {@code $(params.x[*])},
   * {@code $(params.x[i])}, {@code $(params.o.key)}, {@code $(tasks.t.results.r)} and its {@code [*]}/{@code [i]}
   * forms, {@code $(tasks.t.status)}, {@code $(tasks.t.reason)} and {@code $(tasks.status)} in finally tasks,
   * {@code $(context.pipelineRun.name|namespace|uid)}, {@code $(context.pipeline.name)},
   * {@code $(context.pipelineTask.retries)}, {@code $(workspaces.w.bound)}). A string that is one whole-array or
   * object reference becomes that value; in a list, an array is spliced in. Other variables (such as
   * {@code $(context.taskRun.name)}) are left to the TaskRun.
   *
   * @param strict whether a pipeline variable the simulator cannot substitute throws {@link SimUnsupported}
   *     (else it is left as it is)
   */
  private Object substitute(Object value, String where, PipelineTask task, boolean strict) {
    if (value instanceof String) {
      String text = (String) value;
      Matcher variable = VARIABLE.matcher(text);
      if (variable.matches()) {
        Object whole = resolve(variable.group(1), task, where, strict);
        if (whole instanceof List || whole instanceof Map) {
          return Json.copyValue(whole);
        }
        variable.reset();
      }
      StringBuilder out = new StringBuilder();
      while (variable.find()) {
        Object resolved = resolve(variable.group(1), task, where, strict);
        if (resolved != null && !(resolved instanceof String)) {
          if (strict) {
            throw new SimUnsupported("an array or object in a string: " + variable.group() + " at " + where);
          }
          resolved = null;
        }
        variable.appendReplacement(out, Matcher.quoteReplacement(
            resolved == null ? variable.group() : (String) resolved));
      }
      variable.appendTail(out);
      return out.toString();
    }
    if (value instanceof List) {
      List<Object> copy = new ArrayList<>();
      List<?> list = (List<?>) value;
      for (int i = 0; i < list.size(); i++) {
        Object element = list.get(i);
        Object substituted = substitute(element, where + "[" + i + "]", task, strict);
        if (element instanceof String && substituted instanceof List) {
          copy.addAll((List<?>) substituted);
        } else {
          copy.add(substituted);
        }
      }
      return copy;
    }
    if (value instanceof Map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      ((Map<?, ?>) value).forEach((k, v) -> copy.put(String.valueOf(k),
          substitute(v, where + "." + k, task, strict)));
      return copy;
    }
    return value;
  }

  /** A variable's value (a string, list or map), or {@code null} when unknown; see {@link #substitute}. */
  private Object resolve(String expression, PipelineTask task, String where, boolean strict) {
    Object value;
    try {
      value = lookup(expression, task);
    } catch (SimUnsupported e) {
      if (strict) {
        throw e;
      }
      value = null;
    }
    if (value == null && strict && PIPELINE_VARIABLES.stream().anyMatch(expression::startsWith)) {
      throw new SimUnsupported("the simulator cannot substitute $(" + expression + ") at " + where);
    }
    return value;
  }

  private Object lookup(String expression, PipelineTask task) {
    if (expression.startsWith("finally.")) {
      // a Pipeline's results read a finally task's results as $(finally.t.results.r): read as a task's
      String[] parts = expression.split("\\.", 4);
      PipelineTask finallyTask = parts.length == 4 ? tasks.get(parts[1]) : null;
      if (finallyTask == null || !finallyTask.isFinally || !"results".equals(parts[2])) {
        return null;
      }
      return lookup("tasks." + expression.substring("finally.".length()), null);
    }
    if (expression.startsWith("params.")) {
      String rest = expression.substring("params.".length());
      Matcher indexed = INDEXED.matcher(rest);
      Map<String, Object> params = params();
      if (indexed.matches()) {
        Object array = params.get(indexed.group(1));
        return element(array, indexed.group(2));
      }
      if (params.containsKey(rest)) {
        return params.get(rest);
      }
      int dot = rest.indexOf('.');
      return dot < 0 ? null : Json.map(params.get(rest.substring(0, dot))).get(rest.substring(dot + 1));
    }
    if (expression.startsWith("tasks.")) {
      String[] parts = expression.split("\\.", 4);
      if (parts.length == 2 && "status".equals(parts[1]) && task != null && task.isFinally) {
        return aggregateStatus();
      }
      PipelineTask other = parts.length >= 3 ? tasks.get(parts[1]) : null;
      if (other == null) {
        return null;
      }
      if (parts.length == 3 && task != null && task.isFinally && !other.isFinally) {
        if ("status".equals(parts[2])) {
          return other.state == State.SUCCEEDED ? "Succeeded"
              : other.state == State.FAILED || other.state == State.CANCELLED ? "Failed" : "None";
        }
        return null;
      }
      if (parts.length != 4 || !"results".equals(parts[2])) {
        return null;
      }
      Matcher indexed = INDEXED.matcher(parts[3]);
      if (other.matrixed) {
        if (!indexed.matches() || !"*".equals(indexed.group(2))) {
          throw new SimUnsupported("a matrixed task's results are read whole, as $(tasks." + other.name
              + ".results.<name>[*]): $(" + expression + ")");
        }
        return other.result(indexed.group(1));
      }
      if (indexed.matches()) {
        return element(other.result(indexed.group(1)), indexed.group(2));
      }
      Object result = other.result(parts[3]);
      if (result == null && parts[3].contains(".")) {
        int dot = parts[3].indexOf('.');
        return Json.map(other.result(parts[3].substring(0, dot))).get(parts[3].substring(dot + 1));
      }
      return result;
    }
    if (expression.startsWith("workspaces.") && expression.endsWith(".bound")) {
      String workspace = expression.substring("workspaces.".length(), expression.length() - ".bound".length());
      boolean declared = Json.list(pipelineSpec.get("workspaces")).stream()
          .anyMatch(w -> workspace.equals(Json.text(w, "name")));
      if (!declared) {
        return null;
      }
      return String.valueOf(Json.list(Json.spec(latest).get("workspaces")).stream()
          .anyMatch(w -> workspace.equals(Json.text(w, "name"))));
    }
    switch (expression) {
      case "context.pipelineRun.name":
        return name;
      case "context.pipelineRun.namespace":
        return namespace;
      case "context.pipelineRun.uid":
        return uid;
      case "context.pipeline.name":
        return pipelineName;
      case "context.pipelineTask.retries":
        return task == null ? null : String.valueOf(Json.number(task.spec.get("retries")));
      default:
        return null;
    }
  }

  private static Object element(Object array, String index) {
    if (!(array instanceof List)) {
      return null;
    }
    if ("*".equals(index)) {
      return array;
    }
    int i = Integer.parseInt(index);
    return i < ((List<?>) array).size() ? ((List<?>) array).get(i) : null;
  }

  /** {@code $(tasks.status)}: Failed, Completed (some skipped), Succeeded, or None before the DAG is done. */
  private String aggregateStatus() {
    List<PipelineTask> dag = tasks.values().stream().filter(t -> !t.isFinally).toList();
    if (!dag.stream().allMatch(t -> t.state.done())) {
      return "None";
    }
    if (dag.stream().anyMatch(t -> t.state == State.FAILED || t.state == State.CANCELLED)) {
      return "Failed";
    }
    return dag.stream().anyMatch(t -> t.state == State.SKIPPED) ? "Completed" : "Succeeded";
  }

  /** The PipelineRun's params over the Pipeline's defaults. */
  private Map<String, Object> params() {
    Map<String, Object> params = new HashMap<>();
    for (Object param : Json.list(pipelineSpec.get("params"))) {
      Object value = Json.at(param, "default");
      if (value != null) {
        params.put(Json.text(param, "name"), value);
      }
    }
    for (Object param : Json.list(Json.spec(latest).get("params"))) {
      params.put(Json.text(param, "name"), Json.at(param, "value"));
    }
    return params;
  }

  // ---- effects on children ----

  private final class CreateChild implements Effect {
    private final GenericKubernetesResource child;

    CreateChild(GenericKubernetesResource child) {
      this.child = child;
    }

    @Override
    public void apply(KubernetesClient client) {
      try {
        client.genericKubernetesResources(Tekton.taskRuns(version)).inNamespace(namespace).resource(child).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        LOG.debug("simulated Tekton: {}: TaskRun {} exists already", describe(), child.getMetadata().getName());
      }
    }
  }

  private final class CancelChild implements Effect {
    private final String child;
    private final String why;

    CancelChild(String child, String why) {
      this.child = child;
      this.why = why;
    }

    @Override
    public void apply(KubernetesClient client) {
      String patch = client.getKubernetesSerialization().asJson(List.of(
          Map.of("op", "add", "path", "/spec/status", "value", "TaskRunCancelled"),
          Map.of("op", "add", "path", "/spec/statusMessage", "value", why)));
      client.genericKubernetesResources(Tekton.taskRuns(version)).inNamespace(namespace).withName(child)
          .patch(PatchContext.of(PatchType.JSON), patch);
    }
  }

  private final class DeleteChild implements Effect {
    private final String child;

    DeleteChild(String child) {
      this.child = child;
    }

    @Override
    public void apply(KubernetesClient client) {
      GenericKubernetesResource taskRun = client.genericKubernetesResources(Tekton.taskRuns(version))
          .inNamespace(namespace).withName(child).get();
      if (taskRun != null && taskRun.getMetadata().getOwnerReferences().stream()
          .anyMatch(o -> uid.equals(o.getUid()))) {
        client.genericKubernetesResources(Tekton.taskRuns(version)).inNamespace(namespace).withName(child).delete();
      }
    }
  }
}
