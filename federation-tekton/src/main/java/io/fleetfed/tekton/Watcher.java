package io.fleetfed.tekton;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ObjectWatch;
import io.fleetfed.core.cluster.VersionChoice;
import io.fleetfed.core.cluster.WatchHandler;
import io.fleetfed.core.model.ResourceType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs of one member cluster, kept by watches (one per run kind and version, all namespaces): they tell the
 * dispatcher of every change of a run it placed there, and count the runs that occupy the cluster (unfinished
 * PipelineRuns, and unfinished TaskRuns that no PipelineRun started) plus those just placed there and not yet seen.
 * A version is watched as the member serves it: runs of {@code tekton.dev/v1} are watched at {@code v1beta1} on a
 * member that serves only that (the fleet's {@link io.fleetfed.core.cluster.VersionChoice}), and not at all on one
 * that serves neither.
 */
final class Watcher {
  private static final Logger LOG = LoggerFactory.getLogger(Watcher.class);
  static final String PIPELINE_RUN_LABEL = "tekton.dev/pipelineRun";
  private static final String BY_PIPELINE_RUN = "byPipelineRun";
  private static final String BY_KEY = "byDispatchKey";
  private static final Function<GenericKubernetesResource, List<String>> KEY_INDEX = o -> {
    Map<String, String> labels = o.getMetadata().getLabels();
    String hash = labels == null ? null : labels.get(RunDispatcher.DISPATCH_LABEL);
    return hash == null ? List.of() : List.of(o.getMetadata().getNamespace() + "/" + hash);
  };
  private static final Map<String, Function<GenericKubernetesResource, List<String>>> CHILD_INDEX =
      Map.of(BY_PIPELINE_RUN, o -> {
        Map<String, String> labels = o.getMetadata().getLabels();
        String pr = labels == null ? null : labels.get(PIPELINE_RUN_LABEL);
        return pr == null ? List.of() : List.of(o.getMetadata().getNamespace() + "/" + pr);
      }, BY_KEY, KEY_INDEX);

  /** Told of each change of a run or child TaskRun on this cluster that it is interested in. */
  interface Events {
    /** Whether a change of run {@code kind/namespace/name} (a child of PipelineRun {@code parent}) matters. */
    boolean interested(String kind, String namespace, String name, String parent);

    /** A dispatched run (not a PipelineRun's child) was deleted from this cluster: pruned, most likely. */
    void dispatchedRunDeleted(String cluster, ObjectNode run);

    void changed(String cluster, ObjectNode run, boolean deleted);
  }

  private final String cluster;
  private final ClusterClient client;
  private final Events events;
  private final ObjectMapper json;
  private final Map<String, ObjectWatch> watches = new ConcurrentHashMap<>();
  /** The type asked for → the type watched for it on this member ({@code key}s); absent: not served here. */
  private final Map<String, String> watchedAs = new ConcurrentHashMap<>();
  private final Set<String> versions = ConcurrentHashMap.newKeySet();
  private final Function<ResourceType, VersionChoice> versionOn;
  private final Set<String> occupying = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  Watcher(ClusterClient client, Function<ResourceType, VersionChoice> versionOn, Events events, ObjectMapper json) {
    this.cluster = client.cluster();
    this.client = client;
    this.versionOn = versionOn;
    this.events = events;
    this.json = json;
  }

  static String id(String kind, String namespace, String name) {
    return kind + "/" + namespace + "/" + name;
  }

  /** Starts watching TaskRuns and PipelineRuns at {@code version}, once; waits up to {@code wait} for the lists. */
  void watch(String version, Duration wait) {
    versions.add(version);
    List<ObjectWatch> starting = new ArrayList<>();
    for (ResourceType base : List.of(TektonTypes.TASK_RUN, TektonTypes.PIPELINE_RUN)) {
      ResourceType asked = base.withVersion(version);
      VersionChoice choice = versionOn.apply(asked);
      if (!choice.served()) {
        watchedAs.remove(key(asked));
        continue;
      }
      ResourceType type = choice.type();
      watchedAs.put(key(asked), key(type));
      watches.computeIfAbsent(key(type), k -> {
        ObjectWatch w = client.watch(type, Map.of(), base == TektonTypes.TASK_RUN ? CHILD_INDEX : Map.of(BY_KEY, KEY_INDEX),
            new WatchHandler() {
              @Override
              public void changed(GenericKubernetesResource o) {
                seen(o, false);
              }

              @Override
              public void deleted(GenericKubernetesResource o) {
                seen(o, true);
              }
            });
        starting.add(w);
        return w;
      });
    }
    for (ObjectWatch w : starting) {
      try {
        if (!w.awaitSynced(wait)) {
          LOG.debug("the run watches of {} have not listed yet", cluster);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void seen(GenericKubernetesResource o, boolean deleted) {
    if (closed) {
      return;
    }
    String kind = o.getKind();
    String namespace = o.getMetadata().getNamespace();
    String name = o.getMetadata().getName();
    String id = id(kind, namespace, name);
    Map<String, String> labels = o.getMetadata().getLabels();
    String parent = labels == null ? null : labels.get(PIPELINE_RUN_LABEL);
    boolean child = kind.equals(RunKind.TASK_RUN) && parent != null;
    if (!child) {
      if (deleted || ended(o.getAdditionalProperties().get("status"))) {
        occupying.remove(id);
      } else {
        occupying.add(id);
      }
    }
    if (deleted && !child && labels != null && labels.containsKey(RunDispatcher.DISPATCH_LABEL)) {
      try {
        events.dispatchedRunDeleted(cluster, json.convertValue(o, ObjectNode.class));
      } catch (RuntimeException e) {
        LOG.warn("noting the deletion of {} on {} failed", id, cluster, e);
      }
    }
    if (!events.interested(kind, namespace, name, child ? parent : "")) {
      return;   // most runs in a cluster are not this dispatcher's: only counted
    }
    try {
      events.changed(cluster, json.convertValue(o, ObjectNode.class), deleted);
    } catch (RuntimeException e) {
      LOG.warn("handling a change of {} on {} failed", id, cluster, e);
    }
  }

  /** Whether a run's {@code status} (as fabric8 holds it) has a {@code Succeeded} condition that is not Unknown. */
  private static boolean ended(Object status) {
    if (status instanceof Map<?, ?> s && s.get("conditions") instanceof List<?> conditions) {
      for (Object c : conditions) {
        if (c instanceof Map<?, ?> m && "Succeeded".equals(m.get("type"))) {
          return "True".equals(m.get("status")) || "False".equals(m.get("status"));
        }
      }
    }
    return false;
  }

  /** A run just placed here, counted until its watch tells how it is. */
  void reserve(String kind, String namespace, String name) {
    occupying.add(id(kind, namespace, name));
  }

  void release(String kind, String namespace, String name) {
    occupying.remove(id(kind, namespace, name));
  }

  /** The runs occupying the cluster. */
  int load() {
    return occupying.size();
  }

  /**
   * Watches again every version asked for, as the member serves it now (it was not Ready when first asked, and was
   * watched at the asked version); stops the watches no version needs any more.
   */
  void rewatch() {
    for (String version : versions) {
      watch(version, Duration.ZERO);
    }
    Set<String> needed = Set.copyOf(watchedAs.values());
    watches.keySet().removeIf(k -> {
      if (needed.contains(k)) {
        return false;
      }
      watches.get(k).close();
      return true;
    });
  }

  /** The watch of runs of {@code type} (at the version asked for), if started. */
  private ObjectWatch watch(ResourceType type) {
    String watched = watchedAs.get(key(type));
    return watched == null ? null : watches.get(watched);
  }

  private static String key(ResourceType type) {
    return type.apiVersion() + "/" + type.kind();
  }

  /** The run as the watches know it. */
  Optional<ObjectNode> get(ResourceType type, String namespace, String name) {
    ObjectWatch w = watch(type);
    return w == null ? Optional.empty()
        : w.get(namespace, name).map(o -> json.convertValue(o, ObjectNode.class));
  }

  /**
   * The run {@code namespace/name} of {@code type} as this cluster's watch lists it now: an empty inner optional
   * if it is not there; empty if the watches have not listed yet (then nothing can be said).
   */
  Optional<Optional<ObjectNode>> listed(ResourceType type, String namespace, String name) {
    ObjectWatch w = watch(type);
    try {
      return w == null || !w.awaitSynced(Duration.ZERO) ? Optional.empty() : Optional.of(get(type, namespace, name));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * The run of {@code type} in {@code namespace} dispatched with {@code key} (hashed {@code keyHash}), if here;
   * waits up to {@code wait} for the first list of this cluster's runs.
   */
  Optional<ObjectNode> byKey(ResourceType type, String namespace, String keyHash, String key, Duration wait) {
    ObjectWatch w = watch(type);
    if (w == null) {
      return Optional.empty();
    }
    try {
      if (!w.awaitSynced(wait)) {
        LOG.debug("the runs of {} have not listed yet: a run of key {} there is not seen", cluster, key);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DispatchException("interrupted while reading the runs of " + cluster, type.kind(), namespace, "",
          Optional.of(cluster), e);
    }
    return w.indexed(BY_KEY, namespace + "/" + keyHash).stream()
        .filter(o -> o.getMetadata().getAnnotations() != null
            && key.equals(o.getMetadata().getAnnotations().get(RunDispatcher.DISPATCH_KEY_ANNOTATION)))
        .findFirst().map(o -> json.convertValue(o, ObjectNode.class));
  }

  /** The TaskRuns of PipelineRun {@code namespace/name}. */
  List<ObjectNode> children(String version, String namespace, String name) {
    ObjectWatch w = watch(TektonTypes.TASK_RUN.withVersion(version));
    return w == null ? List.of() : w.indexed(BY_PIPELINE_RUN, namespace + "/" + name).stream()
        .map(o -> json.convertValue(o, ObjectNode.class)).toList();
  }

  void close() {
    closed = true;
    watches.values().forEach(ObjectWatch::close);
    watches.clear();
  }
}
