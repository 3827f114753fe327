package io.fleetfed.tekton;

import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.model.ResourceType;
import java.util.List;

/**
 * The Tekton kinds, at the versions Tekton stores them.
 *
 * <pre>{@code
 * FederatedResource run = FederatedResource.builder(TektonTypes.TASK_RUN)
 *     .namespace("ci").name("build-1").template(Map.of("spec", Map.of("taskRef", Map.of("name", "build"))))
 *     .placement(Placement.clusters("dev2")).build();
 * }</pre>
 *
 * <p>Task, TaskRun, Pipeline and PipelineRun are registered at {@code tekton.dev/v1}. To federate
 * {@code v1beta1} objects (Tekton before v0.44 serves no {@code v1}), either give the template its own
 * {@code apiVersion: tekton.dev/v1beta1}, which wins, or register the v1beta1 versions with
 * {@link #withV1beta1(TypeRegistry)}.
 */
public final class TektonTypes {
  /** The Tekton API group. */
  public static final String GROUP = "tekton.dev";

  /** {@code tekton.dev/v1} Task. */
  public static final ResourceType TASK = ResourceType.namespaced(GROUP, "v1", "Task", "tasks");
  /** {@code tekton.dev/v1} TaskRun (short names tr, trs). */
  public static final ResourceType TASK_RUN =
      ResourceType.namespaced(GROUP, "v1", "TaskRun", "taskruns").withShortNames("tr", "trs");
  /** {@code tekton.dev/v1} Pipeline. */
  public static final ResourceType PIPELINE = ResourceType.namespaced(GROUP, "v1", "Pipeline", "pipelines");
  /** {@code tekton.dev/v1} PipelineRun (short names pr, prs). */
  public static final ResourceType PIPELINE_RUN =
      ResourceType.namespaced(GROUP, "v1", "PipelineRun", "pipelineruns").withShortNames("pr", "prs");
  /** {@code tekton.dev/v1beta1} StepAction (no v1 yet). */
  public static final ResourceType STEP_ACTION =
      ResourceType.namespaced(GROUP, "v1beta1", "StepAction", "stepactions");
  /** {@code tekton.dev/v1beta1} CustomRun. */
  public static final ResourceType CUSTOM_RUN = ResourceType.namespaced(GROUP, "v1beta1", "CustomRun", "customruns");
  /** Legacy {@code tekton.dev/v1beta1} ClusterTask, cluster-scoped (removed in Tekton v1.0). */
  public static final ResourceType CLUSTER_TASK = ResourceType.cluster(GROUP, "v1beta1", "ClusterTask", "clustertasks");
  /** Legacy {@code tekton.dev/v1alpha1} Condition (removed in Tekton v0.37). */
  public static final ResourceType CONDITION = ResourceType.namespaced(GROUP, "v1alpha1", "Condition", "conditions");
  /** Legacy {@code tekton.dev/v1alpha1} PipelineResource (removed in Tekton v0.46). */
  public static final ResourceType PIPELINE_RESOURCE =
      ResourceType.namespaced(GROUP, "v1alpha1", "PipelineResource", "pipelineresources");
  /** Legacy {@code tekton.dev/v1alpha1} Run (removed in Tekton v0.47; replaced by CustomRun). */
  public static final ResourceType RUN = ResourceType.namespaced(GROUP, "v1alpha1", "Run", "runs");

  /** Every Tekton kind, current ones first. */
  public static final List<ResourceType> ALL = List.of(TASK, TASK_RUN, PIPELINE, PIPELINE_RUN, STEP_ACTION,
      CUSTOM_RUN, CLUSTER_TASK, CONDITION, PIPELINE_RESOURCE, RUN);

  private TektonTypes() {}

  /** {@code registry} with Task, TaskRun, Pipeline and PipelineRun registered at {@code tekton.dev/v1beta1}. */
  public static TypeRegistry withV1beta1(TypeRegistry registry) {
    return registry.withAll(List.of(TASK.withVersion("v1beta1"), TASK_RUN.withVersion("v1beta1"),
        PIPELINE.withVersion("v1beta1"), PIPELINE_RUN.withVersion("v1beta1")));
  }
}
