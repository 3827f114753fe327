package io.fleetfed.core.model;

import io.fleetfed.core.ValidationException;
import java.util.Objects;

/** The operators of a label selector's {@code matchExpressions}, as Kubernetes defines them. */
public enum SelectorOperator {
  /** The label is present and its value is one of the values. */
  IN("In"),
  /** The label is absent, or its value is none of the values. */
  NOT_IN("NotIn"),
  /** The label is present, whatever its value. */
  EXISTS("Exists"),
  /** The label is absent. */
  DOES_NOT_EXIST("DoesNotExist");

  private final String wireName;

  SelectorOperator(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in YAML: {@code In}, {@code NotIn}, {@code Exists} or {@code DoesNotExist}. */
  public String wireName() {
    return wireName;
  }

  /** Whether the operator takes a non-empty {@code values} list ({@code In}, {@code NotIn}). */
  public boolean takesValues() {
    return this == IN || this == NOT_IN;
  }

  /**
   * Parses the YAML name of an operator (exact case, as the API server does).
   *
   * @throws ValidationException naming the bad operator and the valid ones
   */
  public static SelectorOperator parse(String value) {
    Objects.requireNonNull(value, "value");
    for (SelectorOperator op : values()) {
      if (op.wireName.equals(value)) {
        return op;
      }
    }
    throw new ValidationException("operator",
        "\"" + value + "\" is not a valid label selector operator: use In, NotIn, Exists or DoesNotExist");
  }
}
