package io.fleetfed.core.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.FederationException;
import java.util.ArrayList;
import java.util.List;

/**
 * One cluster's object, sharing every subtree it does not change with the object all clusters start from.
 *
 * <p>Rendering for many clusters copies the same template again and again, while overrides change a few
 * leaves. Instead, each cluster's object starts as a shallow copy of the shared base, and a container is copied
 * (shallowly) only on the way to something that changes: the root, then each container on an override's path.
 * Shared nodes are never changed. The objects built this way are internal: whatever leaves the renderer is a
 * deep copy ({@link ClusterRendering#object()}, {@link Renderer#renderFor}).
 */
final class CopyOnWrite {
  private final ObjectNode root;
  /**
   * The containers this object owns. A handful per object, so a list searched by identity: cheaper than an
   * identity set, which would make the JVM compute an identity hash for every node copied.
   */
  private final List<JsonNode> owned = new ArrayList<>();

  CopyOnWrite(ObjectNode base) {
    this.root = shallowCopy(base);
    owned.add(root);
  }

  /** The object; its unchanged subtrees are shared with the base and must not be changed through it. */
  ObjectNode root() {
    return root;
  }

  /**
   * The container at {@code tokens}, made this object's own (with every container on the way), so that it may
   * be changed.
   *
   * @throws FederationException if a node on the way is missing or not a container (callers check first)
   */
  JsonNode own(List<String> tokens) {
    JsonNode node = root;
    for (String token : tokens) {
      JsonNode child = child(node, token);
      if (child == null || !child.isContainerNode()) {
        throw new FederationException("no container at " + tokens + " (a fleetfed bug: callers check first)");
      }
      if (!owns(child)) {
        child = shallowCopy(child);
        owned.add(child);
        if (node.isObject()) {
          ((ObjectNode) node).set(token, child);
        } else {
          ((ArrayNode) node).set(arrayIndex(token), child);
        }
      }
      node = child;
    }
    return node;
  }

  /** The object member {@code key} of the owned object {@code parent}, owned; created when missing. */
  ObjectNode ownObject(ObjectNode parent, String key) {
    JsonNode child = parent.get(key);
    if (child instanceof ObjectNode && owns(child)) {
      return (ObjectNode) child;
    }
    ObjectNode copy = child instanceof ObjectNode ? (ObjectNode) shallowCopy(child)
        : JsonNodeFactory.instance.objectNode();
    owned.add(copy);
    parent.set(key, copy);
    return copy;
  }

  /** Records that {@code node} and everything under it is new, not shared. */
  void adopt(JsonNode node) {
    if (node.isContainerNode()) {
      owned.add(node);
    }
  }

  private boolean owns(JsonNode node) {
    for (int i = 0; i < owned.size(); i++) {
      if (owned.get(i) == node) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode child(JsonNode node, String token) {
    if (node.isObject()) {
      return node.get(token);
    }
    int index = arrayIndex(token);
    return index < 0 ? null : node.get(index);
  }

  /** An array index exactly as json-patch's pointers read one ({@code -1} when the token is none). */
  static int arrayIndex(String token) {
    if (token.isEmpty() || (token.charAt(0) == '0' && token.length() > 1)) {
      return -1;
    }
    try {
      return Integer.parseInt(token);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static ObjectNode shallowCopy(ObjectNode node) {
    return JsonNodeFactory.instance.objectNode().setAll(node);
  }

  private static JsonNode shallowCopy(JsonNode node) {
    if (node.isObject()) {
      return shallowCopy((ObjectNode) node);
    }
    ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
    return copy.addAll((ArrayNode) node);
  }
}
