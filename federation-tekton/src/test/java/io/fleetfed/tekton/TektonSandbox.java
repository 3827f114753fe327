package io.fleetfed.tekton;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.core.fleet.Backoff;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.fleet.ClusterHealth;
import io.fleetfed.core.fleet.HealthCheck;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.testkit.Await;
import io.fleetfed.testkit.FleetSandbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import io.fleetfed.core.fleet.ResourceContexts;

/** Helpers for the dispatcher tests: a quick fleet over a sandbox, objects from YAML, reads. */
final class TektonSandbox {
  static final Duration WAIT = Duration.ofSeconds(15);
  static final HealthCheck QUICK_HEALTH = HealthCheck.DEFAULT.withPeriod(Duration.ofMillis(200))
      .withTimeout(Duration.ofMillis(1000)).withThresholds(2, 1);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private TektonSandbox() {}

  static String unique(String prefix) {
    return prefix + "-" + COUNTER.incrementAndGet();
  }

  /** A fleet with host {@code host} and these members (each given its labels), waited until all are Ready. */
  static ClusterFleet fleet(FleetSandbox sandbox, String host, Map<String, Map<String, String>> members) {
    ClusterFleet.Builder b = ClusterFleet.builder().kubeconfig(sandbox.kubeconfig()).hostContext(host)
        .health(QUICK_HEALTH).retry(new Backoff(Duration.ofMillis(50), Duration.ofMillis(500)))
        .watchReconnect(Duration.ofMillis(100)).requestTimeout(Duration.ofSeconds(2));
    members.forEach((name, labels) -> b.memberContext(name, name, labels));
    ClusterFleet fleet = b.build();
    Await.until(WAIT, "every member READY (now " + fleet.clusters() + ")",
        () -> fleet.clusters().stream().allMatch(c -> c.health() == ClusterHealth.READY));
    return fleet;
  }

  static ObjectNode yaml(String yaml) {
    try {
      return (ObjectNode) YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates {@code yaml}'s object (of {@code type}) in {@code client}'s cluster. */
  static void create(KubernetesClient client, ResourceType type, String yaml) {
    ObjectNode o = yaml(yaml);
    var resources = client.genericKubernetesResources(ResourceContexts.of(type));
    GenericKubernetesResource r = JSON.convertValue(o, GenericKubernetesResource.class);
    if (type.isNamespaced()) {
      resources.inNamespace(o.path("metadata").path("namespace").asText()).resource(r).create();
    } else {
      resources.resource(r).create();
    }
  }

  static Optional<ObjectNode> get(KubernetesClient client, ResourceType type, String ns, String name) {
    var resources = client.genericKubernetesResources(ResourceContexts.of(type));
    GenericKubernetesResource r = type.isNamespaced() ? resources.inNamespace(ns).withName(name).get()
        : resources.withName(name).get();
    return Optional.ofNullable(r).map(o -> JSON.convertValue(o, ObjectNode.class));
  }
}
