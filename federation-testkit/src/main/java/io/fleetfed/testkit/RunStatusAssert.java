package io.fleetfed.testkit;

import io.fleetfed.tekton.ChildRunStatus;
import io.fleetfed.tekton.RunPhase;
import io.fleetfed.tekton.RunStatus;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a dispatched run's status or outcome; failures print the status. Made by
 * {@link FleetAssertions#assertThat(RunStatus)}.
 *
 * <pre>{@code
 * assertThat(handle.await(Duration.ofSeconds(30))).succeeded().ranOn("dev2")
 *     .hasResult("commit", "abc123")
 *     .hasChildren("fetch", "build", "test");
 * assertThat(handle.status()).hasPhase(RunPhase.CANCELLED).hasReason("TaskRunCancelled");
 * }</pre>
 */
public final class RunStatusAssert extends AbstractAssert<RunStatusAssert, RunStatus> {

  RunStatusAssert(RunStatus actual) {
    super(actual, RunStatusAssert.class);
  }

  /**
   * Checks the run's phase.
   *
   * @param phase the phase
   * @return this assertion
   */
  public RunStatusAssert hasPhase(RunPhase phase) {
    isNotNull();
    if (actual.phase() != phase) {
      failWithMessage("expected %s %s/%s to be %s, but it is %s", actual.kind(), actual.namespace(), actual.name(),
          phase, actual);
    }
    return this;
  }

  /**
   * Checks that the run succeeded.
   *
   * @return this assertion
   */
  public RunStatusAssert succeeded() {
    return hasPhase(RunPhase.SUCCEEDED);
  }

  /**
   * Checks that the run has ended, in any phase.
   *
   * @return this assertion
   */
  public RunStatusAssert isDone() {
    isNotNull();
    if (!actual.isDone()) {
      failWithMessage("expected %s %s/%s to have ended, but it is %s", actual.kind(), actual.namespace(),
          actual.name(), actual);
    }
    return this;
  }

  /**
   * Checks the cluster that runs (or ran) it.
   *
   * @param cluster the cluster's name
   * @return this assertion
   */
  public RunStatusAssert ranOn(String cluster) {
    isNotNull();
    if (!actual.cluster().equals(cluster)) {
      failWithMessage("expected %s %s/%s to run on %s, but it is %s", actual.kind(), actual.namespace(),
          actual.name(), cluster, actual);
    }
    return this;
  }

  /**
   * Checks the reason of its {@code Succeeded} condition.
   *
   * @param reason Tekton's reason, such as {@code TaskRunTimeout}
   * @return this assertion
   */
  public RunStatusAssert hasReason(String reason) {
    isNotNull();
    if (!actual.reason().equals(reason)) {
      failWithMessage("expected %s %s/%s to have reason %s, but it is %s", actual.kind(), actual.namespace(),
          actual.name(), reason, actual);
    }
    return this;
  }

  /**
   * Checks one result's value.
   *
   * @param name the result's name
   * @param value its value
   * @return this assertion
   */
  public RunStatusAssert hasResult(String name, String value) {
    isNotNull();
    if (!Objects.equals(actual.results().get(name), value)) {
      failWithMessage("expected %s %s/%s to have result %s=%s, but its results are %s", actual.kind(),
          actual.namespace(), actual.name(), name, value, actual.results());
    }
    return this;
  }

  /**
   * Checks a PipelineRun's TaskRuns by pipeline task, in order.
   *
   * @param pipelineTasks the pipeline tasks of its child TaskRuns
   * @return this assertion
   */
  public RunStatusAssert hasChildren(String... pipelineTasks) {
    isNotNull();
    List<String> tasks = actual.children().stream().map(ChildRunStatus::pipelineTask).toList();
    if (!tasks.equals(List.of(pipelineTasks))) {
      failWithMessage("expected %s %s/%s to have TaskRuns for %s, but it has %s", actual.kind(), actual.namespace(),
          actual.name(), List.of(pipelineTasks), tasks);
    }
    return this;
  }
}
