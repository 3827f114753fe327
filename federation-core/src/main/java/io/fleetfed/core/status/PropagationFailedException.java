package io.fleetfed.core.status;

import io.fleetfed.core.FederationException;
import java.util.stream.Collectors;

/** Thrown by {@link PropagationResult#orThrow()} when some cluster did not end as it should. */
public final class PropagationFailedException extends FederationException {
  private static final long serialVersionUID = 1L;

  private final transient PropagationResult result;

  PropagationFailedException(PropagationResult result) {
    super(result.key() + " is not propagated" + result.problem().map(p -> ": " + p).orElse("")
        + (result.failures().isEmpty() ? "" : ": " + result.failures().stream().map(ClusterOutcome::toString)
            .collect(Collectors.joining("; "))));
    this.result = result;
  }

  /** The result that failed. */
  public PropagationResult result() {
    return result;
  }
}
