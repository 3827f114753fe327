package io.fleetfed.core.fleet;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fleetfed.core.render.ManagedMetadata;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One member's view of the objects fleetfed manages of one type: an informer on objects labelled
 * {@code fleetfed.io/managed=true}, plus what this fleet wrote that the informer has not shown yet.
 *
 * <p>The overlay makes the fleet read its own writes: right after a write the informer may still hold the
 * previous version. An overlay entry records the written object (or, for a delete, its absence) and the
 * resourceVersion the informer held when the write was made; the first informer event for that object with
 * another resourceVersion (ours or a later one) or any delete event retires it.
 */
final class TypeCache {
  /** What this fleet wrote and the informer has not shown yet. */
  private record Written(Optional<GenericKubernetesResource> object, String baseVersion) {}

  /** Told of every informer event, after the overlay is brought up to date; must be quick. */
  interface Listener {
    void changed(TypeCache cache, GenericKubernetesResource object, boolean deleted);
  }

  private final String cluster;
  private final ResourceDefinitionContext context;
  private final SharedIndexInformer<GenericKubernetesResource> informer;
  private final Map<String, Written> overlay = new ConcurrentHashMap<>();
  private final Listener listener;

  TypeCache(String cluster, KubernetesClient client, ResourceDefinitionContext context, Listener listener) {
    this.cluster = cluster;
    this.context = context;
    this.listener = listener;
    this.informer = client.genericKubernetesResources(context).inAnyNamespace()
        .withLabel(ManagedMetadata.MANAGED_LABEL, "true").runnableInformer(0);
    informer.exceptionHandler((started, t) -> true);
    informer.addEventHandler(new ResourceEventHandler<>() {
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

  /** Starts the informer and waits up to {@code timeout} for its first list; false if it did not sync. */
  boolean start(Duration timeout) throws InterruptedException {
    try {
      informer.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      return informer.hasSynced();
    }
  }

  /** Whether the informer has listed the cluster's objects at least once. */
  boolean synced() {
    return informer.hasSynced();
  }

  void stop() {
    informer.stop();
  }

  /** The current managed object under {@code key} ({@code namespace/name} or {@code name}), as far as known. */
  Optional<GenericKubernetesResource> get(String key) {
    Written written = overlay.get(key);
    if (written != null) {
      return written.object();
    }
    return Optional.ofNullable(informer.getStore().getByKey(key));
  }

  /** Every managed object known, written ones included. */
  List<GenericKubernetesResource> list() {
    Map<String, GenericKubernetesResource> all = new java.util.HashMap<>();
    for (GenericKubernetesResource o : informer.getStore().list()) {
      all.put(key(o), o);
    }
    overlay.forEach((k, w) -> w.object().ifPresentOrElse(o -> all.put(k, o), () -> all.remove(k)));
    return List.copyOf(all.values());
  }

  /** Records that this fleet wrote {@code object} (empty: deleted it) under {@code key}. */
  void wrote(String key, Optional<GenericKubernetesResource> object) {
    GenericKubernetesResource before = informer.getStore().getByKey(key);
    String base = before == null || before.getMetadata().getResourceVersion() == null
        ? "" : before.getMetadata().getResourceVersion();
    overlay.put(key, new Written(object, base));
  }

  /** Forgets what this fleet wrote under {@code key}, so that the informer's view counts again. */
  void forget(String key) {
    overlay.remove(key);
  }

  static String key(GenericKubernetesResource obj) {
    String ns = obj.getMetadata().getNamespace();
    return ns == null || ns.isEmpty() ? obj.getMetadata().getName() : ns + "/" + obj.getMetadata().getName();
  }

  static String key(String namespace, String name) {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }
}
