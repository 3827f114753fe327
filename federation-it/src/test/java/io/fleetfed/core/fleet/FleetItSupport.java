package io.fleetfed.core.fleet;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.cluster.ResourceContexts;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.testkit.Await;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.SandboxFleet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Helpers for the fleet integration tests (MembershipTest, HealthTest, CordonDrainTest, StatusTest,
 * PropagationEdgeTest): quick fleet settings, fresh names, objects, CRDs, and waiting for a condition by polling.
 */
final class FleetItSupport {
  private FleetItSupport() {}

  static final Duration WAIT = Duration.ofSeconds(10);

  static final ResourceType WIDGETS = ResourceType.namespaced("example.com", "v1", "Widget", "widgets");
  static final ResourceType TASK_RUNS = ResourceType.namespaced("tekton.dev", "v1", "TaskRun", "taskruns");
  static final ResourceDefinitionContext KUBEFED_CLUSTERS = new ResourceDefinitionContext.Builder()
      .withGroup("core.kubefed.io").withVersion("v1beta1").withKind("KubeFedCluster").withPlural("kubefedclusters")
      .withNamespaced(true).build();

  private static final AtomicInteger COUNTER = new AtomicInteger();

  /** A fresh DNS-1123 name. */
  static String unique(String prefix) {
    return prefix + "-" + COUNTER.incrementAndGet();
  }

  /** The testkit's quick settings on a builder made some other way (other kubeconfigs, Configs). */
  static ClusterFleetBuilder quick(ClusterFleetBuilder b) {
    return b.health(SandboxFleet.QUICK_HEALTH).retry(SandboxFleet.QUICK_RETRY).watchReconnect(Duration.ofMillis(100))
        .requestTimeout(Duration.ofSeconds(2));
  }

  /** A quick fleet using these sandbox clusters directly as members (nothing stored in a host). */
  static ClusterFleetBuilder membersFleet(FleetSandbox sandbox, String... clusters) {
    return sandbox.fleet().members(clusters).builder();
  }

  /** A quick fleet whose host is {@code host}, with the members the host records. */
  static ClusterFleetBuilder hostFleet(FleetSandbox sandbox, String host) {
    return sandbox.fleet().host(host).builder();
  }

  static FederatedResource configMap(String namespace, String name, Placement placement, Map<String, String> data) {
    return FederatedResource.builder(BuiltInTypes.CONFIG_MAPS).namespace(namespace).name(name)
        .template(Map.of("data", data)).placement(placement).build();
  }

  static ResourceDefinitionContext context(ResourceType type) {
    return ResourceContexts.of(type);
  }

  static Optional<GenericKubernetesResource> get(KubernetesClient client, ResourceType type, String ns, String name) {
    return Optional.ofNullable(client.genericKubernetesResources(context(type)).inNamespace(ns).withName(name).get());
  }

  /** A namespaced CRD with one version, a preserve-unknown-fields schema and a status subresource. */
  static CustomResourceDefinition crd(ResourceType type) {
    return new CustomResourceDefinitionBuilder().withNewMetadata().withName(type.plural() + "." + type.group())
        .endMetadata().withNewSpec().withGroup(type.group()).withScope("Namespaced")
        .withNewNames().withKind(type.kind()).withListKind(type.kind() + "List").withPlural(type.plural())
        .withSingular(type.kind().toLowerCase()).endNames()
        .addNewVersion().withName(type.version()).withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema().endSchema()
        .withNewSubresources().withNewStatus().endStatus().endSubresources()
        .endVersion().endSpec().build();
  }

  /** Polls {@code condition} every 20 ms until it holds; fails naming {@code what} after {@code timeout}. */
  static void await(Duration timeout, String what, BooleanSupplier condition) {
    Await.until(timeout, what, condition);
  }

  static void await(Duration timeout, BooleanSupplier condition) {
    await(timeout, "a condition", condition);
  }

  /** Waits until {@code value} is present and returns it. */
  static <T> T awaitValue(Duration timeout, String what, Supplier<Optional<T>> value) {
    Object[] box = new Object[1];
    await(timeout, what, () -> {
      Optional<T> v = value.get();
      v.ifPresent(x -> box[0] = x);
      return v.isPresent();
    });
    @SuppressWarnings("unchecked")
    T t = (T) box[0];
    return t;
  }

  static ClusterHealth health(ClusterFleet fleet, String cluster) {
    return fleet.cluster(cluster).map(ClusterState::health).orElse(null);
  }

  static void awaitHealth(ClusterFleet fleet, String cluster, ClusterHealth health) {
    await(WAIT, cluster + " " + health + " (now " + fleet.cluster(cluster) + ")",
        () -> health == health(fleet, cluster));
  }

  /** Waits until every member of {@code fleet} is READY (a cold JVM can miss the first 500 ms probe). */
  static ClusterFleet ready(ClusterFleet fleet) {
    await(WAIT, "every cluster READY (now " + fleet.clusters() + ")",
        () -> fleet.clusters().stream().allMatch(c -> c.health() == ClusterHealth.READY));
    return fleet;
  }

  /** The fabric8 configuration the fleet reaches {@code cluster} with (its credentials), read from its client. */
  static io.fabric8.kubernetes.client.Config usedConfig(ClusterFleet fleet, String cluster) {
    return fleet.clientConfig(cluster);
  }

  /** Writes a kubeconfig file with one context (cluster and user named after it) at {@code server}. */
  static Path kubeconfig(Path dir, String fileName, String context, String server, String token) {
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: "c-%1$s"
          cluster:
            server: "%2$s"
        users:
        - name: "u-%1$s"
          user:
            token: "%3$s"
        contexts:
        - name: "%1$s"
          context:
            cluster: "c-%1$s"
            user: "u-%1$s"
            namespace: default
        current-context: "%1$s"
        """.formatted(context, server, token);
    try {
      Path file = dir.resolve(fileName);
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
