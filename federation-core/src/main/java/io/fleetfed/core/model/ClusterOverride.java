package io.fleetfed.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetfed.core.internal.Json;
import io.fleetfed.core.internal.Problems;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One per-cluster override: a JSON Patch operation on the rendered object.
 *
 * <pre>{@code
 * ClusterOverride.replace("/spec/replicas", 3);
 * ClusterOverride.add("/metadata/labels/tier", "build");
 * ClusterOverride.remove("/spec/template/spec/nodeSelector");
 * }</pre>
 *
 * <p>The path is an RFC 6901 JSON Pointer and must start with {@code /} (KubeFed silently dropped the first
 * segment of a path without one; fleetfed rejects it). {@code ~0} and {@code ~1} escape {@code ~} and
 * {@code /} in member names, and are the only escapes. Overriding {@code /metadata/name},
 * {@code /metadata/namespace}, {@code /metadata/generateName} or {@code /kind} is forbidden, as in KubeFed; so
 * is overriding {@code /metadata} as a whole, which would replace the name too, and anything under
 * {@code /metadata} but labels and annotations (the template's rule: finalizers would block deletion, the rest
 * belongs to each member's API server). {@code /apiVersion} may be overridden on purpose, within the target's
 * group. Array indices are RFC 6901's: a negative index is refused (KubeFed's json-patch counted it from the
 * end).
 *
 * @param op the operation
 * @param path the JSON Pointer to the value to change
 * @param value the new value: required for {@code add} and {@code replace} (and not JSON {@code null}; remove
 *     the field instead), absent for {@code remove}
 */
public record ClusterOverride(OverrideOp op, String path, Optional<JsonNode> value) {

  /** Paths an override may never change: the object's identity. */
  public static final Set<String> FORBIDDEN_PATHS =
      Set.of("/metadata/name", "/metadata/namespace", "/metadata/generateName", "/kind", "/metadata");

  /** Validates the path, and that a value is given exactly when the operation takes one. */
  public ClusterOverride {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(value, "value");
    value = value.map(JsonNode::deepCopy);
    Problems problems = new Problems();
    pathProblem(path).ifPresent(p -> problems.add("path", p));
    if (op == OverrideOp.REMOVE && value.isPresent()) {
      problems.add("value", "must be absent for op remove");
    }
    if (op != OverrideOp.REMOVE && (value.isEmpty() || value.get().isNull() || value.get().isMissingNode())) {
      problems.add("value", "is required for op " + op.wireName() + " (to delete a field, use op remove)");
    }
    problems.throwIfAny();
  }

  /** {@code add path value}; {@code value} may be a {@link JsonNode} or anything Jackson can convert. */
  public static ClusterOverride add(String path, Object value) {
    return new ClusterOverride(OverrideOp.ADD, path, Optional.of(Json.toTree(value, "value")));
  }

  /** {@code replace path value}; {@code value} may be a {@link JsonNode} or anything Jackson can convert. */
  public static ClusterOverride replace(String path, Object value) {
    return new ClusterOverride(OverrideOp.REPLACE, path, Optional.of(Json.toTree(value, "value")));
  }

  /** {@code remove path}. */
  public static ClusterOverride remove(String path) {
    return new ClusterOverride(OverrideOp.REMOVE, path, Optional.empty());
  }

  /** The value, as a copy that the caller may change freely. */
  @Override
  public Optional<JsonNode> value() {
    return value.map(JsonNode::deepCopy);
  }

  /** Why {@code path} cannot be an override path, or empty if it can. */
  public static Optional<String> pathProblem(String path) {
    if (path.isEmpty()) {
      return Optional.of("must not be empty: an override changes a field, not the whole object");
    }
    if (!path.startsWith("/")) {
      return Optional.of("must start with '/' (got '" + path + "'); did you mean '/" + path + "'?");
    }
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '~') {
        char next = i + 1 < path.length() ? path.charAt(i + 1) : ' ';
        if (next != '0' && next != '1') {
          return Optional.of("'" + path + "' is not a JSON Pointer: '~' must be followed by 0 or 1"
              + " (~0 stands for '~', ~1 for '/')");
        }
      }
    }
    if (FORBIDDEN_PATHS.contains(path)) {
      return Optional.of("'" + path + "' may not be overridden: it is part of the object's identity"
          + (path.equals("/metadata") ? "; override /metadata/labels or /metadata/annotations instead" : ""));
    }
    if (path.startsWith("/metadata/")) {
      int end = path.indexOf('/', "/metadata/".length());
      String member = end < 0 ? path.substring("/metadata/".length()) : path.substring("/metadata/".length(), end);
      if (!member.equals("labels") && !member.equals("annotations")) {
        return Optional.of("'" + path + "' may not be overridden: under /metadata only labels and annotations"
            + " propagate (the rest is set by each member's API server, or would block deletion, as"
            + " finalizers do)");
      }
    }
    return Optional.empty();
  }

  /**
   * This override in one line without its value, which may be a secret: {@code replace /spec/replicas (a number)}.
   */
  @Override
  public String toString() {
    return op.wireName() + " " + path + value.map(v -> " (" + Json.describeType(v) + ")").orElse("");
  }
}
