package io.fleetfed.core.fleet;

import static io.fleetfed.testkit.FleetAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.core.kubefed.KubeFedYaml;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.render.ManagedMetadata;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.CopyReport;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.ResourceKey;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference scenario (reference/scenario.md) end to end against two in-process API servers. */
@EnableFleetSandbox(clusters = {"dev1-context", "dev2-context"})
class ScenarioPropagationTest {
  static final String SCENARIO = """
      apiVersion: types.kubefed.io/v1beta1
      kind: FederatedNamespace
      metadata: {name: testing-fed, namespace: testing-fed}
      spec:
        placement: {clusters: [{name: dev1-context}, {name: dev2-context}]}
      ---
      apiVersion: types.kubefed.io/v1beta1
      kind: FederatedDeployment
      metadata: {name: nginx-fed, namespace: testing-fed}
      spec:
        overrides:
        - clusterName: dev1-context
          clusterOverrides: [{path: /spec/replicas, value: 2}]
        - clusterName: dev2-context
          clusterOverrides: [{path: /spec/replicas, value: 3}]
        placement: {clusters: [{name: dev1-context}, {name: dev2-context}]}
        template:
          metadata: {labels: {app: nginx}, namespace: testing-fed}
          spec:
            replicas: 1
            selector: {matchLabels: {app: nginx}}
            template:
              metadata: {labels: {app: nginx}}
              spec: {containers: [{image: nginx, name: nginx}]}
      """;

  @Test
  void theNamespaceAndDeploymentReachBothClustersWithEachClustersReplicas(FleetSandbox sandbox) {
    List<FederatedResource> resources =
        KubeFedYaml.read("scenario.yaml", SCENARIO, TypeRegistry.standard()).resources();
    try (ClusterFleet fleet = ClusterFleet.builder().kubeconfig(sandbox.kubeconfig())
        .memberContexts("dev1-context", "dev2-context").build()) {
      List<PropagationResult> results = fleet.propagateAll(resources);

      assertThat(results).allSatisfy(r -> {
        assertThat(r.isSuccess()).as(r.toString()).isTrue();
        assertThat(r.clusters().values()).extracting(ClusterOutcome::action).containsOnly(ClusterAction.CREATED);
      });
      assertThat(sandbox.cluster("dev1-context")).hasClusterObject("v1", "Namespace", "testing-fed")
          .hasLabel(ManagedMetadata.MANAGED_LABEL, "true");
      assertThat(sandbox.cluster("dev1-context")).hasObject("apps/v1", "Deployment", "testing-fed", "nginx-fed")
          .hasFieldAt("/spec/replicas", 2)
          .hasLabel("app", "nginx")
          .hasAnnotation(ManagedMetadata.SOURCE_ANNOTATION, "FederatedDeployment/testing-fed/nginx-fed");
      assertThat(sandbox.cluster("dev2-context")).hasObject("apps/v1", "Deployment", "testing-fed", "nginx-fed")
          .hasFieldAt("/spec/replicas", 3);

      sandbox.clusters().forEach(c -> c.resetCounts());
      List<PropagationResult> again = fleet.propagateAll(resources);

      assertThat(again).allSatisfy(r -> assertThat(r.clusters().values()).extracting(ClusterOutcome::action)
          .containsOnly(ClusterAction.UNCHANGED));
      sandbox.clusters().forEach(c -> assertThat(c).hasNoWrites());
      assertThat(fleet.status(ResourceKey.of(resources.get(1))).orElseThrow().isPropagated()).isTrue();
    }
  }

  @Test
  void aNamespaceCreatedToHoldAnObjectIsTakenOverByItsFederatedNamespaceLater(FleetSandbox sandbox) {
    List<FederatedResource> resources = KubeFedYaml.read("scenario.yaml",
        SCENARIO.replace("testing-fed", "later-fed"), TypeRegistry.standard()).resources();
    try (ClusterFleet fleet = ClusterFleet.builder().kubeconfig(sandbox.kubeconfig())
        .memberContexts("dev1-context", "dev2-context").build()) {
      fleet.propagate(resources.get(1)).orThrow();      // the Deployment first: its namespace is created bare
      assertThat(sandbox.cluster("dev2-context")).hasClusterObject("v1", "Namespace", "later-fed")
          .hasLabel(ManagedMetadata.MANAGED_LABEL, "true");

      PropagationResult namespace = fleet.propagate(resources.get(0));

      assertThat(namespace.isSuccess()).as(namespace.toString()).isTrue();
      assertThat(sandbox.cluster("dev2-context")).hasClusterObject("v1", "Namespace", "later-fed")
          .hasAnnotation(ManagedMetadata.SOURCE_ANNOTATION, "FederatedNamespace/later-fed/later-fed");
    }
  }

  @Test
  void inspectingTogetherWithItsFederatedNamespaceAppliesTheNamespacesPlacement(FleetSandbox sandbox) {
    List<FederatedResource> resources = KubeFedYaml.read("scenario.yaml", SCENARIO.replace("testing-fed", "narrow-fed")
        .replaceFirst("placement: \\{clusters: \\[\\{name: dev1-context}, \\{name: dev2-context}]}",
            "placement: {clusters: [{name: dev1-context}]}"), TypeRegistry.standard()).resources();
    try (ClusterFleet fleet = ClusterFleet.builder().kubeconfig(sandbox.kubeconfig())
        .memberContexts("dev1-context", "dev2-context").build()) {
      List<CopyReport> alone = fleet.inspect(resources.get(1));
      List<CopyReport> together = fleet.inspectAll(resources).get(ResourceKey.of(resources.get(1)));

      assertThat(alone).extracting(CopyReport::cluster).containsExactly("dev1-context", "dev2-context");
      assertThat(together).extracting(CopyReport::cluster).containsExactly("dev1-context");
      assertThat(together.get(0).placed()).isTrue();
      assertThat(together.get(0).present()).isFalse();
    }
  }

  @Test
  void progressHearsOfEveryResultBeforePropagateAllReturns(FleetSandbox sandbox) {
    List<FederatedResource> resources = KubeFedYaml.read("scenario.yaml", SCENARIO.replace("testing-fed", "progress-fed"),
        TypeRegistry.standard()).resources();
    List<ResourceKey> heard = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    try (ClusterFleet fleet = ClusterFleet.builder().kubeconfig(sandbox.kubeconfig())
        .memberContexts("dev1-context", "dev2-context").build()) {
      List<PropagationResult> results = fleet.propagateAll(resources, r -> {
        assertThat(r.clusters()).hasSize(2);
        heard.add(r.key());
      });

      assertThat(heard).containsExactlyInAnyOrderElementsOf(results.stream().map(PropagationResult::key).toList());
    }
  }
}
