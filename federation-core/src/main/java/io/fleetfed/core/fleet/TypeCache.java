package io.fleetfed.core.fleet;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fleetfed.core.render.ManagedMetadata;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One member's view of the objects fleetfed manages of one type (labelled {@code fleetfed.io/managed=true}),
 * plus what this fleet wrote that the view does not show yet.
 *
 * <p>Two modes. Once the fleet is started, an informer keeps the view current from a watch, and its events
 * drive reconciliation. Before that, the view is a snapshot listed once per explicit call (a propagate or a
 * delete), so that a fleet used one call at a time keeps no watch open and does not receive every one of its own
 * writes back as an event.
 *
 * <p>The overlay makes the fleet read its own writes: right after a write the view may still hold the previous
 * version. An overlay entry records the written object (or, for a delete, its absence) and the resourceVersion
 * the view held when the write was made; the first informer event for that object with another resourceVersion
 * (ours or a later one), any delete event, or a new snapshot retires it.
 */
final class TypeCache {
  /** What this fleet wrote and the view has not shown yet. */
  private record Written(Optional<GenericKubernetesResource> object, String baseVersion, long seq) {}

  /** Told of every informer event, after the overlay is brought up to date; must be quick. */
  interface Listener {
    void changed(TypeCache cache, GenericKubernetesResource object, boolean deleted);
  }

  private final String cluster;
  private final KubernetesClient client;
  private final ResourceDefinitionContext context;
  private final Map<String, Written> overlay = new ConcurrentHashMap<>();
  private final Listener listener;
  private volatile SharedIndexInformer<GenericKubernetesResource> informer;
  private volatile Map<String, GenericKubernetesResource> snapshot = Map.of();
  private volatile long snapshotCall = -1;
  private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();

  TypeCache(String cluster, KubernetesClient client, ResourceDefinitionContext context, Listener listener) {
    this.cluster = cluster;
    this.client = client;
    this.context = context;
    this.listener = listener;
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

  String cluster() {
    return cluster;
  }

  ResourceDefinitionContext context() {
    return context;
  }

  boolean watching() {
    return informer != null;
  }

  /**
   * Switches to watching: starts an informer and waits up to {@code timeout} for its first list (it keeps
   * retrying in the background if the cluster cannot be reached). Idempotent.
   */
  synchronized void watch(Duration timeout) throws InterruptedException {
    if (informer != null) {
      return;
    }
    SharedIndexInformer<GenericKubernetesResource> inf = client.genericKubernetesResources(context).inAnyNamespace()
        .withLabel(ManagedMetadata.MANAGED_LABEL, "true").runnableInformer(0);
    inf.exceptionHandler((started, t) -> true);
    inf.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource obj) {
        seen(obj);
      }

      @Override
      public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
        seen(newObj);
      }

      @Override
      public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
        overlay.remove(key(obj));
        listener.changed(TypeCache.this, obj, true);
      }
    });
    informer = inf;
    try {
      inf.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // not synced yet: the informer retries on its own; until then the view is empty
    }
    snapshot = Map.of();
  }

  /**
   * In snapshot mode, lists the cluster's managed objects of this type in every namespace, unless that was done
   * already for explicit call {@code call} or a later one (a later list is newer, so it serves too).
   *
   * @throws io.fabric8.kubernetes.client.KubernetesClientException if the list fails
   */
  void refresh(long call) {
    if (informer != null || snapshotCall >= call) {
      return;   // the common case, on every sync of a call: no lock taken
    }
    synchronized (this) {
      if (informer == null && snapshotCall < call) {
        list(call);
      }
    }
  }

  private void list(long call) {
    long before = writes.get();
    var items = client.genericKubernetesResources(context).inAnyNamespace()
        .withLabel(ManagedMetadata.MANAGED_LABEL, "true").list().getItems();
    Map<String, GenericKubernetesResource> fresh = new HashMap<>();
    for (GenericKubernetesResource o : items) {
      fresh.put(key(o), o);
    }
    // writes that returned before the list began are in it; later ones (other calls in flight) stay overlaid
    overlay.values().removeIf(w -> w.seq() <= before);
    snapshot = fresh;
    snapshotCall = call;
  }

  /** Whether the view has listed the cluster's objects at least once. */
  boolean synced() {
    SharedIndexInformer<GenericKubernetesResource> inf = informer;
    return inf != null ? inf.hasSynced() : snapshotCall >= 0;
  }

  void stop() {
    SharedIndexInformer<GenericKubernetesResource> inf = informer;
    if (inf != null) {
      inf.stop();
    }
  }

  private GenericKubernetesResource viewed(String key) {
    SharedIndexInformer<GenericKubernetesResource> inf = informer;
    return inf != null ? inf.getStore().getByKey(key) : snapshot.get(key);
  }

  /** The current managed object under {@code key} ({@code namespace/name} or {@code name}), as far as known. */
  Optional<GenericKubernetesResource> get(String key) {
    Written written = overlay.get(key);
    if (written != null) {
      return written.object();
    }
    return Optional.ofNullable(viewed(key));
  }

  /** Records that this fleet wrote {@code object} (empty: deleted it) under {@code key}. */
  void wrote(String key, Optional<GenericKubernetesResource> object) {
    GenericKubernetesResource before = viewed(key);
    String base = before == null || before.getMetadata().getResourceVersion() == null
        ? "" : before.getMetadata().getResourceVersion();
    overlay.put(key, new Written(object, base, writes.incrementAndGet()));
  }

  static String key(GenericKubernetesResource obj) {
    String ns = obj.getMetadata().getNamespace();
    return ns == null || ns.isEmpty() ? obj.getMetadata().getName() : ns + "/" + obj.getMetadata().getName();
  }

  static String key(String namespace, String name) {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }
}
