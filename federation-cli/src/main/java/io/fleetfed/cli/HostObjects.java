package io.fleetfed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.cluster.ServedResource;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.ResourceType;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes objects to a host cluster idempotently, as {@code kubectl apply} reports it: created when missing,
 * unchanged when every field given is already there with the same value (what the server added is ignored),
 * updated otherwise (the given top-level fields replace the stored ones; metadata keeps the server's fields).
 */
final class HostObjects {
  static final ResourceType CRDS = ResourceType.cluster("apiextensions.k8s.io", "v1", "CustomResourceDefinition",
      "customresourcedefinitions");
  static final ResourceType TYPE_CONFIGS = ResourceType.namespaced("core.kubefed.io", "v1beta1",
      "FederatedTypeConfig", "federatedtypeconfigs");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a write did. */
  enum Outcome {
    created,
    updated,
    unchanged
  }

  private final ClusterClient host;

  HostObjects(ClusterClient host) {
    this.host = host;
  }

  ClusterClient client() {
    return host;
  }

  /** How an object is named in output, as kubectl names it: {@code plural.group/name}, namespace first if any. */
  static String describe(ResourceType type, String namespace, String name) {
    String resource = type.group().isEmpty() ? type.plural() : type.plural() + "." + type.group();
    return (namespace.isEmpty() ? "" : namespace + " ") + resource + "/" + name;
  }

  /** Whether the host serves {@code type} (any version of its group, by plural). */
  static boolean serves(List<ServedResource> served, ResourceType type) {
    return served.stream().anyMatch(r -> r.type().group().equals(type.group())
        && r.type().plural().equals(type.plural()));
  }

  /** Creates the namespace when it is missing (plainly, as kubectl create namespace would). */
  Optional<Outcome> ensureNamespace(String namespace) {
    if (host.get(BuiltInTypes.NAMESPACES, "", namespace).isPresent()) {
      return Optional.empty();
    }
    ObjectNode ns = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
    ns.putObject("metadata").put("name", namespace);
    try {
      host.create(BuiltInTypes.NAMESPACES, JSON.convertValue(ns, GenericKubernetesResource.class));
    } catch (ClusterRequestException e) {
      if (e.code() != 409) {
        throw e;
      }
      return Optional.empty();   // created meanwhile by someone else: nothing to report
    }
    return Optional.of(Outcome.created);
  }

  /** Creates {@code desired}, or updates it when the stored object differs in a field {@code desired} gives. */
  Outcome apply(ResourceType type, ObjectNode desired) {
    JsonNode metadata = desired.path("metadata");
    String namespace = type.isNamespaced() ? metadata.path("namespace").asText("") : "";
    String name = metadata.path("name").asText();
    Optional<GenericKubernetesResource> existing = host.get(type, namespace, name);
    if (existing.isEmpty()) {
      host.create(type, JSON.convertValue(desired, GenericKubernetesResource.class));
      return Outcome.created;
    }
    ObjectNode stored = JSON.valueToTree(existing.get());
    if (contains(stored, desired)) {
      return Outcome.unchanged;
    }
    ObjectNode updated = stored.deepCopy();
    for (Map.Entry<String, JsonNode> field : desired.properties()) {
      if (field.getKey().equals("metadata")) {
        ObjectNode meta = (ObjectNode) updated.path("metadata");
        field.getValue().properties().forEach(m -> meta.set(m.getKey(), m.getValue()));
      } else {
        updated.set(field.getKey(), field.getValue());
      }
    }
    host.update(type, JSON.convertValue(updated, GenericKubernetesResource.class));
    return Outcome.updated;
  }

  /**
   * Whether every field of {@code desired} is in {@code actual} with the same value; objects may hold more fields
   * (the server's defaults), arrays must have the same length and each element contain the desired one.
   */
  static boolean contains(JsonNode actual, JsonNode desired) {
    if (desired.isObject()) {
      if (!actual.isObject()) {
        return false;
      }
      for (Map.Entry<String, JsonNode> field : desired.properties()) {
        if (!actual.has(field.getKey()) || !contains(actual.get(field.getKey()), field.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (desired.isArray()) {
      if (!actual.isArray() || actual.size() != desired.size()) {
        return false;
      }
      for (int i = 0; i < desired.size(); i++) {
        if (!contains(actual.get(i), desired.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (desired.isNumber() && actual.isNumber()) {
      return desired.decimalValue().compareTo(actual.decimalValue()) == 0;
    }
    return desired.equals(actual);
  }
}
