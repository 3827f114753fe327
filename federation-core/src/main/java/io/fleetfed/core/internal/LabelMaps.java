package io.fleetfed.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Validation and copying of label and annotation maps, as the API server checks them. */
public final class LabelMaps {
  private LabelMaps() {}

  /** An immutable, key-sorted copy of labels, validated as Kubernetes labels. */
  public static Map<String, String> labels(Map<String, String> labels, String field) {
    Problems problems = new Problems();
    for (Map.Entry<String, String> e : labels.entrySet()) {
      String key = e.getKey();
      Names.qualifiedNameProblem(key)
          .ifPresent(p -> problems.add(field, "label key \"" + key + "\" is not valid: " + p));
      Names.labelValueProblem(e.getValue())
          .ifPresent(p -> problems.add(field + "[" + key + "]", "label value \"" + e.getValue() + "\" " + p));
    }
    problems.throwIfAny();
    return Collections.unmodifiableMap(new TreeMap<>(labels));
  }

  /** An immutable, key-sorted copy of annotations, whose keys are validated; values may be any string. */
  public static Map<String, String> annotations(Map<String, String> annotations, String field) {
    Problems problems = new Problems();
    for (String key : annotations.keySet()) {
      Names.qualifiedNameProblem(key)
          .ifPresent(p -> problems.add(field, "annotation key \"" + key + "\" is not valid: " + p));
    }
    problems.throwIfAny();
    return Collections.unmodifiableMap(new TreeMap<>(annotations));
  }

  /**
   * The string members of the object {@code value} (a label or annotation map in a document); each member of
   * another type is a problem on {@code field[key]}, with a hint to quote scalars.
   */
  public static Map<String, String> strings(JsonNode value, String field, Problems problems) {
    Map<String, String> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : Json.fields(value)) {
      JsonNode member = e.getValue();
      if (member.isTextual()) {
        map.put(e.getKey(), member.asText());
      } else {
        problems.add(field + "[" + e.getKey() + "]", "must be a string, not " + Json.describeType(member)
            + (member.isValueNode() && !member.isNull() ? " (quote it: \"" + member.asText() + "\")" : ""));
      }
    }
    return map;
  }
}
