package io.fleetfed.core.kubefed;

/**
 * A document the KubeFed codec reads and writes: a federated object, a FederatedTypeConfig or a
 * KubeFedCluster.
 *
 * <pre>{@code
 * for (KubeFedDocument doc : KubeFedYaml.read("scenario.yaml", yaml, TypeRegistry.standard()).documents()) {
 *   if (doc instanceof FederatedObject) {
 *     FederatedResource resource = ((FederatedObject) doc).resource();
 *   }
 * }
 * }</pre>
 */
public sealed interface KubeFedDocument permits FederatedObject, FederatedTypeConfig, KubeFedCluster {}
