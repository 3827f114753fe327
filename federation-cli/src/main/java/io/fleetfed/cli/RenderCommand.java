package io.fleetfed.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.kubefed.KubeFedBundle;
import io.fleetfed.core.kubefed.KubeFedCluster;
import io.fleetfed.core.kubefed.KubeFedDocument;
import io.fleetfed.core.kubefed.KubeFedYaml;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.kubefed.YamlSource;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.render.ClusterRendering;
import io.fleetfed.core.render.Preview;
import io.fleetfed.core.render.ResourceRendering;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fleetfed render}: shows what each cluster would get, without contacting any cluster. */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    description = {
        "Previews federated objects: prints the object each selected cluster would get.",
        "Reads Federated<Kind> documents (and the FederatedTypeConfigs of custom types) and, with --clusters, a"
            + " KubeFedCluster inventory. Without one, the clusters named in placements are taken as Ready and"
            + " unlabelled. Nothing is sent to any cluster."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:rendered", "2:invalid input (an empty one, or one past the input limits, included): one line"
        + " per problem on stderr, nothing on stdout"})
final class RenderCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
      description = "YAML or JSON file, directory of them, or - for stdin. Repeatable.")
  private List<String> files = new ArrayList<>();

  @Option(names = "--clusters", paramLabel = "FILE",
      description = "KubeFedCluster inventory: names, labels and Ready conditions (no status counts as Ready).")
  private Optional<String> clusters = Optional.empty();

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "yaml",
      description = "yaml (default): the rendered objects, each after a comment naming its cluster;"
          + " json: one object {\"resources\": [...]}.")
  private Output output = Output.yaml;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      TypeRegistry registry = TypeRegistry.standard();
      List<Violation> problems = new ArrayList<>();
      Inputs inputs = new Inputs(System.in);
      Optional<KubeFedBundle> input = read(inputs, files, registry, problems, err);
      Optional<KubeFedBundle> inventory =
          clusters.flatMap(file -> read(inputs, List.of(file), registry, problems, err));
      inventory.ifPresent(bundle -> onlyClusters(bundle, clusters.get(), problems));
      if (problems.isEmpty()) {
        FederatedInput.requireFederatedObjects(input.orElseThrow(), files, problems);
      }
      if (!problems.isEmpty()) {
        throw new ValidationException(problems);
      }
      List<FederatedResource> resources = input.orElseThrow().resources();
      List<KubeFedCluster> registered = new ArrayList<>(input.orElseThrow().kubeFedClusters());
      inventory.ifPresent(bundle -> registered.addAll(bundle.kubeFedClusters()));
      List<Cluster> fleet = registered.isEmpty() ? FederatedInput.implicitClusters(resources) : toClusters(registered);
      List<ResourceRendering> preview = render(input.orElseThrow(), fleet);
      warn(resources, fleet, !registered.isEmpty(), err);
      out.print(output == Output.json ? json(preview) : yaml(preview));
      out.flush();
      return 0;
    } catch (ValidationException e) {
      return Problems.report(e, err);
    }
  }

  private static Optional<KubeFedBundle> read(Inputs inputs, List<String> arguments, TypeRegistry registry,
      List<Violation> problems, PrintWriter err) {
    List<YamlSource> sources = inputs.read(arguments, problems);
    FederatedInput.noteTypeDefinitions(sources, err);
    try {
      return Optional.of(KubeFedYaml.read(sources, registry));
    } catch (ValidationException e) {
      problems.addAll(e.violations());
      return Optional.empty();
    }
  }

  /** Renders, attributing each problem to the file and document its object came from. */
  private static List<ResourceRendering> render(KubeFedBundle input, List<Cluster> fleet) {
    List<FederatedResource> resources = input.resources();
    try {
      return Preview.render(resources, fleet);
    } catch (ValidationException e) {
      throw e.map(v -> v.object().flatMap(object -> resources.stream()
              .filter(r -> r.describe().equals(object)).findFirst().flatMap(input::positionOf))
          .map(v::withSource).orElse(v));
    }
  }

  private static void onlyClusters(KubeFedBundle bundle, String file, List<Violation> problems) {
    for (KubeFedDocument doc : bundle.documents()) {
      if (!(doc instanceof KubeFedCluster)) {
        problems.add(new Violation(Optional.of(file), Optional.empty(), Optional.empty(),
            "--clusters takes KubeFedCluster documents only; found a " + doc.getClass().getSimpleName()));
      }
    }
  }

  private static List<Cluster> toClusters(List<KubeFedCluster> registered) {
    Map<String, Cluster> byName = new LinkedHashMap<>();
    List<Violation> problems = new ArrayList<>();
    for (KubeFedCluster cluster : registered) {
      if (byName.putIfAbsent(cluster.name(), cluster.toCluster()) != null) {
        problems.add(new Violation(Optional.empty(), Optional.of("KubeFedCluster " + cluster.name()),
            Optional.empty(), "is registered more than once"));
      }
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
    return new ArrayList<>(byName.values());
  }

  private static void warn(List<FederatedResource> resources, List<Cluster> fleet, boolean explicitInventory,
      PrintWriter err) {
    Set<String> known = new LinkedHashSet<>();
    fleet.forEach(c -> known.add(c.name()));
    for (FederatedResource resource : resources) {
      Placement placement = resource.placement();
      if (placement.clusters().isEmpty() && placement.clusterSelector().isEmpty()) {
        Problems.warn(err, resource.describe() + ": has no placement, so it goes to no cluster (KubeFed's rule);"
            + " list clusters or use clusterSelector: {} for every cluster");
      }
      if (!explicitInventory && placement.clusters().isEmpty() && placement.clusterSelector().isPresent()) {
        Problems.warn(err, resource.describe() + ": its clusterSelector selects among "
            + (known.isEmpty() ? "no cluster" : "only the clusters other placements name (" + String.join(", ", known)
            + ")") + ", as no --clusters inventory was given; give one (kubectl get kubefedclusters -n"
            + " kube-federation-system -o yaml) to render it for the fleet's clusters");
      }
      if (explicitInventory) {
        for (String name : placement.clusters().orElse(List.of())) {
          if (!known.contains(name)) {
            Problems.warn(err, resource.describe() + ": placement names cluster \"" + name + "\", which is not in"
                + " the inventory; it is ignored");
          }
        }
      }
    }
    err.flush();
  }

  private static String yaml(List<ResourceRendering> preview) {
    StringBuilder out = new StringBuilder();
    for (ResourceRendering rendering : preview) {
      for (ClusterRendering cluster : rendering.clusters().values()) {
        if (cluster.isRendered()) {
          out.append("---\n# cluster: ").append(cluster.cluster()).append('\n')
              .append(KubeFedYaml.writeYaml(cluster.object().orElseThrow()));
        } else {
          out.append("# cluster: ").append(cluster.cluster()).append(": ").append(cluster.status().reason())
              .append(", ").append(target(rendering.resource())).append(" not rendered\n");
        }
      }
    }
    return out.toString();
  }

  private static String json(List<ResourceRendering> preview) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    ObjectNode root = nodes.objectNode();
    var resources = root.putArray("resources");
    for (ResourceRendering rendering : preview) {
      FederatedResource resource = rendering.resource();
      ObjectNode entry = resources.addObject();
      entry.put("kind", resource.type().kind());
      entry.put("namespace", resource.namespace());
      entry.put("name", resource.name());
      ObjectNode clusters = entry.putObject("clusters");
      for (ClusterRendering cluster : rendering.clusters().values()) {
        ObjectNode c = clusters.putObject(cluster.cluster());
        c.put("status", cluster.status().reason());
        cluster.object().ifPresent(o -> c.set("object", o));
      }
    }
    return Output.prettyJson(root);
  }

  private static String target(FederatedResource resource) {
    return resource.type().kind() + " "
        + (resource.type().isNamespaced() && !resource.type().isNamespace()
            ? resource.namespace() + "/" + resource.name() : resource.name());
  }
}
