package io.fleetfed.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/**
 * The API server's rule for a Secret's {@code data}: each value is base64 as Go's {@code encoding/json} decodes
 * it into bytes (the standard alphabet, padded with '=', line breaks ignored). Messages name the key and what is
 * wrong, never the value.
 */
public final class SecretData {
  private SecretData() {}

  /**
   * Records a problem for each value of {@code data} that the API server would refuse; {@code field} names
   * {@code data} in messages, such as {@code spec.template.data}. A null {@code data} or value is fine (none).
   */
  public static void check(JsonNode data, String field, Problems problems) {
    if (data == null || data.isNull()) {
      return;
    }
    if (!data.isObject()) {
      problems.add(field, "must be a map of base64-encoded strings, not " + Json.describeType(data));
      return;
    }
    for (Map.Entry<String, JsonNode> e : Json.fields(data)) {
      checkValue(e.getValue(), field + "[" + e.getKey() + "]", problems);
    }
  }

  /** Records a problem if {@code value}, the value of one key of a Secret's data, is not base64. */
  public static void checkValue(JsonNode value, String field, Problems problems) {
    if (value == null || value.isNull()) {
      return;
    }
    if (!value.isTextual()) {
      problems.add(field, "must be a base64-encoded string, not " + Json.describeType(value)
          + (value.isValueNode() ? " (quote it)" : ""));
      return;
    }
    base64Problem(value.asText()).ifPresent(p -> problems.add(field, "is not valid base64: " + p
        + " (the value is not shown; clear text belongs in stringData)"));
  }

  /** Why {@code value} is not base64 as the API server decodes a Secret's data, or empty if it is. */
  public static Optional<String> base64Problem(String value) {
    int count = 0;
    int firstPadding = -1;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n') {
        continue;
      }
      if (c == '=') {
        if (firstPadding < 0) {
          firstPadding = count;
        }
        count++;
        continue;
      }
      if (firstPadding >= 0) {
        return Optional.of("character " + (i + 1) + " follows the '=' padding, which may only end the value");
      }
      if (!isAlphabet(c)) {
        return Optional.of("character " + (i + 1) + " is not in the base64 alphabet (A-Z, a-z, 0-9, '+', '/')");
      }
      count++;
    }
    if (count % 4 != 0) {
      return Optional.of("it has " + count + " base64 characters, not a multiple of 4 (is the '=' padding"
          + " missing?)");
    }
    if (firstPadding >= 0 && count - firstPadding > 2) {
      return Optional.of("it ends with " + (count - firstPadding) + " '=', and padding is one or two");
    }
    return Optional.empty();
  }

  private static boolean isAlphabet(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
  }
}
