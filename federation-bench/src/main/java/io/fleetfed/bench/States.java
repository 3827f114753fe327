package io.fleetfed.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.Consumer;

/** A bare informer's handler for the baselines: each state an object is seen in, added or updated; never deletions. */
final class States implements ResourceEventHandler<GenericKubernetesResource> {
  private final Consumer<GenericKubernetesResource> seen;

  private States(Consumer<GenericKubernetesResource> seen) {
    this.seen = seen;
  }

  /** A handler telling {@code seen} of every state an object is added or updated in. */
  static States each(Consumer<GenericKubernetesResource> seen) {
    return new States(seen);
  }

  @Override
  public void onAdd(GenericKubernetesResource o) {
    seen.accept(o);
  }

  @Override
  public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource o) {
    seen.accept(o);
  }

  @Override
  public void onDelete(GenericKubernetesResource o, boolean finalStateUnknown) {
    // deletions tell the baselines nothing
  }
}
