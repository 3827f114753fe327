package io.fleetfed.core.fleet.internal.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.FederationException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * What an update keeps from the cluster's copy, as KubeFed's {@code dispatch/retain.go}: the resourceVersion
 * (so the update is conditional), finalizers and annotations others added; a Service's allocated cluster IPs,
 * health-check node port and node ports; a ServiceAccount's secrets; and {@code spec.replicas} when the
 * federated object asks for {@code retainReplicas}.
 */
final class Retention {
  /**
   * The top-level maps an update writes whole, which no API server defaults: keys added by hand are drift (a
   * Secret's {@code stringData} keys arrive in its {@code data}).
   */
  private static final List<String> WHOLE_MAPS = List.of("data", "binaryData");

  /**
   * The annotation listing, comma-separated, the template annotations fleetfed put on a copy, so that one the
   * template drops later is removed while annotations others added stay.
   */
  static final String OWN_ANNOTATIONS = "fleetfed.io/annotations";

  private Retention() {}

  /** Records in {@code object}'s annotations which of them come from the template. */
  static ObjectNode markOwnAnnotations(ObjectNode object) {
    ObjectNode annotations = object.withObjectProperty("metadata").withObjectProperty("annotations");
    java.util.TreeSet<String> keys = new java.util.TreeSet<>();
    annotations.fieldNames().forEachRemaining(k -> {
      if (!k.startsWith("fleetfed.io/")) {
        keys.add(k);
      }
    });
    if (keys.isEmpty()) {
      annotations.remove(OWN_ANNOTATIONS);
    } else {
      annotations.put(OWN_ANNOTATIONS, String.join(",", keys));
    }
    return object;
  }

  /**
   * A digest of everything in {@code object} but its metadata and status: what a writer other than the API
   * server's status updates would change.
   */
  static String digest(JsonNode object, boolean retainReplicas) {
    ObjectNode copy = ((ObjectNode) object).deepCopy();
    copy.remove("metadata");
    copy.remove("status");
    if (retainReplicas && copy.path("spec").isObject()) {
      ((ObjectNode) copy.get("spec")).remove("replicas");   // the member's to change (an autoscaler's)
    }
    try {
      byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
          .digest(io.fleetfed.core.internal.Json.canonicalBytes(copy));
      return java.util.HexFormat.of().formatHex(hash);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new FederationException("this Java runtime has no SHA-256, which every runtime must provide", e);
    }
  }

  /** {@code desired} with the cluster's fields kept; {@code desired} itself is changed and returned. */
  static ObjectNode retain(ObjectNode desired, JsonNode current, boolean retainReplicas) {
    ObjectNode meta = desired.withObjectProperty("metadata");
    JsonNode currentMeta = current.path("metadata");
    meta.put("resourceVersion", currentMeta.path("resourceVersion").asText(""));
    if (currentMeta.has("finalizers")) {
      meta.set("finalizers", currentMeta.get("finalizers").deepCopy());
    }
    JsonNode currentAnnotations = currentMeta.path("annotations");
    ObjectNode merged = currentAnnotations.isObject() ? ((ObjectNode) currentAnnotations).deepCopy()
        : desired.objectNode();
    // the template's annotations, listed before others' are merged in: only these are fleetfed's own
    ObjectNode own = markOwnAnnotations(desired).withObjectProperty("metadata").withObjectProperty("annotations");
    // annotations fleetfed propagated before and the template no longer has are removed; others' stay
    for (String key : currentAnnotations.path(OWN_ANNOTATIONS).asText("").split(",")) {
      if (!key.isEmpty() && !own.has(key)) {
        merged.remove(key);
      }
    }
    merged.remove(OWN_ANNOTATIONS);
    merged.setAll(own);
    meta.set("annotations", merged);
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
      if (isSecret(desired) && ("stringData".equals(name) || "data".equals(name))) {
        if (!secretValues(desired, actual, name).isEmpty()) {
          return false;
        }
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

  /**
   * The JSON pointers where {@code actual} does not hold what {@code desired} says, by the rules of
   * {@link #matches}: empty exactly when it matches.
   */
  static List<String> differences(JsonNode desired, JsonNode actual) {
    List<String> paths = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : desired.properties()) {
      String name = field.getKey();
      if ("status".equals(name)) {
        continue;
      }
      if ("metadata".equals(name)) {
        for (String part : List.of("labels", "annotations")) {
          collect(field.getValue().path(part), actual.path("metadata").path(part), "/metadata/" + part, paths);
        }
        continue;
      }
      if (isSecret(desired) && ("stringData".equals(name) || "data".equals(name))) {
        paths.addAll(secretValues(desired, actual, name));
        continue;
      }
      collect(field.getValue(), actual.path(name), "/" + escape(name), paths);
    }
    // a ConfigMap's or Secret's values are fleetfed's whole: a key added by hand is drift (an update removes it)
    for (String values : WHOLE_MAPS) {
      JsonNode want = desired.path(values);
      actual.path(values).fieldNames().forEachRemaining(k -> {
        if (!want.has(k) && !("data".equals(values) && desired.path("stringData").has(k))) {
          paths.add("/" + values + "/" + escape(k));
        }
      });
    }
    return paths;
  }


  private static boolean isSecret(JsonNode object) {
    return "Secret".equals(object.path("kind").asText()) && "v1".equals(object.path("apiVersion").asText("v1"));
  }

  /**
   * Where a Secret's {@code data} or {@code stringData} (named by {@code field}) is not held as the API server keeps
   * it: {@code stringData} is write-only, each value stored base64-encoded in {@code data} (over a {@code data} value
   * of the same key), so a real server never returns it; a server that does keep it (fabric8's mock) is compared as
   * it answers.
   */
  private static List<String> secretValues(JsonNode desired, JsonNode actual, String field) {
    List<String> paths = new ArrayList<>();
    JsonNode strings = desired.path("stringData");
    for (Map.Entry<String, JsonNode> entry : desired.path(field).properties()) {
      String key = entry.getKey();
      JsonNode want = entry.getValue();
      String path = "/" + field + "/" + escape(key);
      if ("data".equals(field)) {
        if (strings.has(key)) {
          continue;   // stringData's value of the key is what the server stores
        }
        if (!want.equals(actual.path("data").path(key))) {
          paths.add(path);
        }
        continue;
      }
      JsonNode kept = actual.path("stringData").path(key);
      boolean held = kept.isMissingNode() || kept.isNull()
          ? want.isTextual() && actual.path("data").path(key).asText("\0").equals(
              Base64.getEncoder().encodeToString(want.asText().getBytes(StandardCharsets.UTF_8)))
          : kept.equals(want);
      if (!held) {
        paths.add(path);
      }
    }
    return paths;
  }

  private static void collect(JsonNode want, JsonNode have, String path, List<String> paths) {
    if (want.isObject() && have.isObject()) {
      for (Map.Entry<String, JsonNode> f : want.properties()) {
        collect(f.getValue(), have.path(f.getKey()), path + "/" + escape(f.getKey()), paths);
      }
    } else if (want.isArray() && have.isArray() && want.size() == have.size()) {
      for (int i = 0; i < want.size(); i++) {
        collect(want.get(i), have.get(i), path + "/" + i, paths);
      }
    } else if (!contains(want, have)) {
      paths.add(path);
    }
  }

  /** A JSON pointer token (RFC 6901). */
  private static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
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
