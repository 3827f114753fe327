package io.fleetfed.tekton;

import io.fleetfed.core.kubefed.FederatedTypeProvider;
import io.fleetfed.core.model.ResourceType;
import java.util.List;

/**
 * Registers {@link TektonTypes#ALL} with {@link io.fleetfed.core.kubefed.TypeRegistry#standard()}; found by
 * {@link java.util.ServiceLoader}, nothing to call.
 */
public final class TektonTypeProvider implements FederatedTypeProvider {
  /** Called by {@link java.util.ServiceLoader}. */
  public TektonTypeProvider() {}

  @Override
  public List<ResourceType> types() {
    return TektonTypes.ALL;
  }
}
