/**
 * The host-cluster controller: {@link io.fleetfed.controller.FederationController} watches the FederatedTypeConfigs,
 * KubeFedClusters, the KubeFedConfig and the Federated objects kept in a host cluster and propagates them through a
 * {@link io.fleetfed.core.fleet.ClusterFleet}, writing KubeFed's status and finalizers back, as KubeFed's
 * controller manager did.
 */
package io.fleetfed.controller;
