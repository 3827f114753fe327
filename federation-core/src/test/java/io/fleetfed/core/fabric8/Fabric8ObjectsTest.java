package io.fleetfed.core.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.ClusterOverride;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.render.ClusterRendering;
import io.fleetfed.core.render.Renderer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Fabric8ObjectsTest {

  private static Deployment liveDeployment() {
    return new DeploymentBuilder().withNewMetadata().withName("web").withNamespace("shop").withResourceVersion("42")
        .withUid("0b1c").withCreationTimestamp("2026-01-01T00:00:00Z").withGeneration(3L)
        .addNewManagedField().withManager("kubectl").endManagedField()
        .addToLabels("app", "web").addToAnnotations("team", "a").endMetadata()
        .withNewSpec().withReplicas(2).withNewTemplate().withNewSpec().addNewContainer().withName("web")
        .withImage("nginx:1").endContainer().endSpec().endTemplate().endSpec()
        .withNewStatus().withReplicas(2).endStatus().build();
  }

  @Test
  void aTypedLiveObjectBecomesAFederatedObjectWithoutServerFields() {
    FederatedResource web = Fabric8Objects.federate(liveDeployment()).placement(Placement.clusters("dev1", "dev2"))
        .override("dev2", ClusterOverride.replace("/spec/replicas", 5)).build();

    assertThat(web.type()).isEqualTo(BuiltInTypes.DEPLOYMENTS);
    assertThat(web.namespace()).isEqualTo("shop");
    assertThat(web.name()).isEqualTo("web");
    assertThat(web.template().path("metadata").fieldNames()).toIterable().containsExactly("labels", "annotations");
    assertThat(web.template().has("status")).isFalse();
    assertThat(web.template().path("spec").path("replicas").asInt()).isEqualTo(2);
  }

  @Test
  void aTypedObjectWithoutApiVersionGetsItsClasssAndFabric8OutputIsRefusedAsATemplateUntilStripped() {
    Deployment bare = liveDeployment();
    bare.setApiVersion(null);
    bare.setKind(null);
    assertThat(Fabric8Objects.toTree(bare).path("apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(Fabric8Objects.toTree(bare).path("kind").asText()).isEqualTo("Deployment");
    assertThatThrownBy(() -> FederatedResource.builder(BuiltInTypes.DEPLOYMENTS).namespace("shop").name("web")
        .template(liveDeployment()).build())
        .isInstanceOf(ValidationException.class).hasMessageContaining("metadata.resourceVersion");
    FederatedResource fromTemplate = FederatedResource.builder(BuiltInTypes.DEPLOYMENTS).namespace("shop")
        .name("web").template(Fabric8Objects.template(liveDeployment())).build();
    assertThat(fromTemplate.template().path("metadata").has("uid")).isFalse();
  }

  @Test
  void aGenericLiveObjectOfACustomTypeIsFoundInTheGivenRegistry() {
    GenericKubernetesResource gizmo = new GenericKubernetesResourceBuilder().withApiVersion("example.com/v1")
        .withKind("Sprocket").withNewMetadata().withName("w1").withNamespace("shop").withUid("u").endMetadata()
        .addToAdditionalProperties("spec", Map.of("size", 3))
        .addToAdditionalProperties("status", Map.of("ready", true)).build();
    assertThatThrownBy(() -> Fabric8Objects.federate(gizmo)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("no federated type has target Sprocket in group example.com");

    TypeRegistry types = TypeRegistry.builtIn()
        .with(ResourceType.namespaced("example.com", "v1", "Sprocket", "sprockets"));
    FederatedResource federated = Fabric8Objects.federate(gizmo, types).build();
    assertThat(federated.template().path("spec").path("size").asInt()).isEqualTo(3);
    assertThat(federated.template().has("status")).isFalse();
    assertThat(federated.template().has("metadata")).isFalse();
  }

  @Test
  void renderedObjectsComeBackAsGenericOrTyped() {
    FederatedResource web = Fabric8Objects.federate(liveDeployment()).placement(Placement.clusters("dev1", "dev2"))
        .override("dev2", ClusterOverride.replace("/spec/replicas", 5)).build();
    ClusterRendering dev2 = Renderer.render(web, List.of(Cluster.ready("dev1"), Cluster.ready("dev2")))
        .cluster("dev2").orElseThrow();

    GenericKubernetesResource generic = Fabric8Objects.asGeneric(dev2);
    assertThat(generic.getKind()).isEqualTo("Deployment");
    assertThat(generic.getMetadata().getName()).isEqualTo("web");
    assertThat(generic.getMetadata().getLabels()).containsEntry("fleetfed.io/managed", "true");
    Deployment typed = Fabric8Objects.as(dev2, Deployment.class);
    assertThat(typed.getSpec().getReplicas()).isEqualTo(5);
    assertThat(typed.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1");

    assertThatThrownBy(() -> Fabric8Objects.as(dev2, ConfigMap.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the object is a Deployment, not a ConfigMap");
    ClusterRendering notReady = Renderer.render(web, List.of(Cluster.ready("dev1"),
        Cluster.ready("dev2").withReady(false))).cluster("dev2").orElseThrow();
    assertThatThrownBy(() -> Fabric8Objects.asGeneric(notReady)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cluster dev2 gets no object: ClusterNotReady");
    assertThatThrownBy(() -> Fabric8Objects.as(dev2, null)).isInstanceOf(NullPointerException.class)
        .hasMessage("type");
  }
}
