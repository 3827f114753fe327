package io.fleetfed.tekton;

/**
 * Where a dispatched run is, read from its {@code Succeeded} condition on the member cluster that runs it.
 *
 * <pre>{@code
 * RunStatus outcome = handle.await();
 * if (outcome.phase() == RunPhase.CLUSTER_LOST) {
 *   dispatcher.dispatch(request.toBuilder().key(request.key().orElseThrow() + "-retry").build());
 * }
 * }</pre>
 */
public enum RunPhase {
  /** Not started yet: no condition, or {@code Unknown} with a pending or resolving reason. */
  PENDING,
  /** Started: {@code Unknown} with {@code Started}, {@code Running} or another in-progress reason. */
  RUNNING,
  /** {@code Succeeded} is {@code True} (reason {@code Succeeded}, or {@code Completed} with skipped tasks). */
  SUCCEEDED,
  /** {@code Succeeded} is {@code False} for any reason other than cancellation or a timeout. */
  FAILED,
  /** {@code False} with {@code TaskRunCancelled}, {@code Cancelled} (PipelineRun) or {@code RunCancelled}. */
  CANCELLED,
  /** {@code False} with {@code TaskRunTimeout} or {@code PipelineRunTimeout}. */
  TIMED_OUT,
  /**
   * The member cluster became unreachable after the run had started there: fleetfed does not know how it ended
   * and does not run it again elsewhere unless the dispatch asked for a re-run.
   */
  CLUSTER_LOST;

  /** Whether the run has ended: nothing will change its phase again. */
  public boolean isDone() {
    return this != PENDING && this != RUNNING;
  }

  /** Whether this is {@link #SUCCEEDED}. */
  public boolean isSuccess() {
    return this == SUCCEEDED;
  }
}
