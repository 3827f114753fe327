package io.fleetfed.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PreferencesTest {

  @Test
  void clusterPreferencesDefaultsAndFactories() {
    assertThat(ClusterPreferences.defaults()).isEqualTo(new ClusterPreferences(0, Optional.empty(), 0));
    assertThat(ClusterPreferences.weight(3)).isEqualTo(new ClusterPreferences(0, Optional.empty(), 3));
    assertThat(ClusterPreferences.of(1, 5, 2)).isEqualTo(new ClusterPreferences(1, Optional.of(5), 2));
    assertThat(ClusterPreferences.weight(2).withMinReplicas(1).withMaxReplicas(5))
        .isEqualTo(ClusterPreferences.of(1, 5, 2));
    assertThat(ClusterPreferences.of(1, 5, 2).withoutMaxReplicas().withWeight(7))
        .isEqualTo(new ClusterPreferences(1, Optional.empty(), 7));
    assertThat(ClusterPreferences.of(3, 3, 0).maxReplicas()).contains(3);
  }

  @Test
  void clusterPreferencesRejectEveryProblemAtOnce() {
    assertThatThrownBy(() -> new ClusterPreferences(-1, Optional.of(-2), -3))
        .isInstanceOf(ValidationException.class)
        .satisfies(e -> assertThat(((ValidationException) e).violations()).extracting(Violation::field)
            .containsExactly(Optional.of("minReplicas"), Optional.of("weight"), Optional.of("maxReplicas")));
    assertThatThrownBy(() -> ClusterPreferences.of(5, 4, 1))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("maxReplicas: must not be less than minReplicas (4 < 5)");
  }

  @Test
  void rspBuilderAndDefaults() {
    ReplicaSchedulingPreference rsp = ReplicaSchedulingPreference.forDeployment(10)
        .rebalance(true)
        .intersectWithClusterSelector(true)
        .cluster("dev3", ClusterPreferences.weight(1))
        .cluster("dev2", ClusterPreferences.weight(2))
        .allClusters(ClusterPreferences.defaults())
        .build();

    assertThat(rsp.targetKind()).isEqualTo("FederatedDeployment");
    assertThat(rsp.totalReplicas()).isEqualTo(10);
    assertThat(rsp.rebalance()).isTrue();
    assertThat(rsp.intersectWithClusterSelector()).isTrue();
    assertThat(rsp.clusters()).containsOnlyKeys("*", "dev2", "dev3");
    assertThat(rsp.clusters().keySet()).containsExactly("*", "dev2", "dev3");
    assertThat(rsp.toBuilder().build()).isEqualTo(rsp);
    assertThat(rsp.withTotalReplicas(3).totalReplicas()).isEqualTo(3);
    assertThat(ReplicaSchedulingPreference.forReplicaSet(1).build().targetKind()).isEqualTo("FederatedReplicaSet");

    ReplicaSchedulingPreference plain = ReplicaSchedulingPreference.forDeployment(1).build();
    assertThat(plain.rebalance()).isFalse();
    assertThat(plain.intersectWithClusterSelector()).isFalse();
    assertThat(plain.clusters()).isEmpty();
  }

  @Test
  void emptyClustersMeanWeightOneEverywhere() {
    ReplicaSchedulingPreference plain = ReplicaSchedulingPreference.forDeployment(1).build();
    assertThat(plain.effectiveClusters()).isEqualTo(Map.of("*", ClusterPreferences.weight(1)));
    assertThat(plain.preferencesFor("dev2")).contains(ClusterPreferences.weight(1));
  }

  @Test
  void preferencesForFallsBackToTheWildcard() {
    ReplicaSchedulingPreference rsp = ReplicaSchedulingPreference.forDeployment(1)
        .cluster("dev2", ClusterPreferences.weight(2)).build();
    assertThat(rsp.preferencesFor("dev2")).contains(ClusterPreferences.weight(2));
    assertThat(rsp.preferencesFor("dev3")).isEmpty();
    ReplicaSchedulingPreference star = rsp.toBuilder().allClusters(ClusterPreferences.weight(5)).build();
    assertThat(star.preferencesFor("dev3")).contains(ClusterPreferences.weight(5));
  }

  @Test
  void clustersAreCopiedAndUnmodifiable() {
    Map<String, ClusterPreferences> given = new LinkedHashMap<>();
    given.put("dev2", ClusterPreferences.weight(1));
    ReplicaSchedulingPreference rsp = new ReplicaSchedulingPreference("FederatedDeployment", 1, false, false, given);
    given.put("dev3", ClusterPreferences.weight(1));

    assertThat(rsp.clusters()).containsOnlyKeys("dev2");
    assertThatThrownBy(() -> rsp.clusters().put("x", ClusterPreferences.defaults()))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rspRejectsEveryProblemAtOnce() {
    assertThatThrownBy(() -> ReplicaSchedulingPreference.builder("FederatedJob").totalReplicas(-1)
        .cluster("", ClusterPreferences.defaults()).build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("spec.targetKind: \"FederatedJob\" is not a kind")
        .hasMessageContaining("use FederatedDeployment or FederatedReplicaSet")
        .hasMessageContaining("spec.totalReplicas: must not be negative (got -1)")
        .hasMessageContaining("spec.clusters: a key is empty");
  }

  @Test
  void replicaPlanIsSortedAndCombinesOverflow() {
    Map<String, Integer> plan = new LinkedHashMap<>();
    plan.put("dev3", 2);
    plan.put("dev2", 8);
    ReplicaPlan replicaPlan = new ReplicaPlan(plan, Map.of("dev3", 3, "dev4", 1));

    assertThat(replicaPlan.plan()).containsExactly(Map.entry("dev2", 8), Map.entry("dev3", 2));
    assertThat(replicaPlan.result())
        .containsExactly(Map.entry("dev2", 8), Map.entry("dev3", 5), Map.entry("dev4", 1));
    assertThat(replicaPlan.plannedTotal()).isEqualTo(10);
    assertThatThrownBy(() -> replicaPlan.plan().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> replicaPlan.result().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void replicaPlanRejectsNegativeCounts() {
    assertThatThrownBy(() -> new ReplicaPlan(Map.of("dev2", -1), Map.of("dev3", -2)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("plan[dev2]")
        .hasMessageContaining("overflow[dev3]");
  }
}
