package io.fleetfed.core.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * What an update keeps from the cluster's copy, as KubeFed's {@code dispatch/retain.go}: the resourceVersion
 * (so the update is conditional), finalizers and annotations others added; a Service's allocated cluster IPs,
 * health-check node port and node ports; a ServiceAccount's secrets; and {@code spec.replicas} when the
 * federated object asks for {@code retainReplicas}.
 */
final class Retention {
  private Retention() {}

  /** {@code desired} with the cluster's fields kept; {@code desired} itself is changed and returned. */
  static ObjectNode retain(ObjectNode desired, JsonNode current, boolean retainReplicas) {
    ObjectNode meta = desired.withObjectProperty("metadata");
    JsonNode currentMeta = current.path("metadata");
    meta.put("resourceVersion", currentMeta.path("resourceVersion").asText(""));
    if (currentMeta.has("finalizers")) {
      meta.set("finalizers", currentMeta.get("finalizers").deepCopy());
    }
    JsonNode currentAnnotations = currentMeta.path("annotations");
    if (currentAnnotations.isObject() && currentAnnotations.size() > 0) {
      ObjectNode merged = ((ObjectNode) currentAnnotations).deepCopy();
      JsonNode own = meta.path("annotations");
      if (own.isObject()) {
        merged.setAll((ObjectNode) own);
      }
      meta.set("annotations", merged);
    }
    String kind = desired.path("kind").asText();
    String group = desired.path("apiVersion").asText();
    boolean core = !group.contains("/");
    if (core && "Service".equals(kind)) {
      retainService(desired, current);
    } else if (core && "ServiceAccount".equals(kind)) {
      JsonNode secrets = desired.path("secrets");
      if ((secrets.isMissingNode() || secrets.isNull() || secrets.isEmpty()) && current.has("secrets")) {
        desired.set("secrets", current.get("secrets").deepCopy());
      }
    } else if (retainReplicas && current.path("spec").has("replicas") && desired.path("spec").isObject()) {
      ((ObjectNode) desired.get("spec")).set("replicas", current.path("spec").get("replicas").deepCopy());
    }
    return desired;
  }

  private static void retainService(ObjectNode desired, JsonNode current) {
    if (!desired.path("spec").isObject()) {
      return;
    }
    ObjectNode spec = (ObjectNode) desired.get("spec");
    JsonNode currentSpec = current.path("spec");
    if (!currentSpec.path("clusterIP").asText("").isEmpty()) {
      spec.put("clusterIP", currentSpec.get("clusterIP").asText());
    }
    if (currentSpec.path("clusterIPs").isArray() && !currentSpec.get("clusterIPs").isEmpty()) {
      spec.set("clusterIPs", currentSpec.get("clusterIPs").deepCopy());
    }
    if (currentSpec.path("healthCheckNodePort").asInt(0) > 0) {
      spec.set("healthCheckNodePort", currentSpec.get("healthCheckNodePort").deepCopy());
    }
    JsonNode ports = spec.path("ports");
    JsonNode currentPorts = currentSpec.path("ports");
    if (ports.isArray() && currentPorts.isArray()) {
      for (JsonNode port : (ArrayNode) ports) {
        for (JsonNode currentPort : currentPorts) {
          if (port.isObject() && port.path("nodePort").asInt(0) == 0 && currentPort.path("nodePort").asInt(0) > 0
              && port.path("name").asText("").equals(currentPort.path("name").asText(""))
              && port.path("protocol").asText("TCP").equals(currentPort.path("protocol").asText("TCP"))
              && port.path("port").asInt() == currentPort.path("port").asInt()) {
            ((ObjectNode) port).set("nodePort", currentPort.get("nodePort").deepCopy());
          }
        }
      }
    }
  }

  /**
   * Whether {@code actual} holds everything {@code desired} says: objects may have more fields (defaults the
   * API server added), arrays must have the same length with each element matching, numbers compare by value.
   * {@code metadata} is compared for labels and annotations only, and {@code status} not at all.
   */
  static boolean matches(JsonNode desired, JsonNode actual) {
    for (Map.Entry<String, JsonNode> field : desired.properties()) {
      String name = field.getKey();
      if ("status".equals(name)) {
        continue;
      }
      if ("metadata".equals(name)) {
        if (!contains(field.getValue().path("labels"), actual.path("metadata").path("labels"))
            || !contains(field.getValue().path("annotations"), actual.path("metadata").path("annotations"))) {
          return false;
        }
        continue;
      }
      if (!contains(field.getValue(), actual.path(name))) {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(JsonNode want, JsonNode have) {
    if (want.isMissingNode() || want.isNull()) {
      return have.isMissingNode() || have.isNull() || (have.isContainerNode() && have.isEmpty());
    }
    if (want.isObject()) {
      if (!have.isObject()) {
        return want.isEmpty() && (have.isMissingNode() || have.isNull());
      }
      for (Map.Entry<String, JsonNode> f : want.properties()) {
        if (!contains(f.getValue(), have.path(f.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (want.isArray()) {
      if (!have.isArray()) {
        return want.isEmpty() && (have.isMissingNode() || have.isNull());
      }
      if (want.size() != have.size()) {
        return false;
      }
      for (int i = 0; i < want.size(); i++) {
        if (!contains(want.get(i), have.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (want.isNumber() && have.isNumber()) {
      return want.decimalValue().compareTo(have.decimalValue()) == 0;
    }
    return want.equals(have);
  }
}
