package io.fleetfed.core.model;

import io.fleetfed.core.ValidationException;

/** The JSON Patch operations an override may use. KubeFed's CRD allows exactly these three. */
public enum OverrideOp {
  /** Adds a member or array element; the parent must exist. Overwrites an existing member. */
  ADD("add"),
  /**
   * Replaces a value. As in KubeFed, replacing a missing member of an existing object adds it; a missing
   * array index is an error. This is the default when {@code op} is empty or absent.
   */
  REPLACE("replace"),
  /** Removes a member or array element, which must exist. */
  REMOVE("remove");

  private final String wireName;

  OverrideOp(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in YAML and in JSON Patch. */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses an override's {@code op}; the empty string means {@code replace}, as in KubeFed.
   *
   * @throws ValidationException for any other operation
   */
  public static OverrideOp parse(String value) {
    if (value.isEmpty()) {
      return REPLACE;
    }
    for (OverrideOp op : values()) {
      if (op.wireName.equals(value)) {
        return op;
      }
    }
    throw new ValidationException("op",
        "\"" + value + "\" is not a supported override operation: use add, replace or remove"
            + " (empty means replace)");
  }
}
