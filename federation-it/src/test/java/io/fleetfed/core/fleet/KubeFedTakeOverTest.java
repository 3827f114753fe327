package io.fleetfed.core.fleet;

import static io.fleetfed.core.fleet.FleetItSupport.unique;
import static io.fleetfed.testkit.FleetAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.render.ManagedMetadata;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.CopyReport;
import io.fleetfed.core.status.FederatedStatus;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.PropagationStatus;
import io.fleetfed.core.status.ResourceKey;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Migrating from KubeFed: the copies KubeFed's controller wrote (labelled {@code kubefed.io/managed: "true"}) are
 * taken over in place by a fleet built with {@code takeOverKubeFedCopies(true)}, and are fleetfed's from then on;
 * without it they are {@code AlreadyExists} and untouched; objects kept out of federation by either label are never
 * touched.
 */
@Tag("real-api-servers")
@EnableFleetSandbox(clusters = {"dev1", "dev2"}, resetBetweenTests = true)
class KubeFedTakeOverTest {
  private static final String KUBEFED = ManagedMetadata.KUBEFED_MANAGED_LABEL;

  private static ClusterFleet takingOver(FleetSandbox sandbox) {
    return sandbox.fleet().members("dev1", "dev2").configure(b -> b.takeOverKubeFedCopies(true)).start();
  }

  private static FederatedResource nginx(String ns, Placement placement, String image) {
    return FederatedResource.builder(BuiltInTypes.DEPLOYMENTS).namespace(ns).name("nginx").placement(placement)
        .template(Map.of("metadata", Map.of("labels", Map.of("app", "nginx")),
            "spec", Map.of("replicas", 2, "selector", Map.of("matchLabels", Map.of("app", "nginx")),
                "template", Map.of("metadata", Map.of("labels", Map.of("app", "nginx")),
                    "spec", Map.of("containers", List.of(Map.of("name", "nginx", "image", image)))))))
        .build();
  }

  /** The Deployment KubeFed's sync controller would have written on {@code cluster}, with {@code labels} added. */
  private static Deployment kubeFedCopy(FleetSandbox sandbox, String cluster, String ns, Map<String, String> labels) {
    KubernetesClient c = sandbox.cluster(cluster).client();
    if (c.namespaces().withName(ns).get() == null) {   // a real API server refuses objects in a missing namespace
      c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    Map<String, String> all = new HashMap<>(Map.of("app", "nginx"));
    all.putAll(labels);
    return c.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
        .withNewMetadata().withName("nginx").withNamespace(ns).withLabels(all)
        .withAnnotations(Map.of("deployment.kubernetes.io/revision", "3")).endMetadata()
        .withNewSpec().withReplicas(2).withNewSelector().withMatchLabels(Map.of("app", "nginx")).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "nginx")).endMetadata()
        .withNewSpec().addNewContainer().withName("nginx").withImage("nginx:1.26").endContainer().endSpec()
        .endTemplate().endSpec().build()).create();
  }

  private static Deployment copy(FleetSandbox sandbox, String cluster, String ns) {
    return sandbox.cluster(cluster).client().apps().deployments().inNamespace(ns).withName("nginx").get();
  }

  /** What {@code fleet} reads of {@code resource} on dev2. */
  private static CopyReport dev2(ClusterFleet fleet, FederatedResource resource) {
    return fleet.inspect(resource).stream().filter(r -> r.cluster().equals("dev2")).findFirst().orElseThrow();
  }

  private static String image(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private static Map<String, String> labels(Deployment d) {
    return d.getMetadata().getLabels() == null ? Map.of() : d.getMetadata().getLabels();
  }

  @Test
  void kubeFedsCopyIsTakenOverInPlaceKeepingItsUid(FleetSandbox sandbox) {
    String ns = unique("migrate");
    Deployment before = kubeFedCopy(sandbox, "dev2", ns, Map.of(KUBEFED, "true"));
    FederatedResource nginx = nginx(ns, Placement.clusters("dev1", "dev2"), "nginx:1.27");
    try (ClusterFleet fleet = takingOver(sandbox)) {
      CopyReport pending = dev2(fleet, nginx);
      assertThat(pending.problem()).as("what stands in the way on dev2").isEmpty();
      assertThat(pending.message()).get().asString().contains("the next propagation takes it over");
      sandbox.cluster("dev2").resetCounts();

      PropagationResult result = fleet.propagate(nginx);

      // the create that found it, and one update: nothing deleted, nothing created
      assertThat(sandbox.cluster("dev2").writeCount()).isEqualTo(2);
      assertThat(result.isSuccess()).as(result.toString()).isTrue();
      assertThat(result).hasAction("dev1", ClusterAction.CREATED).hasAction("dev2", ClusterAction.TAKEN_OVER);
      assertThat(result.clustersWith(ClusterAction.TAKEN_OVER)).containsExactly("dev2");
      assertThat(result.clustersWith(ClusterAction.CREATED)).containsExactly("dev1");
    }
    Deployment after = copy(sandbox, "dev2", ns);
    assertThat(after.getMetadata().getUid()).as("the same object, never deleted and created again")
        .isEqualTo(before.getMetadata().getUid());
    assertThat(after.getMetadata().getCreationTimestamp()).isEqualTo(before.getMetadata().getCreationTimestamp());
    assertThat(image(after)).isEqualTo("nginx:1.27");
    assertThat(labels(after)).containsEntry(ManagedMetadata.MANAGED_LABEL, "true").containsEntry("app", "nginx")
        .doesNotContainKey(KUBEFED);
    assertThat(after.getMetadata().getAnnotations())
        .containsEntry(ManagedMetadata.SOURCE_ANNOTATION, "FederatedDeployment/" + ns + "/nginx")
        .containsKey(ManagedMetadata.HASH_ANNOTATION)
        .containsEntry("deployment.kubernetes.io/revision", "3");   // kept, as every update keeps others' annotations
  }

  @Test
  void aCopyTakenOverIsFleetfedsFromThenOnForAnyFleet(FleetSandbox sandbox) {
    String ns = unique("migrate");
    String uid = kubeFedCopy(sandbox, "dev2", ns, Map.of(KUBEFED, "true")).getMetadata().getUid();
    FederatedResource nginx = nginx(ns, Placement.clusters("dev2"), "nginx:1.27");
    ResourceKey key = ResourceKey.of(nginx);
    try (ClusterFleet fleet = takingOver(sandbox)) {
      assertThat(fleet.propagate(nginx)).hasAction("dev2", ClusterAction.TAKEN_OVER);
      assertThat(fleet.propagate(nginx)).hasAction("dev2", ClusterAction.UNCHANGED);
    }
    // a fleet that does not take KubeFed's copies over (a restarted one, say) knows it as fleetfed's copy
    try (ClusterFleet plain = sandbox.fleet().members("dev1", "dev2").start()) {
      assertThat(dev2(plain, nginx)).satisfies(r -> {
        assertThat(r.present()).isTrue();
        assertThat(r.upToDate()).isTrue();
        assertThat(r.isConverged()).isTrue();
      });
      assertThat(plain.propagate(nginx)).hasAction("dev2", ClusterAction.UNCHANGED);

      // drift is corrected
      sandbox.cluster("dev2").client().apps().deployments().inNamespace(ns).withName("nginx").edit(d -> {
        d.getSpec().setReplicas(7);
        return d;
      });
      assertThat(dev2(plain, nginx).drift()).containsExactly("/spec/replicas");
      assertThat(plain.propagate(nginx)).hasAction("dev2", ClusterAction.UPDATED);
      assertThat(copy(sandbox, "dev2", ns).getSpec().getReplicas()).isEqualTo(2);
      assertThat(plain.status(key)).get().extracting(FederatedStatus::isPropagated).isEqualTo(true);

      // and delete deletes it
      assertThat(plain.delete(nginx)).hasAction("dev2", ClusterAction.DELETED);
    }
    assertThat(copy(sandbox, "dev2", ns)).as("the copy taken over (uid %s), deleted", uid).isNull();
  }

  @Test
  void withoutTheOptInKubeFedsCopyIsAlreadyExistsAndUnchanged(FleetSandbox sandbox) {
    String ns = unique("migrate");
    Deployment before = kubeFedCopy(sandbox, "dev2", ns, Map.of(KUBEFED, "true"));
    FederatedResource nginx = nginx(ns, Placement.clusters("dev2"), "nginx:1.27");
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev2").start()) {
      CopyReport report = dev2(fleet, nginx);
      assertThat(report.problem()).contains(PropagationStatus.ALREADY_EXISTS);

      PropagationResult result = fleet.propagate(nginx);

      assertThat(result).hasStatus("dev2", PropagationStatus.ALREADY_EXISTS);
      assertThat(result.cluster("dev2").orElseThrow().message()).get().asString()
          .contains("KubeFed's copy (labelled kubefed.io/managed: \"true\") already exists there")
          .contains("takeOverKubeFedCopies");
      assertThat(result.clustersWith(ClusterAction.TAKEN_OVER)).isEmpty();
    }
    Deployment after = copy(sandbox, "dev2", ns);
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(labels(after)).containsEntry(KUBEFED, "true").doesNotContainKey(ManagedMetadata.MANAGED_LABEL);
    assertThat(image(after)).isEqualTo("nginx:1.26");
  }

  @Test
  void anObjectLabelledKubeFedManagedFalseIsNeverTouched(FleetSandbox sandbox) {
    String ns = unique("migrate");
    Deployment before = kubeFedCopy(sandbox, "dev2", ns, Map.of(KUBEFED, "false"));
    FederatedResource nginx = nginx(ns, Placement.clusters("dev2"), "nginx:1.27");
    try (ClusterFleet fleet = takingOver(sandbox);
        ClusterFleet adopting = sandbox.fleet().members("dev1", "dev2").configure(b -> b.adoptResources(true))
            .start()) {
      for (ClusterFleet f : List.of(fleet, adopting)) {
        PropagationResult result = f.propagate(nginx);
        assertThat(result).hasStatus("dev2", PropagationStatus.MANAGED_LABEL_FALSE);
        assertThat(result.cluster("dev2").orElseThrow().message()).get().asString()
            .contains("labelled kubefed.io/managed: \"false\"");
      }
      assertThat(dev2(fleet, nginx).problem()).contains(PropagationStatus.MANAGED_LABEL_FALSE);
    }
    Deployment after = copy(sandbox, "dev2", ns);
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(image(after)).isEqualTo("nginx:1.26");
  }

  @Test
  void fleetfedsManagedFalseWinsOverKubeFedsTrue(FleetSandbox sandbox) {
    String ns = unique("migrate");
    Deployment before = kubeFedCopy(sandbox, "dev2", ns,
        Map.of(KUBEFED, "true", ManagedMetadata.MANAGED_LABEL, "false"));
    try (ClusterFleet fleet = takingOver(sandbox)) {
      assertThat(fleet.propagate(nginx(ns, Placement.clusters("dev2"), "nginx:1.27")))
          .hasStatus("dev2", PropagationStatus.MANAGED_LABEL_FALSE);
    }
    assertThat(copy(sandbox, "dev2", ns).getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
  }

  @Test
  void kubeFedsCopyOnAClusterTheObjectIsNotPlacedOnIsLeftWhereItIs(FleetSandbox sandbox) {
    String ns = unique("migrate");
    Deployment before = kubeFedCopy(sandbox, "dev2", ns, Map.of(KUBEFED, "true"));
    FederatedResource nginx = nginx(ns, Placement.clusters("dev1"), "nginx:1.27");
    try (ClusterFleet fleet = takingOver(sandbox)) {
      PropagationResult result = fleet.propagate(nginx);
      assertThat(result.cluster("dev2")).isEmpty();
      fleet.delete(nginx);
    }
    assertThat(copy(sandbox, "dev2", ns).getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
  }

  @Test
  void aConflictWhileTakingOverIsReadAgainAndTheCopyIsStillTakenOverInPlace(FleetSandbox sandbox) {
    String ns = unique("migrate");
    String uid = kubeFedCopy(sandbox, "dev2", ns, Map.of(KUBEFED, "true")).getMetadata().getUid();
    // the first update is refused as if KubeFed's controller had written the copy meanwhile
    sandbox.cluster("dev2").failRequests("PUT", "/apis/apps/v1/namespaces/" + ns + "/deployments/nginx", 409, 1);
    try (ClusterFleet fleet = takingOver(sandbox)) {
      sandbox.cluster("dev2").resetCounts();
      assertThat(fleet.propagate(nginx(ns, Placement.clusters("dev2"), "nginx:1.27")))
          .hasAction("dev2", ClusterAction.TAKEN_OVER);
      // the create that found it, the refused update, and the update after reading it again
      assertThat(sandbox.cluster("dev2").writeCount()).isEqualTo(3);
    }
    Deployment after = copy(sandbox, "dev2", ns);
    assertThat(after.getMetadata().getUid()).isEqualTo(uid);
    assertThat(image(after)).isEqualTo("nginx:1.27");
    assertThat(labels(after)).doesNotContainKey(KUBEFED);
  }

  @Test
  void kubeFedsCopyBeingDeletedIsWaitedForNotTakenOver(FleetSandbox sandbox) {
    String ns = unique("migrate");
    kubeFedCopy(sandbox, "dev2", ns, Map.of(KUBEFED, "true"));
    var handle = sandbox.cluster("dev2").client().apps().deployments().inNamespace(ns).withName("nginx");
    handle.edit(d -> {
      d.getMetadata().setFinalizers(List.of("kubefed.io/sync-controller"));
      return d;
    });
    handle.delete();
    try (ClusterFleet fleet = takingOver(sandbox)) {
      assertThat(fleet.propagate(nginx(ns, Placement.clusters("dev2"), "nginx:1.27")))
          .hasStatus("dev2", PropagationStatus.WAITING_FOR_REMOVAL);
    }
    Deployment left = copy(sandbox, "dev2", ns);
    assertThat(labels(left)).containsEntry(KUBEFED, "true").doesNotContainKey(ManagedMetadata.MANAGED_LABEL);
    handle.edit(d -> {
      d.getMetadata().setFinalizers(List.of());
      return d;
    });
  }
}
