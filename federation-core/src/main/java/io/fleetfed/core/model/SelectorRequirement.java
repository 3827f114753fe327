package io.fleetfed.core.model;

import io.fleetfed.core.internal.Names;
import io.fleetfed.core.internal.Nulls;
import io.fleetfed.core.internal.Problems;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code matchExpressions} entry of a label selector.
 *
 * <pre>{@code
 * new SelectorRequirement("security", SelectorOperator.IN, List.of("high", "medium"));
 * SelectorRequirement.exists("gpu");
 * }</pre>
 *
 * @param key the label key
 * @param operator how the label is tested
 * @param values the values for {@code In} and {@code NotIn} (not empty); empty for {@code Exists} and
 *     {@code DoesNotExist}
 */
public record SelectorRequirement(String key, SelectorOperator operator, List<String> values) {

  /** Validates the key, and that values are given exactly when the operator takes them. */
  public SelectorRequirement {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(operator, "operator");
    values = List.copyOf(Nulls.noNulls(values, "values"));
    Problems problems = new Problems();
    Names.qualifiedNameProblem(key).ifPresent(p -> problems.add("key", "\"" + key + "\" is not a label key: " + p));
    if (operator.takesValues() && values.isEmpty()) {
      problems.add("values", "must not be empty for operator " + operator.wireName());
    }
    if (!operator.takesValues() && !values.isEmpty()) {
      problems.add("values", "must be empty for operator " + operator.wireName());
    }
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      int index = i;
      Names.labelValueProblem(value)
          .ifPresent(p -> problems.add("values[" + index + "]", "\"" + value + "\" " + p));
    }
    problems.throwIfAny();
  }

  /** {@code key In (values)}. */
  public static SelectorRequirement in(String key, String... values) {
    return new SelectorRequirement(key, SelectorOperator.IN, List.of(Nulls.noNulls(values, "values")));
  }

  /** {@code key NotIn (values)}. */
  public static SelectorRequirement notIn(String key, String... values) {
    return new SelectorRequirement(key, SelectorOperator.NOT_IN, List.of(Nulls.noNulls(values, "values")));
  }

  /** {@code key Exists}. */
  public static SelectorRequirement exists(String key) {
    return new SelectorRequirement(key, SelectorOperator.EXISTS, List.of());
  }

  /** {@code key DoesNotExist}. */
  public static SelectorRequirement doesNotExist(String key) {
    return new SelectorRequirement(key, SelectorOperator.DOES_NOT_EXIST, List.of());
  }

  /** Whether {@code labels} satisfy this requirement. */
  public boolean matches(Map<String, String> labels) {
    String value = labels.get(key);
    switch (operator) {
      case IN:
        return value != null && values.contains(value);
      case NOT_IN:
        return value == null || !values.contains(value);
      case EXISTS:
        return value != null;
      case DOES_NOT_EXIST:
        return value == null;
      default:
        throw new AssertionError(operator);
    }
  }
}
