package io.fleetfed.core.cluster;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.ResourceType;

/**
 * The seam's mapping of a {@link ResourceType} to fabric8's {@link ResourceDefinitionContext}: what fabric8's
 * generic client needs to reach a type without discovery (and what fabric8's mock server needs to store a custom
 * type). {@link ClusterClient} uses it for every request; use it where you hold a fabric8 client of your own, as
 * tests and benchmarks do with a sandbox cluster's admin client.
 *
 * <pre>{@code
 * var taskRuns = adminClient.genericKubernetesResources(ResourceContexts.of(TektonTypes.TASK_RUN)).inNamespace("ci");
 * }</pre>
 */
public final class ResourceContexts {
  private ResourceContexts() {}

  /** The context of {@code type} at its version. */
  public static ResourceDefinitionContext of(ResourceType type) {
    return new ResourceDefinitionContext.Builder().withGroup(type.group()).withVersion(type.version())
        .withKind(type.kind()).withPlural(type.plural()).withNamespaced(type.isNamespaced()).build();
  }

  /** The context of {@code resource}'s member copies: its type at its template's {@code apiVersion}, if it has one. */
  public static ResourceDefinitionContext of(FederatedResource resource) {
    return of(resource.copyType());
  }
}
