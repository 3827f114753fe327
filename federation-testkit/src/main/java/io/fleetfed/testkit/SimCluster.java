package io.fleetfed.testkit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fleetfed.testkit.internal.PodLogs;
import io.fleetfed.testkit.internal.RealClusterServer;
import io.fleetfed.testkit.internal.TektonCrds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The simulator's presence on one sandbox cluster: the Tekton CRDs of the release it plays, informers (TaskRuns and
 * PipelineRuns at every version the release serves, all namespaces; at the release's preferred version only on a
 * real server, which serves one object at all versions) on the cluster's own client, and the runs it follows there.
 */
final class SimCluster {

  /** A run's identity on this cluster (a re-created run of the same name is told apart by its uid, kept by the run). */
  record RunKey(String apiVersion, String kind, String namespace, String name) {
  }

  private final TektonSimulator simulator;
  private final SandboxCluster cluster;
  private final TektonRelease release;
  private final Map<RunKey, SimRun> runs = new ConcurrentHashMap<>();
  private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new CopyOnWriteArrayList<>();
  /** The CRDs this simulator registered and asked the cluster to keep; forgotten on close. */
  private final List<String> kept = new CopyOnWriteArrayList<>();
  /**
   * Whether the cluster serves one object at both Tekton versions, as a real API server does (one storage, the
   * apiVersion only rewritten), rather than a store per version, as the mock does.
   */
  private final boolean sharedVersions;

  SimCluster(TektonSimulator simulator, SandboxCluster cluster, TektonRelease release) {
    this.simulator = simulator;
    this.cluster = cluster;
    this.release = release;
    this.sharedVersions = cluster.server() instanceof RealClusterServer;
  }

  /**
   * The apiVersion a run was created at: where each version has its own store, the one it is seen at; where the
   * versions share one (a real server, where the simulator follows runs at v1 only, lest it run each twice), the
   * version its creator wrote it at, as its managed fields record (the first write of the main resource), so that
   * a v1beta1 run is still reported as one.
   */
  String apiVersionOf(GenericKubernetesResource run) {
    String seen = run.getApiVersion();
    if (!sharedVersions || run.getMetadata().getManagedFields() == null) {
      return seen;
    }
    return run.getMetadata().getManagedFields().stream()
        .filter(entry -> entry.getSubresource() == null || entry.getSubresource().isEmpty())
        .filter(entry -> entry.getApiVersion() != null && entry.getApiVersion().startsWith("tekton.dev/"))
        .min(Comparator.comparing(entry -> entry.getTime() == null ? "" : entry.getTime()))
        .map(ManagedFieldsEntry::getApiVersion)
        .orElse(seen);
  }

  /** The apiVersion part of a run's key: none where both versions are one object. */
  private String keyVersion(String apiVersion) {
    return sharedVersions ? "" : apiVersion;
  }

  /** The Tekton release this cluster plays. */
  TektonRelease release() {
    return release;
  }

  /**
   * The other version a Task or Pipeline may be stored at, where a definition is looked for when it is not found at
   * the run's version: v1beta1 for v1 and the reverse today, v1alpha1 for v1beta1 on 0.24.
   */
  String otherVersion(String version) {
    for (String served : release.servedVersions("Task")) {
      if (!served.equals(version)) {
        return served;
      }
    }
    return version;
  }

  TektonSimulator simulator() {
    return simulator;
  }

  String name() {
    return cluster.name();
  }

  KubernetesClient client() {
    return cluster.client();
  }

  PodLogs podLogs() {
    return cluster.server().podLogs();
  }

  /**
   * Registers the Tekton CRDs the cluster lacks and starts the informers.
   *
   * @return completes when every informer has listed once
   */
  CompletableFuture<Void> start() {
    List<CustomResourceDefinition> missing = new ArrayList<>();
    for (CustomResourceDefinition crd : release.crds()) {
      if (!cluster.server().hasCrd(crd.getMetadata().getName())) {
        missing.add(crd);
      }
    }
    // kept across sandbox resets while the simulator is attached: a real API server serves no kind without its CRD
    cluster.server().keepCrds(missing);
    missing.forEach(crd -> kept.add(crd.getMetadata().getName()));
    KubernetesClient client = cluster.client();
    List<CompletableFuture<Void>> synced = new ArrayList<>();
    for (String kind : List.of(Tekton.TASK_RUN, Tekton.PIPELINE_RUN)) {
      boolean registered = missing.stream().anyMatch(crd -> kind.equals(crd.getSpec().getNames().getKind()));
      for (String version : watchedVersions(kind, registered)) {
        ResourceDefinitionContext context = Tekton.runs(kind, version);
        SharedIndexInformer<GenericKubernetesResource> informer = client.genericKubernetesResources(context)
            .inAnyNamespace().runnableInformer(0);
        informer.exceptionHandler((started, error) -> !simulator.isClosed());
        informer.addEventHandler(new Handler(kind));
        informers.add(informer);
        synced.add(informer.start().toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(synced.toArray(new CompletableFuture<?>[0]));
  }

  /**
   * The versions to watch a run kind at: every version the release serves (so that runs at a version it does not
   * simulate are still seen, and refused), or on a real server, which serves one object at all versions, the
   * preferred one; of these, where the cluster had its own CRD of the kind, only those it serves (a cluster given
   * another release's CRDs keeps them).
   */
  private List<String> watchedVersions(String kind, boolean registered) {
    List<String> served = new ArrayList<>();
    List<io.fleetfed.testkit.internal.ApiResource> types = registered ? List.of() : cluster.server().servedTypes();
    for (String version : release.servedVersions(kind)) {
      if (registered || types.stream().anyMatch(type -> type.group().equals(TektonCrds.GROUP)
          && type.version().equals(version) && type.kind().equals(kind))) {
        served.add(version);
      }
    }
    if (served.size() < release.servedVersions(kind).size()) {
      SimRun.LOG.warn("simulated Tekton on {}: the cluster serves {}s at {} of Tekton {}'s versions {} (it has other"
          + " Tekton CRDs); watching those", name(), kind, served, release.label(), release.servedVersions(kind));
    }
    if (sharedVersions && served.size() > 1) {
      return served.contains(release.preferredVersion()) ? List.of(release.preferredVersion())
          : List.of(served.get(served.size() - 1));
    }
    return served;
  }

  void close() {
    for (SharedIndexInformer<GenericKubernetesResource> informer : informers) {
      try {
        informer.close();
      } catch (RuntimeException e) {
        SimRun.LOG.debug("simulated Tekton: closing an informer on {} failed", name(), e);
      }
    }
    informers.clear();
    runs.clear();
    kept.forEach(name -> cluster.server().forgetCrd(name));
    kept.clear();
  }

  /** What a {@code taskRef} or {@code taskSpec} resolves to. */
  static final class TaskLookup {
    /** The Task's name (for labels and scripts), empty for an inline spec. */
    final String taskName;
    final boolean clusterTask;
    /** The Task's spec; empty when unknown (resolved remotely). */
    final Map<?, ?> spec;
    /** Why it cannot be found (such as {@code tasks.tekton.dev "x" not found}), empty if found. */
    final String missing;

    TaskLookup(String taskName, boolean clusterTask, Map<?, ?> spec, String missing) {
      this.taskName = taskName;
      this.clusterTask = clusterTask;
      this.spec = spec;
      this.missing = missing;
    }
  }

  /**
   * Resolves a Task as the Tekton controller would, from an inline spec, the cluster resolver (read from the
   * namespace it names), another remote resolver (taken as resolved) or
   * a Task (at {@code version}, else the other version) or ClusterTask of this cluster (blocking).
   *
   * @throws io.fabric8.kubernetes.client.KubernetesClientException if the cluster cannot be reached
   */
  TaskLookup lookupTask(String namespace, String version, Map<?, ?> taskRef, Object taskSpec) {
    String name = Json.text(taskRef, "name");
    if (taskSpec instanceof Map) {
      return new TaskLookup("", false, (Map<?, ?>) taskSpec, "");
    }
    if ("cluster".equals(Json.text(taskRef, "resolver"))) {
      Map<String, String> params = resolverParams(taskRef);
      String resolved = params.getOrDefault("name", "");
      String ns = params.getOrDefault("namespace", namespace);
      if ("task".equals(params.getOrDefault("kind", "task")) && !resolved.isEmpty() && !resolved.contains("$(")
          && !ns.contains("$(")) {
        GenericKubernetesResource task = get(Tekton.tasks(version), ns, resolved);
        if (task == null) {
          task = get(Tekton.tasks(otherVersion(version)), ns, resolved);
        }
        return task == null
            ? new TaskLookup(resolved, false, Map.of(), "cluster resolver: tasks.tekton.dev \"" + resolved
                + "\" not found in namespace " + ns)
            : new TaskLookup(resolved, false, Json.spec(task), "");
      }
    }
    if (!Json.text(taskRef, "resolver").isEmpty()) {
      if (name.isEmpty()) {
        for (Object param : Json.list(taskRef.get("params"))) {
          if ("name".equals(Json.text(param, "name"))) {
            name = Json.text(param, "value");
          }
        }
      }
      return new TaskLookup(name, false, Map.of(), "");
    }
    if (name.isEmpty()) {
      return new TaskLookup("", false, Map.of(), "expected exactly one, got neither: spec.taskRef, spec.taskSpec");
    }
    if ("ClusterTask".equals(Json.text(taskRef, "kind"))) {
      GenericKubernetesResource task = get(Tekton.clusterTasks(), null, name);
      return task == null
          ? new TaskLookup(name, true, Map.of(), "clustertasks.tekton.dev \"" + name + "\" not found")
          : new TaskLookup(name, true, Json.spec(task), "");
    }
    GenericKubernetesResource task = get(Tekton.tasks(version), namespace, name);
    if (task == null) {
      task = get(Tekton.tasks(otherVersion(version)), namespace, name);
    }
    return task == null
        ? new TaskLookup(name, false, Map.of(), "tasks.tekton.dev \"" + name + "\" not found")
        : new TaskLookup(name, false, Json.spec(task), "");
  }

  /** A resolver reference's string params by name (later ones win, as in Tekton). */
  static Map<String, String> resolverParams(Map<?, ?> ref) {
    Map<String, String> params = new java.util.LinkedHashMap<>();
    for (Object param : Json.list(ref.get("params"))) {
      Object value = Json.at(param, "value");
      if (value instanceof String) {
        params.put(Json.text(param, "name"), (String) value);
      }
    }
    return params;
  }

  /**
   * Reads one object (blocking).
   *
   * @return the object, or {@code null} if there is none
   * @throws io.fabric8.kubernetes.client.KubernetesClientException if the cluster cannot be reached
   */
  GenericKubernetesResource get(ResourceDefinitionContext context, String namespace, String name) {
    if (context.isNamespaceScoped()) {
      return client().genericKubernetesResources(context).inNamespace(namespace).withName(name).get();
    }
    return client().genericKubernetesResources(context).withName(name).get();
  }

  private final class Handler implements ResourceEventHandler<GenericKubernetesResource> {
    private final String kind;

    Handler(String kind) {
      this.kind = kind;
    }

    @Override
    public void onAdd(GenericKubernetesResource run) {
      seen(kind, run);
    }

    @Override
    public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
      seen(kind, after);
    }

    @Override
    public void onDelete(GenericKubernetesResource run, boolean finalStateUnknown) {
      deleted(kind, run);
    }
  }

  private RunKey keyOf(String kind, GenericKubernetesResource run) {
    return new RunKey(keyVersion(run.getApiVersion()), kind, run.getMetadata().getNamespace(),
        run.getMetadata().getName());
  }

  private void seen(String kind, GenericKubernetesResource object) {
    if (simulator.isClosed() || object.getMetadata() == null || object.getMetadata().getName() == null) {
      return;
    }
    String uid = Objects.toString(object.getMetadata().getUid(), "");
    SimRun run = runs.compute(keyOf(kind, object), (key, current) -> {
      if (current != null && current.uid.equals(uid)) {
        return current;
      }
      if (current != null) {
        current.submit(current::onDeleted); // replaced by a new object of the same name
      }
      return follow(kind, object);
    });
    run.submit(() -> run.onEvent(object));
    if (Tekton.TASK_RUN.equals(kind)) {
      for (OwnerReference owner : object.getMetadata().getOwnerReferences()) {
        if (Tekton.PIPELINE_RUN.equals(owner.getKind())) {
          SimRun parent = runs.get(new RunKey(keyVersion(owner.getApiVersion()), Tekton.PIPELINE_RUN,
              object.getMetadata().getNamespace(), owner.getName()));
          if (parent != null && parent.uid.equals(owner.getUid())) {
            parent.submit(() -> parent.onChild(object));
          }
        }
      }
    }
  }

  private SimRun follow(String kind, GenericKubernetesResource object) {
    String managedBy = Json.text(Json.spec(object), "managedBy");
    // spec.managedBy came with Tekton v1.5; an older controller ignores the unknown field and runs the run
    if (!release.isV024() && !managedBy.isEmpty() && !Tekton.MANAGED_BY_TEKTON.equals(managedBy)) {
      SimRun.LOG.debug("simulated Tekton on {}: ignoring {} {}/{}, managed by {}", name(), kind,
          object.getMetadata().getNamespace(), object.getMetadata().getName(), managedBy);
      return new SimRun.Ignored(this, kind, object);
    }
    String succeeded = Json.succeeded(object);
    if ("True".equals(succeeded) || "False".equals(succeeded)) {
      SimRun.LOG.debug("simulated Tekton on {}: ignoring {} {}/{}, finished before it was seen", name(), kind,
          object.getMetadata().getNamespace(), object.getMetadata().getName());
      return new SimRun.Ignored(this, kind, object);
    }
    return Tekton.TASK_RUN.equals(kind) ? new SimTaskRun(this, object) : new SimPipelineRun(this, object);
  }

  private void deleted(String kind, GenericKubernetesResource object) {
    if (object.getMetadata() == null) {
      return;
    }
    RunKey key = keyOf(kind, object);
    SimRun run = runs.get(key);
    String uid = Objects.toString(object.getMetadata().getUid(), "");
    if (run != null && run.uid.equals(uid) && runs.remove(key, run)) {
      run.submit(run::onDeleted);
    }
  }
}
