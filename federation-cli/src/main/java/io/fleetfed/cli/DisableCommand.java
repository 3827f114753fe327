package io.fleetfed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ServedResource;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.kubefed.FederatedTypeConfig;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.model.Scope;
import java.time.Duration;
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
        "Disables propagation of a type in the host cluster: sets its FederatedTypeConfig's spec.propagation to"
            + " Disabled and, when a controller reports propagating the type (status.propagationController:"
            + " Running), waits up to 10s for it to report it stopped, as kubefedctl disable does. Objects already"
            + " on members stay there. Unlike kubefedctl, which then deletes the FederatedTypeConfig, fleetfed"
            + " keeps it, disabled (enable --apply turns it on again); --delete deletes it and the federated CRD,"
            + " refused while federated objects of the type exist (deleting the CRD would delete them).",
        "A type without a FederatedTypeConfig is reported and is no error (with --delete, its federated CRD is"
            + " still deleted), as in kubefedctl.",
        "TYPE is the FederatedTypeConfig's name (plural.group) or any name kubectl accepts for the type, looked"
            + " up in the host's API discovery as enable does."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:disabled (or already disabled, or not enabled); with --delete, deleted",
        "2:invalid input: unknown or ambiguous type; --delete while federated objects exist (nothing written)",
        "3:the host cluster refused or could not be reached, or the controller did not report propagation stopped"})
final class DisableCommand extends FleetCommand {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long kubefedctl waits for the controller to report propagation stopped. */
  private static final Duration CONTROLLER_STOP = Duration.ofSeconds(10);

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
      Optional<GenericKubernetesResource> found = typeConfig(host, served, namespace);
      if (found.isEmpty()) {
        // as kubefedctl: nothing to disable is no error; --delete still removes the federated CRD of a served type
        ResourceType target = EnableCommand.lookup(served, type, host.cluster());
        out.println(HostObjects.describe(HostObjects.TYPE_CONFIGS, namespace, target.qualifiedName())
            + " does not exist");
        if (delete) {
          FederatedTypeConfig conventional = EnableCommand.forTarget(TypeRegistry.standard(), target);
          requireNoInstances(host, conventional.federated());
          deleteCrd(host, conventional.crdName());
        }
        return 0;
      }
      GenericKubernetesResource ftc = found.get();
      String name = ftc.getMetadata().getName();
      String described = HostObjects.describe(HostObjects.TYPE_CONFIGS, namespace, name);
      JsonNode tree = JSON.valueToTree(ftc);
      JsonNode federatedType = tree.at("/spec/federatedType");
      String crd = federatedType.path("pluralName").asText() + "." + federatedType.path("group").asText();
      ResourceType federated = new ResourceType(federatedType.path("group").asText(),
          federatedType.path("version").asText(), federatedType.path("kind").asText(),
          federatedType.path("pluralName").asText(),
          Scope.parse(federatedType.path("scope").asText("Namespaced")), List.of());
      if (delete) {
        requireNoInstances(host, federated);   // before anything is written, as kubefedctl checks
      }
      if (tree.at("/spec/propagation").asText().equals("Disabled")) {
        out.println(described + " propagation already disabled");
      } else {
        host.mergePatch(HostObjects.TYPE_CONFIGS, namespace, name,
            JSON.createObjectNode().set("spec", JSON.createObjectNode().put("propagation", "Disabled")));
        out.println(described + " propagation disabled");
      }
      awaitControllerStopped(host, namespace, name, tree, described);
      if (delete) {
        // the FederatedTypeConfig first: if the CRD's delete then fails, no FTC names a CRD that is gone
        host.delete(HostObjects.TYPE_CONFIGS, namespace, name);
        out.println(described + " deleted");
        deleteCrd(host, crd);
      }
      return 0;
    }
  }

  /**
   * When a controller reports propagating the type ({@code status.propagationController: Running}), waits for it
   * to report it stopped, as kubefedctl does; without a controller (no status) there is nothing to wait for.
   */
  private void awaitControllerStopped(ClusterClient host, String namespace, String name, JsonNode ftc,
      String described) {
    if (!ftc.at("/status/propagationController").asText().equals("Running")) {
      return;
    }
    try {
      host.await(HostObjects.TYPE_CONFIGS, namespace, name, o -> !JSON.valueToTree(o)
          .at("/status/propagationController").asText().equals("Running"), CONTROLLER_STOP);
      out.println(described + " propagation controller stopped");
    } catch (ClusterRequestException e) {
      throw new FederationException(described + ": propagation is disabled, but the controller did not report"
          + " status.propagationController NotRunning within " + CONTROLLER_STOP.toSeconds() + "s (is it running?)"
          + (delete ? "; nothing was deleted" : "") + ": " + e.getMessage(), e);
    }
  }

  /** Refuses --delete while federated objects of the type exist: deleting the CRD would delete them all. */
  private void requireNoInstances(ClusterClient host, ResourceType federated) {
    List<GenericKubernetesResource> objects;
    try {
      objects = host.list(federated, "", Map.of());
    } catch (ClusterRequestException e) {
      if (e.code() == ClusterRequestException.NOT_FOUND) {
        return;   // the federated type is not served: no CRD, no objects
      }
      throw e;
    }
    if (!objects.isEmpty()) {
      List<String> names = objects.stream().limit(5).map(o -> (o.getMetadata().getNamespace() == null ? ""
          : o.getMetadata().getNamespace() + "/") + o.getMetadata().getName()).toList();
      throw new ValidationException("--delete", "cannot delete the CRD of " + federated.kind() + " while "
          + objects.size() + " of its objects exist (" + String.join(", ", names)
          + (objects.size() > names.size() ? ", …" : "") + "): delete them first, or disable without --delete;"
          + " nothing was written");
    }
  }

  private void deleteCrd(ClusterClient host, String crd) {
    boolean deleted = host.delete(HostObjects.CRDS, "", crd);
    out.println(HostObjects.describe(HostObjects.CRDS, "", crd) + (deleted ? " deleted" : " does not exist"));
  }

  /**
   * The FederatedTypeConfig of TYPE: by name, else by the type discovery finds for TYPE (empty when that type has
   * none), else by a target name of an existing FederatedTypeConfig (a type whose CRD is gone can still be
   * disabled).
   */
  private Optional<GenericKubernetesResource> typeConfig(ClusterClient host, List<ServedResource> served,
      String namespace) {
    Optional<GenericKubernetesResource> byName = host.get(HostObjects.TYPE_CONFIGS, namespace, type);
    if (byName.isPresent()) {
      return byName;
    }
    List<GenericKubernetesResource> all = host.list(HostObjects.TYPE_CONFIGS, namespace, Map.of());
    List<String> names = all.stream().map(f -> f.getMetadata().getName()).toList();
    if (served.stream().anyMatch(r -> r.isNamed(type))) {
      ResourceType target = EnableCommand.lookup(served, type, host.cluster());
      return host.get(HostObjects.TYPE_CONFIGS, namespace, target.qualifiedName());
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
      return Optional.of(matches.get(0));
    }
    if (matches.isEmpty()) {
      throw new ValidationException("", "cluster " + host.cluster() + " has no resource and no"
          + " FederatedTypeConfig named \"" + type + "\"; the enabled types are " + names);
    }
    throw new ValidationException("", "Multiple resources are matched by \"" + type + "\": "
        + matches.stream().map(f -> f.getMetadata().getName()).toList() + "; give the qualified name (plural.group)");
  }
}
