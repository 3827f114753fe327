package io.fleetfed.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A pipeline task's matrix fanned out as Tekton does ({@code Matrix.FanOut}): the cartesian product of the array
 * params, the first param varying fastest; then each {@code include} combination adds its params to every
 * combination whose shared params it equals, and becomes a combination of its own when none has them; with
 * {@code include} only, the include combinations as given. Each combination's params are in name order.
 */
final class SimMatrix {

  private SimMatrix() {
  }

  /**
   * @param params the matrix params (name to array values), in order
   * @param include the include combinations (param name to string value), in order
   * @return the combinations, each a map sorted by param name
   */
  static List<Map<String, String>> combinations(Map<String, List<String>> params,
      List<Map<String, String>> include) {
    if (params.isEmpty()) {
      List<Map<String, String>> only = new ArrayList<>();
      include.forEach(combination -> only.add(new TreeMap<>(combination)));
      return only;
    }
    List<Map<String, String>> combinations = new ArrayList<>();
    boolean first = true;
    for (Map.Entry<String, List<String>> param : params.entrySet()) {
      List<Map<String, String>> expanded = new ArrayList<>();
      if (first) {
        for (String value : param.getValue()) {
          Map<String, String> combination = new TreeMap<>();
          combination.put(param.getKey(), value);
          expanded.add(combination);
        }
        first = false;
      } else {
        for (String value : param.getValue()) {
          for (Map<String, String> combination : combinations) {
            Map<String, String> copy = new TreeMap<>(combination);
            copy.put(param.getKey(), value);
            expanded.add(copy);
          }
        }
      }
      combinations = expanded;
    }
    for (Map<String, String> combination : combinations) {
      for (Map<String, String> extra : include) {
        if (contains(combination, extra)) {
          combination.putAll(extra);
        }
      }
    }
    for (Map<String, String> extra : include) {
      if (shouldAdd(combinations, extra)) {
        combinations.add(new TreeMap<>(extra));
      }
    }
    return combinations;
  }

  private static boolean contains(Map<String, String> combination, Map<String, String> extra) {
    for (Map.Entry<String, String> entry : extra.entrySet()) {
      if (combination.containsKey(entry.getKey()) && !combination.get(entry.getKey()).equals(entry.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static boolean shouldAdd(List<Map<String, String>> combinations, Map<String, String> extra) {
    if (extra.isEmpty()) {
      return false;
    }
    for (Map<String, String> combination : combinations) {
      for (Map.Entry<String, String> entry : extra.entrySet()) {
        if (entry.getValue().equals(combination.get(entry.getKey()))) {
          return false;
        }
      }
    }
    return true;
  }

  /** A combination as a TaskRun's params. */
  static List<Object> asParams(Map<String, String> combination) {
    List<Object> params = new ArrayList<>();
    combination.forEach((name, value) -> {
      Map<String, Object> param = new LinkedHashMap<>();
      param.put("name", name);
      param.put("value", value);
      params.add(param);
    });
    return params;
  }
}
