package io.fleetfed.core.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * Told of each change an {@link ObjectWatch} sees, in order, on the watch's own thread: keep it quick, and never
 * block on the cluster from it.
 */
public interface WatchHandler {
  /** A handler that ignores every event: for a watch used only as a store. */
  WatchHandler NONE = new WatchHandler() {
    @Override
    public void changed(GenericKubernetesResource object) {
    }

    @Override
    public void deleted(GenericKubernetesResource object) {
    }
  };

  /** The object was added, or changed (its new version). */
  void changed(GenericKubernetesResource object);

  /** The object was deleted (its last known version). */
  void deleted(GenericKubernetesResource object);
}
