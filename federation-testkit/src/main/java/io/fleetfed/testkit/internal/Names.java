package io.fleetfed.testkit.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks sandbox cluster names: distinct DNS-1123 labels. */
public final class Names {

  private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private Names() {
  }

  /**
   * Checks cluster names.
   *
   * @param names the names, in order
   * @return the names, as an immutable list
   * @throws IllegalArgumentException naming the first bad or repeated name, or if there is none
   */
  public static List<String> checkClusterNames(Collection<String> names) {
    if (names == null || names.isEmpty()) {
      throw new IllegalArgumentException("a sandbox needs at least one cluster name");
    }
    Set<String> seen = new HashSet<>();
    List<String> result = new ArrayList<>();
    for (String name : names) {
      if (name == null) {
        throw new IllegalArgumentException("a cluster name is null");
      }
      if (name.length() > 63 || !DNS_1123_LABEL.matcher(name).matches()) {
        throw new IllegalArgumentException("cluster name \"" + printable(name) + "\" is not a DNS-1123 label: use at"
            + " most 63 lower-case letters, digits and '-', starting and ending with a letter or digit"
            + suggestion(name));
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("cluster name \"" + name + "\" is given twice");
      }
      result.add(name);
    }
    return List.copyOf(result);
  }

  private static String suggestion(String name) {
    String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
    if (s.length() > 63) {
      s = s.substring(0, 63).replaceAll("-+$", "");
    }
    return !s.isEmpty() && DNS_1123_LABEL.matcher(s).matches() ? " (such as \"" + s + "\")" : "";
  }

  private static String printable(String name) {
    StringBuilder b = new StringBuilder();
    name.codePoints().limit(80).forEach(c -> {
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\u%04x", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return name.length() > 80 ? b + "…" : b.toString();
  }
}
