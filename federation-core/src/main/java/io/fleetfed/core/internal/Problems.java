package io.fleetfed.core.internal;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Collects violations while validating, so that every problem is reported, not only the first. */
public final class Problems {
  private final List<Violation> violations = new ArrayList<>();

  /** Records that {@code field} (empty for the whole object) is wrong for {@code reason}. */
  public void add(String field, String reason) {
    violations.add(Violation.of(field, reason));
  }

  /** Records every violation of {@code e}, with {@code prefix} in front of their field paths. */
  public void addAll(String prefix, ValidationException e) {
    for (Violation v : e.violations()) {
      violations.add(v.withFieldPrefix(prefix));
    }
  }

  /** Records every violation of {@code e}. */
  public void addAll(ValidationException e) {
    violations.addAll(e.violations());
  }

  /**
   * Runs {@code step}; if it throws a {@link ValidationException}, records its violations under {@code prefix}
   * and returns empty.
   */
  public <T> Optional<T> capture(String prefix, Supplier<T> step) {
    try {
      return Optional.of(step.get());
    } catch (ValidationException e) {
      addAll(prefix, e);
      return Optional.empty();
    }
  }

  /** Whether nothing was recorded. */
  public boolean isEmpty() {
    return violations.isEmpty();
  }

  /** What was recorded so far. */
  public List<Violation> violations() {
    return List.copyOf(violations);
  }

  /** Throws a {@link ValidationException} holding everything recorded, if anything was. */
  public void throwIfAny() {
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
  }
}
