package io.fleetfed.core.internal;

import java.util.Locale;
import java.util.Optional;

/** Kubernetes name rules (DNS-1123 labels and subdomains, path-segment names, qualified names). */
public final class Names {
  private Names() {}

  /** Why {@code value} is not a DNS-1123 label (RFC 1123), or empty if it is one. */
  public static Optional<String> dns1123LabelProblem(String value) {
    if (value.isEmpty()) {
      return Optional.of("must not be empty");
    }
    if (value.length() > 63) {
      return Optional.of("must be at most 63 characters (has " + value.length() + ")");
    }
    if (isDns1123Label(value, 0, value.length())) {
      return Optional.empty();
    }
    return Optional.of(labelCharacterProblem(value));
  }

  /** Why {@code value} is not a DNS-1123 subdomain, or empty if it is one. */
  public static Optional<String> dns1123SubdomainProblem(String value) {
    if (value.isEmpty()) {
      return Optional.of("must not be empty");
    }
    if (value.length() > 253) {
      return Optional.of("must be at most 253 characters (has " + value.length() + ")");
    }
    if (isDns1123Subdomain(value)) {
      return Optional.empty();
    }
    return Optional.of("must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and"
        + " ending with a letter or digit");
  }

  /**
   * Why {@code value} cannot be an object name, or empty if it can. This is the API server's rule for every
   * kind (path-segment names): some kinds, such as ClusterRoles, allow ':' and upper case.
   */
  public static Optional<String> objectNameProblem(String value) {
    if (value.isEmpty()) {
      return Optional.of("must not be empty");
    }
    if (value.length() > 253) {
      return Optional.of("must be at most 253 characters (has " + value.length() + ")");
    }
    if (value.equals(".") || value.equals("..")) {
      return Optional.of("must not be '" + value + "'");
    }
    if (value.contains("/") || value.contains("%")) {
      return Optional.of("must not contain '/' or '%'");
    }
    return Optional.empty();
  }

  /** Why {@code key} is not a valid label or annotation key, or empty if it is. */
  public static Optional<String> qualifiedNameProblem(String key) {
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      Optional<String> prefixProblem = dns1123SubdomainProblem(prefix);
      if (prefixProblem.isPresent()) {
        return Optional.of("prefix '" + prefix + "' " + prefixProblem.get());
      }
    }
    if (name.isEmpty()) {
      return Optional.of("name part must not be empty");
    }
    if (name.length() > 63) {
      return Optional.of("name part must be at most 63 characters (has " + name.length() + ")");
    }
    if (!isQualifiedNamePart(name)) {
      return Optional.of("name part must consist of letters, digits, '-', '_' or '.', starting and ending with"
          + " a letter or digit");
    }
    return Optional.empty();
  }

  /** Why {@code value} is not a valid label value, or empty if it is. */
  public static Optional<String> labelValueProblem(String value) {
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (value.length() > 63) {
      return Optional.of("must be at most 63 characters (has " + value.length() + ")");
    }
    if (!isQualifiedNamePart(value)) {
      return Optional.of("must be empty or consist of letters, digits, '-', '_' or '.', starting and ending"
          + " with a letter or digit");
    }
    return Optional.empty();
  }

  /**
   * A DNS-1123 label close to {@code value}: lower-cased, every run of other characters turned into one '-',
   * trimmed to 63 characters. Used to suggest a name; it may still be empty for input with no letter or digit.
   */
  public static String suggestDns1123Label(String value) {
    String lower = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    String trimmed = lower.replaceAll("^-+", "").replaceAll("-+$", "");
    if (trimmed.length() > 63) {
      trimmed = trimmed.substring(0, 63).replaceAll("-+$", "");
    }
    return trimmed;
  }

  private static String labelCharacterProblem(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      if (!allowed) {
        if (c >= 'A' && c <= 'Z') {
          return "upper-case letters are not allowed ('" + c + "')";
        }
        return "'" + c + "' is not allowed";
      }
    }
    return "must start and end with a lower-case letter or digit";
  }

  // Hand-written matchers: these run for every label of every rendered object, where regular expressions cost
  // more than the rest of the check.

  /** {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?} over {@code value[from, to)}. */
  private static boolean isDns1123Label(String value, int from, int to) {
    if (from >= to || !isLowerAlnum(value.charAt(from)) || !isLowerAlnum(value.charAt(to - 1))) {
      return false;
    }
    for (int i = from + 1; i < to - 1; i++) {
      char c = value.charAt(i);
      if (!isLowerAlnum(c) && c != '-') {
        return false;
      }
    }
    return true;
  }

  /** Dot-separated DNS-1123 labels. */
  private static boolean isDns1123Subdomain(String value) {
    int start = 0;
    while (true) {
      int dot = value.indexOf('.', start);
      int end = dot < 0 ? value.length() : dot;
      if (!isDns1123Label(value, start, end)) {
        return false;
      }
      if (dot < 0) {
        return true;
      }
      start = dot + 1;
    }
  }

  /** {@code ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]}. */
  private static boolean isQualifiedNamePart(String value) {
    int n = value.length();
    if (n == 0 || !isAlnum(value.charAt(0)) || !isAlnum(value.charAt(n - 1))) {
      return false;
    }
    for (int i = 1; i < n - 1; i++) {
      char c = value.charAt(i);
      if (!isAlnum(c) && c != '-' && c != '_' && c != '.') {
        return false;
      }
    }
    return true;
  }

  private static boolean isLowerAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  private static boolean isAlnum(char c) {
    return isLowerAlnum(c) || (c >= 'A' && c <= 'Z');
  }
}
