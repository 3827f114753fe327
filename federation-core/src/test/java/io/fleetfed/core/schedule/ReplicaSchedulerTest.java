package io.fleetfed.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.DoubleNode;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.ClusterOverride;
import io.fleetfed.core.model.ClusterOverrides;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.LabelSelector;
import io.fleetfed.core.model.OverrideOp;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.model.ResourceType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplicaSchedulerTest {
  private static final ResourceType DEPLOYMENTS = ResourceType.namespaced("apps", "v1", "Deployment", "deployments");
  private static final ResourceType REPLICA_SETS = ResourceType.namespaced("apps", "v1", "ReplicaSet", "replicasets");
  private static final ResourceType CONFIG_MAPS = ResourceType.namespaced("", "v1", "ConfigMap", "configmaps");

  private static final ClusterOverride LABEL = ClusterOverride.add("/metadata/labels/tier", "build");
  private static final ClusterOverride IMAGE =
      ClusterOverride.replace("/spec/template/spec/containers/0/image", "nginx:1.27");

  private static final List<Cluster> DEV2_DEV3 = List.of(Cluster.ready("dev2"), Cluster.ready("dev3"));

  private static FederatedResource.Builder nginx(ResourceType type) {
    return FederatedResource.builder(type).namespace("web").name("nginx")
        .template(Map.of("spec", Map.of("replicas", 1)));
  }

  private static FederatedResource deployment(Placement placement, ClusterOverrides... overrides) {
    return nginx(DEPLOYMENTS).placement(placement).overrides(List.of(overrides)).build();
  }

  private static ReplicaSchedulingPreference twoToOne(int total) {
    return ReplicaSchedulingPreference.forDeployment(total)
        .cluster("dev2", ClusterPreferences.weight(2))
        .cluster("dev3", ClusterPreferences.weight(1))
        .build();
  }

  private static ClusterOverride replicas(int n) {
    return ClusterOverride.replace("/spec/replicas", n);
  }

  @Test
  void writesPlacementAndReplicaOverrides() {
    FederatedResource target = deployment(Placement.none());

    FederatedResource scheduled = ReplicaScheduler.schedule(target, twoToOne(9), DEV2_DEV3, Map.of(), Map.of());

    assertThat(scheduled.placement()).isEqualTo(Placement.clusters("dev2", "dev3"));
    assertThat(scheduled.overrides()).containsExactly(
        ClusterOverrides.of("dev2", replicas(6)),
        ClusterOverrides.of("dev3", replicas(3)));
    assertThat(scheduled.template()).isEqualTo(target.template());
  }

  @Test
  void clustersGivenNoReplicasArePlacedWithZero() {
    ReplicaSchedulingPreference onlyDev2 = ReplicaSchedulingPreference.forDeployment(4)
        .cluster("dev2", ClusterPreferences.weight(1)).build();

    FederatedResource scheduled =
        ReplicaScheduler.schedule(deployment(Placement.none()), onlyDev2, DEV2_DEV3, Map.of(), Map.of());

    assertThat(scheduled.placement().clusters()).contains(List.of("dev2", "dev3"));
    assertThat(scheduled.overridesFor("dev2")).containsExactly(replicas(4));
    assertThat(scheduled.overridesFor("dev3")).containsExactly(replicas(0));
  }

  @Test
  void emptyPreferencesShareEvenly() {
    ReplicaSchedulingPreference even = ReplicaSchedulingPreference.forDeployment(4).build();

    FederatedResource scheduled =
        ReplicaScheduler.schedule(deployment(Placement.none()), even, DEV2_DEV3, Map.of(), Map.of());

    assertThat(scheduled.overridesFor("dev2")).containsExactly(replicas(2));
    assertThat(scheduled.overridesFor("dev3")).containsExactly(replicas(2));
  }

  @Test
  void keepsOtherOverridesInOrderAndReplacesTheReplicaOverrideInPlace() {
    FederatedResource target = deployment(Placement.clusters("dev2"),
        ClusterOverrides.of("dev2", LABEL, replicas(1), IMAGE),
        ClusterOverrides.of("dev3", IMAGE));

    FederatedResource scheduled = ReplicaScheduler.schedule(target, twoToOne(9), DEV2_DEV3, Map.of(), Map.of());

    assertThat(scheduled.overrides()).containsExactly(
        ClusterOverrides.of("dev2", LABEL, replicas(6), IMAGE),
        ClusterOverrides.of("dev3", IMAGE, replicas(3)));
  }

  @Test
  void removesStaleReplicaOverridesAndDropsEntriesLeftEmpty() {
    FederatedResource target = deployment(Placement.clusters("dev2", "dev3", "dev4", "dev5"),
        ClusterOverrides.of("dev4", replicas(5)),
        ClusterOverrides.of("dev5", replicas(5), LABEL),
        ClusterOverrides.of("dev6"));
    List<Cluster> clusters = List.of(Cluster.ready("dev2"), Cluster.ready("dev3"),
        Cluster.ready("dev4").withReady(false));

    FederatedResource scheduled = ReplicaScheduler.schedule(target, twoToOne(9), clusters, Map.of(), Map.of());

    assertThat(scheduled.placement()).isEqualTo(Placement.clusters("dev2", "dev3"));
    assertThat(scheduled.overrides()).containsExactly(
        ClusterOverrides.of("dev5", LABEL),
        ClusterOverrides.of("dev6"),
        ClusterOverrides.of("dev2", replicas(6)),
        ClusterOverrides.of("dev3", replicas(3)));
  }

  @Test
  void clustersThatAreNotReadyTakeNoPart() {
    List<Cluster> clusters = List.of(Cluster.ready("dev2"), new Cluster("dev3", Map.of(), false));

    FederatedResource scheduled =
        ReplicaScheduler.schedule(deployment(Placement.none()), twoToOne(9), clusters, Map.of(), Map.of());

    assertThat(scheduled.placement()).isEqualTo(Placement.clusters("dev2"));
    assertThat(scheduled.overrides()).containsExactly(ClusterOverrides.of("dev2", replicas(9)));
  }

  @Test
  void withoutReadyClustersNothingChanges() {
    FederatedResource target = deployment(Placement.clusters("dev2"), ClusterOverrides.of("dev2", replicas(3)));
    List<Cluster> clusters = List.of(Cluster.ready("dev2").withReady(false));

    assertThat(ReplicaScheduler.schedule(target, twoToOne(9), clusters, Map.of(), Map.of())).isSameAs(target);
    assertThat(ReplicaScheduler.schedule(target, twoToOne(9), List.of(), Map.of(), Map.of())).isSameAs(target);
    assertThat(ReplicaScheduler.plan(target, twoToOne(9), List.of(), Map.of(), Map.of())).isEmpty();
  }

  @Test
  void unchangedScheduleReturnsTheSameObject() {
    FederatedResource once =
        ReplicaScheduler.schedule(deployment(Placement.none()), twoToOne(9), DEV2_DEV3, Map.of(), Map.of());

    assertThat(ReplicaScheduler.schedule(once, twoToOne(9), DEV2_DEV3, Map.of(), Map.of())).isSameAs(once);
  }

  @Test
  void placementInAnotherOrderAndEqualNumbersAreNotAChange() {
    FederatedResource target = deployment(Placement.clusters("dev3", "dev2"),
        ClusterOverrides.of("dev3",
            new ClusterOverride(OverrideOp.REPLACE, "/spec/replicas", Optional.of(DoubleNode.valueOf(3.0)))),
        ClusterOverrides.of("dev2", ClusterOverride.add("/spec/replicas", 6)));

    assertThat(ReplicaScheduler.schedule(target, twoToOne(9), DEV2_DEV3, Map.of(), Map.of())).isSameAs(target);
  }

  @Test
  void anAddReplicaOverrideStaysAnAdd() {
    FederatedResource target = deployment(Placement.clusters("dev2", "dev3"),
        ClusterOverrides.of("dev2", ClusterOverride.add("/spec/replicas", 1)));

    FederatedResource scheduled = ReplicaScheduler.schedule(target, twoToOne(9), DEV2_DEV3, Map.of(), Map.of());

    assertThat(scheduled.overridesFor("dev2")).containsExactly(ClusterOverride.add("/spec/replicas", 6));
  }

  @Test
  void intersectsWithTheClusterSelectorEvenWhenClustersAreListed() {
    LabelSelector build = LabelSelector.matchLabels(Map.of("tier", "build"));
    FederatedResource target = deployment(
        new Placement(Optional.of(List.of("dev2", "dev3")), Optional.of(build)));
    List<Cluster> clusters = List.of(
        Cluster.ready("dev2").withLabels(Map.of("tier", "build")),
        Cluster.ready("dev3"),
        Cluster.ready("dev4").withLabels(Map.of("tier", "build")),
        Cluster.ready("dev5").withLabels(Map.of("tier", "build")).withReady(false));
    ReplicaSchedulingPreference rsp = ReplicaSchedulingPreference.forDeployment(6)
        .intersectWithClusterSelector(true).allClusters(ClusterPreferences.weight(1)).build();

    FederatedResource scheduled = ReplicaScheduler.schedule(target, rsp, clusters, Map.of(), Map.of());

    // The selector is kept: the next schedule intersects with it again.
    assertThat(scheduled.placement())
        .isEqualTo(new Placement(Optional.of(List.of("dev2", "dev4")), Optional.of(build)));
    assertThat(scheduled.overridesFor("dev2")).containsExactly(replicas(3));
    assertThat(scheduled.overridesFor("dev4")).containsExactly(replicas(3));
    assertThat(ReplicaScheduler.schedule(scheduled, rsp, clusters, Map.of(), Map.of())).isSameAs(scheduled);
  }

  @Test
  void withoutIntersectionTheSelectorDoesNotRestrict() {
    LabelSelector build = LabelSelector.matchLabels(Map.of("tier", "build"));
    FederatedResource target = deployment(Placement.selector(build));
    List<Cluster> clusters = List.of(Cluster.ready("dev2").withLabels(Map.of("tier", "build")), Cluster.ready("dev3"));
    ReplicaSchedulingPreference rsp = ReplicaSchedulingPreference.forDeployment(6)
        .allClusters(ClusterPreferences.weight(1)).build();

    FederatedResource scheduled = ReplicaScheduler.schedule(target, rsp, clusters, Map.of(), Map.of());

    assertThat(scheduled.placement())
        .isEqualTo(new Placement(Optional.of(List.of("dev2", "dev3")), Optional.of(build)));
  }

  @Test
  void intersectionWithNothingChangesNothing() {
    ReplicaSchedulingPreference rsp = ReplicaSchedulingPreference.forDeployment(6)
        .intersectWithClusterSelector(true).build();
    FederatedResource noSelector = deployment(Placement.clusters("dev2", "dev3"));
    FederatedResource noMatch = deployment(Placement.selector(LabelSelector.matchLabels(Map.of("tier", "gpu"))));

    assertThat(ReplicaScheduler.schedule(noSelector, rsp, DEV2_DEV3, Map.of(), Map.of())).isSameAs(noSelector);
    assertThat(ReplicaScheduler.schedule(noMatch, rsp, DEV2_DEV3, Map.of(), Map.of())).isSameAs(noMatch);
  }

  @Test
  void theEmptySelectorMatchesEveryReadyCluster() {
    ReplicaSchedulingPreference rsp = ReplicaSchedulingPreference.forDeployment(6)
        .intersectWithClusterSelector(true).build();
    FederatedResource target = deployment(Placement.allClusters());

    FederatedResource scheduled = ReplicaScheduler.schedule(target, rsp, DEV2_DEV3, Map.of(), Map.of());

    assertThat(scheduled.placement().clusters()).contains(List.of("dev2", "dev3"));
  }

  @Test
  void plansWithTheKeyNamespaceSlashName() {
    ReplicaSchedulingPreference one = ReplicaSchedulingPreference.forDeployment(1).build();
    FederatedResource target = deployment(Placement.none());

    assertThat(ReplicaScheduler.plan(target, one, DEV2_DEV3, Map.of(), Map.of()))
        .contains(ReplicaPlanner.plan(one, List.of("dev2", "dev3"), Map.of(), Map.of(), "web/nginx"));
    // fnv1("dev2" + "web/nginx") < fnv1("dev3" + "web/nginx"), compared unsigned.
    assertThat(ReplicaScheduler.schedule(target, one, DEV2_DEV3, Map.of(), Map.of()).overridesFor("dev2"))
        .containsExactly(replicas(1));
  }

  @Test
  void currentReplicasStayWithoutRebalance() {
    ReplicaSchedulingPreference even = ReplicaSchedulingPreference.forDeployment(10).build();
    FederatedResource target = deployment(Placement.none());

    FederatedResource kept = ReplicaScheduler.schedule(target, even, DEV2_DEV3, Map.of("dev3", 7), Map.of());
    FederatedResource moved = ReplicaScheduler.schedule(target, even.toBuilder().rebalance(true).build(), DEV2_DEV3,
        Map.of("dev3", 7), Map.of());

    assertThat(kept.overridesFor("dev2")).containsExactly(replicas(3));
    assertThat(kept.overridesFor("dev3")).containsExactly(replicas(7));
    assertThat(moved.overridesFor("dev2")).containsExactly(replicas(5));
    assertThat(moved.overridesFor("dev3")).containsExactly(replicas(5));
  }

  @Test
  void overflowIsAddedToThePlan() {
    ReplicaSchedulingPreference rebalance = ReplicaSchedulingPreference.forDeployment(10).rebalance(true).build();
    FederatedResource target = deployment(Placement.none());

    FederatedResource scheduled =
        ReplicaScheduler.schedule(target, rebalance, DEV2_DEV3, Map.of(), Map.of("dev3", 2));

    // plan dev2=8 dev3=2, overflow dev3=3
    assertThat(scheduled.overridesFor("dev2")).containsExactly(replicas(8));
    assertThat(scheduled.overridesFor("dev3")).containsExactly(replicas(5));
  }

  @Test
  void schedulesReplicaSets() {
    FederatedResource target = nginx(REPLICA_SETS).build();
    ReplicaSchedulingPreference rsp = ReplicaSchedulingPreference.forReplicaSet(4).build();

    FederatedResource scheduled = ReplicaScheduler.schedule(target, rsp, DEV2_DEV3, Map.of(), Map.of());

    assertThat(scheduled.placement()).isEqualTo(Placement.clusters("dev2", "dev3"));
  }

  @Test
  void rejectsATargetOfAnotherKind() {
    FederatedResource deployment = deployment(Placement.none());
    FederatedResource configMap = nginx(CONFIG_MAPS).template(Map.of()).build();
    ReplicaSchedulingPreference forReplicaSets = ReplicaSchedulingPreference.forReplicaSet(3).build();

    assertThatThrownBy(() -> ReplicaScheduler.schedule(deployment, forReplicaSets, DEV2_DEV3, Map.of(), Map.of()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("targetKind FederatedReplicaSet")
        .hasMessageContaining("FederatedDeployment web/nginx");
    assertThatThrownBy(() -> ReplicaScheduler.schedule(configMap, twoToOne(3), DEV2_DEV3, Map.of(), Map.of()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("only Deployments and ReplicaSets can be scheduled");
    // Even when no cluster is eligible: a wrong pairing is a programming error.
    assertThatThrownBy(() -> ReplicaScheduler.schedule(configMap, twoToOne(3), List.of(), Map.of(), Map.of()))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void applyValidatesItsInput() {
    FederatedResource target = deployment(Placement.none());

    assertThatThrownBy(() -> ReplicaScheduler.apply(target, Map.of("dev2", -1)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("replicas[dev2]: must not be negative");
    assertThatThrownBy(() -> ReplicaScheduler.apply(target, Map.of("Dev2", 1)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Dev2");
  }
}
