package io.fleetfed.cli;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.kubefed.KubeFedBundle;
import io.fleetfed.core.kubefed.KubeFedCluster;
import io.fleetfed.core.kubefed.KubeFedYaml;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.kubefed.YamlSource;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.render.Preview;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The federated objects of {@code -f} for apply, delete and status: read, checked and ordered before any request. */
final class FederatedInput {
  private final KubeFedBundle bundle;

  private FederatedInput(KubeFedBundle bundle) {
    this.bundle = bundle;
  }

  /**
   * Reads files, directories and {@code -} (stdin) strictly, as render does.
   *
   * @throws ValidationException listing every problem of every argument, or if there is no federated object
   */
  static FederatedInput read(List<String> arguments) {
    List<Violation> problems = new ArrayList<>();
    List<YamlSource> sources = new Inputs(System.in).read(arguments, problems);
    KubeFedBundle bundle = null;
    try {
      bundle = KubeFedYaml.read(sources, TypeRegistry.standard());
    } catch (ValidationException e) {
      problems.addAll(e.violations());
    }
    if (problems.isEmpty() && bundle.resources().isEmpty()) {
      problems.add(Violation.of("", "no federated object in " + String.join(", ", arguments)
          + " (Federated<Kind> documents, such as a FederatedDeployment)"));
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
    return new FederatedInput(bundle);
  }

  /** The federated objects, in input order. */
  List<FederatedResource> resources() {
    return bundle.resources();
  }

  /** The FederatedNamespaces, in input order. */
  List<FederatedResource> namespaces() {
    return resources().stream().filter(r -> r.type().isNamespace()).toList();
  }

  /** The federated objects but FederatedNamespaces, in input order. */
  List<FederatedResource> others() {
    return resources().stream().filter(r -> !r.type().isNamespace()).toList();
  }

  /**
   * Renders every object for {@code clusters} without sending anything, so that an override that cannot apply,
   * or one object given twice with different contents, stops the whole input before the first request.
   *
   * @throws ValidationException naming the file and document of each object in error
   */
  void check(Collection<Cluster> clusters) {
    try {
      Preview.render(resources(), clusters);
    } catch (ValidationException e) {
      throw locate(e);
    }
  }

  /** {@code e} with each problem attributed to the file and document its object came from. */
  ValidationException locate(ValidationException e) {
    List<FederatedResource> resources = resources();
    return e.map(v -> v.object().flatMap(object -> resources.stream()
            .filter(r -> r.describe().equals(object)).findFirst().flatMap(bundle::positionOf))
        .map(v::withSource).orElse(v));
  }

  /**
   * Warns about what the fleet will not do as the input may expect: objects without placement, placements naming
   * clusters that are not members, and KubeFedClusters in the input (membership changes with join).
   */
  void warn(Collection<String> members, PrintWriter err) {
    for (KubeFedCluster cluster : bundle.kubeFedClusters()) {
      Problems.warn(err, "KubeFedCluster " + cluster.name() + ": is ignored; members join the fleet with"
          + " fleetfed join");
    }
    for (FederatedResource resource : resources()) {
      Placement placement = resource.placement();
      if (placement.clusters().isEmpty() && placement.clusterSelector().isEmpty()) {
        Problems.warn(err, resource.describe() + ": has no placement, so it goes to no cluster (KubeFed's rule);"
            + " list clusters or use clusterSelector: {} for every cluster");
      }
      Set<String> unknown = new TreeSet<>(placement.clusters().orElse(List.of()));
      unknown.removeAll(members);
      for (String name : unknown) {
        Problems.warn(err, resource.describe() + ": placement names cluster \"" + name + "\", which is not a"
            + " member of the fleet " + members + "; it is ignored");
      }
    }
    err.flush();
  }
}
