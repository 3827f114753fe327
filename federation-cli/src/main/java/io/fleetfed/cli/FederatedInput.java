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
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The federated objects of {@code -f} for apply, delete and status: read, checked and ordered before any request. */
final class FederatedInput {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final KubeFedBundle bundle;

  private FederatedInput(KubeFedBundle bundle) {
    this.bundle = bundle;
  }

  /**
   * Reads files, directories and {@code -} (stdin) strictly, as render does.
   *
   * @throws ValidationException listing every problem of every argument, or if there is no federated object
   */
  static FederatedInput read(List<String> arguments, PrintWriter err) {
    List<Violation> problems = new ArrayList<>();
    List<YamlSource> sources = new Inputs(System.in).read(arguments, problems);
    noteTypeDefinitions(sources, err);
    KubeFedBundle bundle = null;
    try {
      bundle = KubeFedYaml.read(sources, TypeRegistry.standard());
    } catch (ValidationException e) {
      problems.addAll(e.violations());
    }
    if (problems.isEmpty()) {
      requireFederatedObjects(bundle, arguments, problems);
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
    return new FederatedInput(bundle);
  }

  /**
   * Notes on {@code err} each CustomResourceDefinition of the input, which the codec skips: a CRD defines a type,
   * not an object to federate (fleetfed enable prints one before each FederatedTypeConfig, and the
   * FederatedTypeConfig is what defines the federated type here). Documents that cannot be read are left to the
   * codec to report.
   */
  static void noteTypeDefinitions(List<YamlSource> sources, PrintWriter err) {
    for (YamlSource source : sources) {
      if (!source.content().contains("CustomResourceDefinition")) {
        continue;
      }
      try (var parser = new YAMLFactory().createParser(source.content())) {
        var documents = YAML.readValues(parser, JsonNode.class);
        int index = 0;
        while (documents.hasNext()) {
          JsonNode doc = documents.next();
          index++;
          if (doc != null && doc.path("kind").asText().equals("CustomResourceDefinition")
              && doc.path("apiVersion").asText().startsWith("apiextensions.k8s.io/")) {
            err.println("note: " + source.name() + ", document " + index + ": CustomResourceDefinition "
                + doc.path("metadata").path("name").asText() + " skipped: a CRD defines a type, not an object to"
                + " federate (a FederatedTypeConfig in the input defines its federated type)");
          }
        }
      } catch (IOException | RuntimeException unreadable) {
        // the codec reports what cannot be read, with its position
      }
    }
    err.flush();
  }

  /**
   * The rule every command that takes {@code -f} shares, as kubectl refuses {@code apply} of an empty file: input
   * without documents is an error, and so is input without a federated object.
   */
  static void requireFederatedObjects(KubeFedBundle bundle, List<String> arguments, List<Violation> problems) {
    String input = arguments.stream().map(a -> a.equals("-") ? "<stdin>" : a).collect(Collectors.joining(", "));
    if (bundle.documents().isEmpty()) {
      problems.add(Violation.of("", "no objects in " + input + ": the input is empty (Federated<Kind> documents,"
          + " such as a FederatedDeployment, are needed)"));
    } else if (bundle.resources().isEmpty()) {
      problems.add(Violation.of("", "no federated object in " + input
          + " (Federated<Kind> documents, such as a FederatedDeployment)"));
    }
  }

  /**
   * Without an inventory of clusters: the clusters named in placements, Ready and unlabelled, as render takes
   * them.
   */
  static List<Cluster> implicitClusters(List<FederatedResource> resources) {
    Set<String> names = new LinkedHashSet<>();
    for (FederatedResource resource : resources) {
      resource.placement().clusters().ifPresent(names::addAll);
    }
    List<Cluster> clusters = new ArrayList<>();
    names.forEach(name -> clusters.add(Cluster.ready(name)));
    return clusters;
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

  /**
   * Renders every object as render does without an inventory (the clusters named in placements, Ready), before
   * any cluster is contacted: an override that cannot apply to a cluster its object is placed on is invalid input
   * whether or not the fleet can be reached, so it exits 2 even when the host cluster is down.
   *
   * @throws ValidationException naming the file and document of each object in error
   */
  void checkOffline() {
    check(implicitClusters(resources()));
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
