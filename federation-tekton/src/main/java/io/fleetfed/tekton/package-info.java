/**
 * Tekton for fleetfed: every Tekton kind registered as a federated type, and {@link io.fleetfed.tekton.RunDispatcher},
 * which sends TaskRuns and PipelineRuns to the member that should run them and follows them there.
 *
 * <pre>{@code
 * try (RunDispatcher dispatcher = RunDispatcher.builder(fleet).build()) {
 *   RunHandle handle = dispatcher.dispatch(DispatchRequest.read("run.yaml", yaml).key("build-4711").build());
 *   RunStatus outcome = handle.await(Duration.ofHours(1));
 * }
 * }</pre>
 *
 * <p><b>Types.</b> With this module on the classpath, {@link io.fleetfed.core.kubefed.TypeRegistry#standard()}
 * knows FederatedTask, FederatedTaskRun, FederatedPipeline, FederatedPipelineRun, FederatedStepAction,
 * FederatedCustomRun and the legacy kinds of Tekton 0.24 (FederatedClusterTask, FederatedCondition,
 * FederatedPipelineResource, FederatedRun), through {@link io.fleetfed.tekton.TektonTypeProvider}.
 *
 * <p><b>Versions.</b> {@link io.fleetfed.tekton.TektonConversions} converts Task, TaskRun, Pipeline and PipelineRun
 * between {@code tekton.dev/v1beta1} and {@code v1} (a pure walk over the object, {@code ConversionWalk}), found by
 * {@link io.fleetfed.core.kubefed.VersionConverters#standard()}, so that a member serving only the other version can
 * still be written.
 *
 * <p><b>The dispatch, room by room</b> (package-private classes, in the order a dispatch moves):
 * {@code Closure} finds what the run needs (pure, given a source); {@code ClusterChooser} picks the member and says
 * why (pure: eligibility, load against capacity, ties, the explanation); {@code Records} keeps the one record per
 * run in the host; {@code RunPlacer} propagates the dependencies through the fleet and creates the run;
 * {@code Watcher}s follow every member's runs; {@link io.fleetfed.tekton.RunHandle} tells listeners and answers
 * {@code await}, {@code cancel} and {@code logs}. {@link io.fleetfed.tekton.RunDispatcher} coordinates them; a
 * handle asks nothing of it but through a small callback ({@code RunHandle.Control}).
 *
 * <p>Everything reaches clusters through {@link io.fleetfed.core.fleet.ClusterFleet}: its propagation, or its
 * {@link io.fleetfed.core.cluster.ClusterClient} seam. This package uses core's public API and SPI only.
 */
package io.fleetfed.tekton;
