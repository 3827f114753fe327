package io.fleetfed.tekton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.Violation;
import io.fleetfed.core.model.ResourceType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The two run kinds: recognising, validating and reading them. */
final class RunKind {
  static final String TASK_RUN = "TaskRun";
  static final String PIPELINE_RUN = "PipelineRun";
  private static final Set<String> VERSIONS = Set.of("tekton.dev/v1", "tekton.dev/v1beta1");
  /** {@code PipelineRunCancelled} is the reason of Tekton before v0.25, still found on old clusters. */
  private static final Set<String> CANCELLED = Set.of("TaskRunCancelled", "Cancelled", "PipelineRunCancelled",
      "RunCancelled");
  private static final Set<String> TIMED_OUT = Set.of("TaskRunTimeout", "PipelineRunTimeout");
  private static final Set<String> NOT_STARTED = Set.of("Pending", "TaskRunPending", "PipelineRunPending",
      "ResolvingTaskRef", "ResolvingPipelineRef", "ResolvingStepActionRef", "ExceededNodeResources",
      "ExceededResourceQuota");

  private RunKind() {}

  static boolean isRun(JsonNode o) {
    String kind = o.path("kind").asText();
    return VERSIONS.contains(o.path("apiVersion").asText()) && (kind.equals(TASK_RUN) || kind.equals(PIPELINE_RUN));
  }

  static String namespace(JsonNode run) {
    String ns = run.path("metadata").path("namespace").asText();
    return ns.isEmpty() ? "default" : ns;
  }

  static String describe(JsonNode run) {
    String name = run.path("metadata").path("name").asText();
    if (name.isEmpty()) {
      name = run.path("metadata").path("generateName").asText() + "*";
    }
    return run.path("kind").asText("run") + " " + namespace(run) + "/" + name;
  }

  static boolean isV1(JsonNode run) {
    return run.path("apiVersion").asText().equals("tekton.dev/v1");
  }

  static ResourceType type(JsonNode run) {
    ResourceType base = run.path("kind").asText().equals(TASK_RUN) ? TektonTypes.TASK_RUN : TektonTypes.PIPELINE_RUN;
    return base.withVersion(isV1(run) ? "v1" : "v1beta1");
  }

  static void validate(String source, ObjectNode run, List<Violation> problems) {
    String what = describe(run);
    if (!isRun(run)) {
      problems.add(new Violation(Optional.of(source), Optional.of(what), Optional.of("kind"),
          "must be a TaskRun or PipelineRun of apiVersion tekton.dev/v1 or tekton.dev/v1beta1, not "
              + run.path("apiVersion").asText("(no apiVersion)") + " " + run.path("kind").asText("(no kind)")));
      return;
    }
    JsonNode meta = run.path("metadata");
    String name = meta.path("name").asText();
    String generate = meta.path("generateName").asText();
    if (name.isEmpty() && generate.isEmpty()) {
      problems.add(new Violation(Optional.of(source), Optional.of(what), Optional.of("metadata.name"),
          "is required (or metadata.generateName)"));
    }
    if (!name.isEmpty() && !name.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
      problems.add(new Violation(Optional.of(source), Optional.of(what), Optional.of("metadata.name"),
          "\"" + name + "\" is not a valid Kubernetes name (lower-case letters, digits, '-' and '.')"));
    }
    if (name.isEmpty() && !generate.isEmpty() && !generate.matches("[a-z0-9][-a-z0-9.]{0,200}")) {
      problems.add(new Violation(Optional.of(source), Optional.of(what), Optional.of("metadata.generateName"),
          "\"" + generate + "\" is not a valid name prefix"));
    }
    if (!run.path("spec").isObject()) {
      problems.add(new Violation(Optional.of(source), Optional.of(what), Optional.of("spec"), "is required"));
    }
    String managedBy = run.path("spec").path("managedBy").asText();
    if (!managedBy.isEmpty() && !managedBy.equals("tekton.dev/pipeline")) {
      problems.add(new Violation(Optional.of(source), Optional.of(what), Optional.of("spec.managedBy"),
          "is \"" + managedBy + "\": the member's Tekton would ignore the run"));
    }
  }

  /**
   * The {@code spec.status} value that cancels a run of {@code kind} on a member whose Tekton serves PipelineRuns at
   * {@code v1} ({@code modern}) or not: a PipelineRun is {@code Cancelled} on the first, {@code PipelineRunCancelled}
   * on releases that serve {@code v1beta1} at most (0.24's webhook accepts only that; the later v1beta1-only
   * releases take both).
   */
  static String cancelValue(String kind, boolean modern) {
    return kind.equals(TASK_RUN) ? "TaskRunCancelled" : modern ? "Cancelled" : "PipelineRunCancelled";
  }

  /** The phase of a run (or child TaskRun) from its status. */
  static RunPhase phase(JsonNode status) {
    JsonNode c = succeeded(status);
    if (c.isMissingNode()) {
      return status.hasNonNull("startTime") ? RunPhase.RUNNING : RunPhase.PENDING;
    }
    String reason = c.path("reason").asText();
    switch (c.path("status").asText()) {
      case "True":
        return RunPhase.SUCCEEDED;
      case "False":
        if (CANCELLED.contains(reason)) {
          return RunPhase.CANCELLED;
        }
        return TIMED_OUT.contains(reason) ? RunPhase.TIMED_OUT : RunPhase.FAILED;
      default:
        return NOT_STARTED.contains(reason) && !status.hasNonNull("startTime") ? RunPhase.PENDING : RunPhase.RUNNING;
    }
  }

  static JsonNode succeeded(JsonNode status) {
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals("Succeeded")) {
        return c;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  static Optional<Instant> time(JsonNode status, String field) {
    String text = status.path(field).asText();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  static Map<String, String> results(JsonNode status) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String field : List.of("results", "taskResults", "pipelineResults")) {
      for (JsonNode r : status.path(field)) {
        JsonNode v = r.path("value");
        out.put(r.path("name").asText(), v.isTextual() ? v.asText() : v.toString());
      }
    }
    return out;
  }

  static List<StepStatus> steps(JsonNode status) {
    List<StepStatus> steps = new ArrayList<>();
    for (JsonNode s : status.path("steps")) {
      String name = s.path("name").asText();
      String container = s.path("container").asText("step-" + name);
      JsonNode t = s.path("terminated");
      steps.add(new StepStatus(name, container.isEmpty() ? "step-" + name : container,
          t.has("exitCode") ? Optional.of(t.path("exitCode").asInt()) : Optional.empty(),
          t.hasNonNull("reason") ? Optional.of(t.path("reason").asText()) : Optional.empty()));
    }
    return steps;
  }

  static Optional<String> text(JsonNode node) {
    return node.isTextual() && !node.asText().isEmpty() ? Optional.of(node.asText()) : Optional.empty();
  }

  static ChildRunStatus child(JsonNode taskRun) {
    JsonNode status = taskRun.path("status");
    JsonNode c = succeeded(status);
    JsonNode meta = taskRun.path("metadata");
    return new ChildRunStatus(meta.path("labels").path("tekton.dev/pipelineTask").asText(),
        meta.path("name").asText(), phase(status), c.path("reason").asText(), c.path("message").asText(),
        time(status, "startTime"), time(status, "completionTime"), text(status.path("podName")), steps(status));
  }
}
