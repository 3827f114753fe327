package io.fleetfed.tekton;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * Null checks of this package's collection arguments that name the parameter and the element that was null, as
 * core's public API does (the modules share no internals, so this small check is the package's own).
 */
final class Arguments {
  private Arguments() {}

  /** {@code values}, after checking that it and each of its elements are not null. */
  static <C extends Collection<?>> C noNulls(C values, String name) {
    Objects.requireNonNull(values, name);
    int i = 0;
    for (Object value : values) {
      if (value == null) {
        throw new NullPointerException(name + "[" + i + "]");
      }
      i++;
    }
    return values;
  }

  /** {@code values}, after checking that it and each key and value are not null. */
  static <M extends Map<?, ?>> M noNulls(M values, String name) {
    Objects.requireNonNull(values, name);
    values.forEach((k, v) -> {
      if (k == null || v == null) {
        throw new NullPointerException(k == null ? name + ": a null key" : name + "[" + k + "]");
      }
    });
    return values;
  }

  /** {@code values}, after checking that it and each of its elements are not null. */
  static <T> T[] noNulls(T[] values, String name) {
    Objects.requireNonNull(values, name);
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        throw new NullPointerException(name + "[" + i + "]");
      }
    }
    return values;
  }
}
