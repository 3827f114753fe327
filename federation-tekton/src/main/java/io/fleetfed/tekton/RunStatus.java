package io.fleetfed.tekton;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A dispatched run's status as its member cluster reports it, or its outcome once {@link #phase()} is done.
 *
 * <pre>{@code
 * RunStatus outcome = handle.await(Duration.ofMinutes(30));
 * System.out.printf("%s on %s: %s %s%n", outcome.name(), outcome.cluster(), outcome.phase(), outcome.reason());
 * outcome.result("commit").ifPresent(sha -> System.out.println("built " + sha));
 * }</pre>
 *
 * @param kind {@code TaskRun} or {@code PipelineRun}
 * @param namespace the run's namespace
 * @param name the run's name
 * @param cluster the member cluster that runs (or ran) it
 * @param phase where it is
 * @param reason the {@code Succeeded} condition's reason (Tekton's, such as {@code TaskRunTimeout}, or
 *     {@code ClusterLost}); empty before the run has a condition
 * @param message the condition's message
 * @param startTime {@code status.startTime}
 * @param completionTime {@code status.completionTime}
 * @param results the run's results by name ({@code results}, or v1beta1's {@code taskResults} and
 *     {@code pipelineResults}); array and object results are given as JSON text
 * @param podName a TaskRun's pod
 * @param steps a TaskRun's steps
 * @param children a PipelineRun's TaskRuns, in the order of its {@code childReferences}
 */
public record RunStatus(String kind, String namespace, String name, String cluster, RunPhase phase, String reason,
    String message, Optional<Instant> startTime, Optional<Instant> completionTime, Map<String, String> results,
    Optional<String> podName, List<StepStatus> steps, List<ChildRunStatus> children) {

  /** Checks that nothing is null and copies the collections. */
  public RunStatus {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(startTime, "startTime");
    Objects.requireNonNull(completionTime, "completionTime");
    results = Collections.unmodifiableMap(new LinkedHashMap<>(Arguments.noNulls(results, "results")));
    Objects.requireNonNull(podName, "podName");
    steps = List.copyOf(Arguments.noNulls(steps, "steps"));
    children = List.copyOf(Arguments.noNulls(children, "children"));
  }

  /** One result's value. */
  public Optional<String> result(String resultName) {
    return Optional.ofNullable(results.get(resultName));
  }

  /** Whether the run has ended. */
  public boolean isDone() {
    return phase.isDone();
  }

  /** This status with another phase, reason and message (as when the cluster is lost). */
  RunStatus withPhase(RunPhase newPhase, String newReason, String newMessage) {
    return new RunStatus(kind, namespace, name, cluster, newPhase, newReason, newMessage, startTime, completionTime,
        results, podName, steps, children);
  }

  @Override
  public String toString() {
    return kind + " " + namespace + "/" + name + " on " + cluster + ": " + phase
        + (reason.isEmpty() ? "" : " (" + reason + (message.isEmpty() ? "" : ": " + message) + ")");
  }
}
