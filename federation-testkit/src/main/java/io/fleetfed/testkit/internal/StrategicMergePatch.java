package io.fleetfed.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An approximation of Kubernetes' strategic merge patch, enough for what {@code kubectl apply} sends for built-in
 * types: maps merge, {@code null} deletes, lists are replaced unless they merge. A list merges when the patch
 * carries its {@code $setElementOrder/<field>} directive (kubectl always sends one for a merging list it changes;
 * the merge key is the key of its entries), or when the field is one of the well-known merging lists of the core
 * types ({@code containers}, {@code volumes}, {@code env}, {@code volumeMounts}, container {@code ports}...). The
 * {@code $patch: delete|replace|merge}, {@code $retainKeys} and {@code $deleteFromPrimitiveList/<field>} directives
 * are honoured. Unlike a real server it has no per-type schema, so a merging list it does not know is replaced.
 */
final class StrategicMergePatch {

  private static final String PATCH = "$patch";
  private static final String RETAIN_KEYS = "$retainKeys";
  private static final String ORDER = "$setElementOrder/";
  private static final String DELETE_FROM = "$deleteFromPrimitiveList/";

  /** Merge keys of the core types' merging lists, by field name. */
  private static final Map<String, List<String>> KNOWN_KEYS = Map.ofEntries(
      Map.entry("containers", List.of("name")),
      Map.entry("initContainers", List.of("name")),
      Map.entry("ephemeralContainers", List.of("name")),
      Map.entry("volumes", List.of("name")),
      Map.entry("env", List.of("name")),
      Map.entry("imagePullSecrets", List.of("name")),
      Map.entry("volumeMounts", List.of("mountPath")),
      Map.entry("volumeDevices", List.of("devicePath")),
      Map.entry("hostAliases", List.of("ip")),
      Map.entry("conditions", List.of("type")),
      Map.entry("ownerReferences", List.of("uid")),
      Map.entry("topologySpreadConstraints", List.of("topologyKey", "whenUnsatisfiable")),
      Map.entry("resourceClaims", List.of("name")));

  private StrategicMergePatch() {
  }

  /**
   * Applies a patch.
   *
   * @param current the stored object, not changed
   * @param patch the patch
   * @return the patched object
   */
  static JsonNode apply(JsonNode current, JsonNode patch) {
    JsonNode result = merge(current, patch);
    return result == null ? JsonNodeFactory.instance.objectNode() : result;
  }

  /** @return the merged value, or {@code null} when the patch deletes it */
  private static JsonNode merge(JsonNode current, JsonNode patch) {
    if (patch == null) {
      return current == null ? null : current.deepCopy();
    }
    if (!patch.isObject()) {
      return strip(patch);
    }
    String directive = patch.path(PATCH).asText("");
    if (directive.equals("delete")) {
      return null;
    }
    if (directive.equals("replace") || current == null || !current.isObject()) {
      return strip(patch);
    }
    ObjectNode result = ((ObjectNode) current).deepCopy();
    Map<String, JsonNode> orders = new HashMap<>();
    Map<String, JsonNode> deletions = new HashMap<>();
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      if (e.getKey().startsWith(ORDER)) {
        orders.put(e.getKey().substring(ORDER.length()), e.getValue());
      } else if (e.getKey().startsWith(DELETE_FROM)) {
        deletions.put(e.getKey().substring(DELETE_FROM.length()), e.getValue());
      }
    }
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      String key = e.getKey();
      JsonNode value = e.getValue();
      if (key.startsWith("$")) {
        continue;
      }
      if (value == null || value.isNull()) {
        result.remove(key);
      } else if (value.isArray()) {
        result.set(key, mergeList(key, result.get(key), (ArrayNode) value, orders.get(key)));
      } else {
        JsonNode merged = merge(result.get(key), value);
        if (merged == null) {
          result.remove(key);
        } else {
          result.set(key, merged);
        }
      }
    }
    // directives on lists the patch does not otherwise touch
    for (Map.Entry<String, JsonNode> d : deletions.entrySet()) {
      JsonNode list = result.get(d.getKey());
      if (list != null && list.isArray()) {
        ArrayNode kept = JsonNodeFactory.instance.arrayNode();
        list.forEach(item -> {
          if (!contains(d.getValue(), item)) {
            kept.add(item);
          }
        });
        result.set(d.getKey(), kept);
      }
    }
    for (Map.Entry<String, JsonNode> o : orders.entrySet()) {
      JsonNode list = result.get(o.getKey());
      if (list != null && list.isArray() && !patch.has(o.getKey())) {
        result.set(o.getKey(), order((ArrayNode) list, o.getValue(), keysOf(o.getValue())));
      }
    }
    JsonNode retain = patch.get(RETAIN_KEYS);
    if (retain != null && retain.isArray()) {
      List<String> names = new ArrayList<>();
      result.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        if (!contains(retain, JsonNodeFactory.instance.textNode(name))) {
          result.remove(name);
        }
      }
    }
    return result;
  }

  private static JsonNode mergeList(String field, JsonNode current, ArrayNode patch, JsonNode order) {
    List<String> keys = order != null ? keysOf(order) : null;
    if (keys == null || keys.isEmpty()) {
      List<String> known = KNOWN_KEYS.get(field);
      if (field.equals("ports")) {
        known = allHave(patch, "containerPort") ? List.of("containerPort", "protocol")
            : allHave(patch, "port") ? List.of("port", "protocol") : null;
      }
      keys = known != null && allHave(patch, known.get(0)) ? known : null;
    }
    boolean primitiveMerge = order != null && order.isArray() && order.size() > 0 && !order.get(0).isObject();
    if (current == null || !current.isArray()) {
      return order == null ? strip(patch) : order(strip(patch), order, keys);
    }
    if (primitiveMerge) {
      ArrayNode result = ((ArrayNode) current).deepCopy();
      patch.forEach(item -> {
        if (!contains(result, item)) {
          result.add(item);
        }
      });
      return order(result, order, null);
    }
    if (keys == null) {
      return strip(patch);
    }
    ArrayNode result = ((ArrayNode) current).deepCopy();
    for (JsonNode item : patch) {
      if (!item.isObject()) {
        continue;
      }
      int at = indexOf(result, item, keys);
      String directive = item.path(PATCH).asText("");
      if (directive.equals("delete")) {
        if (at >= 0) {
          result.remove(at);
        }
      } else if (at >= 0) {
        JsonNode merged = merge(result.get(at), item);
        result.set(at, merged == null ? JsonNodeFactory.instance.objectNode() : merged);
      } else {
        result.add(strip(item));
      }
    }
    return order == null ? result : order(result, order, keys);
  }

  private static ArrayNode order(JsonNode list, JsonNode order, List<String> keys) {
    ArrayNode result = JsonNodeFactory.instance.arrayNode();
    List<JsonNode> rest = new ArrayList<>();
    list.forEach(rest::add);
    for (JsonNode wanted : order) {
      for (Iterator<JsonNode> it = rest.iterator(); it.hasNext();) {
        JsonNode item = it.next();
        boolean same = keys == null || keys.isEmpty() ? item.equals(wanted) : sameKeys(item, wanted, keys);
        if (same) {
          result.add(item);
          it.remove();
          break;
        }
      }
    }
    rest.forEach(result::add);
    return result;
  }

  private static List<String> keysOf(JsonNode order) {
    if (order == null || !order.isArray() || order.size() == 0 || !order.get(0).isObject()) {
      return null;
    }
    List<String> keys = new ArrayList<>();
    order.get(0).fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  private static boolean allHave(ArrayNode items, String key) {
    if (items.size() == 0) {
      return false;
    }
    for (JsonNode item : items) {
      if (!item.isObject() || !item.has(key)) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(ArrayNode list, JsonNode item, List<String> keys) {
    for (int i = 0; i < list.size(); i++) {
      if (sameKeys(list.get(i), item, keys)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean sameKeys(JsonNode a, JsonNode b, List<String> keys) {
    if (!a.isObject() || !b.isObject()) {
      return false;
    }
    for (String key : keys) {
      JsonNode x = a.get(key);
      JsonNode y = b.get(key);
      if (y == null) {
        if (key.equals("protocol")) {
          continue; // defaulted to TCP by the server; the patch often leaves it out
        }
        return false;
      }
      if (x == null ? !(key.equals("protocol") && y.asText().equals("TCP")) : !x.equals(y)) {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(JsonNode list, JsonNode item) {
    for (JsonNode x : list) {
      if (x.equals(item)) {
        return true;
      }
    }
    return false;
  }

  /** A copy without directives. */
  private static JsonNode strip(JsonNode node) {
    if (node.isObject()) {
      ObjectNode result = JsonNodeFactory.instance.objectNode();
      node.properties().forEach(e -> {
        if (!e.getKey().startsWith("$") && !e.getValue().isNull()) {
          result.set(e.getKey(), strip(e.getValue()));
        }
      });
      return result;
    }
    if (node.isArray()) {
      ArrayNode result = JsonNodeFactory.instance.arrayNode();
      node.forEach(item -> {
        if (!(item.isObject() && item.path(PATCH).asText("").equals("delete"))) {
          result.add(strip(item));
        }
      });
      return result;
    }
    return node.deepCopy();
  }
}
