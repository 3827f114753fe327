/**
 * Placement and rendering: which clusters a {@link io.fleetfed.core.model.FederatedResource} goes to
 * ({@link io.fleetfed.core.render.Placements}) and the exact object each of them gets
 * ({@link io.fleetfed.core.render.Renderer}, {@link io.fleetfed.core.render.Preview}).
 *
 * <p>Pure functions: no I/O, no threads, no Kubernetes client. The same code renders a {@code fleetfed render}
 * preview and the objects {@code ClusterFleet} sends.
 */
package io.fleetfed.core.render;
