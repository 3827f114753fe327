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
  static final io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext TYPE_CONFIGS = core(
      "FederatedTypeConfig", "federatedtypeconfigs");
  static final io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext KUBEFED_CONFIGS = core(
      "KubeFedConfig", "kubefedconfigs");
  static final io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext KUBEFED_CLUSTERS = core(
      "KubeFedCluster", "kubefedclusters");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext core(String kind, String plural) {
    return new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder().withGroup("core.kubefed.io")
        .withVersion("v1beta1").withKind(kind).withPlural(plural).withNamespaced(true).build();
  }

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

  /**
   * Empties the sandbox and leaves its host {@code dev1} as KubeFed's chart and kubefedctl leave one: the KubeFed
   * namespace and {@code demo}, {@code members} joined, and a FederatedTypeConfig enabled for each of {@code types}.
   */
  static void prepare(FleetSandbox sandbox, List<String> members, String... types) {
    sandbox.reset();
    KubernetesClient host = sandbox.cluster("dev1").client();
    namespace(host, NS);
    namespace(host, "demo");
    join(sandbox, "dev1", members.toArray(String[]::new));
    for (String type : types) {
      host.genericKubernetesResources(TYPE_CONFIGS).inNamespace(NS).resource(typeConfig(type, true)).create();
    }
  }

  /** A controller on host {@code dev1} with the tests' quick election, once it leads and runs exactly {@code types}. */
  static FederationController leading(FleetSandbox sandbox, String... types) {
    FederationController controller = FederationController.builder().kubeconfig(sandbox.kubeconfig(), "dev1")
        .leaderElection(FAST).build().start();
    List<String> expected = java.util.Arrays.stream(types).sorted().toList();
    await("the controller to lead and run " + expected, Duration.ofSeconds(30),
        () -> controller.state().leading() && controller.state().typesRunning().equals(expected));
    return controller;
  }

  /** Creates the KubeFedConfig {@code kubefed} with {@code spec}. */
  static void kubeFedConfig(KubernetesClient host, java.util.Map<String, Object> spec) {
    GenericKubernetesResource config = new GenericKubernetesResource();
    config.setApiVersion("core.kubefed.io/v1beta1");
    config.setKind("KubeFedConfig");
    config.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("kubefed").withNamespace(NS)
        .build());
    config.setAdditionalProperty("spec", spec);
    host.genericKubernetesResources(KUBEFED_CONFIGS).inNamespace(NS).resource(config).create();
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
