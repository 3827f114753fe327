/**
 * Tekton for fleetfed: every Tekton kind registered as a federated type.
 *
 * <p>With this module on the classpath, {@link io.fleetfed.core.kubefed.TypeRegistry#standard()} knows
 * FederatedTask, FederatedTaskRun, FederatedPipeline, FederatedPipelineRun, FederatedStepAction,
 * FederatedCustomRun and the legacy kinds of Tekton 0.24 (FederatedClusterTask, FederatedCondition,
 * FederatedPipelineResource, FederatedRun), through {@link io.fleetfed.tekton.TektonTypeProvider}.
 */
package io.fleetfed.tekton;
