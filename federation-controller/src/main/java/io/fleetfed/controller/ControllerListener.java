package io.fleetfed.controller;

/**
 * Told of what the controller does: leadership, types started and stopped, objects propagated or invalid.
 *
 * <pre>{@code
 * controller.addListener(event -> {
 *   if (event.type() == ControllerEvent.Type.INVALID) log.warn("{}", event);
 * });
 * }</pre>
 *
 * <p>Listeners are called on the controller's threads, possibly several at once: keep them short and thread-safe,
 * and never block in them. An exception thrown by a listener is logged and does not stop the others.
 */
@FunctionalInterface
public interface ControllerListener {
  /** Something happened. */
  void onEvent(ControllerEvent event);
}
