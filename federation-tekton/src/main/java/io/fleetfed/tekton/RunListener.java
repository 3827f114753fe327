package io.fleetfed.tekton;

/**
 * Told of each change of a dispatched run's status, as the member cluster's watch delivers it.
 *
 * <pre>{@code
 * handle.addListener(status -> log.info("{}: {} {}", status.name(), status.phase(), status.reason()));
 * }</pre>
 *
 * <p>Listeners of one dispatcher are called one at a time, in the order the changes happened, on a thread of
 * the dispatcher: keep them short and do not block in them.
 */
@FunctionalInterface
public interface RunListener {
  /** The run's status changed to {@code status}. */
  void onStatus(RunStatus status);
}
