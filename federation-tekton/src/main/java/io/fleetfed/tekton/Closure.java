package io.fleetfed.tekton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.ResourceType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The dependency closure of a run: every object it needs in the cluster that runs it, found from the run's spec,
 * then from what those objects name in turn (a Pipeline's Tasks, a Task's StepActions, a ServiceAccount's
 * Secrets). Objects given in the request win over the source cluster's.
 */
final class Closure {

  /** The PersistentVolumeClaim type (not one of KubeFed's default federated types). */
  static final ResourceType PVCS = ResourceType.namespaced("", "v1", "PersistentVolumeClaim",
      "persistentvolumeclaims");

  /**
   * Reads one object from the source cluster: namespace is "" if cluster-scoped; {@code optional} objects may be
   * taken as absent from a cache without asking the cluster.
   */
  interface Source {
    Optional<ObjectNode> get(ResourceType type, String namespace, String name, boolean optional);
  }

  /** One object the run needs, cleaned of what belongs to its source cluster. */
  record Dependency(ResourceType type, ObjectNode object, String why) {
    /** Names the object; never its contents (it may be a Secret). */
    @Override
    public String toString() {
      return describe() + " (" + why + ")";
    }

    String describe() {
      String ns = object.path("metadata").path("namespace").asText();
      return type.kind() + " " + (ns.isEmpty() ? "" : ns + "/") + object.path("metadata").path("name").asText();
    }
  }

  private record Need(List<ResourceType> types, String namespace, String name, String why, boolean optional) {
    String describe() {
      return types.get(0).kind() + " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
    }
  }

  private static final Set<String> SOURCE_METADATA = Set.of("uid", "resourceVersion", "creationTimestamp",
      "generation", "managedFields", "selfLink", "ownerReferences", "deletionTimestamp",
      "deletionGracePeriodSeconds", "finalizers");

  private final String namespace;
  private final String what;
  private final boolean v1;
  private final Map<String, ObjectNode> given = new LinkedHashMap<>();
  private final Source source;
  private final Deque<Need> queue = new ArrayDeque<>();
  private final Map<String, Dependency> found = new LinkedHashMap<>();
  private final List<String> missing = new ArrayList<>();

  private Closure(ObjectNode run, List<ObjectNode> givenObjects, Source source) {
    this.namespace = RunKind.namespace(run);
    this.what = RunKind.describe(run);
    this.v1 = RunKind.isV1(run);
    this.source = source;
    for (ObjectNode o : givenObjects) {
      String ns = o.path("metadata").path("namespace").asText();
      given.put(key(o.path("kind").asText(), ns.isEmpty() ? namespace : ns, o.path("metadata").path("name").asText()),
          o);
      given.putIfAbsent(key(o.path("kind").asText(), "", o.path("metadata").path("name").asText()), o);
    }
  }

  private static String key(String kind, String namespace, String name) {
    return kind + "/" + namespace + "/" + name;
  }

  /**
   * Everything {@code run} needs, in the order to create it (definitions first, the objects the run's pods use
   * next).
   *
   * @throws DispatchException naming every missing object and why the run needs it
   */
  static List<Dependency> of(ObjectNode run, List<ObjectNode> given, Source source, String sourceName) {
    Closure c = new Closure(run, given, source);
    c.fromRun(run);
    c.drain();
    if (!c.missing.isEmpty()) {
      throw new DispatchException("cannot dispatch " + c.what + ": " + (c.missing.size() == 1 ? "a dependency is"
          : c.missing.size() + " dependencies are") + " neither given nor in the source cluster " + sourceName
          + ": " + String.join("; ", c.missing) + ". Nothing was created.", run.path("kind").asText(), c.namespace,
          run.path("metadata").path("name").asText("(generated)"), Optional.empty());
    }
    return List.copyOf(c.found.values());
  }

  // ---- what the run names -----------------------------------------------------------------------------

  private void fromRun(ObjectNode run) {
    JsonNode spec = run.path("spec");
    String kind = run.path("kind").asText();
    if (kind.equals(RunKind.TASK_RUN)) {
      taskRef(spec.path("taskRef"), "taskRef of the " + kind);
      stepRefs(spec.path("taskSpec"), "taskSpec of the " + kind);
      serviceAccount(spec.path("serviceAccountName").asText(), "spec.serviceAccountName");
      imagePullSecrets(spec.path("podTemplate"), "spec.podTemplate");
    } else {
      JsonNode ref = spec.path("pipelineRef");
      if (ref.isObject() && !ref.has("resolver") && ref.hasNonNull("name")) {
        need(List.of(TektonTypes.PIPELINE.withVersion(version()), TektonTypes.PIPELINE.withVersion(other())),
            namespace, ref.path("name").asText(), "pipelineRef of the PipelineRun", false);
      }
      pipelineSpec(spec.path("pipelineSpec"), "pipelineSpec of the PipelineRun");
      if (v1) {
        serviceAccount(spec.path("taskRunTemplate").path("serviceAccountName").asText(),
            "spec.taskRunTemplate.serviceAccountName");
        imagePullSecrets(spec.path("taskRunTemplate").path("podTemplate"), "spec.taskRunTemplate.podTemplate");
      } else {
        serviceAccount(spec.path("serviceAccountName").asText(), "spec.serviceAccountName");
        imagePullSecrets(spec.path("podTemplate"), "spec.podTemplate");
        for (JsonNode s : spec.path("serviceAccountNames")) {
          serviceAccount(s.path("serviceAccountName").asText(), "spec.serviceAccountNames");
        }
      }
      for (JsonNode s : spec.path("taskRunSpecs")) {
        String where = "spec.taskRunSpecs[" + s.path("pipelineTaskName").asText() + "]";
        String name = s.path(v1 ? "serviceAccountName" : "taskServiceAccountName").asText();
        if (!name.isEmpty()) {
          serviceAccount(name, where);
        }
        imagePullSecrets(s.path(v1 ? "podTemplate" : "taskPodTemplate"), where);
      }
    }
    workspaces(spec.path("workspaces"));
  }

  private String version() {
    return v1 ? "v1" : "v1beta1";
  }

  private String other() {
    return v1 ? "v1beta1" : "v1";
  }

  private void taskRef(JsonNode ref, String why) {
    if (!ref.isObject() || ref.has("resolver") || !ref.hasNonNull("name")) {
      return;   // inline spec, or resolved remotely in the member
    }
    String kind = ref.path("kind").asText("Task");
    if (ref.hasNonNull("apiVersion") && !kind.equals("Task") && !kind.equals("ClusterTask")) {
      return;   // a custom task: its own controller's business
    }
    String name = ref.path("name").asText();
    if (kind.equals("ClusterTask")) {
      need(List.of(TektonTypes.CLUSTER_TASK), "", name, why, false);
    } else {
      need(List.of(TektonTypes.TASK.withVersion(version()), TektonTypes.TASK.withVersion(other())), namespace, name,
          why, false);
    }
  }

  private void stepRefs(JsonNode taskSpec, String why) {
    int i = 0;
    for (JsonNode step : taskSpec.path("steps")) {
      JsonNode ref = step.path("ref");
      if (ref.isObject() && !ref.has("resolver") && ref.hasNonNull("name")) {
        need(List.of(TektonTypes.STEP_ACTION, TektonTypes.STEP_ACTION.withVersion("v1alpha1")), namespace,
            ref.path("name").asText(), "step " + step.path("name").asText(String.valueOf(i)) + " of " + why, false);
      }
      i++;
    }
  }

  private void pipelineSpec(JsonNode pipelineSpec, String why) {
    for (String list : List.of("tasks", "finally")) {
      for (JsonNode t : pipelineSpec.path(list)) {
        String task = "pipeline task " + t.path("name").asText() + " of the " + why;
        taskRef(t.path("taskRef"), "taskRef of " + task);
        stepRefs(t.path("taskSpec"), "taskSpec of " + task);
      }
    }
  }

  private void serviceAccount(String name, String why) {
    boolean implicit = name.isEmpty() || name.equals("default");
    // every namespace has a "default" ServiceAccount: needed only when the source has one to copy
    need(List.of(BuiltInTypes.SERVICE_ACCOUNTS), namespace, implicit ? "default" : name, why, implicit);
  }

  private void imagePullSecrets(JsonNode holder, String why) {
    for (JsonNode s : holder.path("imagePullSecrets")) {
      if (s.hasNonNull("name")) {
        need(List.of(BuiltInTypes.SECRETS), namespace, s.path("name").asText(), "imagePullSecrets of " + why, false);
      }
    }
  }

  private void workspaces(JsonNode workspaces) {
    for (JsonNode w : workspaces) {
      String why = "workspace \"" + w.path("name").asText() + "\"";
      JsonNode secret = w.path("secret");
      if (secret.hasNonNull("secretName")) {
        need(List.of(BuiltInTypes.SECRETS), namespace, secret.path("secretName").asText(), why,
            secret.path("optional").asBoolean());
      }
      JsonNode configMap = w.path("configMap");
      if (configMap.hasNonNull("name")) {
        need(List.of(BuiltInTypes.CONFIG_MAPS), namespace, configMap.path("name").asText(), why,
            configMap.path("optional").asBoolean());
      }
      JsonNode claim = w.path("persistentVolumeClaim");
      if (claim.hasNonNull("claimName")) {
        need(List.of(PVCS), namespace, claim.path("claimName").asText(), why, false);
      }
      for (JsonNode p : w.path("projected").path("sources")) {
        if (p.path("secret").hasNonNull("name")) {
          need(List.of(BuiltInTypes.SECRETS), namespace, p.path("secret").path("name").asText(), why,
              p.path("secret").path("optional").asBoolean());
        }
        if (p.path("configMap").hasNonNull("name")) {
          need(List.of(BuiltInTypes.CONFIG_MAPS), namespace, p.path("configMap").path("name").asText(), why,
              p.path("configMap").path("optional").asBoolean());
        }
      }
    }
  }

  private void need(List<ResourceType> types, String ns, String name, String why, boolean optional) {
    queue.add(new Need(types, ns, name, why, optional));
  }

  // ---- resolving --------------------------------------------------------------------------------------

  private void drain() {
    while (!queue.isEmpty()) {
      Need n = queue.poll();
      String k = key(n.types().get(0).kind(), n.namespace(), n.name());
      if (found.containsKey(k)) {
        continue;
      }
      Optional<Dependency> d = resolve(n);
      if (d.isEmpty()) {
        if (!n.optional()) {
          missing.add(n.describe() + " (" + n.why() + ")");
        }
        continue;
      }
      found.put(k, d.get());
      fromDependency(d.get());
    }
  }

  private Optional<Dependency> resolve(Need n) {
    ObjectNode given = this.given.get(key(n.types().get(0).kind(), n.namespace(), n.name()));
    if (given != null) {
      ResourceType type = n.types().stream()
          .filter(t -> t.apiVersion().equals(given.path("apiVersion").asText())).findFirst()
          .orElse(n.types().get(0).withVersion(versionOf(given.path("apiVersion").asText())));
      return Optional.of(new Dependency(type, clean(given, n.namespace()), n.why()));
    }
    for (ResourceType t : n.types()) {
      Optional<ObjectNode> o = source.get(t, n.namespace(), n.name(), n.optional());
      if (o.isPresent()) {
        return Optional.of(new Dependency(t, clean(o.get(), n.namespace()), n.why()));
      }
    }
    return Optional.empty();
  }

  private static String versionOf(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
  }

  private void fromDependency(Dependency d) {
    ObjectNode o = d.object();
    String kind = d.type().kind();
    String name = o.path("metadata").path("name").asText();
    switch (kind) {
      case "Task", "ClusterTask" -> stepRefs(o.path("spec"), kind + " " + name);
      case "Pipeline" -> pipelineSpec(o.path("spec"), "Pipeline " + name);
      case "ServiceAccount" -> {
        for (JsonNode s : o.path("secrets")) {
          String secret = s.path("name").asText();
          // token Secrets belong to the source cluster; the member makes its own
          if (!secret.isEmpty() && !secret.startsWith(name + "-token-")) {
            need(List.of(BuiltInTypes.SECRETS), namespace, secret, "secrets of ServiceAccount " + name, false);
          }
        }
        imagePullSecrets(o, "ServiceAccount " + name);
      }
      default -> { }
    }
  }

  /** A copy without what only its source cluster can say: identity, status, bound volumes, fleetfed's marks. */
  static ObjectNode clean(ObjectNode object, String namespace) {
    ObjectNode o = object.deepCopy();
    o.remove("status");
    ObjectNode meta = o.path("metadata").isObject() ? (ObjectNode) o.get("metadata") : o.putObject("metadata");
    SOURCE_METADATA.forEach(meta::remove);
    if (!namespace.isEmpty()) {
      meta.put("namespace", namespace);
    }
    JsonNode annotations = meta.path("annotations");
    if (annotations.isObject()) {
      ObjectNode a = (ObjectNode) annotations;
      a.remove("kubectl.kubernetes.io/last-applied-configuration");
      List<String> drop = new ArrayList<>();
      a.fieldNames().forEachRemaining(f -> {
        if (f.startsWith("fleetfed.io/") || f.startsWith("pv.kubernetes.io/")
            || f.startsWith("volume.kubernetes.io/") || f.startsWith("volume.beta.kubernetes.io/")) {
          drop.add(f);
        }
      });
      drop.forEach(a::remove);
    }
    JsonNode labels = meta.path("labels");
    if (labels.isObject()) {
      ((ObjectNode) labels).remove("fleetfed.io/managed");
    }
    if (o.path("kind").asText().equals("PersistentVolumeClaim") && o.path("spec").isObject()) {
      ((ObjectNode) o.path("spec")).remove("volumeName");   // the member binds a volume of its own
    }
    if (o.path("kind").asText().equals("Secret")
        && "kubernetes.io/service-account-token".equals(o.path("type").asText())) {
      o.remove("data");
    }
    return o;
  }
}
