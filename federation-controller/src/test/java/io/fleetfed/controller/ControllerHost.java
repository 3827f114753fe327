package io.fleetfed.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.kubefed.FederatedCrds;
import io.fleetfed.core.kubefed.FederatedTypeConfig;
import io.fleetfed.core.kubefed.KubeFedYaml;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.testkit.FleetSandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A host cluster set up as KubeFed's chart and kubefedctl leave it, for the controller's tests. */
final class ControllerHost {
  static final String NS = FederationController.DEFAULT_KUBEFED_NAMESPACE;
  static final LeaderElection FAST = LeaderElection.DEFAULT.withDurations(Duration.ofSeconds(3),
      Duration.ofSeconds(2), Duration.ofMillis(500));
  private static final ObjectMapper JSON = new ObjectMapper();

  private ControllerHost() {}

  /** KubeFed's core CRDs the controller reads (FederatedTypeConfig, KubeFedConfig), and federated CRDs of types. */
  static List<CustomResourceDefinition> crds(String... types) {
    List<CustomResourceDefinition> crds = new ArrayList<>();
    crds.add(core("FederatedTypeConfig", "federatedtypeconfigs", true));
    crds.add(core("KubeFedConfig", "kubefedconfigs", false));
    crds.add(core("KubeFedCluster", "kubefedclusters", true));
    for (String type : types) {
      crds.add(JSON.convertValue(FederatedCrds.crd(TypeRegistry.standard().lookup(type)),
          CustomResourceDefinition.class));
    }
    return crds;
  }

  private static CustomResourceDefinition core(String kind, String plural, boolean status) {
    var version = new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder()
        .withName("v1beta1").withServed(true).withStorage(true).withNewSchema()
        .withOpenAPIV3Schema(new JSONSchemaPropsBuilder().withType("object").withXKubernetesPreserveUnknownFields(true)
            .build()).endSchema();
    if (status) {
      version = version.withNewSubresources().withNewStatus().endStatus().endSubresources();
    }
    return new CustomResourceDefinitionBuilder().withNewMetadata()
        .withName(plural + ".core.kubefed.io").endMetadata().withNewSpec().withGroup("core.kubefed.io")
        .withScope("Namespaced").withNewNames().withKind(kind).withListKind(kind + "List").withPlural(plural)
        .withSingular(kind.toLowerCase()).endNames().withVersions(version.build()).endSpec().build();
  }

  /** The FederatedTypeConfig of {@code type} (such as {@code configmaps}) as the host keeps it. */
  static GenericKubernetesResource typeConfig(String type, boolean enabled) {
    return typeConfig(type, enabled, false);
  }

  /** As {@link #typeConfig(String, boolean)}, with {@code spec.statusCollection} as given. */
  static GenericKubernetesResource typeConfig(String type, boolean enabled, boolean statusCollection) {
    FederatedTypeConfig c = TypeRegistry.standard().lookup(type);
    FederatedTypeConfig config = new FederatedTypeConfig(NS, c.target(), c.federated(), enabled,
        statusCollection, c.statusType());
    return JSON.convertValue(KubeFedYaml.toTree(config, TypeRegistry.standard()), GenericKubernetesResource.class);
  }

  /** The {@code status.clusters} of Federated object {@code namespace/name} of {@code type} in {@code host}. */
  @SuppressWarnings("unchecked")
  static List<java.util.Map<String, Object>> clusters(KubernetesClient host,
      io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext type, String namespace, String name) {
    GenericKubernetesResource o = host.genericKubernetesResources(type).inNamespace(namespace).withName(name).get();
    Object status = o == null ? null : o.getAdditionalProperties().get("status");
    return status instanceof java.util.Map<?, ?> s && s.get("clusters") instanceof List<?> l
        ? new ArrayList<>((List<java.util.Map<String, Object>>) l) : List.of();
  }

  static void namespace(KubernetesClient client, String name) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
  }

  /** Joins {@code members} to host {@code host} as {@code fleetfed join} does. */
  static void join(FleetSandbox sandbox, String host, String... members) {
    try (ClusterFleet fleet = ClusterFleet.builder().kubeconfig(sandbox.kubeconfig()).hostContext(host).build()) {
      for (String m : members) {
        fleet.join(m);
      }
    }
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }
}
