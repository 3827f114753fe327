package io.fleetfed.controller.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.controller.ControllerEvent;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.cluster.ObjectWatch;
import io.fleetfed.core.cluster.WatchHandler;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.kubefed.FederatedTypeConfig;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.ClusterStatus;
import io.fleetfed.core.status.FederatedStatus;
import io.fleetfed.core.status.PropagationCondition;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.PropagationStatus;
import io.fleetfed.core.status.ResourceKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KubeFed's sync controller for one federated type: watches the type's Federated objects in the host and brings
 * each in line through the fleet — finalizer, propagation, status, deletion — one key at a time.
 */
final class TypeSync implements AutoCloseable {
  /** KubeFed rechecks a blocked deletion this often. */
  static final Duration DELETION_RECHECK = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(TypeSync.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ALL = "all";
  private static final Set<PropagationStatus> BLOCKING = Set.of(PropagationStatus.CLUSTER_NOT_READY,
      PropagationStatus.WAITING_FOR_REMOVAL, PropagationStatus.DELETION_FAILED,
      PropagationStatus.DELETION_TIMED_OUT, PropagationStatus.LABEL_REMOVAL_FAILED,
      PropagationStatus.LABEL_REMOVAL_TIMED_OUT, PropagationStatus.CLIENT_RETRIEVAL_FAILED,
      PropagationStatus.RETRIEVAL_FAILED);

  /** What the type's sync needs from the controller. */
  record Context(ClusterFleet fleet, ClusterClient host, Optional<String> watchNamespace, boolean collectRemote,
      Events events, Metrics metrics, Consumer<ControllerEvent> tell, ScheduledExecutorService timer, int workers,
      Consumer<String> namespaceChanged) {}

  private final FederatedTypeConfig type;
  private final TypeRegistry registry;
  private final Context cx;
  private final String worker;
  /** Null until the constructor has started it: its first events may reach the queue before. */
  private volatile ObjectWatch watch;
  private final WorkQueue<String> queue;
  /** For each key, the version of the object this term propagated successfully (see {@link #version}). */
  private final Map<String, String> propagatedVersions = new java.util.concurrent.ConcurrentHashMap<>();

  TypeSync(FederatedTypeConfig type, Context cx) {
    this.type = type;
    this.registry = TypeRegistry.standard().with(type);
    this.cx = cx;
    this.worker = type.federated().kind().toLowerCase(java.util.Locale.ROOT);
    this.queue = new WorkQueue<>(worker, cx.workers(), cx.timer(), this::reconcile);
    cx.metrics().declare(worker);
    cx.metrics().queue(worker, queue::depth);
    // only the namespace watched, when one is: a Namespaced install's credentials may read nothing else
    this.watch = cx.host().watch(type.federated(), cx.watchNamespace().orElse(""), Map.of(),
        Map.of(ALL, o -> List.of(ALL)), new WatchHandler() {
      @Override
      public void changed(GenericKubernetesResource object) {
        if (inScope(object)) {
          queue.add(HostObjects.key(object));
        }
      }

      @Override
      public void deleted(GenericKubernetesResource object) {
        if (inScope(object)) {
          queue.add(HostObjects.key(object));
        }
      }
    });
  }

  FederatedTypeConfig type() {
    return type;
  }

  boolean synced() {
    ObjectWatch objects = watch;
    return objects != null && objects.synced();
  }

  int depth() {
    return queue.depth();
  }

  boolean idle() {
    return queue.idle();
  }

  /** The fleet's status of one of this type's objects changed: its status is brought up to date. */
  void statusChanged(ResourceKey key) {
    queue.add(key.namespace().map(ns -> ns + "/" + key.name()).orElse(key.name()));
  }

  /**
   * The FederatedNamespace of {@code namespace} changed or went: its placement restricts this type's objects there,
   * so each is propagated again (as KubeFed's sync controller enqueues them).
   */
  void namespaceChanged(String namespace) {
    String prefix = namespace + "/";
    for (String key : keys()) {
      if (key.startsWith(prefix)) {
        propagatedVersions.remove(key);
        queue.add(key);
      }
    }
  }

  private boolean federatesNamespaces() {
    return type.target().group().isEmpty() && type.target().kind().equals("Namespace");
  }

  /** Every object of the type is reconciled again, after {@code delay} (a member came or went). */
  void resync(Duration delay) {
    for (String key : keys()) {
      queue.addAfter(key, delay);
    }
  }

  private List<String> keys() {
    List<String> keys = new ArrayList<>();
    ObjectWatch objects = watch;
    if (objects == null) {
      return keys;
    }
    for (GenericKubernetesResource o : objects.indexed(ALL, ALL)) {
      keys.add(HostObjects.key(o));
    }
    return keys;
  }

  private boolean inScope(GenericKubernetesResource object) {
    return cx.watchNamespace().map(ns -> ns.equals(object.getMetadata().getNamespace())).orElse(true);
  }

  private void reconcile(String key) {
    long started = System.nanoTime();
    String result = "success";
    try {
      result = reconcileKey(key);
    } catch (FederationException e) {
      result = "error";
      LOG.warn("{} {}: {}; retrying", type.federated().kind(), key, e.getMessage());
      queue.addAfter(key, Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      result = "error";
      LOG.error("{} {}: {}; retrying", type.federated().kind(), key, e.toString(), e);
      queue.addAfter(key, Duration.ofSeconds(5));
    } finally {
      cx.metrics().reconciled(worker, result, Duration.ofNanos(System.nanoTime() - started));
    }
  }

  private String reconcileKey(String key) {
    int slash = key.indexOf('/');
    String ns = slash < 0 ? "" : key.substring(0, slash);
    String name = slash < 0 ? key : key.substring(slash + 1);
    ObjectWatch objects = watch;
    if (objects == null) {
      queue.addAfter(key, Duration.ofMillis(100)); // an event of the first list, before the constructor finished
      return "success";
    }
    Optional<GenericKubernetesResource> found = objects.get(ns, name);
    if (found.isEmpty()) {
      propagatedVersions.remove(key);
      return "success"; // gone without our finalizer: its copies stay, as KubeFed leaves them
    }
    GenericKubernetesResource object = found.get();
    if (HostObjects.annotations(object).containsKey(HostObjects.DISPATCH_KEY)) {
      return "success"; // a dispatcher's run record: the dispatcher creates its run, the controller never does
    }
    if (HostObjects.deleting(object)) {
      return delete(object);
    }
    if (!HostObjects.finalizers(object).contains(HostObjects.SYNC_FINALIZER)) {
      // one merge patch, conditional on the version the watch saw (a conflict means a newer one is on its way)
      List<String> f = new ArrayList<>(HostObjects.finalizers(object));
      f.add(HostObjects.SYNC_FINALIZER);
      ObjectNode patch = JSON.createObjectNode();
      ObjectNode metadata = patch.putObject("metadata");
      metadata.put("resourceVersion", object.getMetadata().getResourceVersion());
      f.forEach(metadata.putArray("finalizers")::add);
      try {
        object = cx.host().mergePatch(type.federated(), ns, name, patch);
      } catch (ClusterRequestException e) {
        if (e.code() == ClusterRequestException.CONFLICT || e.code() == ClusterRequestException.NOT_FOUND) {
          return "success"; // the watch brings the newer version (or the deletion), and with it this key again
        }
        throw e;
      }
    }
    String version = version(object);
    FederatedResource resource;
    try {
      resource = HostObjects.read(object, registry);
    } catch (ValidationException e) {
      if (!("invalid " + version).equals(propagatedVersions.put(key, "invalid " + version))) {
        invalid(object, e.getMessage()); // once per version: not again on the event of its own status write
      }
      return "success";
    }
    Optional<FederatedStatus> live = cx.fleet().status(ResourceKey.of(resource));
    if (ClusterFleet.isRun(type.target()) && createdBefore(object)) {
      // a run is created once: never again, even by a new leader, once its status says where it was created; while
      // this term's fleet follows it, its status still follows the fleet's
      GenericKubernetesResource run = object;
      live.ifPresent(l -> writeStatus(run, l));
      return "success";
    }
    if (version.equals(propagatedVersions.get(key)) && live.isPresent()) {
      // this version was propagated in this term, and the started fleet keeps its copies in line since (drift,
      // members coming and going, retries): only the status may have to follow the fleet's
      writeStatus(object, live.get());
      return "success";
    }
    PropagationResult propagated = cx.fleet().propagate(resource);
    if (propagated.isSuccess()) {
      propagatedVersions.put(key, version);
    } else {
      propagatedVersions.remove(key);
    }
    if (federatesNamespaces()) {
      cx.namespaceChanged().accept(object.getMetadata().getName());
    }
    report(object, propagated);
    List<String> takenOver = propagated.clustersWith(ClusterAction.TAKEN_OVER);
    if (!takenOver.isEmpty()) {
      LOG.info("{}: took over KubeFed's copies on {}", subject(object), takenOver);
      cx.tell().accept(new ControllerEvent(ControllerEvent.Type.TAKEN_OVER, subject(object),
          "took over KubeFed's copies on " + String.join(", ", takenOver)));
    }
    writeStatus(object, propagated, cx.fleet().status(ResourceKey.of(resource)));
    cx.tell().accept(new ControllerEvent(ControllerEvent.Type.PROPAGATED, subject(object),
        propagated.condition().toString()));
    return propagated.isSuccess() ? "success" : "needs_recheck";
  }

  /** Whether a run's status already lists where it was created, for the generation it has now. */
  private static boolean createdBefore(GenericKubernetesResource object) {
    JsonNode status = HostObjects.status(object);
    JsonNode condition = KubeFedStatus.propagation(status);
    return status.path("observedGeneration").asLong(-1) == HostObjects.generation(object)
        && status.path("clusters").size() > 0 && condition != null
        && "True".equals(condition.path("status").asText());
  }

  /** What the author's version of an object is: its uid, generation (spec) and annotations (orphan, adopt...). */
  private static String version(GenericKubernetesResource object) {
    Map<String, String> annotations = new java.util.TreeMap<>(HostObjects.annotations(object));
    annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
    return object.getMetadata().getUid() + "/" + HostObjects.generation(object) + "/" + annotations.hashCode();
  }

  private String delete(GenericKubernetesResource object) {
    propagatedVersions.remove(HostObjects.key(object));
    if (!HostObjects.finalizers(object).contains(HostObjects.SYNC_FINALIZER)) {
      return "success";
    }
    boolean orphan = "true".equals(HostObjects.annotations(object).get(HostObjects.ORPHAN));
    FederatedResource resource;
    try {
      resource = HostObjects.read(object, registry);
    } catch (ValidationException e) {
      // fleetfed cannot know its copies from an invalid object; it never propagated it either
      cx.events().warning(object, "DeleteInClusterFailed", "cannot read the object to remove its copies ("
          + e.getMessage() + "); removing the finalizer");
      removeFinalizer(object);
      return "success";
    }
    PropagationResult result = cx.fleet().delete(resource, orphan);
    report(object, result);
    List<String> blocking = result.clusters().values().stream().filter(o -> BLOCKING.contains(o.status()))
        .map(ClusterOutcome::cluster).sorted().toList();
    if (!blocking.isEmpty()) {
      List<String> notReady = result.clusters().values().stream()
          .filter(o -> o.status() == PropagationStatus.CLUSTER_NOT_READY).map(ClusterOutcome::cluster).sorted()
          .toList();
      String message = notReady.isEmpty() ? "waiting for the copies on " + String.join(", ", blocking)
          + " to be removed" : "the following clusters were not ready: " + String.join(", ", notReady);
      cx.events().warning(object, "DeleteInClusterFailed", message);
      writeStatus(object, result, Optional.empty());
      queue.addAfter(HostObjects.key(object), DELETION_RECHECK);
      return "needs_recheck";
    }
    removeFinalizer(object);
    if (federatesNamespaces()) {
      cx.namespaceChanged().accept(object.getMetadata().getName());
    }
    cx.tell().accept(new ControllerEvent(ControllerEvent.Type.DELETED, subject(object), orphan
        ? "copies orphaned" : "copies deleted"));
    return "success";
  }

  private void removeFinalizer(GenericKubernetesResource object) {
    HostObjects.finalizer(cx.host(), type.federated(), object, HostObjects.SYNC_FINALIZER, false);
  }

  private void invalid(GenericKubernetesResource object, String message) {
    LOG.warn("{} is invalid, nothing propagated: {}", subject(object), message);
    cx.events().warning(object, "InvalidFederatedObject", message);
    writeStatus(object, new PropagationResult(new ResourceKey(object.getKind(),
        Optional.ofNullable(object.getMetadata().getNamespace()).filter(n -> !n.isEmpty()),
        object.getMetadata().getName()), new PropagationCondition(false,
        PropagationCondition.COMPUTE_PLACEMENT_FAILED), Map.of(), Optional.of(message)), Optional.empty());
    cx.tell().accept(new ControllerEvent(ControllerEvent.Type.INVALID, subject(object), message));
  }

  /**
   * Events for what was done in the clusters, with KubeFed's reasons: one Event per reason and call, naming every
   * cluster it concerns (KubeFed wrote one per cluster; with many members that was most of the host's writes).
   */
  private void report(GenericKubernetesResource object, PropagationResult result) {
    Map<String, List<String>> normal = new java.util.LinkedHashMap<>();
    Map<String, List<String>> warnings = new java.util.LinkedHashMap<>();
    for (ClusterOutcome o : result.clusters().values()) {
      cx.metrics().outcome(o.status().reason(), o.action().name());
      String verb = switch (o.action()) {
        case CREATED -> "CreateInCluster";
        case UPDATED -> "UpdateInCluster";
        case DELETED -> "DeleteInCluster";
        case ORPHANED -> "RemoveManagedLabelFromInCluster";
        case TAKEN_OVER -> "TookOverFromKubeFed";
        default -> "";
      };
      if (!o.isOk()) {
        warnings.computeIfAbsent((verb.isEmpty() ? "PropagateInCluster" : verb) + "Failed", r -> new ArrayList<>())
            .add(o.status().reason() + " in cluster \"" + o.cluster() + "\"" + o.message().map(m -> ": " + m)
                .orElse(""));
      } else if (!verb.isEmpty()) {
        normal.computeIfAbsent(verb, r -> new ArrayList<>()).add("\"" + o.cluster() + "\"");
      }
    }
    String what = object.getKind() + " \"" + HostObjects.key(object) + "\"";
    normal.forEach((reason, clusters) -> cx.events().normal(object, reason, switch (reason) {
      case "CreateInCluster" -> "Creating ";
      case "UpdateInCluster" -> "Updating ";
      case "DeleteInCluster" -> "Deleting ";
      case "TookOverFromKubeFed" -> "Took over KubeFed's copy of ";
      default -> "Removing the managed label from ";
    } + what + " in cluster" + (clusters.size() == 1 ? " " : "s ") + String.join(", ", clusters)));
    warnings.forEach((reason, details) -> cx.events().warning(object, reason, what + ": "
        + String.join("; ", details)));
  }

  /** Writes the fleet's live status of {@code object} as KubeFed's, when it changed. */
  private void writeStatus(GenericKubernetesResource object, FederatedStatus live) {
    PropagationResult asResult = new PropagationResult(live.key(), live.condition(), Map.of(), Optional.empty());
    writeStatus(object, asResult, Optional.of(live));
  }

  /** Writes KubeFed's status when it changed; a conflict is read again and recomputed. */
  private void writeStatus(GenericKubernetesResource object, PropagationResult result,
      Optional<FederatedStatus> live) {
    String reason = result.condition().status() ? "" : result.condition().reason();
    List<KubeFedStatus.Cluster> clusters = new ArrayList<>();
    if (live.isPresent() && result.problem().isEmpty()) {
      reason = live.get().condition().status() ? "" : live.get().condition().reason();
      for (ClusterStatus c : live.get().clusters().values()) {
        clusters.add(new KubeFedStatus.Cluster(c.cluster(), c.status().reason(), c.remoteStatus()));
      }
    } else {
      for (ClusterOutcome o : result.clusters().values()) {
        clusters.add(new KubeFedStatus.Cluster(o.cluster(), o.status().reason(), Optional.empty()));
      }
    }
    boolean collect = cx.collectRemote() && type.statusCollectionEnabled();
    Instant now = Instant.now();
    String finalReason = reason;
    if (KubeFedStatus.next(HostObjects.status(object), HostObjects.generation(object), finalReason, clusters,
        collect, now).isEmpty()) {
      return;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        boolean[] wrote = {false};
        cx.host().edit(type.federated(), object.getMetadata().getNamespace(), object.getMetadata().getName(), true,
            o -> {
              Optional<ObjectNode> next = KubeFedStatus.next(
                  HostObjects.status(o), HostObjects.generation(o), finalReason, clusters, collect, now);
              next.ifPresent(s -> {
                o.setAdditionalProperty("status", JSON.convertValue(s, Map.class));
                wrote[0] = true;
              });
              return o;
            });
        if (wrote[0]) {
          cx.metrics().statusWritten();
        }
        return;
      } catch (ClusterRequestException e) {
        if (e.code() == ClusterRequestException.NOT_FOUND) {
          return;
        }
        if (e.code() != ClusterRequestException.CONFLICT || attempt >= 5) {
          throw e;
        }
      }
    }
  }

  private static String subject(GenericKubernetesResource object) {
    return object.getKind() + " " + HostObjects.key(object);
  }

  @Override
  public void close() {
    queue.close(Duration.ofSeconds(2));
    ObjectWatch objects = watch;
    if (objects != null) {
      objects.close();
    }
  }
}
