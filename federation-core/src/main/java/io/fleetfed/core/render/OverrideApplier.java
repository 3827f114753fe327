package io.fleetfed.core.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.fge.jackson.jsonpointer.JsonPointer;
import com.github.fge.jsonpatch.AddOperation;
import com.github.fge.jsonpatch.JsonPatchException;
import com.github.fge.jsonpatch.JsonPatchOperation;
import com.github.fge.jsonpatch.RemoveOperation;
import com.github.fge.jsonpatch.ReplaceOperation;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.internal.Json;
import io.fleetfed.core.model.ClusterOverride;
import io.fleetfed.core.model.OverrideOp;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies one override to a document in place, with java-json-tools json-patch, copying only what changes
 * (see {@link CopyOnWrite}).
 *
 * <p>json-patch treats documents as immutable: every operation deep-copies the document it is given. Giving
 * it the whole object would copy the whole object once per override. An add, replace or remove only ever
 * changes the container that holds its target, so the operation is given just that: for a member of an object,
 * a one-member object holding the current value; for an array element, the array. The result is put back
 * where the container was. The outcome, including every error, is exactly json-patch's on the whole
 * document; the cost is that of copying the target instead of the document.
 *
 * <p>The one deliberate difference from RFC 6902, taken from KubeFed: {@code replace} of a missing member of
 * an existing object adds it.
 */
final class OverrideApplier {
  private OverrideApplier() {}

  /** An override path parsed once: its unescaped tokens and the json-patch pointers the application needs. */
  static final class CompiledPath {
    private final List<String> tokens;
    private final List<String> parentTokens;
    private final String last;
    private final JsonPointer full;
    private final JsonPointer parent;
    private final JsonPointer lastOnly;

    private CompiledPath(List<String> tokens) {
      this.tokens = tokens;
      this.parentTokens = tokens.subList(0, tokens.size() - 1);
      this.last = tokens.get(tokens.size() - 1);
      this.full = pointer(tokens);
      this.parent = pointer(parentTokens);
      this.lastOnly = JsonPointer.empty().append(last);
    }

    /** The unescaped reference tokens. */
    List<String> tokenList() {
      return tokens;
    }

    /** Compiles an RFC 6901 pointer that starts with '/' (checked by the model). */
    static CompiledPath compile(String path) {
      return new CompiledPath(tokens(path));
    }
  }

  /**
   * Applies {@code override} to {@code doc}, changing only containers {@code doc} owns.
   *
   * @throws JsonPatchException with json-patch's reason when the override cannot apply
   */
  static void apply(CopyOnWrite doc, ClusterOverride override, CompiledPath path) throws JsonPatchException {
    JsonNode parent = path.parent.path(doc.root());
    JsonNode value = override.value().orElse(null);
    if (parent.isObject()) {
      ObjectNode container = (ObjectNode) doc.own(path.parentTokens);
      JsonNode current = container.get(path.last);
      OverrideOp op = override.op() == OverrideOp.REPLACE && current == null ? OverrideOp.ADD : override.op();
      ObjectNode scratch = Json.object();
      if (current != null) {
        scratch.set(path.last, current);
      }
      // json-patch copies the scratch object before changing it, so a shared current value is never changed.
      JsonNode updated = operation(op, path.lastOnly, value).apply(scratch).get(path.last);
      if (updated == null) {
        container.remove(path.last);
      } else {
        container.set(path.last, updated);
        doc.adopt(updated);
      }
    } else if (parent.isArray()) {
      // json-patch returns a new array and leaves the (possibly shared) one it was given alone.
      JsonNode result = operation(override.op(), path.lastOnly, value).apply(parent);
      List<String> parentTokens = path.parentTokens;
      String parentKey = parentTokens.get(parentTokens.size() - 1);
      JsonNode grandParent = doc.own(parentTokens.subList(0, parentTokens.size() - 1));
      if (grandParent.isObject()) {
        ((ObjectNode) grandParent).set(parentKey, result);
      } else {
        ((ArrayNode) grandParent).set(CopyOnWrite.arrayIndex(parentKey), result);
      }
      doc.adopt(result);
    } else {
      // The parent is missing or not a container: json-patch refuses this on the whole document, before
      // changing anything (it copies what it changes, so the shared nodes are safe). Let it, so that its error
      // is the one reported.
      operation(override.op(), path.full, value).apply(doc.root());
      throw new FederationException("json-patch applied " + override + " where its parent is "
          + Json.describeType(parent));
    }
  }

  private static JsonPatchOperation operation(OverrideOp op, JsonPointer path, JsonNode value) {
    switch (op) {
      case ADD:
        // json-patch's add inserts the value itself; ClusterOverride.value() is a fresh copy, so documents
        // never share nodes.
        return new AddOperation(path, value);
      case REPLACE:
        return new ReplaceOperation(path, value);
      case REMOVE:
        return new RemoveOperation(path);
      default:
        throw new AssertionError(op);
    }
  }

  private static JsonPointer pointer(List<String> tokens) {
    JsonPointer pointer = JsonPointer.empty();
    for (String token : tokens) {
      pointer = pointer.append(token);
    }
    return pointer;
  }

  /** The unescaped reference tokens of an RFC 6901 pointer that starts with '/' (checked by the model). */
  static List<String> tokens(String path) {
    List<String> tokens = new ArrayList<>();
    int start = 1;
    while (true) {
      int slash = path.indexOf('/', start);
      String raw = slash < 0 ? path.substring(start) : path.substring(start, slash);
      tokens.add(raw.indexOf('~') < 0 ? raw : raw.replace("~1", "/").replace("~0", "~"));
      if (slash < 0) {
        return tokens;
      }
      start = slash + 1;
    }
  }
}
