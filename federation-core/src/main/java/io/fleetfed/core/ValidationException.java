package io.fleetfed.core;

import io.fleetfed.core.internal.Nulls;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Input was rejected before anything was sent to any cluster.
 *
 * <p>It carries every problem found, not just the first, so that a user fixes a file in one go. Each
 * {@link Violation} names the source, the object, the field and the reason; {@link #getMessage()} lists
 * them one per line.
 *
 * <pre>{@code
 * try {
 *   FederatedResource.builder(DEPLOYMENTS).namespace("web").name("nginx")
 *       .placement(Placement.clusters("kubernetes-admin@kubernetes")).build();
 * } catch (ValidationException e) {
 *   e.violations().forEach(v -> System.err.println(v));
 * }
 * }</pre>
 */
public class ValidationException extends FederationException {
  private static final long serialVersionUID = 1L;

  private final transient List<Violation> violations;

  /** An exception for one or more violations; the list must not be empty. */
  public ValidationException(List<Violation> violations) {
    super(describe(Nulls.noNulls(violations, "violations")));
    this.violations = List.copyOf(Nulls.noNulls(violations, "violations"));
  }

  /** An exception for one violation of {@code field} (may be empty) with {@code reason}. */
  public ValidationException(String field, String reason) {
    this(List.of(Violation.of(field, reason)));
  }

  /**
   * Every problem found, in the order they were found. (Violations are not serialized: an exception that crossed
   * a serialization boundary keeps only its message and reports none here.)
   */
  public List<Violation> violations() {
    return violations == null ? List.of() : violations;
  }

  /** A copy of this exception with {@code change} applied to each violation. */
  public ValidationException map(UnaryOperator<Violation> change) {
    return new ValidationException(violations.stream().map(change).collect(Collectors.toList()));
  }

  private static String describe(List<Violation> violations) {
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("a ValidationException needs at least one violation");
    }
    if (violations.size() == 1) {
      return violations.get(0).toString();
    }
    return violations.size() + " problems:\n  "
        + violations.stream().map(Violation::toString).collect(Collectors.joining("\n  "));
  }
}
