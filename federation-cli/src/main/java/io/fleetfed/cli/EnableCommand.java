package io.fleetfed.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ServedResource;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.kubefed.FederatedCrds;
import io.fleetfed.core.kubefed.FederatedTypeConfig;
import io.fleetfed.core.kubefed.KubeFedYaml;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.model.Scope;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fleetfed enable}: the federated CRD and FederatedTypeConfig of types, printed for kubectl apply or, with
 * {@code --apply}, written to a host cluster as kubefedctl enable does.
 */
@Command(
    name = "enable",
    description = {
        "Prints the federated CRD and the FederatedTypeConfig of each type, as kubefedctl enable creates them,"
            + " for kubectl apply -f; with --apply, creates or updates them in the host cluster of --context."
            + " Unlike kubefedctl, spec.template is always declared (x-kubernetes-preserve-unknown-fields), so"
            + " custom types never propagate empty.",
        "TYPE is any name kubectl accepts: plural, singular, kind, short name or plural.group. With --context"
            + " (and --kubeconfig), TYPE is looked up in the cluster's API discovery (its CRDs included) as"
            + " kubefedctl enable does: a core-group match wins, several other matches are an error. Without a"
            + " cluster, TYPE must be a registered type (KubeFed's built-ins and Tekton kinds); other types: give"
            + " --kind, --version, --plural and optionally --group and --scope."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:printed or applied",
        "2:invalid input: unknown or ambiguous type, invalid type fields, unreadable kubeconfig (nothing written)",
        "3:the host cluster refused or could not be reached"})
final class EnableCommand extends FleetCommand {
  // not mixinStandardHelpOptions: its --version (fleetfed's) would take the custom type's --version below, and
  // picocli then dropped the mixin's --help too
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  private boolean help;

  @Parameters(paramLabel = "TYPE", arity = "0..*", description = "Types to enable.")
  private List<String> types = new ArrayList<>();

  @Option(names = "--group", paramLabel = "GROUP", description = "API group of a custom type (empty: core).")
  private String group = "";

  @Option(names = "--version", paramLabel = "VERSION",
      description = "API version of a custom type, e.g. v1; with --context and TYPE, the version of TYPE to"
          + " federate (default: its group's preferred version).")
  private Optional<String> version = Optional.empty();

  @Option(names = "--kind", paramLabel = "KIND", description = "Kind of a custom type, e.g. Widget.")
  private Optional<String> kind = Optional.empty();

  @Option(names = "--plural", paramLabel = "PLURAL", description = "Plural resource name of a custom type.")
  private Optional<String> plural = Optional.empty();

  @Option(names = "--scope", paramLabel = "SCOPE", defaultValue = "Namespaced",
      description = "Namespaced (default) or Cluster, for a custom type.")
  private String scope = "Namespaced";

  @Option(names = "--short-names", paramLabel = "NAME", split = ",",
      description = "Short names of a custom type (the federated CRD gets them prefixed with f).")
  private List<String> shortNames = new ArrayList<>();

  @Option(names = {"--host-cluster-context", "--context"}, paramLabel = "CONTEXT",
      description = "Kubeconfig context of the host cluster: TYPE is looked up in its API discovery, and --apply"
          + " writes there.")
  private Optional<String> context = Optional.empty();

  @Option(names = "--apply",
      description = "Create or update the federated CRD and the FederatedTypeConfig in the host cluster (needs"
          + " --context), printing created, updated or unchanged for each, instead of printing them.")
  private boolean apply;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "yaml",
      description = "yaml (default, multi-document) or json (a v1 List).")
  private Output output = Output.yaml;

  @Mixin
  private KubeOptions kube;

  @Override
  int execute() {
    if (!kube.files().isEmpty() && context.isEmpty()) {
      throw new ValidationException("--kubeconfig", "give --context too: the context of the host cluster to look"
          + " types up in");
    }
    if (apply && context.isEmpty()) {
      throw new ValidationException("--apply", "needs --context (and --kubeconfig unless KUBECONFIG or"
          + " ~/.kube/config has it): the host cluster to write the federated CRD and FederatedTypeConfig to");
    }
    if (context.isEmpty()) {
      print(documents(configs(Optional.empty(), List.of())));
      return 0;
    }
    try (ClusterFleet fleet = kube.builder().hostContext(context.get()).build()) {
      ClusterClient host = fleet.hostClient().orElseThrow();
      List<ServedResource> served = host.servedResources();   // one discovery, for the lookup and the apply
      List<ObjectNode> documents = documents(configs(Optional.of(host), served));
      if (!apply) {
        print(documents);
        return 0;
      }
      applyAll(new HostObjects(host), served, documents, kube.federationNamespace(), out);
      return 0;
    }
  }

  /** Looks a type up in the cluster's discovery, as kubefedctl enable does. */
  static ResourceType lookup(List<ServedResource> served, String name, String cluster) {
    List<ServedResource> matches = served.stream().filter(r -> r.isNamed(name)).toList();
    Optional<ServedResource> core = matches.stream().filter(r -> r.type().group().isEmpty()).findFirst();
    if (core.isPresent()) {
      return core.get().type();
    }
    if (matches.isEmpty()) {
      throw new ValidationException("", "cluster " + cluster + " has no resource named \"" + name + "\" (looked"
          + " up as plural, singular, kind, short name and plural.group in its API discovery, CRDs included)");
    }
    if (matches.size() > 1) {
      throw new ValidationException("", "Multiple resources are matched by \"" + name + "\": "
          + matches.stream().map(r -> r.type().qualifiedName()).collect(Collectors.joining(", "))
          + "; give the qualified name (plural.group)");
    }
    return matches.get(0).type();
  }

  /** The configurations of the types asked for: looked up in {@code served}, the host's discovery, if any. */
  private List<FederatedTypeConfig> configs(Optional<ClusterClient> host, List<ServedResource> served) {
    TypeRegistry registry = TypeRegistry.standard();
    boolean custom = kind.isPresent() || plural.isPresent() || (version.isPresent() && host.isEmpty());
    boolean versionForTypes = host.isPresent() && version.isPresent() && !custom;
    List<Violation> problems = new ArrayList<>();
    List<FederatedTypeConfig> configs = new ArrayList<>();
    for (String type : types) {
      try {
        if (host.isEmpty()) {
          configs.add(registry.lookup(type));
          continue;
        }
        ResourceType target = lookup(served, type, host.get().cluster());
        if (versionForTypes) {
          List<String> versions = host.get().servedVersions(target.group()).getOrDefault(target.plural(), List.of());
          if (!versions.contains(version.get())) {
            throw new ValidationException("--version", target.qualifiedName() + " is not served at "
                + version.get() + " by cluster " + host.get().cluster() + "; it is served at " + versions);
          }
          target = target.withVersion(version.get());
        }
        configs.add(forTarget(registry, target));
      } catch (ValidationException e) {
        e.violations().forEach(v -> problems.add(offlineHint(v, host.isEmpty()).withObject("type " + type)));
      }
    }
    if (custom) {
      if (kind.isEmpty() || version.isEmpty() || plural.isEmpty()) {
        problems.add(Violation.of("", "a custom type needs --kind, --version and --plural (and --group unless it"
            + " is in the core group)"));
      } else {
        try {
          ResourceType target = new ResourceType(group, version.get(), kind.get(), plural.get(), Scope.parse(scope),
              shortNames);
          configs.add(FederatedTypeConfig.forTarget(target));
        } catch (ValidationException e) {
          e.violations().forEach(v -> problems.add(v.withObject("custom type")));
        }
      }
    }
    if (types.isEmpty() && !custom) {
      problems.add(Violation.of("", "name at least one type (such as deployments or taskruns), or a custom type"
          + " with --kind, --version and --plural"));
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
    return configs;
  }

  /**
   * A discovered target's configuration: a registered type's (Tekton's status settings, say) at the discovered
   * version, else KubeFed's conventional one.
   */
  static FederatedTypeConfig forTarget(TypeRegistry registry, ResourceType target) {
    Optional<FederatedTypeConfig> known = registry.byName(target.qualifiedName());
    FederatedTypeConfig conventional = FederatedTypeConfig.forTarget(target);
    return known.map(k -> new FederatedTypeConfig(k.namespace(), target, conventional.federated(),
        k.propagationEnabled(), k.statusCollectionEnabled(), k.statusType())).orElse(conventional);
  }

  private static Violation offlineHint(Violation v, boolean offline) {
    if (!offline || !v.reason().startsWith("no federated type is named")) {
      return v;
    }
    return new Violation(v.source(), v.object(), v.field(), v.reason() + "; or give --context (and --kubeconfig)"
        + " to look the type up in a cluster's API discovery and CRDs, as kubefedctl enable does");
  }

  private List<ObjectNode> documents(List<FederatedTypeConfig> configs) {
    return documents(configs, kube.federationNamespace());
  }

  /** The CRD and FTC of each configuration, the FTC in {@code namespace}. */
  static List<ObjectNode> documents(List<FederatedTypeConfig> configs, String namespace) {
    List<ObjectNode> documents = new ArrayList<>();
    for (FederatedTypeConfig config : configs) {
      FederatedTypeConfig placed = new FederatedTypeConfig(namespace, config.target(),
          config.federated(), config.propagationEnabled(), config.statusCollectionEnabled(), config.statusType());
      documents.addAll(FederatedCrds.enable(placed));
    }
    return documents;
  }

  private void print(List<ObjectNode> documents) {
    out.print(output == Output.json ? json(documents) : KubeFedYaml.writeYaml(documents));
  }

  /**
   * Creates or updates enable's documents in the host, printing what was done to each; {@code served} is the host's
   * discovery.
   */
  static void applyAll(HostObjects host, List<ServedResource> served, List<ObjectNode> documents, String namespace,
      PrintWriter out) {
    if (!HostObjects.serves(served, HostObjects.TYPE_CONFIGS)) {
      throw new FederationException("cluster " + host.client().cluster() + " does not serve FederatedTypeConfigs"
          + " (federatedtypeconfigs.core.kubefed.io): install KubeFed's CRDs first (fleetfed install | kubectl"
          + " apply -f -); nothing was written");
    }
    host.ensureNamespace(namespace).ifPresent(o -> out.println("namespaces/" + namespace + " " + o));
    for (ObjectNode document : documents) {
      boolean crd = document.path("kind").asText().equals("CustomResourceDefinition");
      ResourceType type = crd ? HostObjects.CRDS : HostObjects.TYPE_CONFIGS;
      String name = document.path("metadata").path("name").asText();
      HostObjects.Outcome outcome = host.apply(type, document);
      out.println(HostObjects.describe(type, crd ? "" : namespace, name) + " " + outcome);
    }
  }

  static String json(List<ObjectNode> documents) {
    ObjectNode list = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "List");
    list.putArray("items").addAll(documents);
    return Output.prettyJson(list);
  }
}
