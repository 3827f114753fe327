/**
 * The coordinator: {@link io.fleetfed.core.fleet.internal.engine.Engine} runs each explicit call through plan,
 * apply (every cluster in parallel on the fleet's workers) and status, and once the fleet is started turns watch
 * events, health changes and failures into background syncs ({@code Reconciler}: one pending sync per object and
 * cluster, retries with backoff). May use every other room.
 */
package io.fleetfed.core.fleet.internal.engine;
