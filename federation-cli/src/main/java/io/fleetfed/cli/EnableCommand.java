package io.fleetfed.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fleetfed enable}: prints the federated CRD and FederatedTypeConfig of types, for kubectl apply. */
@Command(
    name = "enable",
    description = {
        "Prints the federated CRD and the FederatedTypeConfig of each type, as kubefedctl enable creates them,"
            + " for kubectl apply -f. Unlike kubefedctl, spec.template is always declared (x-kubernetes-preserve-"
            + "unknown-fields), so custom types never propagate empty.",
        "TYPE is any name kubectl accepts for a registered type: plural, singular, kind, short name or"
            + " plural.group (built-in KubeFed types and Tekton kinds). Other types: give --kind, --version,"
            + " --plural and optionally --group and --scope."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:printed", "2:invalid input: unknown or ambiguous type, invalid type fields"})
final class EnableCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  // not mixinStandardHelpOptions: its --version (fleetfed's) would take the custom type's --version below, and
  // picocli then dropped the mixin's --help too
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  private boolean help;

  @Parameters(paramLabel = "TYPE", arity = "0..*", description = "Registered types to enable.")
  private List<String> types = new ArrayList<>();

  @Option(names = "--group", paramLabel = "GROUP", description = "API group of a custom type (empty: core).")
  private String group = "";

  @Option(names = "--version", paramLabel = "VERSION", description = "API version of a custom type, e.g. v1.")
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

  @Option(names = "--kubefed-namespace", paramLabel = "NAMESPACE", defaultValue = "kube-federation-system",
      description = "Namespace of the FederatedTypeConfig (default: ${DEFAULT-VALUE}).")
  private String namespace = FederatedTypeConfig.DEFAULT_NAMESPACE;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "yaml",
      description = "yaml (default, multi-document) or json (a v1 List).")
  private Output output = Output.yaml;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      List<FederatedTypeConfig> configs = configs();
      List<ObjectNode> documents = new ArrayList<>();
      for (FederatedTypeConfig config : configs) {
        FederatedTypeConfig placed = new FederatedTypeConfig(namespace, config.target(), config.federated(),
            config.propagationEnabled(), config.statusCollectionEnabled(), config.statusType());
        documents.addAll(FederatedCrds.enable(placed));
      }
      out.print(output == Output.json ? json(documents) : KubeFedYaml.writeYaml(documents));
      out.flush();
      return 0;
    } catch (ValidationException e) {
      return Problems.report(e, err);
    }
  }

  private List<FederatedTypeConfig> configs() {
    TypeRegistry registry = TypeRegistry.standard();
    List<Violation> problems = new ArrayList<>();
    List<FederatedTypeConfig> configs = new ArrayList<>();
    for (String type : types) {
      try {
        configs.add(registry.lookup(type));
      } catch (ValidationException e) {
        e.violations().forEach(v -> problems.add(v.withObject("type " + type)));
      }
    }
    boolean custom = kind.isPresent() || version.isPresent() || plural.isPresent();
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

  private static String json(List<ObjectNode> documents) {
    ObjectNode list = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "List");
    list.putArray("items").addAll(documents);
    return Output.prettyJson(list);
  }
}
