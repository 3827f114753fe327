/**
 * KubeFed compatibility: the type registry ({@link io.fleetfed.core.kubefed.TypeRegistry},
 * {@link io.fleetfed.core.kubefed.FederatedTypeConfig}), the federated CRDs that
 * {@code fleetfed enable} generates ({@link io.fleetfed.core.kubefed.FederatedCrds}), and the YAML codec for
 * {@code Federated<Kind>}, {@code FederatedTypeConfig} and {@code KubeFedCluster} documents
 * ({@link io.fleetfed.core.kubefed.KubeFedYaml}).
 *
 * <p>Pure: the codec reads and writes strings (and reads streams the caller opened, within
 * {@link io.fleetfed.core.kubefed.InputLimits}); opening files is the caller's business.
 */
package io.fleetfed.core.kubefed;
