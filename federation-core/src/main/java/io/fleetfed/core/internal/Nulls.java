package io.fleetfed.core.internal;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * Null checks of collections and arrays that name the parameter, and the element, that was null: the public API
 * is null-free, and {@code Placement.clusters("a", null)} must say {@code names[1]}, not {@code null}.
 *
 * <pre>{@code
 * names = List.copyOf(Nulls.noNulls(names, "names"));
 * }</pre>
 */
public final class Nulls {
  private Nulls() {}

  /** {@code values}, after checking that it and each of its elements are not null. */
  public static <C extends Collection<?>> C noNulls(C values, String name) {
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

  /** {@code values}, after checking that it and each of its elements are not null. */
  public static <T> T[] noNulls(T[] values, String name) {
    Objects.requireNonNull(values, name);
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        throw new NullPointerException(name + "[" + i + "]");
      }
    }
    return values;
  }

  /** {@code values}, after checking that it, each key and each value are not null. */
  public static <M extends Map<?, ?>> M noNulls(M values, String name) {
    Objects.requireNonNull(values, name);
    for (Map.Entry<?, ?> e : values.entrySet()) {
      if (e.getKey() == null) {
        throw new NullPointerException(name + ": a null key");
      }
      if (e.getValue() == null) {
        throw new NullPointerException(name + "[" + e.getKey() + "]");
      }
    }
    return values;
  }
}
