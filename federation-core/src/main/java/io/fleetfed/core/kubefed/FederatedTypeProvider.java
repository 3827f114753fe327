package io.fleetfed.core.kubefed;

import io.fleetfed.core.model.ResourceType;
import java.util.List;

/**
 * Contributes federated types from another module, discovered with {@link java.util.ServiceLoader} by
 * {@link TypeRegistry#standard()}.
 *
 * <p>Implement it and name the class in {@code META-INF/services/io.fleetfed.core.kubefed.FederatedTypeProvider}:
 *
 * <pre>{@code
 * public final class WidgetTypes implements FederatedTypeProvider {
 *   public List<ResourceType> types() {
 *     return List.of(ResourceType.namespaced("example.com", "v1", "Widget", "widgets"));
 *   }
 * }
 * }</pre>
 *
 * <p>Implementations need a public no-argument constructor and must not do I/O.
 */
public interface FederatedTypeProvider {
  /** The target types to register; each gets KubeFed's conventional FederatedTypeConfig. */
  List<ResourceType> types();
}
