package io.fleetfed.tekton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.kubefed.ConversionException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One conversion of {@link TektonConversions}: walks a copy of the object and edits it in place into the target
 * version, keeping the path of each node so that a refusal names the field ({@code spec.steps[2].ports}).
 */
final class ConversionWalk {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Container fields a v1beta1 Step had (deprecated) and a v1 Step does not. */
  private static final String[] STEP_ONLY_V1BETA1 = {"ports", "livenessProbe", "readinessProbe", "startupProbe",
      "lifecycle", "terminationMessagePath", "terminationMessagePolicy", "stdin", "stdinOnce", "tty"};

  private final ObjectNode source;
  private final String toVersion;
  private final boolean toV1;

  ConversionWalk(ObjectNode source, String toVersion) {
    this.source = source;
    this.toVersion = toVersion;
    this.toV1 = toVersion.equals(TektonConversions.V1);
  }

  /** Converts {@code out}, a copy of the source whose apiVersion is set already, in place. */
  void convert(ObjectNode out, String kind) {
    ObjectNode spec = object(out, "spec");
    ObjectNode status = object(out, "status");
    switch (kind) {
      case "Task" -> {
        if (spec != null) {
          taskSpec(spec, "spec");
        }
      }
      case "Pipeline" -> {
        if (spec != null) {
          pipelineSpec(spec, "spec");
        }
      }
      case "TaskRun" -> {
        if (spec != null) {
          taskRunSpec(spec, "spec");
        }
        if (status != null) {
          taskRunStatus(status, "status");
        }
      }
      case "PipelineRun" -> {
        if (spec != null) {
          pipelineRunSpec(spec, "spec");
        }
        if (status != null) {
          pipelineRunStatus(status, "status");
        }
      }
      default -> throw new IllegalStateException("not a converted kind: " + kind);
    }
  }

  // ---- Task and Pipeline specs -------------------------------------------------------------------------------

  private void taskSpec(ObjectNode spec, String path) {
    onlyInV1beta1(spec, path, "resources", "inputs", "outputs");
    forEach(spec, "steps", path, this::step);
    ObjectNode template = object(spec, "stepTemplate");
    if (template != null) {
      String at = path + ".stepTemplate";
      onlyInV1beta1(template, at, STEP_ONLY_V1BETA1);
      onlyInV1beta1(template, at, "name");
      computeResources(template, at);
    }
    forEach(spec, "sidecars", path, this::computeResources);
  }

  private void step(ObjectNode step, String path) {
    onlyInV1beta1(step, path, STEP_ONLY_V1BETA1);
    computeResources(step, path);
  }

  /** v1beta1 {@code resources} of a container ↔ v1 {@code computeResources}. */
  private void computeResources(ObjectNode container, String path) {
    rename(container, path, "resources", "computeResources");
  }

  private void pipelineSpec(ObjectNode spec, String path) {
    onlyInV1beta1(spec, path, "resources");
    forEach(spec, "tasks", path, this::pipelineTask);
    forEach(spec, "finally", path, this::pipelineTask);
  }

  private void pipelineTask(ObjectNode task, String path) {
    onlyInV1beta1(task, path, "resources", "conditions");
    ObjectNode taskRef = object(task, "taskRef");
    if (taskRef != null) {
      ref(taskRef, path + ".taskRef", "Task");
    }
    ObjectNode taskSpec = object(task, "taskSpec");
    if (taskSpec != null) {
      taskSpec(taskSpec, path + ".taskSpec");
    }
    ObjectNode pipelineRef = object(task, "pipelineRef");
    if (pipelineRef != null) {
      ref(pipelineRef, path + ".pipelineRef", "Pipeline");
    }
    ObjectNode pipelineSpec = object(task, "pipelineSpec");
    if (pipelineSpec != null) {
      pipelineSpec(pipelineSpec, path + ".pipelineSpec");
    }
  }

  /**
   * A {@code taskRef} or {@code pipelineRef}: v1beta1's {@code bundle} becomes the {@code bundles} resolver in v1.
   * The other way the resolver ref stays, as in Tekton (v1beta1 has resolver refs, and no longer accepts bundle).
   */
  private void ref(ObjectNode ref, String path, String defaultKind) {
    JsonNode bundle = ref.get("bundle");
    if (!toV1 || isEmpty(bundle)) {
      if (toV1) {
        ref.remove("bundle");
      }
      return;
    }
    for (String resolverField : List.of("resolver", "params")) {
      if (!isEmpty(ref.get(resolverField))) {
        throw refuse(path + ".bundle", "is set together with " + path + "." + resolverField
            + ", and v1 has only the resolver");
      }
    }
    String kind = ref.path("kind").asText("");
    ArrayNode params = NODES.arrayNode();
    params.add(param("bundle", bundle.asText()));
    params.add(param("name", ref.path("name").asText("")));
    params.add(param("kind", kind.isEmpty() ? defaultKind : kind));
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    ref.properties().forEach(e -> {
      switch (e.getKey()) {
        case "bundle" -> {
          fields.put("resolver", NODES.textNode("bundles"));
          fields.put("params", params);
        }
        case "name", "kind", "resolver", "params" -> { }
        default -> fields.put(e.getKey(), e.getValue());
      }
    });
    ref.removeAll();
    ref.setAll(fields);
  }

  private static ObjectNode param(String name, String value) {
    ObjectNode param = NODES.objectNode();
    param.put("name", name);
    param.put("value", value);
    return param;
  }

  // ---- runs' specs -------------------------------------------------------------------------------------------

  private void taskRunSpec(ObjectNode spec, String path) {
    onlyInV1beta1(spec, path, "resources", "inputs", "outputs");
    ObjectNode taskRef = object(spec, "taskRef");
    if (taskRef != null) {
      ref(taskRef, path + ".taskRef", "Task");
    }
    ObjectNode taskSpec = object(spec, "taskSpec");
    if (taskSpec != null) {
      taskSpec(taskSpec, path + ".taskSpec");
    }
    stepAndSidecarSpecs(spec, path);
  }

  /** v1beta1 {@code stepOverrides}/{@code sidecarOverrides} ↔ v1 {@code stepSpecs}/{@code sidecarSpecs}. */
  private void stepAndSidecarSpecs(ObjectNode spec, String path) {
    rename(spec, path, "stepOverrides", "stepSpecs");
    rename(spec, path, "sidecarOverrides", "sidecarSpecs");
    forEach(spec, toV1 ? "stepSpecs" : "stepOverrides", path, this::computeResources);
    forEach(spec, toV1 ? "sidecarSpecs" : "sidecarOverrides", path, this::computeResources);
  }

  private void pipelineRunSpec(ObjectNode spec, String path) {
    onlyInV1beta1(spec, path, "resources");
    ObjectNode pipelineRef = object(spec, "pipelineRef");
    if (pipelineRef != null) {
      ref(pipelineRef, path + ".pipelineRef", "Pipeline");
    }
    ObjectNode pipelineSpec = object(spec, "pipelineSpec");
    if (pipelineSpec != null) {
      pipelineSpec(pipelineSpec, path + ".pipelineSpec");
    }
    if (toV1) {
      timeoutToTimeouts(spec, path);
      intoTaskRunTemplate(spec, path);
    } else {
      pipelineTimeoutToTimeout(spec);
      outOfTaskRunTemplate(spec, path);
    }
    forEach(spec, "taskRunSpecs", path, (taskRunSpec, at) -> {
      rename(taskRunSpec, at, "taskServiceAccountName", "serviceAccountName");
      rename(taskRunSpec, at, "taskPodTemplate", "podTemplate");
      stepAndSidecarSpecs(taskRunSpec, at);
    });
  }

  /** v1beta1 {@code timeout} → v1 {@code timeouts.pipeline}; with {@code timeouts} too, as Tekton, refused. */
  private void timeoutToTimeouts(ObjectNode spec, String path) {
    JsonNode timeout = spec.get("timeout");
    if (isEmpty(timeout)) {
      spec.remove("timeout");
      return;
    }
    if (!isEmpty(spec.get("timeouts"))) {
      throw refuse(path + ".timeout", "is set together with " + path + ".timeouts, which Tekton refuses");
    }
    ObjectNode timeouts = NODES.objectNode();
    timeouts.set("pipeline", timeout);
    replaceField(spec, "timeout", "timeouts", timeouts);
  }

  /**
   * v1 {@code timeouts} holding only {@code pipeline} → v1beta1 {@code timeout}: the same limit, in the field every
   * v1beta1 release knows (releases before 0.25, such as the scenario's 0.24, have no {@code timeouts} and would
   * ignore it, running the default hour instead). With {@code tasks} or {@code finally} it stays {@code timeouts},
   * which only v1beta1 of later releases has.
   */
  private static void pipelineTimeoutToTimeout(ObjectNode spec) {
    if (spec.get("timeouts") instanceof ObjectNode timeouts && timeouts.size() == 1
        && !isEmpty(timeouts.get("pipeline"))) {
      replaceField(spec, "timeouts", "timeout", timeouts.get("pipeline"));
    }
  }

  /** v1beta1 {@code serviceAccountName} and {@code podTemplate} → v1 {@code taskRunTemplate}. */
  private void intoTaskRunTemplate(ObjectNode spec, String path) {
    ObjectNode template = NODES.objectNode();
    String first = null;
    for (String field : List.of("serviceAccountName", "podTemplate")) {
      JsonNode value = spec.get(field);
      if (!isEmpty(value)) {
        template.set(field, value);
        first = first == null ? field : first;
      } else {
        spec.remove(field);
      }
    }
    if (first == null) {
      return;
    }
    if (!isEmpty(spec.get("taskRunTemplate"))) {
      throw refuse(path + "." + first, "is set together with " + path + ".taskRunTemplate, its name in v1");
    }
    replaceField(spec, first, "taskRunTemplate", template);
    spec.remove(List.of("serviceAccountName", "podTemplate"));
  }

  /** v1 {@code taskRunTemplate} → v1beta1 {@code serviceAccountName} and {@code podTemplate}. */
  private void outOfTaskRunTemplate(ObjectNode spec, String path) {
    JsonNode node = spec.get("taskRunTemplate");
    if (!(node instanceof ObjectNode template) || template.isEmpty()) {
      spec.remove("taskRunTemplate");
      return;
    }
    String at = path + ".taskRunTemplate";
    Map<String, JsonNode> lifted = new LinkedHashMap<>();
    template.properties().forEach(e -> {
      if (isEmpty(e.getValue())) {
        return;
      }
      if (!e.getKey().equals("serviceAccountName") && !e.getKey().equals("podTemplate")) {
        throw refuse(at + "." + e.getKey(), "has no equivalent in " + toVersion);
      }
      if (!isEmpty(spec.get(e.getKey()))) {
        throw refuse(at + "." + e.getKey(), "is set together with " + path + "." + e.getKey()
            + ", its name in " + toVersion);
      }
      lifted.put(e.getKey(), e.getValue());
    });
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    spec.properties().forEach(e -> {
      if (e.getKey().equals("taskRunTemplate")) {
        fields.putAll(lifted);
      } else {
        fields.put(e.getKey(), e.getValue());
      }
    });
    spec.removeAll();
    spec.setAll(fields);
  }

  // ---- runs' statuses ----------------------------------------------------------------------------------------

  private void taskRunStatus(ObjectNode status, String path) {
    onlyInV1beta1(status, path, "cloudEvents", "resourcesResult");
    onlyInV1(status, path, "artifacts");
    rename(status, path, "taskResults", "results");
    provenance(status, path);
    forEach(status, "steps", path, (step, at) -> {
      provenance(step, at);
      terminationReason(step, at);
    });
    ObjectNode taskSpec = object(status, "taskSpec");
    if (taskSpec != null) {
      taskSpec(taskSpec, path + ".taskSpec");
    }
    forEach(status, "retriesStatus", path, this::taskRunStatus);
  }

  /** v1's {@code terminationReason} of a step is, from v1beta1, its container's {@code terminated.reason}. */
  private void terminationReason(ObjectNode step, String path) {
    JsonNode reason = step.path("terminated").get("reason");
    JsonNode terminationReason = step.get("terminationReason");
    if (toV1) {
      if (isEmpty(terminationReason) && reason != null && reason.isTextual() && !reason.asText().isEmpty()) {
        step.set("terminationReason", reason);
      }
    } else if (!isEmpty(terminationReason) && !terminationReason.equals(reason)) {
      throw refuse(path + ".terminationReason", "has no equivalent in " + toVersion + " (it is not "
          + path + ".terminated.reason)");
    } else {
      step.remove("terminationReason");
    }
  }

  /** v1beta1's {@code configSource} of a provenance is v1's {@code refSource}. */
  private void provenance(ObjectNode holder, String path) {
    ObjectNode provenance = object(holder, "provenance");
    if (provenance == null || !toV1) {
      return;
    }
    String at = path + ".provenance";
    JsonNode configSource = provenance.get("configSource");
    JsonNode refSource = provenance.get("refSource");
    if (isEmpty(configSource)) {
      provenance.remove("configSource");
    } else if (isEmpty(refSource)) {
      provenance.remove("refSource");
      rename(provenance, at, "configSource", "refSource");
    } else if (configSource.equals(refSource)) {
      provenance.remove("configSource");
    } else {
      throw refuse(at + ".configSource", "differs from " + at + ".refSource, and v1 has only refSource");
    }
  }

  private void pipelineRunStatus(ObjectNode status, String path) {
    rename(status, path, "pipelineResults", "results");
    provenance(status, path);
    ObjectNode pipelineSpec = object(status, "pipelineSpec");
    if (pipelineSpec != null) {
      pipelineSpec(pipelineSpec, path + ".pipelineSpec");
    }
    if (toV1) {
      childReferences(status, path);
    }
  }

  /**
   * v1beta1's {@code taskRuns} and {@code runs} maps (child name → pipelineTaskName, status, whenExpressions) become
   * {@code childReferences}, after those the status lists already; the embedded child status is the child's own.
   */
  private void childReferences(ObjectNode status, String path) {
    JsonNode taskRuns = status.get("taskRuns");
    JsonNode runs = status.get("runs");
    if (isEmpty(taskRuns) && isEmpty(runs)) {
      status.remove(List.of("taskRuns", "runs"));
      return;
    }
    JsonNode existing = status.get("childReferences");
    ArrayNode references;
    if (existing instanceof ArrayNode array) {
      references = array;
    } else if (isEmpty(existing)) {
      references = NODES.arrayNode();
    } else {
      throw refuse(path + ".childReferences", "is not a list");
    }
    Set<String> listed = new HashSet<>();
    references.forEach(r -> listed.add(r.path("kind").asText() + "/" + r.path("name").asText()));
    addReferences(references, listed, taskRuns, path + ".taskRuns", "tekton.dev/v1beta1", "TaskRun");
    addReferences(references, listed, runs, path + ".runs", "tekton.dev/v1alpha1", "Run");
    status.remove(List.of("taskRuns", "runs"));
    status.set("childReferences", references);
  }

  private void addReferences(ArrayNode references, Set<String> listed, JsonNode children, String path,
      String apiVersion, String kind) {
    if (isEmpty(children)) {
      return;
    }
    if (!children.isObject()) {
      throw refuse(path, "is not a map of child names");
    }
    for (Map.Entry<String, JsonNode> child : children.properties()) {
      if (!listed.add(kind + "/" + child.getKey())) {
        continue;
      }
      ObjectNode reference = references.addObject();
      reference.put("apiVersion", apiVersion);
      reference.put("kind", kind);
      reference.put("name", child.getKey());
      JsonNode pipelineTaskName = child.getValue().get("pipelineTaskName");
      if (!isEmpty(pipelineTaskName)) {
        reference.set("pipelineTaskName", pipelineTaskName);
      }
      JsonNode when = child.getValue().get("whenExpressions");
      if (!isEmpty(when)) {
        reference.set("whenExpressions", when);
      }
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------------------

  /** Refuses the fields going to v1 (they exist in v1beta1 only); drops them when they hold nothing. */
  private void onlyInV1beta1(ObjectNode node, String path, String... fields) {
    if (toV1) {
      refuseAny(node, path, fields);
    }
  }

  /** Refuses the fields going to v1beta1 (they exist in v1 only); drops them when they hold nothing. */
  private void onlyInV1(ObjectNode node, String path, String... fields) {
    if (!toV1) {
      refuseAny(node, path, fields);
    }
  }

  private void refuseAny(ObjectNode node, String path, String... fields) {
    for (String field : fields) {
      JsonNode value = node.get(field);
      if (isEmpty(value)) {
        node.remove(field);
      } else {
        throw refuse(path + "." + field, "has no equivalent in " + toVersion);
      }
    }
  }

  /**
   * Renames {@code v1beta1Name} to {@code v1Name} (or back, going to v1beta1) where it stands, refusing when the
   * object holds both names.
   */
  private void rename(ObjectNode node, String path, String v1beta1Name, String v1Name) {
    String from = toV1 ? v1beta1Name : v1Name;
    String to = toV1 ? v1Name : v1beta1Name;
    JsonNode value = node.get(from);
    if (value == null) {
      return;
    }
    if (!isEmpty(node.get(to))) {
      if (isEmpty(value)) {
        node.remove(from);
        return;
      }
      throw refuse(path + "." + from, "is set together with " + path + "." + to + ", its name in " + toVersion);
    }
    replaceField(node, from, to, value);
  }

  /** Replaces the field {@code from} by {@code to} with {@code value}, at the same place in the field order. */
  private static void replaceField(ObjectNode node, String from, String to, JsonNode value) {
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    node.properties().forEach(e -> {
      if (e.getKey().equals(from)) {
        fields.put(to, value);
      } else if (!e.getKey().equals(to)) {
        fields.put(e.getKey(), e.getValue());
      }
    });
    node.removeAll();
    node.setAll(fields);
  }

  private interface Visit {
    void accept(ObjectNode element, String path);
  }

  /** Visits the objects of the list {@code field} of {@code node}, as {@code path.field[i]}. */
  private static void forEach(ObjectNode node, String field, String path, Visit visit) {
    JsonNode list = node.get(field);
    if (list == null || !list.isArray()) {
      return;
    }
    List<JsonNode> elements = new ArrayList<>();
    list.forEach(elements::add);
    for (int i = 0; i < elements.size(); i++) {
      if (elements.get(i) instanceof ObjectNode element) {
        visit.accept(element, path + "." + field + "[" + i + "]");
      }
    }
  }

  private static ObjectNode object(ObjectNode node, String field) {
    return node.get(field) instanceof ObjectNode object ? object : null;
  }

  /** Null, missing, {@code ""}, {@code {}} or {@code []}: holds nothing (what Go's {@code omitempty} leaves out). */
  private static boolean isEmpty(JsonNode value) {
    return value == null || value.isNull() || value.isMissingNode() || (value.isContainerNode() && value.isEmpty())
        || (value.isTextual() && value.asText().isEmpty());
  }

  private ConversionException refuse(String field, String reason) {
    return new ConversionException(source, toVersion, field, reason);
  }
}
