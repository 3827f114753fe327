package io.fleetfed.tekton;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.cluster.VersionChoice;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.kubefed.ConversionException;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.render.Renderer;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.CopyReport;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.PropagationStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Placing a run on a member with what it needs there: finding its dependency closure (from the request, else the
 * source cluster, whose Tasks and ServiceAccounts are watched), propagating each dependency through the fleet to
 * the member (adding it to the dependency's placement, never removing), then creating the run there as the fleet
 * would write it. Also removes the copy a run left behind on a cluster it moved away from, once that cluster can
 * be reached. Every request goes through the fleet: {@link ClusterFleet#propagate} or its {@link ClusterClient}s.
 */
final class RunPlacer {
  private static final Logger LOG = LoggerFactory.getLogger(RunPlacer.class);
  private static final int LOCK_STRIPES = 64;

  /** The clusters a dependency was propagated to, with the object as propagated. */
  private record Placed(ObjectNode object, Set<String> clusters) {
    @Override
    public String toString() {
      return "placed on " + clusters;   // never the object: it may be a Secret
    }
  }

  /** A run's copy to delete from a cluster it moved away from, once that cluster can be reached. */
  private record Removal(ResourceType type, String namespace, String name, String key) {}

  private final ClusterFleet fleet;
  private final ObjectMapper json;
  private final Executor worker;
  private final Object[] dependencyLocks = new Object[LOCK_STRIPES];
  private final Map<String, Placed> placedDependencies = new ConcurrentHashMap<>();
  private final Map<String, Definitions> definitions = new ConcurrentHashMap<>();
  private final Map<String, Set<Removal>> removals = new ConcurrentHashMap<>();
  private volatile boolean closed;

  RunPlacer(ClusterFleet fleet, ObjectMapper json, Executor worker) {
    this.fleet = fleet;
    this.json = json;
    this.worker = worker;
    for (int i = 0; i < dependencyLocks.length; i++) {
      dependencyLocks[i] = new Object();
    }
  }

  // ---- what the run needs ------------------------------------------------------------------------------

  /**
   * Everything the request's run needs in the cluster that runs it.
   *
   * @throws DispatchException naming every missing dependency
   */
  Closure.Result closure(DispatchRequest request) {
    Optional<ClusterClient> source;
    String sourceName;
    if (request.sourceCluster().isPresent()) {
      String c = request.sourceCluster().get();
      source = Optional.of(fleet.client(c));
      sourceName = c;
    } else {
      source = fleet.hostClient();
      sourceName = source.isPresent() ? fleet.hostName() + " (the host)" : "(none: the fleet has no host cluster)";
    }
    Optional<Definitions> defs = source.map(client -> definitions.computeIfAbsent(sourceName,
        k -> new Definitions(client, json)));
    if (closed) {
      defs.ifPresent(Definitions::close);
      throw new IllegalStateException("the dispatcher is closed");
    }
    String kind = request.kind();
    String namespace = request.namespace();
    String name = request.run().path("metadata").path("name").asText("(generated)");
    List<ObjectNode> objects = request.dependencies();
    List<Closure.Given> given = new ArrayList<>();
    for (int i = 0; i < objects.size(); i++) {
      given.add(new Closure.Given(objects.get(i), request.dependencySources().get(i)));
    }
    Closure.Result result = Closure.of(request.run(), request.source(), given, (type, ns, objectName, optional) ->
        source.flatMap(client -> {
          if (Definitions.cached(type)) {
            Optional<Optional<ObjectNode>> known = defs.orElseThrow().get(type, ns, objectName);
            // absent from the cache: maybe created a moment ago, so ask the cluster unless it is optional anyway
            if (known.isPresent() && (known.get().isPresent() || optional)) {
              return known.get();
            }
          }
          try {
            return client.get(type, type.isNamespaced() ? ns : "", objectName)
                .map(r -> json.convertValue(r, ObjectNode.class));
          } catch (ClusterRequestException e) {
            throw new DispatchException("cannot read " + type.kind() + " " + (ns.isEmpty() ? "" : ns + "/")
                + objectName + " from the source cluster " + sourceName + ": " + e.getMessage(), kind, namespace,
                name, Optional.of(e.cluster()), e);
          }
        }), sourceName);
    // what could not be propagated is the member's business; a user who sees the run fail there learns why here
    // (and from RunHandle.warnings())
    result.warnings().forEach(w -> LOG.warn("{}", w));
    return result;
  }

  // ---- members that do not answer ----------------------------------------------------------------------

  /** How long a member that did not answer a placement is passed over while others can take the run. */
  static final Duration UNANSWERED_QUIET = Duration.ofSeconds(60);
  /** When each member last failed to answer a placement (a timeout, or no connection), by name. */
  private final Map<String, Long> unanswered = new ConcurrentHashMap<>();

  /**
   * The members that did not answer a placement within {@link #UNANSWERED_QUIET}, with why, for the chooser to pass
   * over while another member can take the run: a slow member then costs one dispatch its timeout, not every one.
   */
  Map<String, String> unanswering() {
    long now = System.nanoTime();
    Map<String, String> recent = new TreeMap<>();
    unanswered.forEach((cluster, at) -> {
      long ago = now - at;
      if (ago < UNANSWERED_QUIET.toNanos()) {
        recent.put(cluster, "did not answer a placement " + TimeUnit.NANOSECONDS.toSeconds(ago) + " s ago (passed"
            + " over for " + UNANSWERED_QUIET.toSeconds() + " s, or until it is Ready again, while others can run it)");
      } else {
        unanswered.remove(cluster, at);
      }
    });
    return recent;
  }

  private void unanswered(String cluster) {
    unanswered.put(cluster, System.nanoTime());
  }

  // ---- placing ----------------------------------------------------------------------------------------

  /**
   * Propagates the run's dependencies to {@code cluster}, then creates the run there.
   *
   * @return empty once the run is there, else what failed
   */
  Optional<String> place(RunHandle handle, String cluster) {
    try {
      if (handle.dependencies() == null) {
        handle.dependencies(closure(handle.request()));
      }
      for (Closure.Dependency d : handle.dependencies()) {
        Optional<String> failed = placeDependency(d, cluster);
        if (failed.isPresent()) {
          return Optional.of(d.describe() + " (" + d.why() + "): " + failed.get());
        }
      }
      FederatedResource run = FederatedResource.builder(handle.type()).namespace(handle.namespace())
          .name(handle.name()).template(handle.run()).placement(Placement.clusters(cluster)).build();
      return createRun(cluster, handle, Renderer.renderFor(run, cluster));
    } catch (DispatchException e) {
      throw e;
    } catch (FederationException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * Creates the run on {@code cluster} as the fleet would write it (managed label, source and hash annotations),
   * in a version the member serves (converted when that is not the run's own), but directly: a run is created once
   * and never updated, so the fleet need not track it. Empty once it is there.
   */
  private Optional<String> createRun(String cluster, RunHandle handle, ObjectNode object) {
    if (fleet.cluster(cluster).map(c -> !c.health().isReady()).orElse(true)) {
      return Optional.of(PropagationStatus.CLUSTER_NOT_READY.reason());
    }
    VersionChoice version = fleet.versionOn(cluster, handle.type());
    if (!version.served()) {
      return Optional.of(PropagationStatus.VERSION_NOT_SERVED.reason() + ": " + version.notServed().get());
    }
    ObjectNode toCreate;
    try {
      toCreate = version.converted(handle.type()) ? fleet.converters().convert(object, version.type().version())
          : object;
    } catch (ConversionException e) {
      return Optional.of(PropagationStatus.VERSION_NOT_SERVED.reason() + ": " + cluster + " serves "
          + handle.type().qualifiedName() + " at " + version.type().version() + ", not at "
          + handle.type().version() + "; " + e.getMessage());
    }
    ClusterClient client = fleet.client(cluster);
    try {
      client.createWithNamespace(version.type(), json.convertValue(toCreate, GenericKubernetesResource.class));
      unanswered.remove(cluster);
      return Optional.empty();
    } catch (ClusterRequestException e) {
      if (e.isTimeout() || e.code() == 0) {
        unanswered(cluster);
      }
      if (e.isConflict()) {
        String key = client.get(version.type(), handle.namespace(), handle.name())
            .map(there -> there.getMetadata().getAnnotations())
            .map(annotations -> annotations.get(RunDispatcher.DISPATCH_KEY_ANNOTATION)).orElse(null);
        return handle.key().equals(key) ? Optional.empty() : Optional.of(PropagationStatus.ALREADY_EXISTS.reason()
            + ": a " + handle.kind() + " of that name exists there and is not this dispatch's");
      }
      if (e.isNotFound() && notServedAtAll(client, handle.type())) {
        return Optional.of(PropagationStatus.VERSION_NOT_SERVED.reason() + ": " + cluster + " serves no version of "
            + handle.type().qualifiedName() + " (is Tekton installed there?)");
      }
      return Optional.of(PropagationStatus.CREATION_FAILED.reason() + ": " + e.getMessage());
    }
  }

  /** Whether {@code client}'s cluster serves no version of {@code type} (a 404 then means no Tekton there). */
  private static boolean notServedAtAll(ClusterClient client, ResourceType type) {
    try {
      return client.servedVersions(type.group()).getOrDefault(type.plural(), List.of()).isEmpty();
    } catch (ClusterRequestException e) {
      return false;
    }
  }

  /** Adds {@code cluster} to where {@code d} is propagated; empty once it is there (or already was, unmanaged). */
  private Optional<String> placeDependency(Closure.Dependency d, String cluster) {
    String id = d.type().kind() + "/" + d.object().path("metadata").path("namespace").asText() + "/"
        + d.object().path("metadata").path("name").asText();
    synchronized (dependencyLocks[Math.floorMod(id.hashCode(), dependencyLocks.length)]) {
      Placed placed = placedDependencies.get(id);
      if (placed != null && placed.clusters().contains(cluster) && placed.object().equals(d.object())) {
        return Optional.empty();   // as propagated before: the started fleet keeps it so
      }
      FederatedResource resource = federated(d, List.of(cluster));
      Set<String> clusters = new TreeSet<>(placed == null ? present(resource) : placed.clusters());
      clusters.add(cluster);
      resource = federated(d, List.copyOf(clusters));
      PropagationResult result = fleet.propagate(resource);
      ClusterOutcome o = result.cluster(cluster).orElse(null);
      if (o == null) {
        return Optional.of("not placed" + result.problem().map(p -> ": " + p).orElse(""));
      }
      if (!o.isOk() && o.status() != PropagationStatus.ALREADY_EXISTS) {
        if (o.status().reason().endsWith("TimedOut")) {
          unanswered(cluster);
        }
        return Optional.of(o.status().reason() + o.message().map(m -> ": " + m).orElse(""));
      }
      if (o.status() == PropagationStatus.ALREADY_EXISTS) {
        LOG.info("{} exists on {} and is not fleetfed's: the run uses it as it is", d.describe(), cluster);
      }
      placedDependencies.put(id, new Placed(d.object(), Set.copyOf(clusters)));
      return Optional.empty();
    }
  }

  private static FederatedResource federated(Closure.Dependency d, List<String> clusters) {
    return FederatedResource.builder(d.type()).namespace(d.object().path("metadata").path("namespace").asText())
        .name(d.object().path("metadata").path("name").asText()).template(d.object())
        .placement(Placement.clusters(clusters)).build();
  }

  /** The clusters holding fleetfed's copy of {@code resource} now (after a restart, the fleet forgot them). */
  private Set<String> present(FederatedResource resource) {
    Set<String> clusters = new TreeSet<>();
    for (CopyReport r : fleet.inspect(resource)) {
      if (r.present()) {
        clusters.add(r.cluster());
      }
    }
    return clusters;
  }

  // ---- leaving ----------------------------------------------------------------------------------------

  /** Removes {@code h}'s copy from {@code cluster}, which the run moved away from, now or once it is back. */
  void leave(String cluster, RunHandle h) {
    removals.computeIfAbsent(cluster, c -> ConcurrentHashMap.newKeySet())
        .add(new Removal(h.type(), h.namespace(), h.name(), h.key()));
    runLater(() -> removeAll(cluster));
  }

  /** {@code cluster} is Ready again: the copies left there are removed. */
  void clusterReady(String cluster) {
    unanswered.remove(cluster);
    if (!removals.getOrDefault(cluster, Set.of()).isEmpty()) {
      runLater(() -> removeAll(cluster));
    }
  }

  private void removeAll(String cluster) {
    Set<Removal> pending = removals.get(cluster);
    if (pending != null) {
      pending.removeIf(r -> removeCopy(cluster, r));
    }
  }

  /** Deletes this dispatch's copy of the run from {@code cluster}; false if that cannot be done now. */
  private boolean removeCopy(String cluster, Removal r) {
    if (fleet.cluster(cluster).map(c -> !c.health().isReady()).orElse(false)) {
      return false;
    }
    try {
      ClusterClient client = fleet.client(cluster);
      ResourceType type = fleet.versionOn(cluster, r.type()).type();   // the version it was created in there
      Optional<GenericKubernetesResource> there = client.get(type, r.namespace(), r.name());
      if (there.isPresent() && there.get().getMetadata().getAnnotations() != null
          && r.key().equals(there.get().getMetadata().getAnnotations().get(RunDispatcher.DISPATCH_KEY_ANNOTATION))) {
        client.delete(type, r.namespace(), r.name());
        LOG.info("removed the copy of {} {}/{} that moved away from {}", r.type().kind(), r.namespace(), r.name(),
            cluster);
      }
      return true;
    } catch (FederationException e) {
      LOG.debug("cannot remove {} from {} yet: {}", r, cluster, e.toString());
      return false;
    }
  }

  private void runLater(Runnable task) {
    try {
      worker.execute(task);
    } catch (RejectedExecutionException closing) {
      // the dispatcher is closing
    }
  }

  /** Stops the source clusters' watches. */
  void close() {
    closed = true;
    definitions.values().forEach(Definitions::close);
    definitions.clear();
  }
}
