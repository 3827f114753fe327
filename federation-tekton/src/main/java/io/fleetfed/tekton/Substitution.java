package io.fleetfed.tekton;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameter values known where a reference is read, and Tekton's {@code $(params.x)} substitution with them:
 * enough to find which Secret {@code secretName: $(params.secret)} names before the run exists. A parameter whose
 * value cannot be known before the run (a task result, a context variable) is kept as unknown, so that its default
 * does not stand in for it.
 */
final class Substitution {
  /** {@code $(params.x)}, {@code $(params['x'])}, {@code $(params["x"])}, and the run's namespace. */
  private static final Pattern VARIABLE = Pattern.compile("\\$\\((?:params\\.([A-Za-z0-9_-]+)"
      + "|params\\[['\"]([^'\"\\]]+)['\"]\\]|context\\.(?:taskRun|pipelineRun)\\.(namespace))\\)");

  private final String namespace;
  /** Each parameter's value; empty when it is given but cannot be known before the run. */
  private final Map<String, Optional<String>> values;

  private Substitution(String namespace, Map<String, Optional<String>> values) {
    this.namespace = namespace;
    this.values = values;
  }

  /** No parameters: only the run's namespace is known. */
  static Substitution none(String namespace) {
    return new Substitution(namespace, Map.of());
  }

  /**
   * The values of {@code params} (a run's or a pipeline task's {@code [{name, value}]}), each substituted with
   * {@code outer} (the run's values for a run, the pipeline's for a pipeline task); values that are not strings
   * (arrays, objects) are unknown as names.
   */
  static Substitution given(JsonNode params, Substitution outer) {
    Map<String, Optional<String>> values = new HashMap<>();
    for (JsonNode p : params) {
      String name = p.path("name").asText();
      if (!name.isEmpty()) {
        JsonNode v = p.path("value");
        values.put(name, v.isTextual() ? outer.apply(v.asText()) : Optional.empty());
      }
    }
    return new Substitution(outer.namespace, values);
  }

  /** These values, with {@code inner}'s replacing them (Tekton propagates a pipeline's values to inline specs). */
  Substitution overriddenBy(Substitution inner) {
    Map<String, Optional<String>> values = new HashMap<>(this.values);
    values.putAll(inner.values);
    return new Substitution(namespace, values);
  }

  /** These values, with the declared defaults of {@code declarations} for the parameters not given. */
  Substitution withDefaults(JsonNode declarations) {
    Map<String, Optional<String>> values = new HashMap<>(this.values);
    for (JsonNode d : declarations) {
      String name = d.path("name").asText();
      if (!name.isEmpty() && !values.containsKey(name) && d.path("default").isTextual()) {
        values.put(name, Optional.of(d.path("default").asText()));
      }
    }
    return new Substitution(namespace, values);
  }

  /** {@code text} with its variables replaced; empty if one of them cannot be known before the run. */
  Optional<String> apply(String text) {
    if (!text.contains("$(")) {
      return Optional.of(text);
    }
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Optional<String> value;
      if (m.group(3) != null) {
        value = Optional.of(namespace);
      } else {
        value = values.getOrDefault(m.group(1) != null ? m.group(1) : m.group(2), Optional.empty());
      }
      if (value.isEmpty()) {
        return Optional.empty();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value.get()));
    }
    m.appendTail(out);
    return out.indexOf("$(") >= 0 ? Optional.empty() : Optional.of(out.toString());
  }

  /** A stable description of the values, telling apart two visits of one definition with different values. */
  String identity() {
    return new TreeMap<>(values).toString();
  }
}
