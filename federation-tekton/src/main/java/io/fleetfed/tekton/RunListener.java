package io.fleetfed.tekton;

import java.util.Objects;
import java.util.Optional;

/**
 * Told of each change of a dispatched run's status, as the member cluster's watch delivers it.
 *
 * <pre>{@code
 * handle.addListener(status -> log.info("{}: {} {}", status.name(), status.phase(), status.reason()));
 * }</pre>
 *
 * <p>A listener is told a status only when it differs from the one before in something it can see: the phase, the
 * reason or message, a time, a result, a step, the pod, or a TaskRun of a PipelineRun (one more, or one's phase,
 * reason, step or pod) — never the same status twice, nor its TaskRuns merely listed in another order. A PipelineRun
 * stays {@link RunPhase#RUNNING} (reason {@code Running}) while its TaskRuns start and end, so a listener that
 * prints only the phase and reason sees the same line several times: it wants {@link #onPhaseChange} (or
 * {@link RunHandle#addPhaseListener}), which is told of phase changes only.
 *
 * <p>Listeners of one dispatcher are called one at a time, in the order the changes happened, on a thread of
 * the dispatcher: keep them short and do not block in them.
 */
@FunctionalInterface
public interface RunListener {
  /** The run's status changed to {@code status}. */
  void onStatus(RunStatus status);

  /**
   * A listener that tells {@code listener} only the statuses whose phase differs from the last one it told (the first
   * status it is given is told): for a PipelineRun, {@code PENDING}, {@code RUNNING} once however many of its
   * TaskRuns start and end, then its outcome. For a listener given to
   * {@link RunDispatcher#dispatch(DispatchRequest, RunListener)} or {@link RunHandle#follow}; to add one to a
   * handle that has run a while, {@link RunHandle#addPhaseListener} starts from its phase now.
   *
   * <pre>{@code
   * RunHandle handle = dispatcher.dispatch(request,
   *     RunListener.onPhaseChange(s -> log.info("{} is {} {}", s.name(), s.phase(), s.reason())));
   * }</pre>
   *
   * <p>The listener returned keeps the last phase: give each handle its own.
   */
  static RunListener onPhaseChange(RunListener listener) {
    return new PhaseChanges(Objects.requireNonNull(listener, "listener"), Optional.empty());
  }
}
