package io.fleetfed.core.render;

import static io.fleetfed.core.model.TestTypes.CLUSTER_ROLES;
import static io.fleetfed.core.model.TestTypes.CONFIG_MAPS;
import static io.fleetfed.core.model.TestTypes.DEPLOYMENTS;
import static io.fleetfed.core.model.TestTypes.NAMESPACES;
import static io.fleetfed.core.model.TestTypes.object;
import static io.fleetfed.core.model.TestTypes.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.ClusterOverride;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Preview}: several federated objects rendered together. */
class PreviewTest {
  static final List<Cluster> FLEET = List.of(Cluster.ready("dev1"), Cluster.ready("dev2"), Cluster.ready("dev3"));

  static FederatedResource deployment(String namespace, String name, Placement placement) {
    return FederatedResource.builder(DEPLOYMENTS).namespace(namespace).name(name)
        .template(object("{'spec': {'replicas': 1}}")).placement(placement).build();
  }

  static FederatedResource namespace(String name, Placement placement) {
    return FederatedResource.builder(NAMESPACES).name(name).placement(placement).build();
  }

  @Test
  void everyFailingResourceIsReportedAtOnce() {
    FederatedResource broken1 = deployment("web", "a", Placement.clusters("dev1")).toBuilder()
        .override("dev1", ClusterOverride.remove("/spec/paused")).build();
    FederatedResource fine = deployment("web", "b", Placement.allClusters());
    FederatedResource broken2 = FederatedResource.builder(CONFIG_MAPS).namespace("web").name("c")
        .template(object("{'data': {'k': 'v'}}")).placement(Placement.clusters("dev2"))
        .override("dev2", ClusterOverride.replace("/data/k", "v2"), ClusterOverride.add("/data/x/y", "z")).build();

    ValidationException e = rejected(() -> Preview.render(List.of(broken1, fine, broken2), FLEET));

    assertThat(e.violations()).hasSize(2);
    Violation first = e.violations().get(0);
    assertThat(first.object()).contains("FederatedDeployment web/a");
    assertThat(first.field()).contains("spec.overrides[0].clusterOverrides[0]");
    assertThat(first.reason()).contains("cluster \"dev1\", override 0 (remove /spec/paused)")
        .contains("no such path");
    Violation second = e.violations().get(1);
    assertThat(second.object()).contains("FederatedConfigMap web/c");
    assertThat(second.field()).contains("spec.overrides[0].clusterOverrides[1]");
    assertThat(second.reason()).contains("cluster \"dev2\", override 1 (add /data/x/y)");
    assertThat(e.getMessage()).startsWith("2 problems:").contains("FederatedDeployment web/a")
        .contains("FederatedConfigMap web/c");
  }

  @Test
  void resourcesAreRenderedInTheGivenOrder() {
    List<ResourceRendering> preview = Preview.render(List.of(
        deployment("web", "z", Placement.clusters("dev1")),
        FederatedResource.builder(CLUSTER_ROLES).name("a").placement(Placement.clusters("dev2")).build(),
        deployment("web", "m", Placement.none())), FLEET);

    assertThat(preview).extracting(r -> r.resource().name()).containsExactly("z", "a", "m");
    assertThat(preview.get(2).clusters()).isEmpty();
    assertThat(preview.get(1).renderedClusters()).containsExactly("dev2");
  }

  @Test
  void aFederatedNamespaceAmongTheResourcesRestrictsItsNamespacesObjects() {
    List<ResourceRendering> preview = Preview.render(List.of(
        deployment("web", "app", Placement.allClusters()),
        namespace("web", Placement.clusters("dev1", "dev2")),
        deployment("other", "app", Placement.allClusters())), FLEET);

    assertThat(preview.get(0).clusters()).as("restricted by FederatedNamespace web, listed after it")
        .containsOnlyKeys("dev1", "dev2");
    assertThat(preview.get(1).clusters()).containsOnlyKeys("dev1", "dev2");
    assertThat(preview.get(2).clusters()).as("namespace other is not federated: no restriction")
        .containsOnlyKeys("dev1", "dev2", "dev3");
  }

  @Test
  void theSameObjectFederatedTwiceDifferentlyIsAnError() {
    ValidationException e = rejected(() -> Preview.render(List.of(
        namespace("web", Placement.clusters("dev1")), namespace("web", Placement.clusters("dev2"))), FLEET));

    assertThat(e.violations()).singleElement().satisfies(v -> {
      assertThat(v.object()).contains("FederatedNamespace web/web");
      assertThat(v.reason()).contains("is given twice, with different contents");
    });
    assertThat(Preview.render(List.of(namespace("web", Placement.clusters("dev1")),
        namespace("web", Placement.clusters("dev1"))), FLEET)).hasSize(2);
    assertThat(rejected(() -> Preview.render(List.of(deployment("web", "app", Placement.clusters("dev1")),
        deployment("web", "app", Placement.clusters("dev2"))), FLEET)).violations()).singleElement()
        .satisfies(v -> assertThat(v.object()).contains("FederatedDeployment web/app"));
  }

  @Test
  void aNamespaceFailureAndAResourceFailureAreBothReported() {
    FederatedResource brokenNs = FederatedResource.builder(NAMESPACES).name("web")
        .template(object("{'metadata': {'labels': {'a': 'b'}}}"))
        .placement(Placement.allClusters())
        .override("dev3", ClusterOverride.replace("/metadata/labels/a", 1)).build();
    FederatedResource brokenDeployment = deployment("web", "app", Placement.clusters("dev3")).toBuilder()
        .override("dev3", ClusterOverride.replace("/spec/template/x", 1)).build();

    ValidationException e = rejected(() -> Preview.render(List.of(brokenNs, brokenDeployment), FLEET));

    assertThat(e.violations()).extracting(v -> v.object().orElse(""))
        .containsExactly("FederatedNamespace web/web", "FederatedDeployment web/app");
    assertThat(e.violations().get(0).reason()).contains("metadata.labels[a]").contains("instead of a string");
  }
}
