package io.fleetfed.core.kubefed;

import io.fleetfed.core.model.ResourceType;
import java.util.List;

/**
 * The types KubeFed federates out of the box, which every {@link TypeRegistry} starts with.
 *
 * <pre>{@code
 * FederatedResource cm = FederatedResource.builder(BuiltInTypes.CONFIG_MAPS).namespace("ci").name("settings")...
 * }</pre>
 */
public final class BuiltInTypes {
  /** {@code rbac.authorization.k8s.io/v1} ClusterRole, cluster-scoped. */
  public static final ResourceType CLUSTER_ROLES =
      ResourceType.cluster("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles");
  /** {@code v1} ConfigMap. */
  public static final ResourceType CONFIG_MAPS =
      ResourceType.namespaced("", "v1", "ConfigMap", "configmaps").withShortNames("cm");
  /** {@code apps/v1} Deployment. */
  public static final ResourceType DEPLOYMENTS =
      ResourceType.namespaced("apps", "v1", "Deployment", "deployments").withShortNames("deploy");
  /** {@code networking.k8s.io/v1} Ingress. */
  public static final ResourceType INGRESSES =
      ResourceType.namespaced("networking.k8s.io", "v1", "Ingress", "ingresses").withShortNames("ing");
  /** {@code batch/v1} Job. */
  public static final ResourceType JOBS = ResourceType.namespaced("batch", "v1", "Job", "jobs");
  /** {@code v1} Namespace, cluster-scoped; its federated type is namespaced (it lives in itself). */
  public static final ResourceType NAMESPACES =
      ResourceType.cluster("", "v1", "Namespace", "namespaces").withShortNames("ns");
  /** {@code apps/v1} ReplicaSet. */
  public static final ResourceType REPLICA_SETS =
      ResourceType.namespaced("apps", "v1", "ReplicaSet", "replicasets").withShortNames("rs");
  /** {@code v1} Secret. */
  public static final ResourceType SECRETS = ResourceType.namespaced("", "v1", "Secret", "secrets");
  /** {@code v1} ServiceAccount. */
  public static final ResourceType SERVICE_ACCOUNTS =
      ResourceType.namespaced("", "v1", "ServiceAccount", "serviceaccounts").withShortNames("sa");
  /** {@code v1} Service. */
  public static final ResourceType SERVICES =
      ResourceType.namespaced("", "v1", "Service", "services").withShortNames("svc");

  /** All of them, in the order KubeFed's documentation lists them. */
  public static final List<ResourceType> ALL = List.of(CLUSTER_ROLES, CONFIG_MAPS, DEPLOYMENTS, INGRESSES, JOBS,
      NAMESPACES, REPLICA_SETS, SECRETS, SERVICE_ACCOUNTS, SERVICES);

  private BuiltInTypes() {}
}
