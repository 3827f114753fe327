package io.fleetfed.testkit;

import static io.fleetfed.testkit.TestSupport.configMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox's own behaviour. The tests tagged {@value #REAL} run on real API servers as well as on the mock (all
 * pass there; each starts servers of its own, so only those that differ by kind are run twice).
 */
class FleetSandboxTest {
  private static final String REAL = "real-api-servers";

  @Test
  void clustersHaveIndependentStoresAndResourceVersions() {
    try (FleetSandbox fleet = FleetSandbox.builder().clusters("dev1", "dev2").start()) {
      KubernetesClient dev1 = fleet.cluster("dev1").client();
      KubernetesClient dev2 = fleet.cluster("dev2").client();
      TestSupport.namespace(dev1, "ci");
      TestSupport.namespace(dev2, "ci");

      dev1.configMaps().inNamespace("ci").resource(configMap("ci", "only-on-dev1")).create();
      dev2.configMaps().inNamespace("ci").resource(configMap("ci", "only-on-dev2")).create();

      assertThat(dev1.configMaps().inNamespace("ci").list().getItems())
          .extracting(cm -> cm.getMetadata().getName()).containsExactly("only-on-dev1");
      assertThat(dev2.configMaps().inNamespace("ci").list().getItems())
          .extracting(cm -> cm.getMetadata().getName()).containsExactly("only-on-dev2");
      assertThat(fleet.cluster("dev1").port()).isNotEqualTo(fleet.cluster("dev2").port());
    }
  }

  @Test
  @Tag(REAL)
  void kubeconfigHasOneContextPerClusterThatReachesThatCluster() throws IOException {
    try (FleetSandbox fleet = FleetSandbox.builder().clusters("dev1", "dev2", "dev3").start()) {
      Path file = fleet.kubeconfig();
      String content = Files.readString(file);

      Config first = Config.fromKubeconfig(null, content, file.toString());
      assertThat(first.getCurrentContext().getName()).isEqualTo("dev1");
      assertThat(first.getContexts()).extracting(c -> c.getName()).containsExactlyInAnyOrder("dev1", "dev2", "dev3");
      assertThat(first.getContexts()).allSatisfy(c -> {
        assertThat(c.getContext().getCluster()).isEqualTo(c.getName());
        assertThat(c.getContext().getUser()).isEqualTo(c.getName() + "-admin");
      });

      for (String name : fleet.clusterNames()) {
        Config config = Config.fromKubeconfig(name, content, file.toString());
        assertThat(config.getMasterUrl()).isEqualTo(fleet.cluster(name).url());
        assertThat(config.getAutoOAuthToken()).isNotBlank(); // fabric8 puts a kubeconfig token here
        assertThat(config.getNamespace()).isEqualTo("default");
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
          client.configMaps().resource(configMap("default", "from-kubeconfig-" + name)).create();
        }
      }
      for (String name : fleet.clusterNames()) {
        assertThat(fleet.cluster(name).client().configMaps().inNamespace("default").list().getItems())
            .extracting(cm -> cm.getMetadata().getName()).containsExactly("from-kubeconfig-" + name);
      }
    }
  }

  @Test
  void clientAndConfigTargetTheClusterAndNameItsContext() {
    try (FleetSandbox fleet = FleetSandbox.builder().clusters("alpha", "beta").start()) {
      SandboxCluster beta = fleet.cluster("beta");
      assertThat(beta.name()).isEqualTo("beta");
      String scheme = fleet.servers() == ServerKind.REAL ? "https" : "http";
      assertThat(beta.url()).isEqualTo(scheme + "://127.0.0.1:" + beta.port() + "/");
      assertThat(beta.config().getMasterUrl()).isEqualTo(beta.url());
      assertThat(beta.config().getCurrentContext().getName()).isEqualTo("beta");
      assertThat(beta.config()).isNotSameAs(beta.config());
      assertThat(beta.client()).isSameAs(beta.client());
      assertThat(beta.client().getMasterUrl().toString()).isEqualTo(beta.url());
      assertThat(fleet.clusters()).extracting(SandboxCluster::name).containsExactly("alpha", "beta");
      assertThat(fleet.toString()).contains("alpha", "beta").doesNotContain(beta.config().getOauthToken());
    }
  }

  @Test
  void unknownClusterNameIsRefusedListingTheKnownOnes() {
    try (FleetSandbox fleet = FleetSandbox.builder().clusters("dev1", "dev2").start()) {
      assertThatThrownBy(() -> fleet.cluster("dev9"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("dev9")
          .hasMessageContaining("[dev1, dev2]");
    }
  }

  @Test
  void clusterNamesMustBeDistinctDns1123Labels() {
    assertThatThrownBy(() -> FleetSandbox.builder().clusters("dev1", "kubernetes-admin@kubernetes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"kubernetes-admin@kubernetes\"")
        .hasMessageContaining("DNS-1123")
        .hasMessageContaining("kubernetes-admin-kubernetes");
    assertThatThrownBy(() -> FleetSandbox.builder().clusters("Dev1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"Dev1\"");
    assertThatThrownBy(() -> FleetSandbox.builder().clusters("-dev"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"-dev\"");
    assertThatThrownBy(() -> FleetSandbox.builder().clusters("a".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a".repeat(64));
    assertThatThrownBy(() -> FleetSandbox.builder().clusters("dev1", "dev2", "dev1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"dev1\" is given twice");
    assertThatThrownBy(() -> FleetSandbox.builder().clusters())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
    assertThatThrownBy(() -> FleetSandbox.builder().start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("clusters");
  }

  @Test
  @Tag(REAL)
  void closeStopsServersDeletesTheTemporaryKubeconfigAndIsIdempotent() throws Exception {
    FleetSandbox fleet = FleetSandbox.builder().clusters("dev1").start();
    SandboxCluster dev1 = fleet.cluster("dev1");
    Path kubeconfig = fleet.kubeconfig();
    assertThat(TestSupport.get(dev1, "/healthz").statusCode()).isEqualTo(200);
    assertThat(kubeconfig).exists();

    fleet.close();
    fleet.close();

    assertThat(fleet.isClosed()).isTrue();
    assertThat(kubeconfig).doesNotExist();
    assertThat(dev1.isOnline()).isFalse();
    assertThatThrownBy(() -> TestSupport.get(dev1, "/healthz")).isInstanceOf(ConnectException.class);
    assertThatThrownBy(dev1::client).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(dev1::goOnline).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(fleet::reset).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aGivenKubeconfigFileIsWrittenAndKept(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("nested/kubeconfig");
    try (FleetSandbox fleet = FleetSandbox.builder().clusters("dev1").kubeconfigFile(target).start()) {
      assertThat(fleet.kubeconfig()).isEqualTo(target.toAbsolutePath());
      assertThat(Files.readString(target)).contains(fleet.cluster("dev1").url());
    }
    assertThat(target).exists();
  }

  @Test
  void crdsFromYamlAreRegisteredOnEveryCluster(@TempDir Path dir) throws IOException {
    Path yaml = dir.resolve("crds.yaml");
    try (var in = getClass().getResourceAsStream("/crds/widgets.yaml")) {
      Files.write(yaml, in.readAllBytes());
    }
    try (FleetSandbox fleet = FleetSandbox.builder().clusters("dev1", "dev2").crdYaml(yaml).start()) {
      for (SandboxCluster cluster : fleet.clusters()) {
        assertThat(cluster.client().apiextensions().v1().customResourceDefinitions().list().getItems())
            .extracting(crd -> crd.getMetadata().getName())
            .containsExactlyInAnyOrder("widgets.example.fleetfed.io", "gadgets.example.fleetfed.io");
        // registered through the sandbox, not through HTTP: not counted
        assertThat(cluster.writeCount()).isZero();
      }
    }
  }

  @Test
  void badCrdInputIsRefusedBeforeAnythingStarts() {
    assertThatThrownBy(() -> FleetSandbox.builder().crdResource("crds/not-a-crd.yaml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("classpath:crds/not-a-crd.yaml")
        .hasMessageContaining("v1 ConfigMap");
    assertThatThrownBy(() -> FleetSandbox.builder().crdResource("crds/missing.yaml"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("crds/missing.yaml");
    assertThatThrownBy(() -> FleetSandbox.builder().crd(TestSupport.crd("example.io", "Thing", "", "Namespaced")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plural");
    var misnamed = TestSupport.crd("example.io", "Thing", "things", "Namespaced");
    misnamed.getMetadata().setName("thing.example.io");
    assertThatThrownBy(() -> FleetSandbox.builder().crd(misnamed))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("things.example.io");
    assertThatThrownBy(() -> FleetSandbox.builder().crdYaml(
        new ByteArrayInputStream("{not yaml".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FleetSandbox.builder().latency(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @Tag(REAL)
  void resetRestoresTheStateAtStart() throws Exception {
    try (FleetSandbox fleet = FleetSandbox.builder().clusters("dev1", "dev2").crdResource("crds/widgets.yaml")
        .start()) {
      SandboxCluster dev1 = fleet.cluster("dev1");
      int port = dev1.port();
      TestSupport.namespace(dev1.client(), "ci");
      dev1.client().configMaps().inNamespace("ci").resource(configMap("ci", "leftover")).create();
      dev1.registerCrd(TestSupport.crd("extra.example.io", "Extra", "extras", "Namespaced"));
      dev1.latency(Duration.ofSeconds(30));
      dev1.goOffline();

      fleet.reset();

      assertThat(dev1.isOnline()).isTrue();
      assertThat(dev1.port()).isEqualTo(port);
      assertThat(dev1.latency()).isZero();
      assertThat(dev1.requestCount()).isZero();
      assertThat(dev1.client().configMaps().inNamespace("ci").list().getItems()).isEmpty();
      HttpResponse<String> apis = TestSupport.get(dev1, "/apis");
      assertThat(apis.body()).contains("example.fleetfed.io").doesNotContain("extra.example.io");
      assertThat(dev1.client().apiextensions().v1().customResourceDefinitions().list().getItems())
          .extracting(crd -> crd.getMetadata().getName())
          .containsExactlyInAnyOrder("widgets.example.fleetfed.io", "gadgets.example.fleetfed.io");
    }
  }

  @Test
  @Tag(REAL)
  void writesAreCountedAndReadsAreNot() {
    try (FleetSandbox fleet = FleetSandbox.builder().clusters("dev1").start()) {
      SandboxCluster dev1 = fleet.cluster("dev1");
      KubernetesClient client = dev1.client();
      TestSupport.namespace(client, "ci");
      client.configMaps().inNamespace("ci").resource(configMap("ci", "a")).create();
      dev1.resetCounts();

      client.configMaps().inNamespace("ci").withName("a").get();
      client.configMaps().inNamespace("ci").list();
      assertThat(dev1.writeCount()).isZero();
      assertThat(dev1.requestCount()).isEqualTo(2);

      client.configMaps().inNamespace("ci").withName("a").edit(cm -> {
        cm.getData().put("k", "v");
        return cm;
      });
      client.configMaps().inNamespace("ci").withName("a").delete();
      client.configMaps().inNamespace("ci").resource(configMap("ci", "a")).create();
      List<ConfigMap> items = client.configMaps().inNamespace("ci").list().getItems();

      assertThat(items).hasSize(1);
      assertThat(dev1.writeCount()).isEqualTo(3); // PATCH, DELETE, POST
      assertThat(dev1.requestCount()).isGreaterThan(3);
      dev1.resetCounts();
      assertThat(dev1.writeCount()).isZero();
      assertThat(dev1.requestCount()).isZero();
    }
  }
}
