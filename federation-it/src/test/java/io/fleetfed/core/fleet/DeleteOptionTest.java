package io.fleetfed.core.fleet;

import static io.fleetfed.core.fleet.FleetItSupport.WAIT;
import static io.fleetfed.core.fleet.FleetItSupport.await;
import static io.fleetfed.core.fleet.FleetItSupport.unique;
import static io.fleetfed.testkit.FleetAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.DeleteOptions;
import io.fleetfed.core.model.DeleteOptions.Propagation;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.PropagationStatus;
import io.fleetfed.testkit.EnableFleet;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.ServerKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * KubeFed's {@code kubefed.io/deleteoption} reaches the members' API servers with each copy's DELETE when the
 * federated object is deleted. On real API servers only: the mock ignores a DELETE's options, while a real server
 * answers each one visibly, even without a garbage collector or a kubelet — {@code Orphan} and {@code Foreground}
 * leave the copy deleting under the garbage collector's {@code orphan} or {@code foregroundDeletion} finalizer, a
 * grace period leaves a Pod deleting with that grace period, and a precondition that does not hold refuses the
 * DELETE.
 */
@EnableFleetSandbox(clusters = {"dev1", "dev2"}, servers = ServerKind.REAL)
@EnableFleet(members = {"dev1", "dev2"})
class DeleteOptionTest {
  private static final Placement BOTH = Placement.clusters("dev1", "dev2");
  private static final ResourceType PODS = ResourceType.namespaced("", "v1", "Pod", "pods");

  private static FederatedResource deployment(String ns, String name, Placement placement, DeleteOptions options) {
    return FederatedResource.builder(BuiltInTypes.DEPLOYMENTS).namespace(ns).name(name).placement(placement)
        .deleteOptions(options)
        .template(Map.of("spec", Map.of("replicas", 1, "selector", Map.of("matchLabels", Map.of("app", name)),
            "template", Map.of("metadata", Map.of("labels", Map.of("app", name)),
                "spec", Map.of("containers", List.of(Map.of("name", "c", "image", "nginx:1.27")))))))
        .build();
  }

  private static Deployment copy(FleetSandbox sandbox, String cluster, String ns, String name) {
    return sandbox.cluster(cluster).client().apps().deployments().inNamespace(ns).withName(name).get();
  }

  /** Lets a copy the garbage collector would have released go (the sandbox runs none). */
  private static void release(FleetSandbox sandbox, String ns, String name) {
    for (String cluster : List.of("dev1", "dev2")) {
      var copy = sandbox.cluster(cluster).client().apps().deployments().inNamespace(ns).withName(name);
      if (copy.get() != null) {
        copy.edit(d -> {
          d.getMetadata().setFinalizers(List.of());
          return d;
        });
      }
    }
  }

  @Test
  void orphanLeavesEachCopyToTheGarbageCollectorsOrphanFinalizer(ClusterFleet fleet, FleetSandbox sandbox) {
    String ns = unique("delopt");
    FederatedResource nginx = deployment(ns, "nginx", BOTH,
        DeleteOptions.defaults().withPropagationPolicy(Propagation.ORPHAN));
    fleet.propagate(nginx).orThrow();

    PropagationResult result = fleet.delete(nginx);

    for (String cluster : List.of("dev1", "dev2")) {
      Deployment left = copy(sandbox, cluster, ns, "nginx");
      assertThat(left).as(cluster + "'s copy").isNotNull();
      assertThat(left.getMetadata().getDeletionTimestamp()).as(cluster).isNotNull();
      assertThat(left.getMetadata().getFinalizers()).as(cluster).containsExactly("orphan");
      assertThat(result).hasStatus(cluster, PropagationStatus.WAITING_FOR_REMOVAL);
      assertThat(result.cluster(cluster).orElseThrow().message()).get().asString().contains("[orphan]");
    }
    release(sandbox, ns, "nginx");
    await(WAIT, "the released copies to go", () -> copy(sandbox, "dev1", ns, "nginx") == null
        && copy(sandbox, "dev2", ns, "nginx") == null);
  }

  @Test
  void foregroundLeavesEachCopyToTheForegroundDeletionFinalizer(ClusterFleet fleet, FleetSandbox sandbox) {
    String ns = unique("delopt");
    FederatedResource web = deployment(ns, "web", Placement.clusters("dev2"),
        DeleteOptions.defaults().withPropagationPolicy(Propagation.FOREGROUND));
    fleet.propagate(web).orThrow();

    PropagationResult result = fleet.delete(web);

    Deployment left = copy(sandbox, "dev2", ns, "web");
    assertThat(left.getMetadata().getFinalizers()).containsExactly("foregroundDeletion");
    assertThat(result).hasStatus("dev2", PropagationStatus.WAITING_FOR_REMOVAL);
    release(sandbox, ns, "web");
  }

  @Test
  void withoutTheAnnotationEachCopyGoesAtOnceAsBefore(ClusterFleet fleet, FleetSandbox sandbox) {
    String ns = unique("delopt");
    FederatedResource plain = deployment(ns, "plain", BOTH, DeleteOptions.defaults());
    assertThat(plain.annotations()).isEmpty();
    fleet.propagate(plain).orThrow();

    PropagationResult result = fleet.delete(plain);

    assertThat(result.isSuccess()).isTrue();
    assertThat(result).hasAction("dev1", ClusterAction.DELETED).hasAction("dev2", ClusterAction.DELETED);
    assertThat(copy(sandbox, "dev1", ns, "plain")).isNull();
    assertThat(copy(sandbox, "dev2", ns, "plain")).isNull();
  }

  @Test
  void aCopyRemovedFromAClusterNoLongerPlacedIsDeletedPlainlyAsKubeFedDoes(ClusterFleet fleet,
      FleetSandbox sandbox) {
    String ns = unique("delopt");
    DeleteOptions orphan = DeleteOptions.defaults().withPropagationPolicy(Propagation.ORPHAN);
    fleet.propagate(deployment(ns, "moving", BOTH, orphan)).orThrow();

    PropagationResult result = fleet.propagate(deployment(ns, "moving", Placement.clusters("dev1"), orphan));

    assertThat(result).hasAction("dev2", ClusterAction.DELETED);
    assertThat(copy(sandbox, "dev2", ns, "moving")).isNull();
    fleet.delete(deployment(ns, "moving", Placement.clusters("dev1"), orphan));
    release(sandbox, ns, "moving");
  }

  @Test
  void theGracePeriodReachesThePodsDelete(ClusterFleet fleet, FleetSandbox sandbox) {
    String ns = unique("delopt");
    KubernetesClient dev2 = sandbox.cluster("dev2").client();
    // a Pod needs its namespace's default ServiceAccount, which the sandbox's controllers create a moment later
    dev2.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    await(WAIT, "the default ServiceAccount of " + ns,
        () -> dev2.serviceAccounts().inNamespace(ns).withName("default").get() != null);
    // bound to a node, so that only its kubelet (there is none) could end its grace period early
    FederatedResource pod = FederatedResource.builder(PODS).namespace(ns).name("worker")
        .placement(Placement.clusters("dev2"))
        .deleteOptions(DeleteOptions.defaults().withGracePeriodSeconds(7))
        .template(Map.of("spec", Map.of("nodeName", "node-that-is-not-there",
            "containers", List.of(Map.of("name", "c", "image", "busybox:1.36")))))
        .build();
    fleet.propagate(pod).orThrow();

    PropagationResult result = fleet.delete(pod);

    Pod left = dev2.pods().inNamespace(ns).withName("worker").get();
    assertThat(left.getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(7L);
    assertThat(result).hasStatus("dev2", PropagationStatus.WAITING_FOR_REMOVAL);
    assertThat(result.cluster("dev2").orElseThrow().message()).contains(
        "the copy is being deleted within its grace period of 7 s");
    dev2.pods().inNamespace(ns).withName("worker").withGracePeriod(0).delete();
  }

  @Test
  void aPreconditionThatDoesNotHoldRefusesTheDeleteAndOneThatHoldsLetsItThrough(ClusterFleet fleet,
      FleetSandbox sandbox) {
    String ns = unique("delopt");
    FederatedResource guarded = deployment(ns, "guarded", Placement.clusters("dev2"),
        DeleteOptions.defaults().withUidPrecondition("00000000-0000-0000-0000-000000000000"));
    fleet.propagate(guarded).orThrow();

    PropagationResult refused = fleet.delete(guarded);

    assertThat(refused).hasStatus("dev2", PropagationStatus.DELETION_FAILED);
    assertThat(refused.cluster("dev2").orElseThrow().message()).get().asString()
        .contains("the UID in the precondition (00000000-0000-0000-0000-000000000000) does not match");
    Deployment kept = copy(sandbox, "dev2", ns, "guarded");
    assertThat(kept).isNotNull();
    assertThat(kept.getMetadata().getDeletionTimestamp()).isNull();

    FederatedResource matching = guarded.toBuilder().deleteOptions(DeleteOptions.defaults()
        .withUidPrecondition(kept.getMetadata().getUid())
        .withResourceVersionPrecondition(kept.getMetadata().getResourceVersion())).build();
    PropagationResult deleted = fleet.delete(matching);

    assertThat(deleted).hasAction("dev2", ClusterAction.DELETED);
    assertThat(copy(sandbox, "dev2", ns, "guarded")).isNull();
  }
}
