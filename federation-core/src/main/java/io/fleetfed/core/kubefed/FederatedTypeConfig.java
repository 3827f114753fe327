package io.fleetfed.core.kubefed;

import io.fleetfed.core.internal.Names;
import io.fleetfed.core.internal.Problems;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.model.Scope;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * KubeFed's {@code FederatedTypeConfig} ({@code core.kubefed.io/v1beta1}): which federated type propagates
 * which target type.
 *
 * <pre>{@code
 * FederatedTypeConfig taskRuns = FederatedTypeConfig.forTarget(
 *     ResourceType.namespaced("tekton.dev", "v1", "TaskRun", "taskruns"));
 * taskRuns.name();                  // "taskruns.tekton.dev"
 * taskRuns.federated().apiVersion(); // "types.kubefed.io/v1beta1"
 * taskRuns.federated().kind();       // "FederatedTaskRun"
 * }</pre>
 *
 * <p>Validation follows KubeFed's admission webhook, plus one fleetfed rule: the federated kind is
 * {@code Federated<Kind>}, as {@code kubefedctl enable} always makes it.
 * <ul>
 *   <li>The name is {@code <target plural>[.<target group>]}.
 *   <li>The federated group is a domain with at least one dot.
 *   <li>The federated type is namespaced when the target is namespaced or is the core Namespace kind.
 * </ul>
 *
 * @param namespace the namespace the FederatedTypeConfig lives in (KubeFed's namespace,
 *     {@value #DEFAULT_NAMESPACE} by default)
 * @param target the type propagated to member clusters
 * @param federated the type of the federated objects in the host cluster
 * @param propagationEnabled {@code spec.propagation: Enabled}
 * @param statusCollectionEnabled {@code spec.statusCollection: Enabled} (KubeFed's remoteStatus)
 * @param statusType {@code spec.statusType}, when given
 */
public record FederatedTypeConfig(String namespace, ResourceType target, ResourceType federated,
    boolean propagationEnabled, boolean statusCollectionEnabled, Optional<String> statusType)
    implements KubeFedDocument {

  /** KubeFed's namespace, where FederatedTypeConfigs and KubeFedClusters live by default. */
  public static final String DEFAULT_NAMESPACE = "kube-federation-system";
  /** The group of every federated type {@code kubefedctl enable} creates. */
  public static final String FEDERATED_GROUP = "types.kubefed.io";
  /** The version of every federated type {@code kubefedctl enable} creates. */
  public static final String FEDERATED_VERSION = "v1beta1";

  /** Validates the combination. */
  public FederatedTypeConfig {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(federated, "federated");
    Objects.requireNonNull(statusType, "statusType");
    Problems problems = new Problems();
    Names.dns1123LabelProblem(namespace).ifPresent(p -> problems.add("metadata.namespace", p));
    if (!federated.group().contains(".")) {
      problems.add("spec.federatedType.group", "\"" + federated.group() + "\" should be a domain with at least"
          + " one dot");
    }
    if (!federated.kind().equals("Federated" + target.kind())) {
      problems.add("spec.federatedType.kind", "must be Federated" + target.kind() + " (got " + federated.kind()
          + ")");
    }
    Scope expectedScope = target.isNamespaced() || target.isNamespace() ? Scope.NAMESPACED : Scope.CLUSTER;
    if (federated.scope() != expectedScope) {
      problems.add("spec.federatedType.scope", "must be " + expectedScope.wireName() + " for target "
          + target.kind());
    }
    problems.throwIfAny();
  }

  /** KubeFed's conventional configuration for {@code target}, as {@code kubefedctl enable} writes it. */
  public static FederatedTypeConfig forTarget(ResourceType target) {
    Scope scope = target.isNamespaced() || target.isNamespace() ? Scope.NAMESPACED : Scope.CLUSTER;
    List<String> shortNames = target.shortNames().stream().map(s -> "f" + s).collect(Collectors.toList());
    ResourceType federated = new ResourceType(FEDERATED_GROUP, FEDERATED_VERSION, "Federated" + target.kind(),
        "federated" + target.plural(), scope, shortNames);
    return new FederatedTypeConfig(DEFAULT_NAMESPACE, target, federated, true, false, Optional.empty());
  }

  /** The FederatedTypeConfig's name: {@code <target plural>[.<target group>]}. */
  public String name() {
    return target.qualifiedName();
  }

  /** The federated CRD's name: {@code <federated plural>.<federated group>}. */
  public String crdName() {
    return federated.plural() + "." + federated.group();
  }
}
