package io.fleetfed.tekton;

import java.util.Objects;
import java.util.Optional;

/**
 * One step of a TaskRun, from {@code status.steps[]}.
 *
 * @param name the step's name ({@code unnamed-<i>} for unnamed steps)
 * @param container its container, {@code step-<name>}, where its log is read
 * @param exitCode the exit code once it terminated
 * @param reason the termination reason, such as {@code Completed} or {@code Error}
 */
public record StepStatus(String name, String container, Optional<Integer> exitCode, Optional<String> reason) {

  /** Checks that nothing is null. */
  public StepStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(exitCode, "exitCode");
    Objects.requireNonNull(reason, "reason");
  }
}
