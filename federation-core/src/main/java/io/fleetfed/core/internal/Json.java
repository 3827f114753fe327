package io.fleetfed.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.ValidationException;
import java.util.Map;

/** The JSON mappers fleetfed uses, and small helpers over Jackson trees. */
public final class Json {
  /** Plain JSON mapper (no default typing, no surprises). */
  public static final ObjectMapper MAPPER = JsonMapper.builder().build();

  /** A mapper whose output is canonical: object members sorted by name, no whitespace. */
  private static final ObjectMapper CANONICAL =
      JsonMapper.builder().enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build();

  private Json() {}

  /** A new empty object node. */
  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** The canonical UTF-8 JSON of {@code node}: the same bytes for equal trees, whatever their member order. */
  public static byte[] canonicalBytes(JsonNode node) {
    try {
      return CANONICAL.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new FederationException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Compact JSON of {@code node}, for messages. */
  public static String compact(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new FederationException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Converts any value Jackson can bind (maps, lists, strings, numbers, records…) to a tree.
   *
   * @throws ValidationException on {@code field} when Jackson cannot convert the value
   */
  public static JsonNode toTree(Object value, String field) {
    if (value instanceof JsonNode) {
      return ((JsonNode) value).deepCopy();
    }
    try {
      return MAPPER.valueToTree(value);
    } catch (IllegalArgumentException e) {
      throw new ValidationException(field, "a " + value.getClass().getName() + " cannot be converted to JSON: "
          + e.getMessage());
    }
  }

  /** The members of {@code node}, in document order (none for anything but an object). */
  public static Iterable<Map.Entry<String, JsonNode>> fields(JsonNode node) {
    return node.properties();
  }

  /** A short description of a node's JSON type, for messages ("a string", "an object"…). */
  public static String describeType(JsonNode node) {
    switch (node.getNodeType()) {
      case OBJECT:
      case POJO:
        return "an object";
      case ARRAY:
        return "a list";
      case STRING:
        return "a string";
      case NUMBER:
        return "a number";
      case BOOLEAN:
        return "a boolean";
      case NULL:
        return "null";
      default:
        return "missing";
    }
  }
}
