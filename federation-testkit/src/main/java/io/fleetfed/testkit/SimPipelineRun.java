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
  private static final Pattern WHOLE_ARRAY = Pattern.compile("^\\$\\(params\\.([^()\\[\\]]+)\\[\\*\\]\\)$");
  private static final Pattern RESULT_REF = Pattern.compile("\\$\\(tasks\\.([^.()]+)\\.results\\.");
  private static final String CANCELLED_BY_PIPELINE =
      "TaskRun cancelled as the PipelineRun it belongs to has been cancelled.";
  private static final String CANCELLED_BY_TIMEOUT =
      "TaskRun cancelled as the PipelineRun it belongs to has timed out.";

  private enum Stop { NONE, CANCELLED_RUN_FINALLY, STOPPED_RUN_FINALLY }

  private enum State {
    NOT_STARTED, RUNNING, SUCCEEDED, FAILED, CANCELLED, SKIPPED;

    boolean done() {
      return this != NOT_STARTED && this != RUNNING;
    }
  }

  /** One pipeline task and its child TaskRun. */
  private static final class PipelineTask {
    final String name;
    final Map<?, ?> spec;
    final boolean isFinally;
    final Set<String> dependencies;
    final SimCluster.TaskLookup lookup;
    String child = "";
    State state = State.NOT_STARTED;
    Map<String, Object> results = Map.of();
    String skipReason = "";

    PipelineTask(String name, Map<?, ?> spec, boolean isFinally, Set<String> dependencies,
        SimCluster.TaskLookup lookup) {
      this.name = name;
      this.spec = spec;
      this.isFinally = isFinally;
      this.dependencies = dependencies;
      this.lookup = lookup;
    }
  }

  private RunScript script = RunScript.succeeds();
  private String pipelineName = "";
  private Map<?, ?> pipelineSpec = Map.of();
  private boolean remote;
  private final Map<String, PipelineTask> tasks = new LinkedHashMap<>();
  private final List<PipelineTask> started = new ArrayList<>();
  private Stop stop = Stop.NONE;
  private boolean finallyStarted;
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
    for (PipelineTask task : started) {
      cleanup(new DeleteChild(task.child)); // the garbage collector deletes the TaskRuns the PipelineRun owns
    }
  }

  @Override
  void onChild(GenericKubernetesResource child) {
    if (gone || phase != Phase.RUNNING) {
      return;
    }
    String childName = child.getMetadata().getName();
    for (PipelineTask task : started) {
      if (task.child.equals(childName) && !task.state.done()) {
        String succeeded = Json.succeeded(child);
        if ("True".equals(succeeded)) {
          task.state = State.SUCCEEDED;
          task.results = resultsOf(child);
        } else if ("False".equals(succeeded)) {
          task.state = "TaskRunCancelled".equals(Json.succeededReason(child)) ? State.CANCELLED : State.FAILED;
        } else {
          return;
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

  @Override
  void cancel(String specStatus) {
    end("False", "Cancelled", cancelledMessage());
  }

  @Override
  void progress(String specStatus) {
    boolean cancelled = "Cancelled".equals(specStatus) || "PipelineRunCancelled".equals(specStatus);
    if (cancelled) {
      cancelChildren(false, CANCELLED_BY_PIPELINE);
      end("False", "Cancelled", cancelledMessage());
      return;
    }
    if ("CancelledRunFinally".equals(specStatus) && stop != Stop.CANCELLED_RUN_FINALLY) {
      stop = Stop.CANCELLED_RUN_FINALLY;
      cancelChildren(true, CANCELLED_BY_PIPELINE);
    } else if ("StoppedRunFinally".equals(specStatus) && stop == Stop.NONE) {
      stop = Stop.STOPPED_RUN_FINALLY;
    }
    if (phase == Phase.WAITING && stop != Stop.NONE) {
      end("False", "Cancelled", cancelledMessage());
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
          pipeline = cluster.get(Tekton.pipelines(Tekton.otherVersion(version)), namespace, pipelineName);
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
        for (Object element : Json.list(pipelineSpec.get(section))) {
          Map<?, ?> taskSpec = Json.map(element);
          String taskName = Json.text(taskSpec, "name");
          SimCluster.TaskLookup lookup = cluster.lookupTask(namespace, version, Json.map(taskSpec.get("taskRef")),
              taskSpec.get("taskSpec"));
          if (!lookup.missing.isEmpty()) {
            end("False", "CouldntGetTask", "Pipeline " + namespace + "/" + pipelineName
                + " can't be Run; it contains Tasks that don't exist: Couldn't retrieve Task \"" + lookup.taskName
                + "\": " + lookup.missing);
            return;
          }
          resolved.put(taskName, new PipelineTask(taskName, taskSpec, section.equals("finally"),
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

  private Duration timeout() {
    Map<?, ?> spec = Json.spec(latest);
    String text = Json.text(spec, "timeouts", "pipeline");
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
    advance();
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

  /** Starts what can start, then ends the run or reports its progress. */
  private void advance() {
    if (gone || phase != Phase.RUNNING || remote) {
      return;
    }
    boolean failed = tasks.values().stream()
        .anyMatch(t -> !t.isFinally && (t.state == State.FAILED || t.state == State.CANCELLED));
    boolean stopping = stop != Stop.NONE || failed;
    if (!stopping) {
      for (PipelineTask task : tasks.values()) {
        if (!task.isFinally && task.state == State.NOT_STARTED && task.dependencies.stream()
            .allMatch(d -> tasks.get(d).state == State.SUCCEEDED)) {
          createChild(task);
        }
      }
    }
    boolean dagDone = tasks.values().stream().filter(t -> !t.isFinally)
        .allMatch(t -> t.state.done() || (stopping && t.state == State.NOT_STARTED));
    if (dagDone && !finallyStarted) {
      finallyStarted = true;
      String skipReason = stop == Stop.STOPPED_RUN_FINALLY ? "PipelineRun was gracefully stopped"
          : stop == Stop.CANCELLED_RUN_FINALLY ? "PipelineRun was gracefully cancelled" : "PipelineRun was stopping";
      for (PipelineTask task : tasks.values()) {
        if (!task.isFinally && task.state == State.NOT_STARTED) {
          task.state = State.SKIPPED;
          task.skipReason = skipReason;
        }
      }
      for (PipelineTask task : tasks.values()) {
        if (task.isFinally) {
          createChild(task);
        }
      }
    }
    if (dagDone && tasks.values().stream().allMatch(t -> t.state.done())) {
      complete();
      return;
    }
    String runningReason = stop == Stop.CANCELLED_RUN_FINALLY ? "CancelledRunningFinally"
        : stop == Stop.STOPPED_RUN_FINALLY ? "StoppedRunningFinally" : failed ? "PipelineRunStopping" : "Running";
    condition("Unknown", runningReason, counts(true));
    writeStatus(status(), false);
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
    boolean failed = tasks.values().stream().anyMatch(t -> t.state == State.FAILED);
    boolean cancelled = tasks.values().stream().anyMatch(t -> t.state == State.CANCELLED);
    boolean skipped = tasks.values().stream().anyMatch(t -> t.state == State.SKIPPED);
    if (failed) {
      end("False", "Failed", counts(false));
    } else if (stop != Stop.NONE || cancelled) {
      end("False", "Cancelled", cancelledMessage());
    } else {
      Map<String, Object> values = new LinkedHashMap<>();
      for (Object result : Json.list(pipelineSpec.get("results"))) {
        Object value = substitute(Json.at(result, "value"));
        if (!containsVariable(value)) {
          values.put(Json.text(result, "name"), value);
        }
      }
      results = scriptResults(values);
      end("True", skipped ? "Completed" : "Succeeded", counts(false));
    }
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
    if (!started.isEmpty()) {
      List<Map<String, Object>> references = new ArrayList<>();
      for (PipelineTask task : started) {
        Map<String, Object> reference = new LinkedHashMap<>();
        reference.put("apiVersion", apiVersion);
        reference.put("kind", Tekton.TASK_RUN);
        reference.put("name", task.child);
        reference.put("pipelineTaskName", task.name);
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
        skipped.add(Map.of("name", task.name, "reason", task.skipReason));
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

  // ---- children ----

  private void createChild(PipelineTask task) {
    task.child = Tekton.childName(name, "-" + task.name);
    task.state = State.RUNNING;
    started.add(task);
    effect(new CreateChild(childOf(task)));
  }

  /** Sets {@code spec.status: TaskRunCancelled} on the unfinished children (of the DAG only, if asked). */
  private void cancelChildren(boolean dagOnly, String why) {
    for (PipelineTask task : started) {
      if (task.state == State.RUNNING && !(dagOnly && task.isFinally)) {
        effect(new CancelChild(task.child, why));
      }
    }
  }

  private GenericKubernetesResource childOf(PipelineTask task) {
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
    for (Object param : Json.list(task.spec.get("params"))) {
      Map<String, Object> copy = Json.copy(Json.map(param));
      if (copy.get("value") != null) {
        copy.put("value", substitute(copy.get("value")));
      }
      params.add(copy);
    }
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
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(apiVersion).withKind(Tekton.TASK_RUN)
        .withNewMetadata().withName(task.child).withNamespace(namespace)
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

  /** Replaces the {@code $(params.x)}, {@code $(tasks.t.results.r)} and {@code $(context...)} it can resolve. */
  private Object substitute(Object value) {
    if (value instanceof String) {
      String text = (String) value;
      Matcher whole = WHOLE_ARRAY.matcher(text);
      if (whole.matches() && params().get(whole.group(1)) instanceof List) {
        return Json.copyValue(params().get(whole.group(1)));
      }
      Matcher variable = VARIABLE.matcher(text);
      StringBuilder out = new StringBuilder();
      while (variable.find()) {
        Object resolved = resolve(variable.group(1));
        variable.appendReplacement(out, Matcher.quoteReplacement(
            resolved instanceof String ? (String) resolved : variable.group()));
      }
      variable.appendTail(out);
      return out.toString();
    }
    if (value instanceof List) {
      List<Object> copy = new ArrayList<>();
      for (Object element : (List<?>) value) {
        Object substituted = substitute(element);
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
      ((Map<?, ?>) value).forEach((k, v) -> copy.put(String.valueOf(k), substitute(v)));
      return copy;
    }
    return value;
  }

  private Object resolve(String expression) {
    if (expression.startsWith("params.")) {
      return params().get(expression.substring("params.".length()));
    }
    if (expression.startsWith("tasks.")) {
      String[] parts = expression.split("\\.", 4);
      PipelineTask task = parts.length == 4 && "results".equals(parts[2]) ? tasks.get(parts[1]) : null;
      return task == null ? null : task.results.get(parts[3]);
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
      default:
        return null;
    }
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

  private static boolean containsVariable(Object value) {
    List<String> texts = new ArrayList<>();
    collectStrings(value, texts);
    return value == null || texts.stream().anyMatch(text -> VARIABLE.matcher(text).find());
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
