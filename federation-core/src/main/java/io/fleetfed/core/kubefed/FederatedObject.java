package io.fleetfed.core.kubefed;

import io.fleetfed.core.model.FederatedResource;
import java.util.Objects;

/**
 * A {@code Federated<Kind>} document.
 *
 * @param resource the federated object it describes
 */
public record FederatedObject(FederatedResource resource) implements KubeFedDocument {
  /** Checks for null. */
  public FederatedObject {
    Objects.requireNonNull(resource, "resource");
  }
}
