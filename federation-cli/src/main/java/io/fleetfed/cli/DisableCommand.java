package io.fleetfed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ServedResource;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.model.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fleetfed disable}: stops propagating a type, as kubefedctl disable does. */
@Command(
    name = "disable",
    mixinStandardHelpOptions = true,
    description = {
        "Disables propagation of a type in the host cluster, as kubefedctl disable does: sets its"
            + " FederatedTypeConfig's spec.propagation to Disabled, so that the host's controller stops"
            + " propagating objects of the type (objects already on members stay there). With --delete, also"
            + " deletes the FederatedTypeConfig and the federated CRD, and with the CRD every federated object of"
            + " the type in the host.",
        "TYPE is the FederatedTypeConfig's name (plural.group) or any name kubectl accepts for the type, looked"
            + " up in the host's API discovery as enable does."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:disabled (or already disabled); with --delete, deleted",
        "2:invalid input: unknown or ambiguous type, no FederatedTypeConfig for it (nothing written)",
        "3:the host cluster refused or could not be reached"})
final class DisableCommand extends FleetCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(index = "0", paramLabel = "TYPE", description = "The type to disable.")
  private String type;

  @Option(names = {"--host-cluster-context", "--context"}, required = true, paramLabel = "CONTEXT",
      description = "Kubeconfig context of the host cluster, which holds the FederatedTypeConfig.")
  private String context;

  @Option(names = {"--delete", "--delete-crd"},
      description = "Also delete the FederatedTypeConfig and the federated CRD (and so every federated object of"
          + " the type in the host). --delete-crd is kubefedctl's spelling.")
  private boolean delete;

  @Mixin
  private KubeOptions kube;

  @Override
  int execute() {
    try (ClusterFleet fleet = kube.builder().hostContext(context).build()) {
      ClusterClient host = fleet.hostClient().orElseThrow();
      String namespace = kube.federationNamespace();
      List<ServedResource> served = host.servedResources();
      if (!HostObjects.serves(served, HostObjects.TYPE_CONFIGS)) {
        throw new ValidationException("", "cluster " + host.cluster() + " does not serve FederatedTypeConfigs"
            + " (federatedtypeconfigs.core.kubefed.io): no type is enabled there");
      }
      GenericKubernetesResource ftc = typeConfig(host, served, namespace);
      String name = ftc.getMetadata().getName();
      String described = HostObjects.describe(HostObjects.TYPE_CONFIGS, namespace, name);
      JsonNode tree = JSON.valueToTree(ftc);
      if (tree.at("/spec/propagation").asText().equals("Disabled")) {
        out.println(described + " propagation already disabled");
      } else {
        host.mergePatch(HostObjects.TYPE_CONFIGS, namespace, name,
            JSON.createObjectNode().set("spec", JSON.createObjectNode().put("propagation", "Disabled")));
        out.println(described + " propagation disabled");
      }
      if (delete) {
        String crd = tree.at("/spec/federatedType/pluralName").asText() + "."
            + tree.at("/spec/federatedType/group").asText();
        host.delete(HostObjects.TYPE_CONFIGS, namespace, name);
        out.println(described + " deleted");
        boolean deleted = host.delete(HostObjects.CRDS, "", crd);
        out.println(HostObjects.describe(HostObjects.CRDS, "", crd) + (deleted ? " deleted" : " not found"));
      }
      return 0;
    }
  }

  /**
   * The FederatedTypeConfig of TYPE: by name, else by the type discovery finds for TYPE, else by a target name of
   * an existing FederatedTypeConfig (a type whose CRD is gone can still be disabled).
   */
  private GenericKubernetesResource typeConfig(ClusterClient host, List<ServedResource> served, String namespace) {
    Optional<GenericKubernetesResource> byName = host.get(HostObjects.TYPE_CONFIGS, namespace, type);
    if (byName.isPresent()) {
      return byName.get();
    }
    List<GenericKubernetesResource> all = host.list(HostObjects.TYPE_CONFIGS, namespace, Map.of());
    List<String> names = all.stream().map(f -> f.getMetadata().getName()).toList();
    if (served.stream().anyMatch(r -> r.isNamed(type))) {
      ResourceType target = EnableCommand.lookup(served, type, host.cluster());
      Optional<GenericKubernetesResource> found = host.get(HostObjects.TYPE_CONFIGS, namespace,
          target.qualifiedName());
      if (found.isPresent()) {
        return found.get();
      }
      throw new ValidationException("", "type " + target.qualifiedName() + " is not enabled: cluster "
          + host.cluster() + " has no FederatedTypeConfig " + namespace + "/" + target.qualifiedName()
          + "; the enabled types are " + names);
    }
    List<GenericKubernetesResource> matches = new ArrayList<>();
    for (GenericKubernetesResource f : all) {
      JsonNode target = JSON.valueToTree(f).at("/spec/targetType");
      String lower = type.toLowerCase(Locale.ROOT);
      if (target.path("pluralName").asText().equals(lower)
          || target.path("kind").asText().toLowerCase(Locale.ROOT).equals(lower)) {
        matches.add(f);
      }
    }
    if (matches.size() == 1) {
      return matches.get(0);
    }
    if (matches.isEmpty()) {
      throw new ValidationException("", "cluster " + host.cluster() + " has no resource and no"
          + " FederatedTypeConfig named \"" + type + "\"; the enabled types are " + names);
    }
    throw new ValidationException("", "Multiple resources are matched by \"" + type + "\": "
        + matches.stream().map(f -> f.getMetadata().getName()).toList() + "; give the qualified name (plural.group)");
  }
}
