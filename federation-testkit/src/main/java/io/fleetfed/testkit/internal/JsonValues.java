package io.fleetfed.testkit.internal;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/** JSON views of stored objects for assertions: pointers, numeric-aware equality, and redaction of Secrets. */
public final class JsonValues {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String REDACTED = "<redacted>";

  private JsonValues() {
  }

  /**
   * A JSON tree of a value.
   *
   * @param value a Kubernetes object, map, list, string, number or boolean; {@code null} gives JSON null
   * @return the tree
   */
  public static JsonNode tree(Object value) {
    return MAPPER.valueToTree(value);
  }

  /**
   * The value at an RFC 6901 pointer.
   *
   * @param root the tree
   * @param pointer such as {@code /spec/replicas}
   * @return the value, if there is one there
   * @throws IllegalArgumentException if the pointer is malformed
   */
  public static Optional<JsonNode> at(JsonNode root, String pointer) {
    if (pointer == null || !pointer.startsWith("/")) {
      throw new IllegalArgumentException("a JSON pointer starts with '/': " + pointer);
    }
    JsonNode node = root.at(JsonPointer.compile(pointer));
    return node.isMissingNode() ? Optional.empty() : Optional.of(node);
  }

  /**
   * JSON equality where numbers compare by value ({@code 2}, {@code 2L} and {@code 2.0} are equal).
   *
   * @param a one value
   * @param b another
   * @return whether they are the same JSON value
   */
  public static boolean sameValue(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Iterator<String> it = a.fieldNames(); it.hasNext();) {
        String name = it.next();
        if (!b.has(name) || !sameValue(a.get(name), b.get(name))) {
          return false;
        }
      }
      return true;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!sameValue(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  /**
   * Whether a value is a Secret's and so must not be shown.
   *
   * @param object the object
   * @param pointer a pointer into it
   * @return whether the value there is secret
   */
  public static boolean isSecretValue(GenericKubernetesResource object, String pointer) {
    return isSecret(object) && (pointer.equals("/data") || pointer.startsWith("/data/")
        || pointer.equals("/stringData") || pointer.startsWith("/stringData/"));
  }

  private static boolean isSecret(GenericKubernetesResource object) {
    return object != null && "Secret".equals(object.getKind())
        && ("v1".equals(object.getApiVersion()) || object.getApiVersion() == null);
  }

  /**
   * An object as compact JSON, with a Secret's data values replaced by {@code <redacted>}.
   *
   * @param object the object
   * @return JSON text
   */
  public static String show(GenericKubernetesResource object) {
    JsonNode tree = tree(object);
    if (isSecret(object) && tree instanceof ObjectNode) {
      for (String field : new String[] {"data", "stringData"}) {
        JsonNode data = tree.get(field);
        if (data instanceof ObjectNode) {
          for (Map.Entry<String, JsonNode> e : data.properties()) {
            e.setValue(MAPPER.getNodeFactory().textNode(REDACTED));
          }
        }
      }
    }
    return tree.toString();
  }
}
