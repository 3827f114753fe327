package io.fleetfed.core;

import java.util.Objects;
import java.util.Optional;

/**
 * One problem found in the input: where it is, which object it concerns, which field, and why it is wrong.
 *
 * <p>{@link #toString()} renders the one-line form used in messages and on the command line, for example
 * <pre>
 * deploy.yaml, document 2: FederatedDeployment testing-fed/nginx-fed: spec.overrides[0].clusterOverrides[0].path: must start with '/' (got 'spec/replicas')
 * </pre>
 *
 * @param source where the object came from, such as {@code "deploy.yaml, document 2"}; empty for objects
 *     built in code
 * @param object the object concerned, such as {@code "FederatedDeployment testing-fed/nginx-fed"}; empty when
 *     the object could not be identified (for example unparseable YAML)
 * @param field the field path inside the object, such as {@code "spec.placement.clusters[1].name"}; empty
 *     when the problem concerns the object as a whole
 * @param reason why the input is rejected, and where possible how to fix it
 */
public record Violation(Optional<String> source, Optional<String> object, Optional<String> field, String reason) {

  /** Validates that no component is null and the reason is not blank. */
  public Violation {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(reason, "reason");
    if (reason.isBlank()) {
      throw new IllegalArgumentException("reason must not be blank");
    }
  }

  /** A violation of {@code field} (may be empty for the whole object), without source or object yet. */
  public static Violation of(String field, String reason) {
    return new Violation(Optional.empty(), Optional.empty(), nonEmpty(Objects.requireNonNull(field, "field")),
        reason);
  }

  /** This violation with {@code prefix} put in front of its field path ({@code prefix.field}). */
  public Violation withFieldPrefix(String prefix) {
    if (prefix.isEmpty()) {
      return this;
    }
    String joined = field.map(f -> f.startsWith("[") ? prefix + f : prefix + "." + f).orElse(prefix);
    return new Violation(source, object, Optional.of(joined), reason);
  }

  /** This violation attributed to {@code object}, unless it already names one. */
  public Violation withObject(String object) {
    return this.object.isPresent() || object.isEmpty()
        ? this
        : new Violation(source, Optional.of(object), field, reason);
  }

  /** This violation attributed to {@code source}, unless it already names one. */
  public Violation withSource(String source) {
    return this.source.isPresent() || source.isEmpty()
        ? this
        : new Violation(Optional.of(source), object, field, reason);
  }

  @Override
  public String toString() {
    StringBuilder line = new StringBuilder();
    source.ifPresent(s -> line.append(s).append(": "));
    object.ifPresent(o -> line.append(o).append(": "));
    field.ifPresent(f -> line.append(f).append(": "));
    return line.append(reason).toString();
  }

  private static Optional<String> nonEmpty(String value) {
    return value.isEmpty() ? Optional.empty() : Optional.of(value);
  }
}
