package io.fleetfed.core.cluster;

import io.fleetfed.core.model.ResourceType;
import java.util.Objects;
import java.util.Optional;

/**
 * The API version a member's copies of a type are written, read and deleted in: the copy's own version when the
 * member serves it, else the member's most preferred served version the fleet can convert to, else none.
 *
 * <pre>{@code
 * VersionChoice v = fleet.versionOn("dev2", TektonTypes.TASK_RUN);      // tekton.dev/v1
 * if (v.notServed().isPresent()) {
 *   log.warn("dev2 cannot take TaskRuns: {}", v.notServed().get());   // "dev2 serves taskruns.tekton.dev at …"
 * } else if (v.converted(TektonTypes.TASK_RUN)) {
 *   log.info("dev2 gets {}", v.type().apiVersion());                   // tekton.dev/v1beta1
 * }
 * }</pre>
 *
 * @param type the type at the version the member's copies are in (the asked type itself when none can be)
 * @param notServed why no copy can be written on the member, naming the versions it serves; empty when one can
 */
public record VersionChoice(ResourceType type, Optional<String> notServed) {

  /** Checks that nothing is null. */
  public VersionChoice {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(notServed, "notServed");
  }

  /** Whether a copy can be written on the member. */
  public boolean served() {
    return notServed.isEmpty();
  }

  /** Whether the member's copies of {@code asked} are in another version than {@code asked}'s, converted. */
  public boolean converted(ResourceType asked) {
    return !type.version().equals(asked.version());
  }
}
