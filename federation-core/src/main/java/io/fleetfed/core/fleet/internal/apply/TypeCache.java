package io.fleetfed.core.fleet.internal.apply;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.cluster.ObjectWatch;
import io.fleetfed.core.cluster.WatchHandler;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.render.ManagedMetadata;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One member's view of the objects fleetfed manages of one type (labelled {@code fleetfed.io/managed=true}),
 * plus what this fleet wrote that the view does not show yet.
 *
 * <p>Two modes. Once the fleet is started, a watch keeps the view current, and its events drive reconciliation.
 * Before that, the view is a snapshot listed once per explicit call (a propagate or a delete), so that a fleet
 * used one call at a time keeps no watch open and does not receive every one of its own writes back as an event.
 *
 * <p>The overlay makes the fleet read its own writes: right after a write the view may still hold the previous
 * version. An overlay entry records the written object (or, for a delete, its absence) and the resourceVersion
 * the view held when the write was made; the first event for that object with another resourceVersion (ours or
 * a later one), any delete event, or a new snapshot retires it.
 */
public final class TypeCache {
  private static final Map<String, String> MANAGED = Map.of(ManagedMetadata.MANAGED_LABEL, "true");

  /** What this fleet wrote and the view has not shown yet. */
  private record Written(Optional<GenericKubernetesResource> object, String baseVersion, long seq) {}

  /** Told of every event, after the overlay is brought up to date; must be quick. */
  public interface Listener {
    void changed(TypeCache cache, GenericKubernetesResource object, boolean deleted);
  }

  private final ClusterClient client;
  private final ResourceType type;
  private final Map<String, Written> overlay = new ConcurrentHashMap<>();
  private final Listener listener;
  private volatile ObjectWatch watch;
  private volatile Map<String, GenericKubernetesResource> snapshot = Map.of();
  private volatile long snapshotCall = -1;
  /** The last list that failed, and for which explicit call: the same call does not list again. */
  private volatile Failed failed;

  private record Failed(long call, ClusterRequestException cause) {}
  private final AtomicLong writes = new AtomicLong();

  TypeCache(ClusterClient client, ResourceType type, Listener listener) {
    this.client = client;
    this.type = type;
    this.listener = listener;
  }

  /** The cluster whose objects these are. */
  public String cluster() {
    return client.cluster();
  }

  /** The type, at the version it is read in. */
  public ResourceType type() {
    return type;
  }

  boolean watching() {
    return watch != null;
  }

  /**
   * Switches to watching and waits up to {@code timeout} for the first list (the watch keeps trying in the
   * background if the cluster cannot be reached). Idempotent.
   */
  synchronized void watch(Duration timeout) throws InterruptedException {
    if (watch != null) {
      return;
    }
    ObjectWatch w = client.watch(type, MANAGED, Map.of(), new WatchHandler() {
      @Override
      public void changed(GenericKubernetesResource object) {
        seen(object);
      }

      @Override
      public void deleted(GenericKubernetesResource object) {
        overlay.remove(key(object));
        listener.changed(TypeCache.this, object, true);
      }
    });
    watch = w;
    w.awaitSynced(timeout);   // not synced yet: it keeps trying; until then the view is empty
    snapshot = Map.of();
  }

  private void seen(GenericKubernetesResource obj) {
    String key = key(obj);
    Written written = overlay.get(key);
    String version = obj.getMetadata().getResourceVersion();
    if (written != null && !written.baseVersion().equals(version == null ? "" : version)) {
      overlay.remove(key, written);
    }
    listener.changed(this, obj, false);
  }

  /**
   * In snapshot mode, lists the cluster's managed objects of this type in every namespace, unless that was done
   * already for explicit call {@code call} or a later one (a later list is newer, so it serves too).
   *
   * @throws io.fleetfed.core.cluster.ClusterRequestException if the list fails
   */
  void refresh(long call) {
    if (watch != null || snapshotCall >= call) {
      return;   // the common case, on every sync of a call: no lock taken
    }
    rethrowIfFailed(call);
    synchronized (this) {
      if (watch == null && snapshotCall < call) {
        rethrowIfFailed(call);
        try {
          list(call);
        } catch (ClusterRequestException e) {
          failed = new Failed(call, e);
          throw e;
        }
      }
    }
  }

  /** A list that failed for {@code call} fails every sync of that call at once, rather than being tried again. */
  private void rethrowIfFailed(long call) {
    Failed f = failed;
    if (f != null && f.call() == call) {
      throw f.cause();
    }
  }

  private void list(long call) {
    long before = writes.get();
    Map<String, GenericKubernetesResource> fresh = new HashMap<>();
    for (GenericKubernetesResource o : client.list(type, "", MANAGED)) {
      fresh.put(key(o), o);
    }
    // writes that returned before the list began are in it; later ones (other calls in flight) stay overlaid
    overlay.values().removeIf(w -> w.seq() <= before);
    snapshot = fresh;
    snapshotCall = call;
  }

  /**
   * Waits up to {@code timeout} for a watch's first list.
   *
   * @return whether the view has listed the cluster's objects
   */
  public boolean awaitSynced(Duration timeout) throws InterruptedException {
    ObjectWatch w = watch;
    return w == null ? synced() : w.synced() || w.awaitSynced(timeout);
  }

  /** Whether the view has listed the cluster's objects at least once. */
  boolean synced() {
    ObjectWatch w = watch;
    return w != null ? w.synced() : snapshotCall >= 0;
  }

  /** Stops watching; the view keeps what it last saw. */
  public void stop() {
    ObjectWatch w = watch;
    if (w != null) {
      w.close();
    }
  }

  private GenericKubernetesResource viewed(String namespace, String name) {
    ObjectWatch w = watch;
    return w != null ? w.get(namespace, name).orElse(null) : snapshot.get(key(namespace, name));
  }

  /** The current managed object {@code namespace/name} ({@code ""} namespace: cluster-scoped), as far as known. */
  public Optional<GenericKubernetesResource> get(String namespace, String name) {
    Written written = overlay.get(key(namespace, name));
    if (written != null) {
      return written.object();
    }
    return Optional.ofNullable(viewed(namespace, name));
  }

  /** Records that this fleet wrote {@code object} (empty: deleted it) as {@code namespace/name}. */
  void wrote(String namespace, String name, Optional<GenericKubernetesResource> object) {
    GenericKubernetesResource before = viewed(namespace, name);
    String base = before == null || before.getMetadata().getResourceVersion() == null
        ? "" : before.getMetadata().getResourceVersion();
    overlay.put(key(namespace, name), new Written(object, base, writes.incrementAndGet()));
  }

  private static String key(GenericKubernetesResource obj) {
    String ns = obj.getMetadata().getNamespace();
    return key(ns == null ? "" : ns, obj.getMetadata().getName());
  }

  private static String key(String namespace, String name) {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }
}
