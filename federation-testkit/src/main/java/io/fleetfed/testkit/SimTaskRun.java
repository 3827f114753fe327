package io.fleetfed.testkit;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fleetfed.tekton.GoDuration;
import io.fleetfed.testkit.internal.PodLogs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TaskRun as the Tekton controller runs it: pending while {@code spec.status} is {@code TaskRunPending}, its
 * Task resolved (or {@code TaskRunResolutionFailed}), Pending for the script's start delay, Started, a pod
 * {@code <name>-pod} with one container per step and Running, then Succeeded or failed as scripted; cancelled
 * ({@code TaskRunCancelled}) or timed out ({@code TaskRunTimeout}, counted from when it was picked up) on the
 * way, which deletes the pod.
 */
final class SimTaskRun extends SimRun {

  private static final String DEFAULT_IMAGE = "busybox";

  /** One step: its name in the Task and its image. */
  private record Step(String name, String image) {
    String container() {
      return "step-" + name;
    }
  }

  private final String firstPodName;
  private String podName;
  private RunScript script = RunScript.succeeds();
  private SimCluster.TaskLookup task;
  private List<Step> steps = List.of();
  private boolean podCreated;
  private List<Map<String, Object>> stepStates = List.of();
  /** The results written, as {@code status.results} lists them. */
  private List<Map<String, Object>> results = List.of();
  private int retries;
  private Duration timeout = DEFAULT_TIMEOUT;
  /** The failed attempts before this one, as {@code status.retriesStatus} lists them. */
  private final List<Map<String, Object>> retriesStatus = new ArrayList<>();

  SimTaskRun(SimCluster cluster, GenericKubernetesResource first) {
    super(cluster, Tekton.TASK_RUN, first);
    this.latest = first;
    this.firstPodName = Tekton.childName(name, "-pod");
    this.podName = firstPodName;
  }

  @Override
  void onDeleted() {
    super.onDeleted();
    cancelTimeout();
    phase = Phase.DONE;
    if (podCreated) {
      cleanup(new DeletePod(podName)); // the garbage collector deletes the pods the TaskRun owns
      for (int i = 0; i < retriesStatus.size(); i++) {
        cleanup(new DeletePod(i == 0 ? firstPodName : firstPodName + "-retry" + i));
      }
    }
  }

  @Override
  boolean cancelsBeforeStart(String specStatus) {
    return "TaskRunCancelled".equals(specStatus);
  }

  @Override
  void cancel(String specStatus) {
    String extra = Json.text(Json.spec(latest), "statusMessage");
    end("TaskRunCancelled", "TaskRun \"" + name + "\" was cancelled" + (extra.isEmpty() ? "" : ". " + extra));
  }

  @Override
  void progress(String specStatus) {
    if (cancelsBeforeStart(specStatus)) {   // a TaskRun is cancelled the same way whenever it is
      cancel(specStatus);
    } else {
      writeStatus(status(), false);
    }
  }

  @Override
  void resolve() {
    Map<?, ?> spec = Json.spec(latest);
    SimCluster.TaskLookup lookup;
    try {
      lookup = cluster.lookupTask(namespace, version, Json.map(spec.get("taskRef")), spec.get("taskSpec"));
    } catch (KubernetesClientException e) {
      if (isTransient(e)) {
        retryLater();
        return;
      }
      end("TaskRunResolutionFailed", String.valueOf(e.getMessage()));
      return;
    } catch (IllegalStateException e) {
      return; // the sandbox is closed
    }
    task = lookup;
    if (!lookup.missing.isEmpty()) {
      end("TaskRunResolutionFailed", lookup.missing);
      return;
    }
    String lacking = taskLacks(lookup.spec, lookup.taskName.isEmpty() ? "spec.taskSpec" : "the Task");
    if (!lacking.isEmpty()) {
      end(SimUnsupported.REASON, lacking);
      return;
    }
    script = simulator.taskRunScript(name, lookup.taskName);
    steps = stepsOf(lookup.spec, script);
    List<?> declaredSteps = Json.list(lookup.spec.get("steps"));
    for (int i = 0; i < declaredSteps.size(); i++) {
      if (Json.at(declaredSteps.get(i), "when") != null) {
        end(SimUnsupported.REASON, "the simulator does not evaluate a step's when expressions (spec.steps[" + i
            + "].when of the Task)");
        return;
      }
    }
    // a TaskRun's spec.retries came after 0.24, which ignores the field; a PipelineRun's child still gets its
    // pipeline task's retries, as 0.24's PipelineRun controller retried them
    boolean ownRetries = !cluster.release().isV024() || latest.getMetadata().getOwnerReferences().stream()
        .anyMatch(owner -> Tekton.PIPELINE_RUN.equals(owner.getKind()));
    retries = ownRetries ? Math.max(0, (int) Json.number(spec.get("retries"))) : 0;
    timeout = timeoutOf(Json.text(spec, "timeout"));
    scheduleStart(timeout, script.startDelay(), true);
  }

  private static List<Step> stepsOf(Map<?, ?> taskSpec, RunScript script) {
    List<Step> result = new ArrayList<>();
    List<?> declared = Json.list(taskSpec.get("steps"));
    for (int i = 0; i < declared.size(); i++) {
      String stepName = Json.text(declared.get(i), "name");
      String image = Json.text(declared.get(i), "image");
      result.add(new Step(stepName.isEmpty() ? "unnamed-" + i : stepName, image.isEmpty() ? DEFAULT_IMAGE : image));
    }
    if (result.isEmpty()) {
      script.logs().keySet().forEach(step -> result.add(new Step(step, DEFAULT_IMAGE)));
    }
    if (result.isEmpty()) {
      result.add(new Step("unnamed-0", DEFAULT_IMAGE));
    }
    return List.copyOf(result);
  }

  @Override
  void started() {
    podCreated = true;
    effect(new CreatePod(pod()));
    List<Map<String, Object>> running = new ArrayList<>();
    for (Step step : steps) {
      Map<String, Object> state = stepHeader(step);
      state.put("running", Map.of("startedAt", Json.time(startTime)));
      running.add(state);
    }
    stepStates = running;
    condition("Unknown", "Running", "Not all Steps in the Task have finished executing");
    writeStatus(status(), false);
    LOG.debug("simulated Tekton: {} is running with script {}", describe(), script);
    if (!script.forever()) {
      if (script.duration().isZero()) {
        complete();
      } else {
        after(script.duration(), this::complete);
      }
    }
  }

  private void complete() {
    if (gone || phase != Phase.RUNNING) {
      return;
    }
    Instant now = Instant.now();
    boolean attemptFails = retriesStatus.size() < script.failedAttempts();
    boolean succeed = script.succeed() && !attemptFails;
    List<Map<String, Object>> written = List.of();
    String unsupported = "";
    if (succeed) {
      try {
        written = resultsOnSuccess();
      } catch (SimUnsupported e) {
        unsupported = e.getMessage();
        succeed = false;
      }
    }
    List<Map<String, Object>> terminated = new ArrayList<>();
    List<Integer> exitCodes = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      boolean failedStep = !succeed && i == steps.size() - 1;
      terminated.add(terminatedStep(steps.get(i), failedStep ? 1 : 0, failedStep ? "Error" : "Completed", now));
      exitCodes.add(failedStep ? 1 : 0);
    }
    stepStates = terminated;
    effect(new PatchPodStatus(podName, finishedPodStatus(succeed ? "Succeeded" : "Failed", exitCodes, now)));
    if (succeed) {
      results = written;
      finish("True", "Succeeded", "All Steps have completed executing", now);
    } else if (!unsupported.isEmpty()) {
      finish("False", SimUnsupported.REASON, unsupported, now);
    } else if (attemptFails) {
      failAttempt("Failed", "attempt " + (retriesStatus.size() + 1) + " failed as scripted", now);
    } else {
      failAttempt(script.reason(), script.message(), now);
    }
  }

  /** Ends a failed attempt: tried again while retries are left, else the run fails. */
  private void failAttempt(String failureReason, String failureMessage, Instant now) {
    if (retriesStatus.size() >= retries) {
      finish("False", failureReason, failureMessage, now);
      return;
    }
    condition("False", failureReason, failureMessage);
    completionTime = now;
    Map<String, Object> attempt = status();
    attempt.remove("retriesStatus");
    attempt.remove("taskSpec");
    retriesStatus.add(attempt);
    LOG.debug("simulated Tekton: {} failed attempt {} ({}); retrying", describe(), retriesStatus.size(),
        failureReason);
    cancelTimeout();
    completionTime = null;
    startTime = Instant.now();
    podName = firstPodName + "-retry" + retriesStatus.size();
    stepStates = List.of();
    condition("Unknown", "ToBeRetried", failureMessage);
    writeStatus(status(), false);
    int attemptNumber = retriesStatus.size();
    if (!timeout.isZero()) {
      timeoutTimer = after(timeout, () -> {
        if (retriesStatus.size() == attemptNumber) {
          timedOut(timeout);
        }
      });
    }
    started();
  }

  /** The results of a successful attempt: the script's, else the literal the steps write; in declared order. */
  private List<Map<String, Object>> resultsOnSuccess() {
    Map<String, String> params = new LinkedHashMap<>();
    for (Object param : Json.list(task.spec.get("params"))) {
      Object value = Json.at(param, "default");
      if (value instanceof String) {
        params.put(Json.text(param, "name"), (String) value);
      }
    }
    for (Object param : Json.list(Json.spec(latest).get("params"))) {
      Object value = Json.at(param, "value");
      if (value instanceof String) {
        params.put(Json.text(param, "name"), (String) value);
      }
    }
    Map<String, String> scripted = new LinkedHashMap<>(script.results());
    List<Map<String, Object>> list = new ArrayList<>();
    List<?> declared = Json.list(task.spec.get("results"));
    for (int i = 0; i < declared.size(); i++) {
      String resultName = Json.text(declared.get(i), "name");
      String type = Json.text(declared.get(i), "type");
      // 0.24's results were strings, with no type: it ignores the field
      type = type.isEmpty() || cluster.release().isV024() ? "string" : type;
      String text = scripted.remove(resultName);
      if (text == null) {
        SimStepResults.Value value = SimStepResults.of(Json.list(task.spec.get("steps")), resultName, params);
        if (!value.written()) {
          continue; // not produced: only an error for whoever consumes it
        }
        if (!value.known()) {
          throw new SimUnsupported("the simulator cannot tell what " + value.step() + " writes to result \""
              + resultName + "\" (spec.results[" + i + "] of the Task); script it with RunScript.withResults");
        }
        text = value.text();
      }
      list.add(result(resultName, type, text, "spec.results[" + i + "]"));
    }
    scripted.forEach((resultName, text) -> list.add(result(resultName, "string", text, "")));
    return list;
  }

  private Map<String, Object> result(String resultName, String type, String text, String where) {
    Object value = text;
    if (!"string".equals(type)) {
      try {
        value = cluster.client().getKubernetesSerialization().unmarshal(text, Object.class);
      } catch (RuntimeException e) {
        value = null;
      }
      if (!("array".equals(type) ? value instanceof List : value instanceof Map)) {
        throw new SimUnsupported("result \"" + resultName + "\" (" + where + " of the Task) is of type " + type
            + " but its value is no JSON " + type + ": " + text);
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("name", resultName);
    if (!cluster.release().isV024()) {
      result.put("type", type);   // 0.24's taskResults were {name, value}
    }
    result.put("value", value);
    return result;
  }

  @Override
  void timedOut(Duration timeout) {
    if (gone || phase == Phase.DONE || phase == Phase.SPEC_PENDING || phase == Phase.NEW) {
      return;
    }
    String why = "TaskRun \"" + name + "\" failed to finish within \"" + GoDuration.format(timeout) + "\"";
    if (phase == Phase.RUNNING && retriesStatus.size() < retries) {
      Instant now = Instant.now();
      List<Map<String, Object>> stopped = new ArrayList<>();
      for (Step step : steps) {
        stopped.add(terminatedStep(step, 1, "TaskRunTimeout", now));
      }
      stepStates = stopped;
      effect(new DeletePod(podName));
      failAttempt("TaskRunTimeout", why, now);
      return;
    }
    end("TaskRunTimeout", why);
  }

  /** Ends the run as failed by the controller (cancelled, timed out, unresolvable): steps stopped, pod deleted. */
  private void end(String failureReason, String failureMessage) {
    Instant now = Instant.now();
    if (phase == Phase.RUNNING) {
      List<Map<String, Object>> stopped = new ArrayList<>();
      for (Step step : steps) {
        stopped.add(terminatedStep(step, 1, failureReason, now));
      }
      stepStates = stopped;
    }
    if (podCreated) {
      effect(new DeletePod(podName));
    }
    finish("False", failureReason, failureMessage, now);
  }

  @Override
  Map<String, Object> status() {
    Map<String, Object> status = statusHeader();
    if (podCreated) {
      status.put("podName", podName);
    }
    putTimes(status);
    if (!stepStates.isEmpty()) {
      status.put("steps", stepStates);
    }
    if (!results.isEmpty()) {
      status.put(Tekton.V1.equals(version) ? "results" : "taskResults", results);
    }
    if (!retriesStatus.isEmpty()) {
      status.put("retriesStatus", List.copyOf(retriesStatus));
    }
    if (task != null && !task.spec.isEmpty()) {
      status.put("taskSpec", Json.copy(task.spec));
    }
    return status;
  }

  private static Map<String, Object> stepHeader(Step step) {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("name", step.name());
    state.put("container", step.container());
    state.put("imageID", step.image());
    return state;
  }

  private Map<String, Object> terminatedStep(Step step, int exitCode, String why, Instant now) {
    Map<String, Object> state = stepHeader(step);
    Map<String, Object> terminated = new LinkedHashMap<>();
    terminated.put("exitCode", exitCode);
    terminated.put("reason", why);
    terminated.put("startedAt", Json.time(startTime == null ? now : startTime));
    terminated.put("finishedAt", Json.time(now));
    state.put("terminated", terminated);
    state.put("terminationReason", why);
    return state;
  }

  // ---- the pod ----

  private Pod pod() {
    Map<String, String> labels = new LinkedHashMap<>();
    if (latest.getMetadata().getLabels() != null) {
      labels.putAll(latest.getMetadata().getLabels());
    }
    labels.put(Tekton.LABEL_MANAGED_BY, "tekton-pipelines");
    if (!task.taskName.isEmpty()) {
      labels.put(Tekton.LABEL_TASK, task.taskName);
      if (task.clusterTask) {
        labels.put(Tekton.LABEL_CLUSTER_TASK, task.taskName);
      }
    }
    labels.put(Tekton.LABEL_TASK_RUN, name);
    labels.put(Tekton.LABEL_TASK_RUN_UID, uid);
    String serviceAccount = Json.text(Json.spec(latest), "serviceAccountName");
    List<Container> containers = new ArrayList<>();
    List<ContainerStatus> statuses = new ArrayList<>();
    for (Step step : steps) {
      containers.add(new ContainerBuilder().withName(step.container()).withImage(step.image())
          .withCommand("/tekton/bin/entrypoint").build());
      statuses.add(new ContainerStatusBuilder().withName(step.container()).withImage(step.image())
          .withImageID(step.image()).withReady(true).withStarted(true).withRestartCount(0)
          .withNewState().withNewRunning().withStartedAt(Json.time(startTime)).endRunning().endState()
          .build());
    }
    return new PodBuilder()
        .withNewMetadata().withName(podName).withNamespace(namespace).withLabels(labels)
        .addNewOwnerReference().withApiVersion(apiVersion).withKind(Tekton.TASK_RUN).withName(name).withUid(uid)
        .withController(true).withBlockOwnerDeletion(true).endOwnerReference()
        .endMetadata()
        .withNewSpec().withRestartPolicy("Never")
        .withServiceAccountName(serviceAccount.isEmpty() ? "default" : serviceAccount)
        .withContainers(containers).endSpec()
        .withStatus(new PodStatusBuilder().withPhase("Running").withStartTime(Json.time(startTime))
            .withConditions(podConditions("True", null))
            .withContainerStatuses(statuses).build())
        .build();
  }

  private List<PodCondition> podConditions(String ready, String readyReason) {
    String time = Json.time(startTime);
    return List.of(
        new PodConditionBuilder().withType("Initialized").withStatus("True").withLastTransitionTime(time).build(),
        new PodConditionBuilder().withType("Ready").withStatus(ready).withReason(readyReason)
            .withLastTransitionTime(time).build(),
        new PodConditionBuilder().withType("ContainersReady").withStatus(ready).withReason(readyReason)
            .withLastTransitionTime(time).build(),
        new PodConditionBuilder().withType("PodScheduled").withStatus("True").withLastTransitionTime(time).build());
  }

  private PodStatus finishedPodStatus(String podPhase, List<Integer> exitCodes, Instant now) {
    List<ContainerStatus> statuses = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      int exitCode = exitCodes.get(i);
      statuses.add(new ContainerStatusBuilder().withName(step.container()).withImage(step.image())
          .withImageID(step.image()).withReady(false).withStarted(false).withRestartCount(0)
          .withNewState().withNewTerminated().withExitCode(exitCode)
          .withReason(exitCode == 0 ? "Completed" : "Error")
          .withStartedAt(Json.time(startTime)).withFinishedAt(Json.time(now)).endTerminated().endState()
          .build());
    }
    return new PodStatusBuilder().withPhase(podPhase).withStartTime(Json.time(startTime))
        .withConditions(podConditions("False", "PodCompleted"))
        .withContainerStatuses(statuses).build();
  }

  /** How long a pod refused for want of its ServiceAccount is tried again before the run fails. */
  private static final Duration SERVICE_ACCOUNT_WAIT = Duration.ofSeconds(15);

  /** Whether this run owns {@code pod} (a TaskRun deleted and created again under the same name has its own). */
  private boolean owns(Pod pod) {
    return pod != null && pod.getMetadata().getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid()));
  }

  /**
   * Writes {@code status} to the pod through its status subresource, as the kubelet does: a JSON patch setting each
   * of its fields (lists replaced whole), without a resourceVersion (it cannot conflict, and never touches the spec,
   * which a real server keeps immutable), keeping what the server set itself (such as {@code qosClass}).
   */
  private void writePodStatus(KubernetesClient client, String pod, PodStatus status) {
    Map<?, ?> fields = client.getKubernetesSerialization().unmarshal(
        client.getKubernetesSerialization().asJson(status), Map.class);
    List<Map<String, Object>> ops = new ArrayList<>();
    fields.forEach((field, value) -> ops.add(Map.of("op", "add", "path", "/status/" + field, "value", value)));
    client.pods().inNamespace(namespace).withName(pod).subresource("status")
        .patch(PatchContext.of(PatchType.JSON), client.getKubernetesSerialization().asJson(ops));
  }

  /** Whether the pod's stored status holds every field of {@code status}. */
  private static boolean hasStatus(KubernetesClient client, Pod pod, PodStatus status) {
    return pod != null && holds(client, pod.getStatus(), status);
  }

  /**
   * Creates the run's pod, then (where the server does not keep the status of a created pod, as a real one does
   * not) writes its running status through the status subresource. A pod of that name this run owns already (an
   * earlier attempt that took effect) is taken as created; one another run left is deleted first. A refusal for
   * want of the pod's ServiceAccount (which the sandbox creates in a new namespace shortly after it) is retried
   * for a while, then fails the run {@code PodCreationFailed} as Tekton does.
   */
  private final class CreatePod implements Effect {
    private final Pod pod;
    private final String podName;
    private long firstRefused;

    CreatePod(Pod pod) {
      this.pod = pod;
      this.podName = pod.getMetadata().getName();
    }

    @Override
    public void apply(KubernetesClient client) {
      PodLogs logs = cluster.podLogs();
      logs.clear(namespace, podName);
      for (Step step : steps) {
        logs.append(namespace, podName, step.container(), script.log(step.name())
            .orElse("step " + step.name() + " of taskrun " + name + " on " + cluster.name() + "\n"));
      }
      Pod stored;
      try {
        stored = client.pods().inNamespace(namespace).resource(pod).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 403 && isServiceAccountMissing(e)) {
          refused(e);
          return;
        }
        if (e.getCode() != 409) {
          throw e;
        }
        stored = client.pods().inNamespace(namespace).withName(podName).get();
        if (stored == null) {
          throw new RetryShortly("pod " + podName + " existed, but is gone now");
        }
        if (!owns(stored)) {
          LOG.debug("simulated Tekton: {}: deleting the stale pod {} another run left", describe(), podName);
          client.pods().inNamespace(namespace).withName(podName).withGracePeriod(0).delete();
          throw new RetryShortly("a stale pod " + podName + " was in the way");
        }
      }
      if (!hasStatus(client, stored, pod.getStatus())) {
        writePodStatus(client, podName, pod.getStatus());
      }
    }

    private boolean isServiceAccountMissing(KubernetesClientException e) {
      String text = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
      return text.contains("serviceaccount") && text.contains("not found");
    }

    private void refused(KubernetesClientException e) {
      long now = System.nanoTime();
      if (firstRefused == 0) {
        firstRefused = now;
      }
      if (now - firstRefused < SERVICE_ACCOUNT_WAIT.toNanos()) {
        throw new RetryShortly(e.getMessage());
      }
      LOG.warn("simulated Tekton: {}: the pod's ServiceAccount does not exist: {}", describe(), e.getMessage());
      if (gone || phase != Phase.RUNNING || !podName.equals(SimTaskRun.this.podName)) {
        return; // the run moved on meanwhile (cancelled, timed out, another attempt)
      }
      podCreated = false;
      end("PodCreationFailed", "failed to create task run pod \"" + name + "\": " + e.getMessage()
          + ". Maybe missing or invalid Task " + namespace + "/" + (task == null ? "" : task.taskName));
    }
  }

  /**
   * Writes the pod's final status through its status subresource. After an attempt of unknown outcome, the pod is
   * read first: a status already stored is not written again.
   */
  private final class PatchPodStatus implements Effect {
    private final String podName;
    private final PodStatus status;
    private boolean uncertain;

    PatchPodStatus(String podName, PodStatus status) {
      this.podName = podName;
      this.status = status;
    }

    @Override
    public void uncertain() {
      uncertain = true;
    }

    @Override
    public void apply(KubernetesClient client) {
      if (uncertain) {
        Pod stored = client.pods().inNamespace(namespace).withName(podName).get();
        if (stored == null || !owns(stored)) {
          throw new KubernetesClientException("pod " + namespace + "/" + podName + " is gone", 404, null);
        }
        if (hasStatus(client, stored, status)) {
          uncertain = false;
          return;
        }
      }
      writePodStatus(client, podName, status);
      uncertain = false;
    }
  }

  /**
   * Deletes the pod if this run owns it (a TaskRun deleted and created again under the same name has its own pod),
   * and forgets its logs.
   */
  private final class DeletePod implements Effect {
    private final String podName;

    DeletePod(String podName) {
      this.podName = podName;
    }

    @Override
    public void apply(KubernetesClient client) {
      Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
      if (!owns(pod)) {
        return;
      }
      client.pods().inNamespace(namespace).withName(podName).delete();
      cluster.podLogs().clear(namespace, podName);
    }
  }
}
