package io.fleetfed.core.render;

import static io.fleetfed.core.model.TestTypes.CLUSTER_ROLES;
import static io.fleetfed.core.model.TestTypes.DEPLOYMENTS;
import static io.fleetfed.core.model.TestTypes.NAMESPACES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.LabelSelector;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.model.SelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** KubeFed's placement rules, as {@link Placements} computes them. */
class PlacementsTest {
  static final Cluster DEV1 = Cluster.ready("dev1").withLabels(Map.of("role", "host"));
  static final Cluster DEV2 = Cluster.ready("dev2").withLabels(Map.of("pipelines", "true", "security", "high"));
  static final Cluster DEV3 = new Cluster("dev3", Map.of("pipelines", "true", "security", "low"), false);
  static final List<Cluster> FLEET = List.of(DEV3, DEV1, DEV2);

  static final LabelSelector PIPELINES = LabelSelector.matchLabels(Map.of("pipelines", "true"));

  @Nested
  class ListOrSelector {
    @Test
    void anExplicitListIsUsedAsIs() {
      assertThat(Placements.select(Placement.clusters("dev2", "dev1"), FLEET)).containsExactly("dev1", "dev2");
    }

    @Test
    void theListWinsOverTheSelectorEvenWhenEmpty() {
      Placement emptyList = new Placement(Optional.of(List.of()), Optional.of(LabelSelector.everything()));
      assertThat(Placements.select(emptyList, FLEET)).isEmpty();

      Placement listAndSelector = new Placement(Optional.of(List.of("dev1")), Optional.of(PIPELINES));
      assertThat(Placements.select(listAndSelector, FLEET)).containsExactly("dev1");
      assertThat(Placements.select(Placement.clusters(List.of()), FLEET)).isEmpty();
    }

    @Test
    void withoutAListTheSelectorDecides() {
      Placement selector = new Placement(Optional.empty(), Optional.of(PIPELINES));
      assertThat(Placements.select(selector, FLEET)).containsExactly("dev2", "dev3");
      assertThat(Placements.select(Placement.selector(PIPELINES.and(SelectorRequirement.in("security", "high"))),
          FLEET)).containsExactly("dev2");
      assertThat(Placements.select(Placement.selector(LabelSelector.matchLabels(Map.of("gpu", "yes"))), FLEET))
          .isEmpty();
    }

    @Test
    void absentSelectorSelectsNothing() {
      assertThat(Placements.select(Placement.none(), FLEET)).isEmpty();
    }

    @Test
    void emptySelectorSelectsEveryCluster() {
      assertThat(Placements.select(Placement.allClusters(), FLEET)).containsExactly("dev1", "dev2", "dev3");
      assertThat(Placements.select(Placement.selector(LabelSelector.matchLabels(Map.of())), FLEET))
          .containsExactly("dev1", "dev2", "dev3");
    }

    @Test
    void notInSelectsClustersWithoutTheLabel() {
      Placement notHigh = Placement.selector(LabelSelector.everything().and(SelectorRequirement.notIn("security",
          "high")));
      assertThat(Placements.select(notHigh, FLEET)).containsExactly("dev1", "dev3");
    }
  }

  @Nested
  class Registration {
    @Test
    void unknownNamesAreDroppedSilently() {
      assertThat(Placements.select(Placement.clusters("dev9", "dev2", "prod"), FLEET)).containsExactly("dev2");
      assertThat(Placements.select(Placement.clusters("dev2"), List.of())).isEmpty();
    }

    @Test
    void duplicatesInTheListCountOnce() {
      assertThat(Placements.select(Placement.clusters("dev2", "dev2", "dev1"), FLEET)).containsExactly("dev1", "dev2");
    }

    @Test
    void clustersThatAreNotReadyAreStillSelected() {
      assertThat(Placements.select(Placement.clusters("dev3"), FLEET)).containsExactly("dev3");
      assertThat(Placements.select(Placement.selector(PIPELINES), FLEET)).contains("dev3");
    }

    @Test
    void theResultIsInNameOrderAndUnmodifiable() {
      List<String> names = List.copyOf(Placements.select(Placement.allClusters(), FLEET));
      assertThat(names).containsExactly("dev1", "dev2", "dev3");
      assertThatThrownBy(() -> Placements.select(Placement.allClusters(), FLEET).add("x"))
          .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aClusterRegisteredTwiceIsRefused() {
      assertThatThrownBy(() -> Placements.select(Placement.allClusters(), List.of(DEV1, DEV2, DEV1.withReady(false))))
          .isInstanceOf(ValidationException.class).hasMessageContaining("cluster \"dev1\" is listed more than once");
    }
  }

  @Nested
  class FederatedNamespaceRestriction {
    final FederatedResource nsOnDev1Dev2 =
        FederatedResource.builder(NAMESPACES).name("web").placement(Placement.clusters("dev1", "dev2")).build();

    FederatedResource deployment(Placement placement) {
      return FederatedResource.builder(DEPLOYMENTS).namespace("web").name("app").placement(placement).build();
    }

    @Test
    void placementIsIntersectedWithTheNamespaces() {
      FederatedResource onDev2Dev3 = deployment(Placement.clusters("dev2", "dev3"));

      assertThat(Placements.select(onDev2Dev3, FLEET, Optional.of(nsOnDev1Dev2))).containsExactly("dev2");
      assertThat(Placements.select(deployment(Placement.allClusters()), FLEET, Optional.of(nsOnDev1Dev2)))
          .containsExactly("dev1", "dev2");
    }

    @Test
    void theNamespaceMaySelectBySelector() {
      FederatedResource nsOnPipelines = FederatedResource.builder(NAMESPACES).name("web")
          .placement(Placement.selector(PIPELINES)).build();

      assertThat(Placements.select(deployment(Placement.allClusters()), FLEET, Optional.of(nsOnPipelines)))
          .containsExactly("dev2", "dev3");
    }

    @Test
    void aNamespacePlacedNowhereEmptiesThePlacement() {
      FederatedResource nowhere = FederatedResource.builder(NAMESPACES).name("web").build();
      assertThat(Placements.select(deployment(Placement.allClusters()), FLEET, Optional.of(nowhere))).isEmpty();
    }

    @Test
    void aMissingFederatedNamespaceDoesNotRestrict() {
      assertThat(Placements.select(deployment(Placement.allClusters()), FLEET, Optional.empty()))
          .containsExactly("dev1", "dev2", "dev3");
    }

    @Test
    void theFederatedNamespaceMustGovernTheResourcesNamespace() {
      FederatedResource other = FederatedResource.builder(NAMESPACES).name("other").build();
      assertThatThrownBy(() -> Placements.select(deployment(Placement.allClusters()), FLEET, Optional.of(other)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FederatedNamespace other/other")
          .hasMessageContaining("FederatedDeployment web/app");

      FederatedResource role = FederatedResource.builder(CLUSTER_ROLES).name("web")
          .placement(Placement.allClusters()).build();
      assertThatThrownBy(() -> Placements.select(role, FLEET, Optional.of(nsOnDev1Dev2)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Placements.select(nsOnDev1Dev2, FLEET, Optional.of(nsOnDev1Dev2)))
          .isInstanceOf(IllegalArgumentException.class);
      FederatedResource notANamespace = deployment(Placement.allClusters());
      assertThatThrownBy(() -> Placements.select(deployment(Placement.allClusters()), FLEET,
          Optional.of(notANamespace))).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
