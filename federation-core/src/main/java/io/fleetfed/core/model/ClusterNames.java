package io.fleetfed.core.model;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.internal.Names;
import java.util.Objects;
import java.util.Optional;

/**
 * The rule for cluster names: a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a
 * letter or digit, at most 63 characters).
 *
 * <p>KubeFed used a cluster's name to name a ServiceAccount and a Secret, so a kubeconfig context such as
 * {@code kubernetes-admin@kubernetes} broke {@code kubefedctl join} half-way. fleetfed refuses such a name up
 * front and says how to give the cluster a valid one:
 *
 * <pre>{@code
 * ClusterNames.requireValid("dev2-context");                  // fine
 * ClusterNames.requireValid("kubernetes-admin@kubernetes");   // ValidationException naming the fix
 * }</pre>
 */
public final class ClusterNames {
  private ClusterNames() {}

  /**
   * Returns {@code name} if it is a valid cluster name.
   *
   * @throws ValidationException naming the cluster, what is wrong and a valid name to use instead
   */
  public static String requireValid(String name) {
    Optional<String> problem = problem(name);
    if (problem.isPresent()) {
      throw new ValidationException("", problem.get());
    }
    return name;
  }

  /** Whether {@code name} is a valid cluster name. */
  public static boolean isValid(String name) {
    Objects.requireNonNull(name, "name");
    return Names.dns1123LabelProblem(name).isEmpty();
  }

  /**
   * Why {@code name} is not a valid cluster name, with the fix, or empty if it is valid.
   *
   * <p>For example: {@code cluster name "kubernetes-admin@kubernetes" is not a DNS-1123 label: '@' is not
   * allowed. Give the cluster a valid name, such as "kubernetes-admin-kubernetes": rename the kubeconfig
   * context (kubectl config rename-context kubernetes-admin@kubernetes kubernetes-admin-kubernetes) or name the
   * cluster explicitly when joining it.}
   */
  public static Optional<String> problem(String name) {
    Objects.requireNonNull(name, "name");
    return Names.dns1123LabelProblem(name).map(reason -> explain(name, reason));
  }

  /** A valid cluster name derived from {@code name}, or empty when none can be derived. */
  public static Optional<String> suggest(String name) {
    Objects.requireNonNull(name, "name");
    String suggestion = Names.suggestDns1123Label(name);
    return suggestion.isEmpty() ? Optional.empty() : Optional.of(suggestion);
  }

  private static String explain(String name, String reason) {
    StringBuilder message = new StringBuilder()
        .append("cluster name \"").append(name).append("\" is not a DNS-1123 label: ").append(reason)
        .append(" (use lower-case letters, digits and '-', starting and ending with a letter or digit,"
            + " at most 63 characters). Give the cluster a valid name");
    suggest(name).ifPresentOrElse(
        s -> message.append(", such as \"").append(s).append("\": rename the kubeconfig context (kubectl config"
            + " rename-context ").append(name).append(' ').append(s)
            .append(") or name the cluster explicitly when joining it"),
        () -> message.append(": rename the kubeconfig context or name the cluster explicitly when joining it"));
    return message.toString();
  }
}
