package io.fleetfed.core.internal;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Kubernetes name rules (DNS-1123 labels and subdomains, path-segment names, qualified names). */
public final class Names {
  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern QUALIFIED_NAME_PART = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

  private Names() {}

  /** Why {@code value} is not a DNS-1123 label (RFC 1123), or empty if it is one. */
  public static Optional<String> dns1123LabelProblem(String value) {
    if (value.isEmpty()) {
      return Optional.of("must not be empty");
    }
    if (value.length() > 63) {
      return Optional.of("must be at most 63 characters (has " + value.length() + ")");
    }
    if (DNS1123_LABEL.matcher(value).matches()) {
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
    if (DNS1123_SUBDOMAIN.matcher(value).matches()) {
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
    if (!QUALIFIED_NAME_PART.matcher(name).matches()) {
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
    if (!QUALIFIED_NAME_PART.matcher(value).matches()) {
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
}
