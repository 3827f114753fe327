package io.fleetfed.core.model;

import io.fleetfed.core.internal.Names;
import io.fleetfed.core.internal.Problems;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Validation and copying of label and annotation maps. */
final class Labels {
  private Labels() {}

  /** An immutable, key-sorted copy of labels, validated as Kubernetes labels. */
  static Map<String, String> labels(Map<String, String> labels, String field) {
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
  static Map<String, String> annotations(Map<String, String> annotations, String field) {
    Problems problems = new Problems();
    for (String key : annotations.keySet()) {
      Names.qualifiedNameProblem(key)
          .ifPresent(p -> problems.add(field, "annotation key \"" + key + "\" is not valid: " + p));
    }
    problems.throwIfAny();
    return Collections.unmodifiableMap(new TreeMap<>(annotations));
  }
}
