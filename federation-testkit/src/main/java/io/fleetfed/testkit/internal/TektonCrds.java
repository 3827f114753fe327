package io.fleetfed.testkit.internal;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * CRDs for the Tekton kinds a simulated Tekton controller serves (group {@code tekton.dev}, schemaless, with the
 * {@code status} subresource and the categories {@code tekton} and {@code tekton-pipelines}, as
 * tektoncd/pipeline's {@code config/300-crds} declares them; storage version last).
 *
 * <p>Internal: used by {@code io.fleetfed.testkit.TektonSimulator}.
 */
public final class TektonCrds {

  /** The API group. */
  public static final String GROUP = "tekton.dev";

  private TektonCrds() {
  }

  /**
   * The CRDs of Tekton Pipelines v0.24 (tektoncd/pipeline {@code config/300-*.yaml} at tag v0.24.0): Task, TaskRun,
   * Pipeline, PipelineRun and the cluster-scoped ClusterTask at v1alpha1 and v1beta1 (storage), Condition,
   * PipelineResource and Run at v1alpha1 only; short names {@code tr, trs} and {@code pr, prs} only.
   *
   * @return new CRDs
   */
  public static List<CustomResourceDefinition> v024() {
    List<CustomResourceDefinition> crds = new ArrayList<>();
    crds.add(crd("Task", "tasks", "task", "Namespaced", List.of(), "v1alpha1", "v1beta1"));
    crds.add(crd("TaskRun", "taskruns", "taskrun", "Namespaced", List.of("tr", "trs"), "v1alpha1", "v1beta1"));
    crds.add(crd("Pipeline", "pipelines", "pipeline", "Namespaced", List.of(), "v1alpha1", "v1beta1"));
    crds.add(crd("PipelineRun", "pipelineruns", "pipelinerun", "Namespaced", List.of("pr", "prs"), "v1alpha1",
        "v1beta1"));
    crds.add(crd("ClusterTask", "clustertasks", "clustertask", "Cluster", List.of(), "v1alpha1", "v1beta1"));
    crds.add(crd("Condition", "conditions", "condition", "Namespaced", List.of(), "v1alpha1"));
    crds.add(crd("PipelineResource", "pipelineresources", "pipelineresource", "Namespaced", List.of(), "v1alpha1"));
    crds.add(crd("Run", "runs", "run", "Namespaced", List.of(), "v1alpha1"));
    return crds;
  }

  /**
   * Task, TaskRun, Pipeline and PipelineRun (v1beta1, v1), StepAction (v1alpha1, v1beta1), CustomRun (v1beta1) and
   * the legacy cluster-scoped ClusterTask (v1beta1).
   *
   * @return new CRDs
   */
  public static List<CustomResourceDefinition> all() {
    List<CustomResourceDefinition> crds = new ArrayList<>();
    crds.add(crd("Task", "tasks", "task", "Namespaced", List.of(), "v1beta1", "v1"));
    crds.add(crd("TaskRun", "taskruns", "taskrun", "Namespaced", List.of("tr", "trs"), "v1beta1", "v1"));
    crds.add(crd("Pipeline", "pipelines", "pipeline", "Namespaced", List.of(), "v1beta1", "v1"));
    crds.add(crd("PipelineRun", "pipelineruns", "pipelinerun", "Namespaced", List.of("pr", "prs"), "v1beta1",
        "v1"));
    crds.add(crd("StepAction", "stepactions", "stepaction", "Namespaced", List.of(), "v1alpha1", "v1beta1"));
    crds.add(crd("CustomRun", "customruns", "customrun", "Namespaced", List.of(), "v1beta1"));
    crds.add(crd("ClusterTask", "clustertasks", "clustertask", "Cluster", List.of(), "v1beta1"));
    return crds;
  }

  private static CustomResourceDefinition crd(String kind, String plural, String singular, String scope,
      List<String> shortNames, String... versions) {
    List<CustomResourceDefinitionVersion> served = new ArrayList<>();
    for (int i = 0; i < versions.length; i++) {
      served.add(new CustomResourceDefinitionVersionBuilder()
          .withName(versions[i]).withServed(true).withStorage(i == versions.length - 1)
          .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
          .endOpenAPIV3Schema().endSchema()
          .withNewSubresources().withNewStatus().endStatus().endSubresources()
          .build());
    }
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(plural + "." + GROUP)
        .addToLabels("app.kubernetes.io/instance", "default")
        .addToLabels("app.kubernetes.io/part-of", "tekton-pipelines")
        .endMetadata()
        .withNewSpec().withGroup(GROUP).withScope(scope)
        .withNewNames().withKind(kind).withPlural(plural).withSingular(singular).withShortNames(shortNames)
        .withCategories("tekton", "tekton-pipelines").endNames()
        .withVersions(served)
        .endSpec()
        .build();
  }
}
