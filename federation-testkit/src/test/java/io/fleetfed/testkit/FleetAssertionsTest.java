package io.fleetfed.testkit;

import static io.fleetfed.testkit.FleetAssertions.assertThat;
import static io.fleetfed.testkit.TestSupport.configMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FleetAssertionsTest {

  private static FleetSandbox fleet;
  private static SandboxCluster dev1;
  private static SandboxCluster dev2;
  private static ScheduledExecutorService later;

  @BeforeAll
  static void start() {
    fleet = FleetSandbox.builder().clusters("dev1", "dev2").crdResource("crds/widgets.yaml").start();
    dev1 = fleet.cluster("dev1");
    dev2 = fleet.cluster("dev2");
    later = Executors.newSingleThreadScheduledExecutor();
    KubernetesClient client = dev1.client();
    client.apps().deployments().inNamespace("testing-fed").resource(new DeploymentBuilder()
        .withNewMetadata().withName("nginx-fed").withNamespace("testing-fed")
        .addToLabels("fleetfed.io/managed", "true").addToAnnotations("fleetfed.io/source", "testing-fed/nginx-fed")
        .endMetadata()
        .withNewSpec().withReplicas(2).withNewTemplate().withNewSpec().addNewContainer().withName("nginx")
        .withImage("nginx:1").endContainer().endSpec().endTemplate().endSpec().build()).create();
    client.apps().deployments().inNamespace("testing-fed").resource(new DeploymentBuilder()
        .withNewMetadata().withName("other").withNamespace("testing-fed").endMetadata().build()).create();
    client.apps().deployments().inNamespace("elsewhere").resource(new DeploymentBuilder()
        .withNewMetadata().withName("nginx").withNamespace("elsewhere").endMetadata().build()).create();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("testing-fed").endMetadata()
        .build()).create();
    client.genericKubernetesResources("example.fleetfed.io/v1", "Gadget").resource(
        new GenericKubernetesResourceBuilder().withApiVersion("example.fleetfed.io/v1").withKind("Gadget")
            .withNewMetadata().withName("g1").endMetadata()
            .addToAdditionalProperties("spec", Map.of("sizes", List.of(1, 2.5), "on", true)).build()).create();
  }

  @AfterAll
  static void stop() {
    later.shutdownNow();
    fleet.close();
  }

  @Test
  void fabric8ClassesNameTheKind() {
    assertThat(dev1).hasObject(Deployment.class, "testing-fed", "nginx-fed")
        .hasLabel("fleetfed.io/managed", "true")
        .satisfiesAs(Deployment.class, d -> {
          assertThat(d.getSpec().getReplicas()).isEqualTo(2);
          assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1");
        });
    assertThat(dev1).hasClusterObject(Namespace.class, "testing-fed");
    assertThat(dev1).hasObjectCount(Deployment.class, "testing-fed", 2).hasObjectCount(Deployment.class, 3);
    assertThat(dev2).doesNotHaveObject(Deployment.class, "testing-fed", "nginx-fed")
        .doesNotHaveClusterObject(Namespace.class, "testing-fed");

    assertThatThrownBy(() -> assertThat(dev2).hasObject(Deployment.class, "testing-fed", "nginx-fed"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expecting cluster dev2 to have apps/v1 Deployment testing-fed/nginx-fed");
    assertThatThrownBy(() -> assertThat(dev1).hasObject(Deployment.class, "testing-fed", "nginx-fed")
        .satisfiesAs(Deployment.class, d -> assertThat(d.getSpec().getReplicas()).isEqualTo(7)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("7");
    assertThatThrownBy(() -> assertThat(dev1).hasObject(Deployment.class, "testing-fed", "nginx-fed")
        .satisfiesAs(ConfigMap.class, c -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a Deployment, not a ConfigMap");
    assertThatThrownBy(() -> assertThat(dev1).hasObject(GenericKubernetesResource.class, "testing-fed", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use the methods that take the apiVersion");
    assertThatThrownBy(() -> assertThat(dev1).hasClusterObject(Deployment.class, "nginx-fed"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is namespaced");
  }

  @Test
  void fabric8ClassesAreAwaitedToo() {
    later.schedule(() -> dev2.client().configMaps().inNamespace("late").resource(new ConfigMapBuilder()
        .withNewMetadata().withName("typed").withNamespace("late").endMetadata().addToData("k", "v").build())
        .create(), 200, TimeUnit.MILLISECONDS);
    assertThat(dev2).within(Duration.ofSeconds(10)).hasObject(ConfigMap.class, "late", "typed")
        .satisfiesAs(ConfigMap.class, c -> assertThat(c.getData()).containsEntry("k", "v"));
  }

  @Test
  void passingChecksOnAStoredObject() {
    assertThat(dev1).hasObject("apps/v1", "Deployment", "testing-fed", "nginx-fed")
        .hasLabel("fleetfed.io/managed", "true")
        .doesNotHaveLabel("app")
        .hasAnnotation("fleetfed.io/source", "testing-fed/nginx-fed")
        .doesNotHaveAnnotation("other")
        .hasFieldAt("/spec/replicas", 2)
        .hasFieldAt("/spec/replicas", 2L)
        .hasFieldAt("/spec/replicas", 2.0)
        .hasFieldAt("/spec/template/spec/containers/0/image", "nginx:1")
        .hasFieldAt("/spec/template/spec/containers/0", Map.of("name", "nginx", "image", "nginx:1"))
        .doesNotHaveFieldAt("/spec/paused")
        .satisfies(d -> assertThat(d.getMetadata().getResourceVersion()).isNotBlank());
    assertThat(dev1).hasClusterObject("v1", "Namespace", "testing-fed");
    assertThat(dev1).hasClusterObject("example.fleetfed.io/v1", "Gadget", "g1")
        .hasFieldAt("/spec/sizes", List.of(1.0, 2.5))
        .hasFieldAt("/spec/on", true);
    assertThat(dev2).doesNotHaveObject("apps/v1", "Deployment", "testing-fed", "nginx-fed")
        .doesNotHaveClusterObject("v1", "Namespace", "testing-fed")
        .doesNotHaveObject("unknown.example.io/v1", "Nothing", "x", "y");
    assertThat(dev1).hasObjectCount("apps/v1", "Deployment", "testing-fed", 2)
        .hasObjectCount("apps/v1", "Deployment", 3)
        .hasObjectCount("example.fleetfed.io/v1", "Widget", 0)
        .hasObjectCount("unknown.example.io/v1", "Nothing", 0);
  }

  @Test
  void aMissingObjectFailsListingWhatThereIs() {
    assertThatThrownBy(() -> assertThat(dev1).hasObject("apps/v1", "Deployment", "testing-fed", "nginx"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expecting cluster dev1 to have apps/v1 Deployment testing-fed/nginx, but it does not")
        .hasMessageContaining("Deployments in namespace testing-fed: [nginx-fed, other]")
        .hasMessageContaining("a Deployment named nginx exists in namespaces [elsewhere]");
    assertThatThrownBy(() -> assertThat(dev2).hasObject("apps/v1", "Deployment", "testing-fed", "nginx"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Deployments in namespace testing-fed: none");
    assertThatThrownBy(() -> assertThat(dev2).hasClusterObject("example.fleetfed.io/v1", "Gadget", "g1"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Gadgets in the cluster: none");
  }

  @Test
  void anUnservedKindFailsNamingWhatTheClusterServes() {
    assertThatThrownBy(() -> assertThat(dev1).hasObject("example.fleetfed.io/v2", "Widget", "ci", "w"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("does not (a custom kind needs its CRD registered)")
        .hasMessageContaining("example.fleetfed.io/v1 Widget");
    assertThatThrownBy(() -> assertThat(dev1).hasObject("tekton.dev/v1", "TaskRun", "ci", "run"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("it serves no kind of group \"tekton.dev\"");
  }

  @Test
  void scopeMistakesAreReported() {
    assertThatThrownBy(() -> assertThat(dev1).hasObject("v1", "Namespace", "default", "testing-fed"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cluster-scoped");
    assertThatThrownBy(() -> assertThat(dev1).hasClusterObject("v1", "ConfigMap", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespaced");
  }

  @Test
  void failingChecksOnAStoredObjectSayWhatIsThere() {
    ClusterObjectAssert deployment = assertThat(dev1).hasObject("apps/v1", "Deployment", "testing-fed", "nginx-fed");
    assertThatThrownBy(() -> deployment.hasLabel("fleetfed.io/managed", "false"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Deployment testing-fed/nginx-fed in cluster dev1")
        .hasMessageContaining("to have label fleetfed.io/managed=false, but it has fleetfed.io/managed=true");
    assertThatThrownBy(() -> deployment.hasLabel("tier", "fe"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("has no label tier; its labels: {fleetfed.io/managed=true}");
    assertThatThrownBy(() -> deployment.doesNotHaveLabel("fleetfed.io/managed"))
        .isInstanceOf(AssertionError.class).hasMessageContaining("but it has fleetfed.io/managed=true");
    assertThatThrownBy(() -> deployment.hasAnnotation("fleetfed.io/source", "x/y"))
        .isInstanceOf(AssertionError.class).hasMessageContaining("but it has fleetfed.io/source=testing-fed/nginx-fed");
    assertThatThrownBy(() -> deployment.hasFieldAt("/spec/replicas", 3))
        .isInstanceOf(AssertionError.class).hasMessageContaining("to have 3 at /spec/replicas, but it has 2");
    assertThatThrownBy(() -> deployment.hasFieldAt("/spec/replicas", "2"))
        .isInstanceOf(AssertionError.class).hasMessageContaining("to have \"2\" at /spec/replicas, but it has 2");
    assertThatThrownBy(() -> deployment.hasFieldAt("/spec/strategy/type", "Recreate"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("but there is nothing there")
        .hasMessageContaining("(/spec has [");
    assertThatThrownBy(() -> deployment.doesNotHaveFieldAt("/spec/replicas"))
        .isInstanceOf(AssertionError.class).hasMessageContaining("to have nothing at /spec/replicas, but it has 2");
    assertThatThrownBy(() -> deployment.hasFieldAt("spec/replicas", 2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void countsFailWithTheNames() {
    assertThatThrownBy(() -> assertThat(dev1).hasObjectCount("apps/v1", "Deployment", "testing-fed", 1))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("to have 1 apps/v1 Deployment in namespace testing-fed, but it has 2: [nginx-fed, other]");
    assertThatThrownBy(() -> assertThat(dev1).hasObjectCount("apps/v1", "Deployment", 0))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("but it has 3: [elsewhere/nginx, testing-fed/nginx-fed, testing-fed/other]");
  }

  @Test
  void writeCounts() {
    try (FleetSandbox own = FleetSandbox.builder().clusters("quiet").start()) {
      SandboxCluster quiet = own.cluster("quiet");
      quiet.client().configMaps().inNamespace("ci").list();
      assertThat(quiet).hasNoWrites();
      quiet.client().configMaps().inNamespace("ci").resource(configMap("ci", "a")).create();
      assertThat(quiet).hasWriteCount(1);
      assertThatThrownBy(() -> assertThat(quiet).hasNoWrites())
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("Expecting cluster quiet to have received 0 write requests, but it received 1.");
    }
  }

  @Test
  void assertionsReadTheStoreOfAnOfflineCluster() {
    try (FleetSandbox own = FleetSandbox.builder().clusters("down").start()) {
      SandboxCluster down = own.cluster("down");
      down.client().configMaps().inNamespace("ci").resource(configMap("ci", "kept")).create();
      down.goOffline();
      assertThat(down).hasObject("v1", "ConfigMap", "ci", "kept").hasFieldAt("/data/key", "value");
    }
  }

  @Test
  void withinWaitsForAnObjectToAppearChangeAndGo() {
    KubernetesClient client = dev2.client();
    later.schedule(() -> client.configMaps().inNamespace("async").resource(configMap("async", "soon")).create(),
        200, TimeUnit.MILLISECONDS);
    assertThat(dev2).within(Duration.ofSeconds(10)).hasObject("v1", "ConfigMap", "async", "soon")
        .hasFieldAt("/data/key", "value");

    later.schedule(() -> client.configMaps().inNamespace("async").withName("soon").edit(cm -> {
      cm.getData().put("key", "changed");
      return cm;
    }), 200, TimeUnit.MILLISECONDS);
    assertThat(dev2).eventually().hasObject("v1", "ConfigMap", "async", "soon")
        .hasFieldAt("/data/key", "changed");

    later.schedule(() -> client.configMaps().inNamespace("async").withName("soon").delete(),
        200, TimeUnit.MILLISECONDS);
    assertThat(dev2).eventually().doesNotHaveObject("v1", "ConfigMap", "async", "soon")
        .hasObjectCount("v1", "ConfigMap", "async", 0);
  }

  @Test
  void withinFailsOnceTheTimeIsUp() {
    assertThatThrownBy(() -> assertThat(dev2).within(Duration.ofMillis(200))
        .hasObject("v1", "ConfigMap", "never", "there"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("still failing after waiting 200 ms")
        .hasMessageContaining("to have v1 ConfigMap never/there");
    assertThatThrownBy(() -> assertThat(dev1).within(Duration.ofMillis(200))
        .hasObject("apps/v1", "Deployment", "testing-fed", "nginx-fed").hasFieldAt("/spec/replicas", 5))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("still failing after waiting 200 ms")
        .hasMessageContaining("to have 5 at /spec/replicas, but it has 2");
    assertThatThrownBy(() -> assertThat(dev1).within(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSecretsDataNeverAppearsInMessages() {
    dev1.client().secrets().inNamespace("sec").resource(new SecretBuilder()
        .withNewMetadata().withName("creds").withNamespace("sec").endMetadata()
        .addToData("password", "c3VwZXItc2VjcmV0").build()).create();
    ClusterObjectAssert secret = assertThat(dev1).hasObject("v1", "Secret", "sec", "creds");
    assertThatThrownBy(() -> secret.hasFieldAt("/data/password", "d3Jvbmc="))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("<redacted>")
        .hasMessageNotContaining("c3VwZXItc2VjcmV0")
        .hasMessageNotContaining("d3Jvbmc=");
    assertThatThrownBy(() -> secret.doesNotHaveFieldAt("/data"))
        .isInstanceOf(AssertionError.class).hasMessageNotContaining("c3VwZXItc2VjcmV0");
    assertThatThrownBy(() -> secret.isNull())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("<redacted>")
        .hasMessageNotContaining("c3VwZXItc2VjcmV0");
  }
}
