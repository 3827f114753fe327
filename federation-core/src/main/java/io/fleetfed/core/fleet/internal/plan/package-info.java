/**
 * Planning, the first room of propagation: a federated object and the clusters eligible for it become a
 * {@link io.fleetfed.core.fleet.internal.plan.Plan}, the copy each cluster should hold (placement and rendering from
 * {@code io.fleetfed.core.render}). Pure: no I/O, no threads, no fabric8 client (checked by {@code PurityTest}).
 * May use the model and render packages only.
 */
package io.fleetfed.core.fleet.internal.plan;
