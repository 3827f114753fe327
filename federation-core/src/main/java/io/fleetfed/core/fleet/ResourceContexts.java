package io.fleetfed.core.fleet;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.ResourceType;

/**
 * fabric8's {@link ResourceDefinitionContext} of a {@link ResourceType}: what its generic client needs to reach a
 * type without discovery (and what fabric8's mock server needs to store a custom type).
 *
 * <pre>{@code
 * var taskRuns = client.genericKubernetesResources(ResourceContexts.of(TektonTypes.TASK_RUN)).inNamespace("ci");
 * }</pre>
 */
public final class ResourceContexts {
  private ResourceContexts() {}

  /** The context of {@code type} at its version. */
  public static ResourceDefinitionContext of(ResourceType type) {
    return Member.context(type, type.version());
  }

  /** The context of {@code resource}'s member copies: its type at its template's {@code apiVersion}, if it has one. */
  public static ResourceDefinitionContext of(FederatedResource resource) {
    return Engine.context(resource);
  }
}
