package io.fleetfed.testkit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading and copying the JSON trees (maps, lists, scalars) of generic objects, without unchecked casts. */
final class Json {

  private Json() {
  }

  static Map<?, ?> map(Object value) {
    return value instanceof Map ? (Map<?, ?>) value : Map.of();
  }

  static List<?> list(Object value) {
    return value instanceof List ? (List<?>) value : List.of();
  }

  /** A scalar as text: a string as is, a number or boolean printed, anything else empty. */
  static String str(Object value) {
    if (value instanceof String) {
      return (String) value;
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    return "";
  }

  /** A number, or a number written as text, as a long; 0 when it is neither. */
  static long number(Object value) {
    if (value instanceof Number) {
      return ((Number) value).longValue();
    }
    try {
      return value instanceof String ? Long.parseLong((String) value) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static Object at(Object root, String... path) {
    Object current = root;
    for (String key : path) {
      if (!(current instanceof Map)) {
        return null;
      }
      current = ((Map<?, ?>) current).get(key);
    }
    return current;
  }

  static String text(Object root, String... path) {
    return str(at(root, path));
  }

  static Map<?, ?> spec(GenericKubernetesResource object) {
    return map(object.getAdditionalProperties().get("spec"));
  }

  static Map<?, ?> status(GenericKubernetesResource object) {
    return map(object.getAdditionalProperties().get("status"));
  }

  /** The status of the {@code Succeeded} condition: True, False, Unknown or empty. */
  static String succeeded(GenericKubernetesResource object) {
    for (Object condition : list(status(object).get("conditions"))) {
      if ("Succeeded".equals(text(condition, "type"))) {
        return text(condition, "status");
      }
    }
    return "";
  }

  static String succeededReason(GenericKubernetesResource object) {
    for (Object condition : list(status(object).get("conditions"))) {
      if ("Succeeded".equals(text(condition, "type"))) {
        return text(condition, "reason");
      }
    }
    return "";
  }

  /** A deep copy with string keys, fit to put in an object we write. */
  static Map<String, Object> copy(Map<?, ?> map) {
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(String.valueOf(k), copyValue(v)));
    return copy;
  }

  static Object copyValue(Object value) {
    if (value instanceof Map) {
      return copy((Map<?, ?>) value);
    }
    if (value instanceof List) {
      List<Object> copy = new ArrayList<>();
      ((List<?>) value).forEach(v -> copy.add(copyValue(v)));
      return copy;
    }
    return value;
  }

  /** A Kubernetes timestamp: RFC 3339 in UTC, to the second. */
  static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
