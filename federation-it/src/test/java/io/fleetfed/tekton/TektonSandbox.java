package io.fleetfed.tekton;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.core.cluster.ResourceContexts;
import io.fleetfed.core.model.ResourceType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Helpers for the dispatcher tests: fresh names, objects from YAML, reads and writes with a sandbox admin client. */
final class TektonSandbox {
  static final Duration WAIT = Duration.ofSeconds(15);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private TektonSandbox() {}

  static String unique(String prefix) {
    return prefix + "-" + COUNTER.incrementAndGet();
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
      String namespace = o.path("metadata").path("namespace").asText();
      if (client.namespaces().withName(namespace).get() == null) {   // a real API server needs it first
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
            .withName(namespace).endMetadata().build()).create();
      }
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
