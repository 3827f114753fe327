package io.fleetfed.tekton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.ResourceType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The dependency closure of a run: every object its pods and resolvers read in the cluster that runs it, found from
 * the run's spec, then from what those objects name in turn, before anything is written.
 *
 * <ul>
 *   <li>definitions: the Task or Pipeline a run names, a Pipeline's Tasks and child Pipelines (pipelines in
 *       pipelines, recursively; a cycle is followed once), the StepActions of steps, ClusterTasks; those named
 *       through the {@code cluster} resolver too, in the namespace it names;</li>
 *   <li>the Secrets and ConfigMaps the pods use: steps', sidecars' and the step template's {@code env}
 *       ({@code valueFrom.secretKeyRef}, {@code configMapKeyRef}) and {@code envFrom}, StepActions' too, the
 *       volumes of Tasks and pod templates ({@code secret}, {@code configMap}, {@code projected} sources,
 *       {@code persistentVolumeClaim}), image-pull Secrets; in Task specs, inline {@code taskSpec} and
 *       {@code pipelineSpec}, the run's pod template and each {@code taskRunSpecs} entry;</li>
 *   <li>ServiceAccounts (the run's, the pod template's, each {@code taskRunSpecs} entry's; {@code default} only
 *       when the source has one) and their Secrets and image-pull Secrets;</li>
 *   <li>workspace bindings' Secrets, ConfigMaps and claims;</li>
 *   <li>resolver credentials: the git resolver's {@code token} (and {@code gitToken}), the http resolver's
 *       {@code http-password-secret}, the bundles resolver's {@code secret} and {@code serviceAccount}.</li>
 * </ul>
 *
 * <p>Names are read after Tekton's {@code $(params.x)} substitution, with the run's parameters, a pipeline task's,
 * a step's, and declared defaults. A name that cannot be known before the run (a task result, an array item, a
 * context variable but the namespace) is skipped with a warning: the run may still work, if the object exists on
 * the member. A reference marked {@code optional: true} is propagated when the object exists and skipped when it
 * does not; a missing required one fails the closure, naming the object, the field path that needs it and the run.
 * Objects given in the request win over the source cluster's.
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

  /** An object the request gives, and where it came from ({@code build.yaml, document 2}), named in messages. */
  record Given(ObjectNode object, String origin) {
    /** Names the object and its origin; never its contents. */
    @Override
    public String toString() {
      return object.path("kind").asText() + " " + object.path("metadata").path("name").asText() + " (" + origin
          + ")";
    }
  }

  /**
   * The closure: the dependencies, in the order to create them, and the references that were skipped because
   * their names cannot be known before the run, and the given objects the run does not use (each a sentence).
   */
  record Result(List<Dependency> dependencies, List<String> warnings) {
    Result {
      dependencies = List.copyOf(Arguments.noNulls(dependencies, "dependencies"));
      warnings = List.copyOf(Arguments.noNulls(warnings, "warnings"));
    }
  }

  /** What to read in an object once it is found (its Tasks, its Secrets...), with what is known where. */
  private interface Visit {
    void visit(Dependency found, String owner);
  }

  /**
   * An object to find: its type (with the other versions to try), where, why (the field path that names it), and
   * what to read in it once found; {@code visit} tells two visits of one object apart (other parameter values).
   */
  private record Need(List<ResourceType> types, String namespace, String name, String why, boolean optional,
      Visit then, String visit) {
    String describe() {
      return types.get(0).kind() + " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
    }
  }

  private static final Set<String> SOURCE_METADATA = Set.of("uid", "resourceVersion", "creationTimestamp",
      "generation", "managedFields", "selfLink", "ownerReferences", "deletionTimestamp",
      "deletionGracePeriodSeconds", "finalizers");

  private final String namespace;
  private final boolean v1;
  private final Map<String, Given> given = new LinkedHashMap<>();
  private final Source source;
  private final Deque<Need> queue = new ArrayDeque<>();
  private final Map<String, Dependency> found = new LinkedHashMap<>();
  private final Map<String, Given> givenUsed = new LinkedHashMap<>();
  private final Set<String> visited = new HashSet<>();
  /** Each missing object, with every field path that needs it. */
  private final Map<String, Set<String>> missing = new LinkedHashMap<>();
  private final Set<String> warnings = new LinkedHashSet<>();

  private Closure(ObjectNode run, List<Given> givenObjects, Source source) {
    this.namespace = RunKind.namespace(run);
    this.v1 = RunKind.isV1(run);
    this.source = source;
    for (Given g : givenObjects) {
      ObjectNode o = g.object();
      String ns = o.path("metadata").path("namespace").asText();
      given.put(key(o.path("kind").asText(), ns.isEmpty() ? namespace : ns, o.path("metadata").path("name").asText()),
          g);
      given.putIfAbsent(key(o.path("kind").asText(), "", o.path("metadata").path("name").asText()), g);
    }
  }

  private static String key(String kind, String namespace, String name) {
    return kind + "/" + namespace + "/" + name;
  }

  /**
   * Everything {@code run} needs, in the order to create it (what the run names first, what those name next).
   *
   * @param origin where the run came from ({@code build.yaml, document 3}, or {@code request}), named in errors
   * @throws DispatchException naming every missing object, each field path that needs it, and the run
   */
  static Result of(ObjectNode run, String origin, List<Given> given, Source source, String sourceName) {
    Closure c = new Closure(run, given, source);
    c.fromRun(run);
    c.drain();
    String what = RunKind.describe(run) + (origin.isEmpty() || origin.equals("request") ? "" : " (" + origin + ")");
    if (!c.missing.isEmpty()) {
      List<String> each = new ArrayList<>();
      c.missing.forEach((k, whys) -> each.add(k + " (" + String.join(", ", whys) + ")"));
      throw new DispatchException("cannot dispatch " + what + ": " + (each.size() == 1 ? "a dependency is"
          : each.size() + " dependencies are") + " neither given nor in the source cluster " + sourceName
          + ": " + String.join("; ", each) + ". Nothing was created.", run.path("kind").asText(), c.namespace,
          run.path("metadata").path("name").asText("(generated)"), Optional.empty());
    }
    Set<Given> unused = new LinkedHashSet<>(c.given.values());
    unused.removeAll(c.givenUsed.values());
    for (Given g : unused) {
      c.warnings.add(g + " is not needed by " + what + ": not propagated");
    }
    return new Result(List.copyOf(c.found.values()), List.copyOf(c.warnings));
  }

  // ---- what the run names -----------------------------------------------------------------------------

  private void fromRun(ObjectNode run) {
    JsonNode spec = run.path("spec");
    Substitution params = Substitution.given(spec.path("params"), Substitution.none(namespace));
    if (run.path("kind").asText().equals(RunKind.TASK_RUN)) {
      taskRef(spec.path("taskRef"), "", "spec.taskRef", params, params);
      taskSpec(spec.path("taskSpec"), "", "spec.taskSpec", params);
      serviceAccount(spec.path("serviceAccountName").asText(), "", "spec.serviceAccountName");
      podTemplate(spec.path("podTemplate"), "", "spec.podTemplate");
    } else {
      pipelineRef(spec.path("pipelineRef"), "", "spec.pipelineRef", params, params, List.of());
      pipelineSpec(spec.path("pipelineSpec"), "", "spec.pipelineSpec", params, List.of());
      if (v1) {
        serviceAccount(spec.path("taskRunTemplate").path("serviceAccountName").asText(), "",
            "spec.taskRunTemplate.serviceAccountName");
        podTemplate(spec.path("taskRunTemplate").path("podTemplate"), "", "spec.taskRunTemplate.podTemplate");
      } else {
        serviceAccount(spec.path("serviceAccountName").asText(), "", "spec.serviceAccountName");
        podTemplate(spec.path("podTemplate"), "", "spec.podTemplate");
        int i = 0;
        for (JsonNode s : spec.path("serviceAccountNames")) {
          serviceAccount(s.path("serviceAccountName").asText(), "",
              "spec.serviceAccountNames[" + i++ + "].serviceAccountName");
        }
      }
      String account = v1 ? "serviceAccountName" : "taskServiceAccountName";
      String template = v1 ? "podTemplate" : "taskPodTemplate";
      int i = 0;
      for (JsonNode s : spec.path("taskRunSpecs")) {
        String at = "spec.taskRunSpecs[" + i++ + "].";
        if (!s.path(account).asText().isEmpty()) {
          serviceAccount(s.path(account).asText(), "", at + account);
        }
        podTemplate(s.path(template), "", at + template);
      }
    }
    int i = 0;
    for (JsonNode w : spec.path("workspaces")) {
      volume(w, "", "spec.workspaces[" + i++ + "]", Substitution.none(namespace));
    }
  }

  private String version() {
    return v1 ? "v1" : "v1beta1";
  }

  private String other() {
    return v1 ? "v1beta1" : "v1";
  }

  private List<ResourceType> tasks() {
    return List.of(TektonTypes.TASK.withVersion(version()), TektonTypes.TASK.withVersion(other()));
  }

  private List<ResourceType> pipelines() {
    return List.of(TektonTypes.PIPELINE.withVersion(version()), TektonTypes.PIPELINE.withVersion(other()));
  }

  private static List<ResourceType> stepActions() {
    return List.of(TektonTypes.STEP_ACTION, TektonTypes.STEP_ACTION.withVersion("v1alpha1"));
  }

  private static String why(String owner, String path) {
    return owner.isEmpty() ? path : owner + ": " + path;
  }

  /**
   * A Task reference: {@code outer} substitutes the resolver's parameters (the pipeline's values), {@code inner}
   * is what the Task is given (the pipeline task's, or the run's, values).
   */
  private void taskRef(JsonNode ref, String owner, String path, Substitution outer, Substitution inner) {
    if (!ref.isObject()) {
      return;
    }
    if (ref.has("resolver")) {
      resolver(ref, owner, path, outer, inner, "task", List.of());
      return;
    }
    if (!ref.hasNonNull("name")) {
      return;
    }
    String kind = ref.path("kind").asText("Task");
    if (ref.hasNonNull("apiVersion") && !kind.equals("Task") && !kind.equals("ClusterTask")) {
      return;   // a custom task: its own controller's business
    }
    String name = ref.path("name").asText();
    Visit then = (d, o) -> taskSpec(d.object().path("spec"), o, "spec", inner);
    if (kind.equals("ClusterTask")) {
      need(List.of(TektonTypes.CLUSTER_TASK), "", name, why(owner, path), false, then, inner.identity());
    } else {
      need(tasks(), namespace, name, why(owner, path), false, then, inner.identity());
    }
  }

  /** A Pipeline reference, unless the Pipeline is one of {@code ancestors} (a Pipeline that contains itself). */
  private void pipelineRef(JsonNode ref, String owner, String path, Substitution outer, Substitution inner,
      List<String> ancestors) {
    if (!ref.isObject()) {
      return;
    }
    if (ref.has("resolver")) {
      resolver(ref, owner, path, outer, inner, "pipeline", ancestors);
    } else if (ref.hasNonNull("name")) {
      pipeline(namespace, ref.path("name").asText(), why(owner, path), inner, ancestors);
    }
  }

  private void pipeline(String ns, String name, String why, Substitution inner, List<String> ancestors) {
    String k = key("Pipeline", ns, name);
    if (ancestors.contains(k)) {
      warnings.add(why + ": Pipeline " + name + " runs inside itself (a cycle): its references were read once");
      return;
    }
    List<String> chain = new ArrayList<>(ancestors);
    chain.add(k);
    need(pipelines(), ns, name, why, false, (d, o) -> pipelineSpec(d.object().path("spec"), o, "spec", inner,
        List.copyOf(chain)), inner.identity());
  }

  private void pipelineSpec(JsonNode spec, String owner, String path, Substitution params, List<String> ancestors) {
    if (!spec.isObject()) {
      return;
    }
    Substitution scope = params.withDefaults(spec.path("params"));
    for (String list : List.of("tasks", "finally")) {
      int i = 0;
      for (JsonNode t : spec.path(list)) {
        String at = path + "." + list + "[" + i++ + "]";
        Substitution given = Substitution.given(t.path("params"), scope);
        Substitution propagated = scope.overriddenBy(given);   // inline specs see the pipeline's values too
        taskRef(t.path("taskRef"), owner, at + ".taskRef", scope, given);
        taskSpec(t.path("taskSpec"), owner, at + ".taskSpec", propagated);
        pipelineRef(t.path("pipelineRef"), owner, at + ".pipelineRef", scope, given, ancestors);
        pipelineSpec(t.path("pipelineSpec"), owner, at + ".pipelineSpec", propagated, ancestors);
      }
    }
  }

  private void taskSpec(JsonNode spec, String owner, String path, Substitution params) {
    if (!spec.isObject()) {
      return;
    }
    Substitution scope = params.withDefaults(spec.path("params"));
    int i = 0;
    for (JsonNode step : spec.path("steps")) {
      String at = path + ".steps[" + i++ + "]";
      container(step, owner, at, scope);
      stepRef(step, owner, at, scope);
    }
    i = 0;
    for (JsonNode sidecar : spec.path("sidecars")) {
      container(sidecar, owner, path + ".sidecars[" + i++ + "]", scope);
    }
    container(spec.path("stepTemplate"), owner, path + ".stepTemplate", scope);
    i = 0;
    for (JsonNode v : spec.path("volumes")) {
      volume(v, owner, path + ".volumes[" + i++ + "]", scope);
    }
  }

  private void stepRef(JsonNode step, String owner, String path, Substitution scope) {
    JsonNode ref = step.path("ref");
    if (!ref.isObject()) {
      return;
    }
    Substitution given = Substitution.given(step.path("params"), scope);
    if (ref.has("resolver")) {
      resolver(ref, owner, path + ".ref", scope, given, "stepaction", List.of());
    } else if (ref.hasNonNull("name")) {
      need(stepActions(), namespace, ref.path("name").asText(), why(owner, path + ".ref"), false,
          (d, o) -> stepAction(d.object().path("spec"), o, given), given.identity());
    }
  }

  private void stepAction(JsonNode spec, String owner, Substitution params) {
    container(spec, owner, "spec", params.withDefaults(spec.path("params")));
  }

  /** A step's, a sidecar's, the step template's or a StepAction's {@code env} and {@code envFrom}. */
  private void container(JsonNode c, String owner, String path, Substitution scope) {
    int i = 0;
    for (JsonNode e : c.path("env")) {
      String at = path + ".env[" + i++ + "].valueFrom";
      ref(BuiltInTypes.SECRETS, e.path("valueFrom").path("secretKeyRef"), "name", owner, at + ".secretKeyRef",
          scope);
      ref(BuiltInTypes.CONFIG_MAPS, e.path("valueFrom").path("configMapKeyRef"), "name", owner,
          at + ".configMapKeyRef", scope);
    }
    i = 0;
    for (JsonNode e : c.path("envFrom")) {
      String at = path + ".envFrom[" + i++ + "]";
      ref(BuiltInTypes.SECRETS, e.path("secretRef"), "name", owner, at + ".secretRef", scope);
      ref(BuiltInTypes.CONFIG_MAPS, e.path("configMapRef"), "name", owner, at + ".configMapRef", scope);
    }
  }

  /** A pod volume, or a workspace binding (the same fields). */
  private void volume(JsonNode v, String owner, String path, Substitution scope) {
    ref(BuiltInTypes.SECRETS, v.path("secret"), "secretName", owner, path + ".secret", scope);
    ref(BuiltInTypes.CONFIG_MAPS, v.path("configMap"), "name", owner, path + ".configMap", scope);
    ref(PVCS, v.path("persistentVolumeClaim"), "claimName", owner, path + ".persistentVolumeClaim", scope);
    int i = 0;
    for (JsonNode s : v.path("projected").path("sources")) {
      String at = path + ".projected.sources[" + i++ + "]";
      ref(BuiltInTypes.SECRETS, s.path("secret"), "name", owner, at + ".secret", scope);
      ref(BuiltInTypes.CONFIG_MAPS, s.path("configMap"), "name", owner, at + ".configMap", scope);
    }
  }

  /** A pod template's image-pull Secrets and volumes ({@code path} empty: a ServiceAccount's image-pull Secrets). */
  private void podTemplate(JsonNode template, String owner, String path) {
    Substitution literal = Substitution.none(namespace);
    int i = 0;
    String prefix = path.isEmpty() ? "" : path + ".";
    for (JsonNode s : template.path("imagePullSecrets")) {
      ref(BuiltInTypes.SECRETS, s, "name", owner, prefix + "imagePullSecrets[" + i++ + "]", literal);
    }
    i = 0;
    for (JsonNode v : template.path("volumes")) {
      volume(v, owner, prefix + "volumes[" + i++ + "]", literal);
    }
  }

  /** The object {@code holder.field} names ({@code optional: true} in the holder makes it optional). */
  private void ref(ResourceType type, JsonNode holder, String field, String owner, String path, Substitution scope) {
    JsonNode name = holder.path(field);
    if (!holder.isObject() || !name.isTextual() || name.asText().isEmpty()) {
      return;
    }
    named(type, name.asText(), holder.path("optional").asBoolean(false), why(owner, path), scope);
  }

  private void named(ResourceType type, String raw, boolean optional, String why, Substitution scope) {
    Optional<String> name = scope.apply(raw);
    if (name.isEmpty()) {
      unknown(why, type.kind(), raw);
      return;
    }
    if (type.equals(BuiltInTypes.SERVICE_ACCOUNTS)) {
      serviceAccount(name.get(), why);
    } else {
      need(List.of(type), namespace, name.get(), why, optional, null, "");
    }
  }

  private void unknown(String why, String kind, String raw) {
    warnings.add(why + ": the " + kind + " name \"" + raw + "\" is known only when the run runs, so it was not"
        + " propagated: it must exist on the member");
  }

  private void serviceAccount(String name, String owner, String path) {
    serviceAccount(name, why(owner, path));
  }

  private void serviceAccount(String name, String why) {
    boolean implicit = name.isEmpty() || name.equals("default");
    // every namespace has a "default" ServiceAccount: needed only when the source has one to copy
    need(List.of(BuiltInTypes.SERVICE_ACCOUNTS), namespace, implicit ? "default" : name, why, implicit,
        this::fromServiceAccount, "");
  }

  private void fromServiceAccount(Dependency d, String owner) {
    ObjectNode o = d.object();
    String name = o.path("metadata").path("name").asText();
    int i = 0;
    for (JsonNode s : o.path("secrets")) {
      String secret = s.path("name").asText();
      // token Secrets belong to the source cluster; the member makes its own
      if (!secret.isEmpty() && !secret.startsWith(name + "-token-")) {
        need(List.of(BuiltInTypes.SECRETS), namespace, secret, why(owner, "secrets[" + i + "]"), false, null, "");
      }
      i++;
    }
    podTemplate(o, owner, "");
  }

  // ---- resolvers ----------------------------------------------------------------------------------------

  /** A resolver parameter: its position in {@code params} and its value. */
  private record Param(int index, JsonNode value) {}

  private static Optional<Param> param(JsonNode ref, String name) {
    int i = 0;
    for (JsonNode p : ref.path("params")) {
      if (p.path("name").asText().equals(name)) {
        return Optional.of(new Param(i, p.path("value")));
      }
      i++;
    }
    return Optional.empty();
  }

  /**
   * What a resolver reads in the run's namespace: the credentials its parameters name, or (the {@code cluster}
   * resolver) the definition itself, in the namespace it names.
   */
  private void resolver(JsonNode ref, String owner, String path, Substitution outer, Substitution inner,
      String defaultKind, List<String> ancestors) {
    switch (ref.path("resolver").asText()) {
      case "cluster" -> clusterResolver(ref, owner, path, outer, inner, defaultKind, ancestors);
      case "git" -> {
        resolverParam(ref, "token", BuiltInTypes.SECRETS, owner, path, outer);
        resolverParam(ref, "gitToken", BuiltInTypes.SECRETS, owner, path, outer);
      }
      case "http" -> resolverParam(ref, "http-password-secret", BuiltInTypes.SECRETS, owner, path, outer);
      case "bundles" -> {
        resolverParam(ref, "secret", BuiltInTypes.SECRETS, owner, path, outer);
        resolverParam(ref, "serviceAccount", BuiltInTypes.SERVICE_ACCOUNTS, owner, path, outer);
      }
      default -> { }   // hub and others read nothing in the run's namespace
    }
  }

  private void resolverParam(JsonNode ref, String name, ResourceType type, String owner, String path,
      Substitution outer) {
    param(ref, name).filter(p -> p.value().isTextual() && !p.value().asText().isEmpty()).ifPresent(p ->
        named(type, p.value().asText(), false, why(owner, path + ".params[" + p.index() + "]"), outer));
  }

  private void clusterResolver(JsonNode ref, String owner, String path, Substitution outer, Substitution inner,
      String defaultKind, List<String> ancestors) {
    String why = why(owner, path);
    Optional<Param> nameParam = param(ref, "name");
    if (nameParam.isEmpty() || !nameParam.get().value().isTextual()) {
      return;   // Tekton refuses it
    }
    String rawKind = param(ref, "kind").map(p -> p.value().asText()).orElse(defaultKind);
    String rawName = nameParam.get().value().asText();
    String rawNamespace = param(ref, "namespace").map(p -> p.value().asText()).orElse(namespace);
    Optional<String> kind = outer.apply(rawKind);
    Optional<String> name = outer.apply(rawName);
    Optional<String> ns = outer.apply(rawNamespace);
    if (kind.isEmpty() || name.isEmpty() || ns.isEmpty()) {
      warnings.add(why + ": the cluster resolver's " + rawKind + " " + rawNamespace + "/" + rawName + " is known only"
          + " when the run runs, so it was not propagated: it must exist on the member");
      return;
    }
    switch (kind.get().toLowerCase(Locale.ROOT)) {
      case "task" -> need(tasks(), ns.get(), name.get(), why, false,
          (d, o) -> taskSpec(d.object().path("spec"), o, "spec", inner), inner.identity());
      case "pipeline" -> pipeline(ns.get(), name.get(), why, inner, ancestors);
      case "stepaction" -> need(stepActions(), ns.get(), name.get(), why, false,
          (d, o) -> stepAction(d.object().path("spec"), o, inner), inner.identity());
      default -> { }   // Tekton refuses it
    }
  }

  private void need(List<ResourceType> types, String ns, String name, String why, boolean optional, Visit then,
      String visit) {
    queue.add(new Need(types, ns, name, why, optional, then, visit));
  }

  // ---- resolving --------------------------------------------------------------------------------------

  private void drain() {
    while (!queue.isEmpty()) {
      Need n = queue.poll();
      String k = key(n.types().get(0).kind(), n.namespace(), n.name());
      Dependency d = found.get(k);
      if (d == null) {
        Optional<Dependency> resolved = resolve(n, k);
        if (resolved.isEmpty()) {
          if (!n.optional()) {
            missing.computeIfAbsent(n.describe(), x -> new LinkedHashSet<>()).add(n.why());
          }
          continue;
        }
        d = resolved.get();
        found.put(k, d);
      }
      if (n.then() != null && visited.add(k + "|" + n.visit())) {
        n.then().visit(d, owner(d, k));
      }
    }
  }

  /** How a found object is named in the field paths of what it names: {@code Task build (build.yaml, document 2)}. */
  private String owner(Dependency d, String key) {
    String ns = d.object().path("metadata").path("namespace").asText();
    Given g = givenUsed.get(key);
    return d.type().kind() + " " + (ns.isEmpty() || ns.equals(namespace) ? "" : ns + "/")
        + d.object().path("metadata").path("name").asText() + (g == null ? "" : " (" + g.origin() + ")");
  }

  private Optional<Dependency> resolve(Need n, String key) {
    Given g = this.given.get(key);
    if (g != null) {
      ObjectNode given = g.object();
      givenUsed.put(key, g);
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
