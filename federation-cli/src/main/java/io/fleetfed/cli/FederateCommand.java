package io.fleetfed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.cluster.ServedResource;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.kubefed.FederatedTypeConfig;
import io.fleetfed.core.kubefed.KubeFedYaml;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.kubefed.YamlSource;
import io.fleetfed.core.model.ResourceType;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fleetfed federate}: turns live objects (or objects from files) into Federated ones, as kubefedctl does. */
@Command(
    name = "federate",
    mixinStandardHelpOptions = true,
    description = {
        "Federates an existing object, as kubefedctl federate does: reads KIND NAME from the host cluster of"
            + " --context (or the objects of -f files) and creates Federated<Kind> objects in the host (or, with"
            + " -o yaml, prints them). The template is the object without apiVersion, kind, status and server-set"
            + " metadata (labels and annotations are kept, but kubectl's last-applied record, the Deployment"
            + " revision and fleetfed's own, named in a warning), and without what each cluster sets itself: a"
            + " Namespace's spec.finalizers, a ServiceAccount's secrets, a Service's clusterIP, clusterIPs and"
            + " nodePorts. The placement selects every cluster (clusterSelector: {matchLabels: {}}).",
        "KIND is any name kubectl accepts (plural, singular, kind, short name, plural.group). --contents, for a"
            + " Namespace, also federates every object in it, skipping endpoints, events, propagatedversions,"
            + " the extensions group, federated types, --skip-api-resources and names that are not DNS-1123;"
            + " unlike kubefedctl, also objects a controller owns (a Deployment's ReplicaSets and Pods), which each"
            + " cluster makes itself."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:federated (or printed)",
        "2:invalid input: unknown type or object, unreadable file, type not enabled (nothing written)",
        "3:the host cluster refused or could not be reached"})
final class FederateCommand extends FleetCommand {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Set<String> SKIPPED_RESOURCES = Set.of("endpoints", "events", "propagatedversions");
  private static final Duration SERVED_TIMEOUT = Duration.ofSeconds(30);

  @Parameters(paramLabel = "KIND NAME", arity = "0..2", description = "The type and name of the object to federate.")
  private List<String> target = new ArrayList<>();

  @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
      description = "Namespace of the object (default: default; for -f, objects without a namespace).")
  private Optional<String> namespace = Optional.empty();

  @Option(names = {"-f", "--filename"}, paramLabel = "FILE",
      description = "Federate the objects of this YAML or JSON file (several documents, or a v1 List), directory,"
          + " or - for stdin, instead of KIND NAME. Repeatable.")
  private List<String> files = new ArrayList<>();

  @Option(names = "--contents", description = "For a Namespace: also federate the objects in it.")
  private boolean contents;

  @Option(names = "--skip-api-resources", paramLabel = "RESOURCE", split = ",",
      description = "With --contents: resources (plural or plural.group) not to federate, besides the defaults.")
  private List<String> skipResources = new ArrayList<>();

  @Option(names = {"-t", "--enable-type"},
      description = "Enable each type first (its federated CRD and FederatedTypeConfig, as fleetfed enable --apply;"
          + " with -o, printed before the objects). -t is kubefedctl's short form.")
  private boolean enableType;

  @Option(names = {"--host-cluster-context", "--context"}, paramLabel = "CONTEXT",
      description = "Kubeconfig context of the host cluster, where objects are read and Federated ones created.")
  private Optional<String> context = Optional.empty();

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
      description = "yaml or json: print the Federated objects instead of creating them in the host.")
  private Optional<Output> output = Optional.empty();

  @Mixin
  private KubeOptions kube;

  /** An object to federate, its type, and where it came from (for errors). */
  private record Source(ResourceType type, ObjectNode object, String origin) {}

  @Override
  int execute() {
    checkArguments();
    if (context.isEmpty()) {
      List<Source> sources = fromFiles(Optional.empty());
      print(federate(sources, TypeRegistry.standard()), sources);
      return 0;
    }
    try (ClusterFleet fleet = kube.builder().hostContext(context.get()).build()) {
      ClusterClient host = fleet.hostClient().orElseThrow();
      List<ServedResource> served = host.servedResources();
      List<Source> sources = files.isEmpty() ? live(host, served) : fromFiles(Optional.of(served));
      TypeRegistry registry = TypeRegistry.standard();
      List<ObjectNode> federated = federate(sources, registry);
      if (output.isPresent()) {
        print(federated, sources);
        return 0;
      }
      write(new HostObjects(host), served, sources, federated, registry);
      return 0;
    }
  }

  private void checkArguments() {
    List<Violation> problems = new ArrayList<>();
    if (files.isEmpty() && target.size() != 2) {
      problems.add(Violation.of("", "give KIND NAME (such as deployment web), or -f FILE"));
    }
    if (!files.isEmpty() && !target.isEmpty()) {
      problems.add(Violation.of("-f", "-f and KIND NAME exclude each other"));
    }
    if (context.isEmpty() && output.isEmpty()) {
      problems.add(Violation.of("", "give --context (the host cluster to create the Federated objects in), or -o"
          + " yaml to print them"));
    }
    if (context.isEmpty() && files.isEmpty() && target.size() == 2) {
      problems.add(Violation.of("", "KIND NAME is read from the host cluster: give --context (and --kubeconfig)"));
    }
    if (!kube.files().isEmpty() && context.isEmpty()) {
      problems.add(Violation.of("--kubeconfig", "give --context too: the context of the host cluster"));
    }
    if (contents && !files.isEmpty()) {
      problems.add(Violation.of("--contents", "federates a Namespace read from the host: use it with KIND NAME"));
    }
    if (!skipResources.isEmpty() && !contents) {
      problems.add(Violation.of("--skip-api-resources", "only applies with --contents"));
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
  }

  /** KIND NAME from the host, and with --contents the objects in that Namespace. */
  private List<Source> live(ClusterClient host, List<ServedResource> served) {
    ResourceType type;
    try {
      type = EnableCommand.lookup(served, target.get(0), host.cluster());
    } catch (ValidationException e) {
      throw e.map(v -> v.withObject("KIND " + target.get(0)));
    }
    String name = target.get(1);
    String ns = type.isNamespaced() && !type.isNamespace() ? namespace.orElse("default") : "";
    if (contents && !type.isNamespace()) {
      throw new ValidationException("--contents", "only federates the contents of a Namespace, not of a "
          + type.kind());
    }
    ObjectNode object = host.get(type, ns, name).map(o -> (ObjectNode) JSON.valueToTree(o))
        .orElseThrow(() -> new ValidationException("", "cluster " + host.cluster() + " has no "
            + type.qualifiedName() + " " + (ns.isEmpty() ? name : ns + "/" + name)));
    List<Source> sources = new ArrayList<>();
    sources.add(new Source(type, object, host.cluster()));
    if (contents) {
      sources.addAll(contents(host, served, name));
    }
    return sources;
  }

  /** The objects in namespace {@code ns}, with kubefedctl federate --contents' skip rules. */
  private List<Source> contents(ClusterClient host, List<ServedResource> served, String ns) {
    List<Source> sources = new ArrayList<>();
    for (ServedResource r : served) {
      ResourceType type = r.type();
      if (!type.isNamespaced() || type.isNamespace() || skipped(type)) {
        continue;
      }
      List<io.fabric8.kubernetes.api.model.GenericKubernetesResource> objects;
      try {
        objects = host.list(type, ns, Map.of());
      } catch (ClusterRequestException e) {
        if (e.code() == 404 || e.code() == 405) {
          continue;   // listed in discovery, but not listable (such as bindings)
        }
        throw e;
      }
      for (var o : objects) {
        String name = o.getMetadata().getName();
        if (!DNS1123_SUBDOMAIN.matcher(name).matches() || name.length() > 253) {
          Problems.warn(err, type.qualifiedName() + " " + ns + "/" + name + ": not federated, its name is not a"
              + " DNS-1123 subdomain");
          continue;
        }
        var controller = o.getMetadata().getOwnerReferences() == null ? Optional.<OwnerReference>empty()
            : o.getMetadata().getOwnerReferences().stream().filter(ref -> Boolean.TRUE.equals(ref.getController()))
                .findFirst();
        if (controller.isPresent()) {
          // unlike kubefedctl: a ReplicaSet or Pod federated beside its Deployment would run twice on each member
          Problems.warn(err, type.qualifiedName() + " " + ns + "/" + name + ": not federated, "
              + controller.get().getKind() + " " + controller.get().getName() + " controls it (each cluster's makes"
              + " its own)");
          continue;
        }
        sources.add(new Source(type, JSON.valueToTree(o), host.cluster()));
      }
    }
    return sources;
  }

  private boolean skipped(ResourceType type) {
    return SKIPPED_RESOURCES.contains(type.plural()) || type.group().equals("extensions")
        || type.group().equals(FederatedTypeConfig.FEDERATED_GROUP)
        || skipResources.contains(type.plural()) || skipResources.contains(type.qualifiedName());
  }

  /** The objects of the -f files, each of a type the host serves (or, offline, a registered type). */
  private List<Source> fromFiles(Optional<List<ServedResource>> served) {
    List<Violation> problems = new ArrayList<>();
    List<YamlSource> read = new Inputs(System.in).read(files, problems);
    TypeRegistry registry = TypeRegistry.standard();
    List<Source> sources = new ArrayList<>();
    for (YamlSource file : read) {
      List<JsonNode> documents;
      try (var parser = new YAMLFactory().createParser(file.content())) {
        documents = new ArrayList<>();
        YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
      } catch (IOException | RuntimeException e) {
        problems.add(new Violation(Optional.of(file.name()), Optional.empty(), Optional.empty(),
            "is not valid YAML or JSON: " + firstLine(e.getMessage())));
        continue;
      }
      int index = 0;
      for (JsonNode doc : documents) {
        index++;
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        String where = file.name() + ": document " + index;
        if (doc.path("kind").asText().equals("List") && doc.path("items").isArray()) {
          int item = 0;
          for (JsonNode o : doc.path("items")) {
            source(o, where + ", items[" + item++ + "]", served, registry, sources, problems);
          }
        } else {
          source(doc, where, served, registry, sources, problems);
        }
      }
    }
    if (problems.isEmpty() && sources.isEmpty()) {
      problems.add(Violation.of("-f", "no object to federate in " + String.join(", ", files)));
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
    return sources;
  }

  private void source(JsonNode doc, String where, Optional<List<ServedResource>> served, TypeRegistry registry,
      List<Source> sources, List<Violation> problems) {
    if (!(doc instanceof ObjectNode object)) {
      problems.add(problem(where, "", "is not an object"));
      return;
    }
    String apiVersion = object.path("apiVersion").asText("");
    String kind = object.path("kind").asText("");
    String name = object.path("metadata").path("name").asText("");
    for (String[] field : new String[][] {{"apiVersion", apiVersion}, {"kind", kind}, {"metadata.name", name}}) {
      if (field[1].isEmpty()) {
        problems.add(problem(where, field[0], "is required"));
      }
    }
    if (apiVersion.isEmpty() || kind.isEmpty() || name.isEmpty()) {
      return;
    }
    if (kind.startsWith("Federated") || apiVersion.startsWith(FederatedTypeConfig.FEDERATED_GROUP + "/")
        || kind.equals("CustomResourceDefinition") || kind.equals("FederatedTypeConfig")) {
      problems.add(problem(where, "kind", kind + " is already federation configuration, not an object to"
          + " federate"));
      return;
    }
    String group = ResourceType.groupOf(apiVersion);
    String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
    Optional<ResourceType> type;
    if (served.isPresent()) {
      type = served.get().stream().map(ServedResource::type)
          .filter(t -> t.group().equals(group) && t.kind().equals(kind)).findFirst();
      if (type.isEmpty()) {
        problems.add(problem(where, "kind", "the host cluster serves no " + kind + " in group \""
            + group + "\""));
        return;
      }
    } else {
      type = registry.forTarget(group, kind).map(FederatedTypeConfig::target);
      if (type.isEmpty()) {
        problems.add(problem(where, "kind", kind + " (" + apiVersion + ") is not a registered type: give"
            + " --context to look it up in the host cluster"));
        return;
      }
    }
    ResourceType resolved;
    try {
      resolved = type.get().withVersion(version);
    } catch (ValidationException e) {
      problems.add(problem(where, "apiVersion", "\"" + apiVersion + "\" has no valid version"));
      return;
    }
    ObjectNode copy = object.deepCopy();
    if (resolved.isNamespaced() && !resolved.isNamespace()
        && copy.path("metadata").path("namespace").asText("").isEmpty()) {
      ((ObjectNode) copy.get("metadata")).put("namespace", namespace.orElse("default"));
    }
    sources.add(new Source(resolved, copy, where));
  }

  private List<ObjectNode> federate(List<Source> sources, TypeRegistry registry) {
    List<ObjectNode> federated = new ArrayList<>();
    for (Source s : sources) {
      federated.add(FederatedTemplates.federate(s.object(), config(s.type(), registry), w -> Problems.warn(err, w)));
    }
    return federated;
  }

  private static FederatedTypeConfig config(ResourceType target, TypeRegistry registry) {
    return EnableCommand.forTarget(registry, target);
  }

  private List<ObjectNode> enableDocuments(List<Source> sources) {
    Map<String, FederatedTypeConfig> configs = new LinkedHashMap<>();
    TypeRegistry registry = TypeRegistry.standard();
    for (Source s : sources) {
      configs.putIfAbsent(s.type().qualifiedName(), config(s.type(), registry));
    }
    return EnableCommand.documents(new ArrayList<>(configs.values()), kube.federationNamespace());
  }

  private void print(List<ObjectNode> federated, List<Source> sources) {
    List<ObjectNode> documents = new ArrayList<>();
    if (enableType) {
      documents.addAll(enableDocuments(sources));
    }
    documents.addAll(federated);
    out.print(output.orElse(Output.yaml) == Output.json ? EnableCommand.json(documents)
        : KubeFedYaml.writeYaml(documents));
  }

  private void write(HostObjects host, List<ServedResource> served, List<Source> sources, List<ObjectNode> federated,
      TypeRegistry registry) {
    Set<ResourceType> federatedTypes = new LinkedHashSet<>();
    for (Source s : sources) {
      federatedTypes.add(config(s.type(), registry).federated());
    }
    if (!enableType) {
      List<String> missing = new ArrayList<>();
      for (Source s : sources) {
        ResourceType f = config(s.type(), registry).federated();
        if (!HostObjects.serves(served, f) && !missing.contains(s.type().qualifiedName())) {
          missing.add(s.type().qualifiedName());
        }
      }
      if (!missing.isEmpty()) {
        throw new ValidationException("", "not enabled in cluster " + host.client().cluster() + ": " + missing
            + " (the host serves no federated type for them); run fleetfed enable TYPE --apply, or give"
            + " --enable-type; nothing was written");
      }
    } else {
      EnableCommand.applyAll(host, served, enableDocuments(sources), kube.federationNamespace(), out);
      for (ResourceType f : federatedTypes) {
        host.client().awaitServed(f, "", SERVED_TIMEOUT);
      }
    }
    for (int i = 0; i < federated.size(); i++) {
      ObjectNode doc = federated.get(i);
      ResourceType type = config(sources.get(i).type(), registry).federated();
      HostObjects.Outcome outcome = host.apply(type, doc);
      out.println(HostObjects.describe(type, doc.path("metadata").path("namespace").asText(""),
          doc.path("metadata").path("name").asText()) + " " + outcome);
    }
  }

  private static Violation problem(String where, String field, String reason) {
    return new Violation(Optional.of(where), Optional.empty(), field.isEmpty() ? Optional.empty()
        : Optional.of(field), reason);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
