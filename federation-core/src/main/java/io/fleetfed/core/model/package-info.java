/**
 * The federation model: what to propagate ({@link io.fleetfed.core.model.FederatedResource}: a template, a
 * {@link io.fleetfed.core.model.Placement} and per-cluster {@link io.fleetfed.core.model.ClusterOverride}s) and where
 * ({@link io.fleetfed.core.model.Cluster}).
 *
 * <p>Every type here is immutable, null-free and validated at construction: an invalid value cannot exist, and
 * the {@link io.fleetfed.core.ValidationException} that refuses it names the field and the reason. The package
 * does no I/O, starts no threads and uses no Kubernetes client.
 */
package io.fleetfed.core.model;
