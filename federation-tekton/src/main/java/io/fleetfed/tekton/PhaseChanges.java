package io.fleetfed.tekton;

import java.util.Optional;

/** Tells a listener the statuses whose phase differs from the last one told: see {@link RunListener#onPhaseChange}. */
final class PhaseChanges implements RunListener {
  private final RunListener listener;
  private RunPhase last;

  /** {@code from}: the phase the first status told must differ from; empty: the first status is told. */
  PhaseChanges(RunListener listener, Optional<RunPhase> from) {
    this.listener = listener;
    this.last = from.orElse(null);
  }

  @Override
  public void onStatus(RunStatus status) {
    synchronized (this) {
      if (status.phase() == last) {
        return;
      }
      last = status.phase();
    }
    listener.onStatus(status);
  }

  @Override
  public String toString() {
    return "phase changes to " + listener;
  }
}
