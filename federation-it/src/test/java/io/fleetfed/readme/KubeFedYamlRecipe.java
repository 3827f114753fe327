package io.fleetfed.readme;

import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.kubefed.KubeFedBundle;
import io.fleetfed.core.kubefed.KubeFedYaml;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.status.PropagationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The README's recipe for KubeFed YAML. Run by {@link RecipesTest}. */
final class KubeFedYamlRecipe {
  private KubeFedYamlRecipe() {}

  // README:start
  /** Propagates the Federated objects of a file written for a KubeFed host (FederatedTypeConfigs in it count). */
  static List<PropagationResult> apply(ClusterFleet fleet, Path file) throws IOException {
    // a ValidationException names the file, the document, its line and the field of every problem
    KubeFedBundle bundle = KubeFedYaml.read(file.toString(), Files.readString(file), TypeRegistry.standard());
    List<PropagationResult> results = fleet.propagateAll(bundle.resources());
    results.forEach(PropagationResult::orThrow);   // PropagationFailedException names the clusters that failed
    return results;
  }
  // README:end
}
