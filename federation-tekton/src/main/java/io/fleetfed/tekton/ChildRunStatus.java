package io.fleetfed.tekton;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The status of one TaskRun a PipelineRun started, as the member cluster reports it.
 *
 * @param pipelineTask the pipeline task it runs ({@code tekton.dev/pipelineTask})
 * @param name the TaskRun's name
 * @param phase its phase
 * @param reason its {@code Succeeded} condition's reason, empty before it has one
 * @param message the condition's message
 * @param startTime when it started
 * @param completionTime when it ended
 * @param podName its pod, whose containers hold the step logs
 * @param steps its steps
 */
public record ChildRunStatus(String pipelineTask, String name, RunPhase phase, String reason, String message,
    Optional<Instant> startTime, Optional<Instant> completionTime, Optional<String> podName,
    List<StepStatus> steps) {

  /** Checks that nothing is null. */
  public ChildRunStatus {
    Objects.requireNonNull(pipelineTask, "pipelineTask");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(startTime, "startTime");
    Objects.requireNonNull(completionTime, "completionTime");
    Objects.requireNonNull(podName, "podName");
    steps = List.copyOf(Arguments.noNulls(steps, "steps"));
  }
}
