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
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.cluster.MembershipChange;
import io.fleetfed.core.cluster.ObjectWatch;
import io.fleetfed.core.cluster.WatchHandler;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.kubefed.FederatedTypeConfig;
import io.fleetfed.core.kubefed.KubeFedYaml;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.model.ResourceType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One leadership term: the fleet (whose writes stop with the term's fence), the host's watches on
 * FederatedTypeConfigs, KubeFedClusters and the KubeFedConfig, and one {@link TypeSync} per enabled type.
 */
final class Term implements AutoCloseable {
  static final ResourceType TYPE_CONFIGS = ResourceType.namespaced("core.kubefed.io", "v1beta1",
      "FederatedTypeConfig", "federatedtypeconfigs");
  static final ResourceType KUBEFED_CLUSTERS = ResourceType.namespaced("core.kubefed.io", "v1beta1",
      "KubeFedCluster", "kubefedclusters");
  static final String FTC_FINALIZER = "core.kubefed.io/federated-type-config";
  /** How often membership is read again even without a KubeFedCluster event (a rotated token Secret). */
  static final Duration MEMBERSHIP_POLL = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(Term.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ControllerRuntime.Settings settings;
  private final KubeFedSettings config;
  private final Metrics metrics;
  private final Consumer<ControllerEvent> tell;
  private final ScheduledExecutorService timer;
  private final ClusterFleet fleet;
  private final ClusterClient host;
  private final Events events;
  private final Optional<String> watchNamespace;
  private final Map<String, TypeSync> syncs = new ConcurrentHashMap<>();
  private final WorkQueue<String> typeConfigs;
  /** Null until the constructor has started it: its first events may reach the queue before. */
  private volatile ObjectWatch ftcWatch;
  private volatile ObjectWatch clusterWatch;
  private volatile ObjectWatch configWatch;
  private final ScheduledFuture<?> membershipPoll;
  private final AtomicBoolean refreshQueued = new AtomicBoolean();
  private final Object memberLock = new Object();
  private volatile boolean closed;

  Term(ControllerRuntime.Settings settings, Optional<GenericKubernetesResource> kubefedConfig,
      BooleanSupplier mayWrite, Metrics metrics, Consumer<ControllerEvent> tell, ScheduledExecutorService timer,
      Runnable configChanged) {
    this.settings = settings;
    this.config = KubeFedSettings.of(kubefedConfig);
    this.metrics = metrics;
    this.tell = tell;
    this.timer = timer;
    config.problems().forEach(p -> LOG.warn("KubeFedConfig {}/{}: {}", settings.kubefedNamespace(),
        KubeFedSettings.NAME, p));
    this.watchNamespace = settings.watchNamespace().or(() -> config.scope().equals("Namespaced")
        ? Optional.of(settings.kubefedNamespace()) : Optional.empty());
    this.fleet = ClusterFleet.builder().host(settings.hostName(), settings.host())
        .federationNamespace(settings.kubefedNamespace())
        .adoptResources(config.adoptResources().orElse(false))
        .collectRemoteStatus(config.rawResourceStatusCollection())
        .health(config.health())
        .requestTimeout(settings.requestTimeout())
        .writesAllowed(mayWrite)
        .takeOverKubeFedCopies(settings.takeOverKubeFedCopies())
        .build();
    try {
      fleet.start();
      this.host = fleet.hostClient().orElseThrow();
      this.events = new Events(host, settings.kubefedNamespace());
      fleet.addStatusListener(status -> {
        TypeSync sync = syncFor(status.key().federatedKind());
        if (sync != null) {
          sync.statusChanged(status.key());
        }
      });
      fleet.addClusterListener(state -> {
        metrics.clusters(fleet.clusters());
        // a member came back or went: blocked deletions and statuses are looked at again soon
        syncs.values().forEach(s -> s.resync(Duration.ofSeconds(1)));
      });
      this.typeConfigs = new WorkQueue<>("federatedtypeconfig", 1, timer, this::reconcileType);
      metrics.declare("federatedtypeconfig");
      metrics.queue("federatedtypeconfig", typeConfigs::depth);
      this.ftcWatch = host.watch(TYPE_CONFIGS, settings.kubefedNamespace(), Map.of(), Map.of(), handler(o -> {
        if (settings.kubefedNamespace().equals(o.getMetadata().getNamespace())) {
          typeConfigs.add(o.getMetadata().getName());
        }
      }));
      this.clusterWatch = host.watch(KUBEFED_CLUSTERS, settings.kubefedNamespace(), Map.of(), Map.of(), handler(o -> {
        if (settings.kubefedNamespace().equals(o.getMetadata().getNamespace())) {
          refreshSoon();
        }
      }));
      String seen = kubefedConfig.map(c -> c.getMetadata().getResourceVersion()).orElse("");
      this.configWatch = host.watch(KubeFedSettings.KUBEFED_CONFIGS, settings.kubefedNamespace(), Map.of(),
          Map.of(), handler(o -> {
        if (settings.kubefedNamespace().equals(o.getMetadata().getNamespace())
            && KubeFedSettings.NAME.equals(o.getMetadata().getName())
            && !Objects.equals(seen, o.getMetadata().getResourceVersion()) && !closed) {
          LOG.info("KubeFedConfig {}/{} changed: applying it", settings.kubefedNamespace(), KubeFedSettings.NAME);
          configChanged.run();
        }
      }));
      this.membershipPoll = timer.scheduleWithFixedDelay(this::refreshSoon, MEMBERSHIP_POLL.toMillis(),
          MEMBERSHIP_POLL.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      fleet.close();
      throw e;
    }
    tell.accept(new ControllerEvent(ControllerEvent.Type.CONFIG_APPLIED, settings.kubefedNamespace() + "/"
        + KubeFedSettings.NAME, "scope " + config.scope() + ", " + config.maxConcurrentReconciles()
        + " reconciles at once, adoption " + (config.adoptResources().orElse(false) ? "on" : "off")
        + ", remote status " + (config.rawResourceStatusCollection() ? "on" : "off")
        + (config.problems().isEmpty() ? "" : "; ignored: " + String.join("; ", config.problems()))));
  }

  private static WatchHandler handler(Consumer<GenericKubernetesResource> onChange) {
    return new WatchHandler() {
      @Override
      public void changed(GenericKubernetesResource object) {
        onChange.accept(object);
      }

      @Override
      public void deleted(GenericKubernetesResource object) {
        onChange.accept(object);
      }
    };
  }

  private TypeSync syncFor(String federatedKind) {
    for (TypeSync s : syncs.values()) {
      if (s.type().federated().kind().equals(federatedKind)) {
        return s;
      }
    }
    return null;
  }

  // ---- membership ---------------------------------------------------------------------------------

  private void refreshSoon() {
    if (!closed && refreshQueued.compareAndSet(false, true)) {
      timer.schedule(this::refreshMembers, 200, TimeUnit.MILLISECONDS);
    }
  }

  private void refreshMembers() {
    refreshQueued.set(false);
    if (closed) {
      return;
    }
    synchronized (memberLock) {
      try {
        MembershipChange change = fleet.refreshMembers();
        if (!change.isEmpty()) {
          LOG.info("members changed: added {}, removed {}, reconnected {}, relabelled {}", change.added(),
              change.removed(), change.reconnected(), change.relabelled());
          tell.accept(new ControllerEvent(ControllerEvent.Type.MEMBERSHIP_CHANGED, settings.hostName(),
              "added " + change.added() + ", removed " + change.removed() + ", reconnected "
                  + change.reconnected() + ", relabelled " + change.relabelled()));
          metrics.clusters(fleet.clusters());
          syncs.values().forEach(s -> s.resync(Duration.ZERO));
        }
      } catch (FederationException | IllegalStateException e) {
        if (!closed) {
          LOG.warn("cannot read the members: {}", e.getMessage());
        }
      }
    }
  }

  // ---- type configs -------------------------------------------------------------------------------

  private void reconcileType(String name) {
    long started = System.nanoTime();
    String result = "success";
    try {
      result = reconcileTypeConfig(name);
    } catch (FederationException e) {
      result = "error";
      LOG.warn("FederatedTypeConfig {}: {}; retrying", name, e.getMessage());
      typeConfigs.addAfter(name, Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      result = "error";
      LOG.error("FederatedTypeConfig {}: {}; retrying", name, e.toString(), e);
      typeConfigs.addAfter(name, Duration.ofSeconds(5));
    } finally {
      metrics.reconciled("federatedtypeconfig", result, Duration.ofNanos(System.nanoTime() - started));
    }
  }

  private String reconcileTypeConfig(String name) {
    ObjectWatch watch = ftcWatch;
    if (watch == null) {
      typeConfigs.addAfter(name, Duration.ofMillis(100)); // an event of the first list, before the term finished
      return "success";
    }
    Optional<GenericKubernetesResource> found = watch.get(settings.kubefedNamespace(), name);
    if (found.isEmpty()) {
      stop(name, "its FederatedTypeConfig was deleted");
      return "success";
    }
    GenericKubernetesResource ftc = found.get();
    if (ftc.getMetadata().getDeletionTimestamp() != null) {
      stop(name, "its FederatedTypeConfig is being deleted");
      editFinalizers(ftc, false);
      return "success";
    }
    if (!HostObjects.finalizers(ftc).contains(FTC_FINALIZER)) {
      ftc = editFinalizers(ftc, true);
    }
    FederatedTypeConfig type;
    try {
      type = readType(ftc);
    } catch (ValidationException e) {
      return failed(ftc, name, "invalid: " + e.getMessage(), false);
    }
    boolean namespacedPlane = watchNamespace.isPresent() && settings.watchNamespace().isEmpty();
    String why = "";
    if (!type.propagationEnabled()) {
      why = "spec.propagation is Disabled";
    } else if (!config.pushReconciler()) {
      why = "feature gate PushReconciler is Disabled in the KubeFedConfig";
    } else if (namespacedPlane && !type.target().isNamespaced()) {
      why = "a Namespaced control plane does not propagate the cluster-scoped " + type.target().kind();
    }
    TypeSync running = syncs.get(name);
    if (!why.isEmpty()) {
      stop(name, why);
      writeTypeStatus(ftc, false);
      return "success";
    }
    if (running != null && running.type().equals(type)) {
      writeTypeStatus(ftc, true);
      return "success";
    }
    if (running != null) {
      stop(name, "its FederatedTypeConfig changed");
    }
    try {
      host.list(type.federated(), watchNamespace.orElse(""), Map.of("fleetfed.io/probe", "none"));
    } catch (ClusterRequestException e) {
      if (e.code() == ClusterRequestException.NOT_FOUND) {
        return failed(ftc, name, "the host does not serve " + type.federated().apiVersion() + " "
            + type.federated().kind() + " (is CRD " + type.crdName() + " installed? `fleetfed enable "
            + type.name() + "` prints it)", true);
      }
      throw e;
    }
    TypeSync sync;
    try {
      sync = new TypeSync(type, new TypeSync.Context(fleet, host, watchNamespace,
          config.rawResourceStatusCollection(), events, metrics, tell, timer, config.maxConcurrentReconciles(),
          this::namespaceChanged));
    } catch (ValidationException e) {
      return failed(ftc, name, e.getMessage(), false);
    }
    syncs.put(name, sync);
    LOG.info("propagating {} ({})", type.federated().kind(), name);
    tell.accept(new ControllerEvent(ControllerEvent.Type.TYPE_STARTED, name, type.federated().kind() + " → "
        + type.target().kind()));
    writeTypeStatus(ftc, true);
    return "success";
  }

  private String failed(GenericKubernetesResource ftc, String name, String why, boolean retry) {
    stop(name, why);
    LOG.warn("FederatedTypeConfig {} cannot run: {}", name, why);
    events.warning(ftc, "SyncControllerNotStarted", why);
    tell.accept(new ControllerEvent(ControllerEvent.Type.TYPE_FAILED, name, why));
    writeTypeStatus(ftc, false);
    if (retry) {
      typeConfigs.addAfter(name, Duration.ofSeconds(10));
    }
    return "needs_recheck";
  }

  private void stop(String name, String why) {
    TypeSync running = syncs.remove(name);
    if (running != null) {
      running.close();
      LOG.info("stopped propagating {}: {}", name, why);
      tell.accept(new ControllerEvent(ControllerEvent.Type.TYPE_STOPPED, name, why));
    }
  }

  /** A FederatedNamespace was propagated or deleted: the other types' objects in it follow its placement. */
  private void namespaceChanged(String namespace) {
    for (TypeSync sync : syncs.values()) {
      if (!sync.type().target().kind().equals("Namespace")) {
        sync.namespaceChanged(namespace);
      }
    }
  }

  private static FederatedTypeConfig readType(GenericKubernetesResource ftc) {
    JsonNode tree = JSON.valueToTree(ftc);
    ObjectNode doc = JSON.createObjectNode();
    doc.put("apiVersion", ftc.getApiVersion());
    doc.put("kind", ftc.getKind());
    doc.putObject("metadata").put("name", ftc.getMetadata().getName())
        .put("namespace", ftc.getMetadata().getNamespace());
    if (tree.has("spec")) {
      doc.set("spec", tree.get("spec"));
    }
    return KubeFedYaml.read("FederatedTypeConfig " + ftc.getMetadata().getNamespace() + "/"
        + ftc.getMetadata().getName(), doc.toString(), TypeRegistry.builtIn()).typeConfigs().get(0);
  }

  private GenericKubernetesResource editFinalizers(GenericKubernetesResource ftc, boolean add) {
    return HostObjects.finalizer(host, TYPE_CONFIGS, ftc, FTC_FINALIZER, add);
  }

  /** KubeFed's FTC status: observedGeneration, propagationController, statusController; written when changed. */
  private void writeTypeStatus(GenericKubernetesResource ftc, boolean running) {
    JsonNode status = HostObjects.status(ftc);
    long generation = HostObjects.generation(ftc);
    String controller = running ? "Running" : "NotRunning";
    if (status.path("observedGeneration").asLong(-1) == generation
        && controller.equals(status.path("propagationController").asText())
        && "NotRunning".equals(status.path("statusController").asText())) {
      return;
    }
    try {
      host.edit(TYPE_CONFIGS, ftc.getMetadata().getNamespace(), ftc.getMetadata().getName(), true, o -> {
        o.setAdditionalProperty("status", Map.of("observedGeneration", HostObjects.generation(o),
            "propagationController", controller, "statusController", "NotRunning"));
        return o;
      });
    } catch (ClusterRequestException e) {
      if (e.code() != ClusterRequestException.NOT_FOUND) {
        throw e;
      }
    }
  }

  // ---- state --------------------------------------------------------------------------------------

  List<String> typesRunning() {
    return syncs.keySet().stream().sorted().toList();
  }

  List<ClusterState> members() {
    return closed ? List.of() : fleet.clusters();
  }

  boolean synced() {
    ObjectWatch ftc = ftcWatch;
    ObjectWatch clusters = clusterWatch;
    return ftc != null && clusters != null && ftc.synced() && clusters.synced() && syncs.values().stream().allMatch(TypeSync::synced);
  }

  int depth() {
    return typeConfigs.depth() + syncs.values().stream().mapToInt(TypeSync::depth).sum();
  }

  boolean idle() {
    return typeConfigs.idle() && syncs.values().stream().allMatch(TypeSync::idle) && !refreshQueued.get();
  }

  @Override
  public void close() {
    closed = true;
    membershipPoll.cancel(false);
    typeConfigs.close(Duration.ofSeconds(2));
    for (String name : List.copyOf(syncs.keySet())) {
      TypeSync s = syncs.remove(name);
      if (s != null) {
        s.close();
      }
    }
    for (ObjectWatch w : new ObjectWatch[] {ftcWatch, clusterWatch, configWatch}) {
      if (w != null) {
        w.close();
      }
    }
    fleet.close();
  }
}
