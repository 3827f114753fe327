package io.fleetfed.testkit.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The built-in resource types a sandbox API server advertises in discovery. */
final class BuiltInResources {

  private static final List<String> ALL = List.of("all");

  /** Every built-in type, grouped by group and version in the order discovery lists them. */
  static final List<ApiResource> ALL_TYPES = List.of(
      // core/v1
      ns("", "v1", "ConfigMap", "configmaps", "cm"),
      ns("", "v1", "Endpoints", "endpoints", "ep"),
      ns("", "v1", "Event", "events", "ev"),
      ns("", "v1", "LimitRange", "limitranges", "limits"),
      cluster("", "v1", "Namespace", "namespaces", "ns"),
      cluster("", "v1", "Node", "nodes", "no"),
      cluster("", "v1", "PersistentVolume", "persistentvolumes", "pv"),
      ns("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", "pvc"),
      all(ns("", "v1", "Pod", "pods", "po")),
      all(ns("", "v1", "ReplicationController", "replicationcontrollers", "rc")),
      ns("", "v1", "ResourceQuota", "resourcequotas", "quota"),
      ns("", "v1", "Secret", "secrets"),
      ns("", "v1", "ServiceAccount", "serviceaccounts", "sa"),
      all(ns("", "v1", "Service", "services", "svc")),
      // apps/v1
      ns("apps", "v1", "ControllerRevision", "controllerrevisions"),
      all(ns("apps", "v1", "DaemonSet", "daemonsets", "ds")),
      all(ns("apps", "v1", "Deployment", "deployments", "deploy")),
      all(ns("apps", "v1", "ReplicaSet", "replicasets", "rs")),
      all(ns("apps", "v1", "StatefulSet", "statefulsets", "sts")),
      // batch/v1
      all(ns("batch", "v1", "CronJob", "cronjobs", "cj")),
      all(ns("batch", "v1", "Job", "jobs")),
      // autoscaling/v2
      all(ns("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "hpa")),
      // policy/v1
      ns("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", "pdb"),
      // rbac.authorization.k8s.io/v1
      cluster("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings"),
      cluster("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles"),
      ns("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings"),
      ns("rbac.authorization.k8s.io", "v1", "Role", "roles"),
      // apiextensions.k8s.io/v1
      cluster("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", "crd",
          "crds"),
      // networking.k8s.io/v1
      cluster("networking.k8s.io", "v1", "IngressClass", "ingressclasses"),
      ns("networking.k8s.io", "v1", "Ingress", "ingresses", "ing"),
      ns("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", "netpol"),
      // coordination.k8s.io/v1
      ns("coordination.k8s.io", "v1", "Lease", "leases"),
      // discovery.k8s.io/v1
      ns("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices"),
      // storage.k8s.io/v1
      cluster("storage.k8s.io", "v1", "StorageClass", "storageclasses", "sc"),
      // scheduling.k8s.io/v1
      cluster("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", "pc"));

  private BuiltInResources() {
  }

  private static ApiResource ns(String group, String version, String kind, String plural, String... shortNames) {
    return new ApiResource(group, version, kind, plural, kind.toLowerCase(java.util.Locale.ROOT), true,
        Arrays.asList(shortNames), List.of(), false);
  }

  private static ApiResource cluster(String group, String version, String kind, String plural,
      String... shortNames) {
    return new ApiResource(group, version, kind, plural, kind.toLowerCase(java.util.Locale.ROOT), false,
        Arrays.asList(shortNames), List.of(), false);
  }

  private static ApiResource all(ApiResource r) {
    return new ApiResource(r.group(), r.version(), r.kind(), r.plural(), r.singular(), r.namespaced(),
        r.shortNames(), ALL, r.statusSubresource());
  }

  /**
   * The built-in types of one group and version.
   *
   * @param group the group, empty for core
   * @param version the version
   * @return the types, possibly none
   */
  static List<ApiResource> of(String group, String version) {
    List<ApiResource> result = new ArrayList<>();
    for (ApiResource r : ALL_TYPES) {
      if (r.group().equals(group) && r.version().equals(version)) {
        result.add(r);
      }
    }
    return result;
  }
}
