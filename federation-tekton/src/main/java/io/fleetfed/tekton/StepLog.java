package io.fleetfed.tekton;

import java.util.Objects;
import java.util.Optional;

/**
 * The log of one step, read from its container in the member cluster's pod.
 *
 * @param taskRun the TaskRun the step belongs to
 * @param pipelineTask for a PipelineRun's TaskRun, its pipeline task
 * @param step the step's name
 * @param text the log text; empty if the pod is gone (Tekton deletes the pod of a timed-out TaskRun)
 */
public record StepLog(String taskRun, Optional<String> pipelineTask, String step, String text) {

  /** Checks that nothing is null. */
  public StepLog {
    Objects.requireNonNull(taskRun, "taskRun");
    Objects.requireNonNull(pipelineTask, "pipelineTask");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(text, "text");
  }

  /** {@code [pipelineTask:step]} or {@code [step]}, the prefix {@link RunHandle#streamLogs} puts on each line. */
  public String label() {
    return "[" + pipelineTask.map(t -> t + ":").orElse("") + step + "]";
  }
}
