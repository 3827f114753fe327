package io.fleetfed.core.internal;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Kubernetes name rules (DNS-1123 labels and subdomains, path-segment names, qualified names). */
public final class Names {
  /** The kinds whose names follow {@code ValidateRBACName}. */
  private static final Set<String> RBAC_KINDS =
      Set.of("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding");
  private static final String SUBDOMAIN = "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', each"
      + " dot-separated part starting and ending with a letter or digit, at most 253 characters";

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
   * Why {@code name} cannot name an object of {@code kind} in the API group {@code group}, or empty if it can: the
   * rule the API server applies to that kind, so that a name it would refuse is refused before anything is sent.
   * <ul>
   *   <li>Namespaces: a DNS-1123 label ({@code ValidateNamespaceName}).
   *   <li>Services: a DNS-1035 label, which starts with a letter ({@code ValidateServiceName}).
   *   <li>Roles, ClusterRoles, RoleBindings and ClusterRoleBindings: a path segment ({@code ValidateRBACName}),
   *       so {@code system:aggregate-to-edit} is fine.
   *   <li>Jobs: a DNS-1123 subdomain of at most 63 characters, since the name is copied into the label
   *       {@code batch.kubernetes.io/job-name} of the Job's pods; CronJobs: at most 52, leaving room for the
   *       11-character suffix of the Jobs they create.
   *   <li>Every other kind, custom resources included: a DNS-1123 subdomain ({@code NameIsDNSSubdomain}).
   * </ul>
   */
  public static Optional<String> objectNameProblem(String group, String kind, String name) {
    if (group.isEmpty() && kind.equals("Namespace")) {
      return dns1123LabelProblem(name).map(p -> p + " (a Namespace name is a DNS-1123 label: lower-case letters,"
          + " digits and '-', starting and ending with a letter or digit, at most 63 characters)");
    }
    if (group.isEmpty() && kind.equals("Service")) {
      return dns1035LabelProblem(name);
    }
    if (group.equals("rbac.authorization.k8s.io") && RBAC_KINDS.contains(kind)) {
      return objectNameProblem(name);
    }
    int max = group.equals("batch") && kind.equals("Job") ? 63 : group.equals("batch") && kind.equals("CronJob")
        ? 52 : 253;
    Optional<String> problem = dns1123SubdomainProblem(name).map(p -> p.startsWith("must be a DNS-1123")
        ? subdomainCharacterProblem(name) + " (" + SUBDOMAIN + ")" : p);
    if (problem.isEmpty() && name.length() > max) {
      return Optional.of("must be at most " + max + " characters for a " + kind + " (has " + name.length() + ")");
    }
    return problem;
  }

  /**
   * Why {@code value} is not a DNS-1035 label (lower-case letters, digits and '-', starting with a letter and
   * ending with a letter or digit, at most 63 characters), or empty if it is one.
   */
  public static Optional<String> dns1035LabelProblem(String value) {
    String rule = " (a Service name is a DNS-1035 label: lower-case letters, digits and '-', starting with a letter"
        + " and ending with a letter or digit, at most 63 characters)";
    Optional<String> label = dns1123LabelProblem(value);
    if (label.isPresent()) {
      return Optional.of(label.get() + rule);
    }
    char first = value.charAt(0);
    return first >= 'a' && first <= 'z' ? Optional.empty()
        : Optional.of("must start with a letter, not '" + first + "'" + rule);
  }

  /**
   * Why {@code value} cannot be a path-segment name, or empty if it can: the loosest rule the API server has,
   * used for RBAC kinds (which allow ':' and upper case). fleetfed also caps its length at 253 characters.
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

  /** The first character of {@code value} that a DNS-1123 subdomain cannot hold, or else what is misplaced. */
  private static String subdomainCharacterProblem(String value) {
    for (int i = 0; i < value.length(); i++) {
      int c = value.codePointAt(i);
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
      if (!allowed) {
        if (c >= 'A' && c <= 'Z') {
          return "upper-case letters are not allowed ('" + (char) c + "')";
        }
        return "'" + new String(Character.toChars(c)) + "' is not allowed";
      }
    }
    return "each dot-separated part must start and end with a lower-case letter or digit";
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
