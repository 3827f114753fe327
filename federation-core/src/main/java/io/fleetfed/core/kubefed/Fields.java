package io.fleetfed.core.kubefed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.internal.Json;
import io.fleetfed.core.internal.LabelMaps;
import io.fleetfed.core.internal.Problems;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Reads typed fields out of a document, recording a problem (with the field's path) for each value of the
 * wrong type. YAML {@code null} counts as absent, as it does for the API server.
 */
final class Fields {
  private final Problems problems;

  Fields(Problems problems) {
    this.problems = problems;
  }

  Problems problems() {
    return problems;
  }

  /** The member {@code key} of {@code node}, absent when missing or null. */
  static Optional<JsonNode> member(JsonNode node, String key) {
    JsonNode value = node.get(key);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
  }

  Optional<ObjectNode> object(JsonNode node, String key, String field) {
    Optional<JsonNode> value = member(node, key);
    if (value.isPresent() && !value.get().isObject()) {
      problems.add(field, "must be an object, not " + Json.describeType(value.get()));
      return Optional.empty();
    }
    return value.map(ObjectNode.class::cast);
  }

  Optional<List<JsonNode>> list(JsonNode node, String key, String field) {
    Optional<JsonNode> value = member(node, key);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (!value.get().isArray()) {
      problems.add(field, "must be a list, not " + Json.describeType(value.get()));
      return Optional.empty();
    }
    List<JsonNode> items = new ArrayList<>();
    value.get().forEach(items::add);
    return Optional.of(items);
  }

  Optional<String> string(JsonNode node, String key, String field) {
    Optional<JsonNode> value = member(node, key);
    if (value.isPresent() && !value.get().isTextual()) {
      problems.add(field, "must be a string, not " + Json.describeType(value.get()));
      return Optional.empty();
    }
    return value.map(JsonNode::asText);
  }

  String requiredString(JsonNode node, String key, String field) {
    Optional<String> value = string(node, key, field);
    if (value.isEmpty() && member(node, key).isEmpty()) {
      problems.add(field, "is required");
    }
    return value.orElse("");
  }

  Optional<Boolean> bool(JsonNode node, String key, String field) {
    Optional<JsonNode> value = member(node, key);
    if (value.isPresent() && !value.get().isBoolean()) {
      problems.add(field, "must be true or false, not " + Json.describeType(value.get()));
      return Optional.empty();
    }
    return value.map(JsonNode::asBoolean);
  }

  /** A map of strings; values of other types are problems (labels must be quoted: "true", "2"). */
  Map<String, String> stringMap(JsonNode node, String key, String field) {
    return object(node, key, field).map(o -> LabelMaps.strings(o, field, problems)).orElse(Map.of());
  }

  List<String> stringList(JsonNode node, String key, String field) {
    List<String> strings = new ArrayList<>();
    List<JsonNode> items = list(node, key, field).orElse(List.of());
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      if (item.isTextual()) {
        strings.add(item.asText());
      } else {
        problems.add(field + "[" + i + "]", "must be a string, not " + Json.describeType(item));
      }
    }
    return strings;
  }

  /**
   * Runs {@code step} like {@link Problems#capture}, recording the violations of its
   * {@link ValidationException} under {@code prefix}, except those on fields already reported: a value that is
   * missing or of the wrong type is reported once, not again by the model it was read for.
   */
  <T> Optional<T> capture(String prefix, Supplier<T> step) {
    return capture(prefix, step, v -> false);
  }

  /** As {@link #capture(String, Supplier)}, also leaving out the violations {@code skip} matches. */
  <T> Optional<T> capture(String prefix, Supplier<T> step, Predicate<Violation> skip) {
    Problems own = new Problems();
    Optional<T> result = own.capture(prefix, step);
    Set<Optional<String>> reported = new HashSet<>();
    problems.violations().forEach(v -> reported.add(v.field()));
    own.violations().stream().filter(v -> !reported.contains(v.field()) && !skip.test(v))
        .forEach(v -> problems.add(v.field().orElse(""), v.reason()));
    return result;
  }

  /** Records a problem for each member of {@code node} not in {@code known} and not ignorable. */
  void rejectUnknown(JsonNode node, String field, Set<String> known, Set<String> ignored) {
    for (Map.Entry<String, JsonNode> e : Json.fields(node)) {
      String key = e.getKey();
      if (!known.contains(key) && !ignored.contains(key)) {
        String path = field.isEmpty() ? key : field + "." + key;
        problems.add(path, "is not a known field" + suggestion(key, known) + " (known: " + String.join(", ", known)
            + ")");
      }
    }
  }

  private static String suggestion(String key, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d = distance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best != null && bestDistance <= 2 ? "; did you mean " + best + "?" : "";
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
