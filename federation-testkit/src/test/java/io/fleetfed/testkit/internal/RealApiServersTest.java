package io.fleetfed.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real API servers over one etcd: each is a cluster of its own, reached only with its token over its certificate.
 * Runs where {@code testkit-apiserver/build.sh} built the binaries (or {@code KUBEBUILDER_ASSETS} names them), and
 * says it was skipped elsewhere.
 */
class RealApiServersTest {

  @Test
  @DisplayName("two API servers over one etcd are two clusters; a wrong token is refused; closing stops them all")
  void twoClustersOverOneEtcd(@TempDir Path dir) {
    Optional<Path> assets = RealApiServers.assets();
    assumeTrue(assets.isPresent(), "no kube-apiserver and etcd: build them with testkit-apiserver/build.sh or set "
        + RealApiServers.ASSETS_VARIABLE);
    RealApiServers.Server dev1;
    RealApiServers.Server dev2;
    List<ProcessHandle> processes;
    try (RealApiServers servers = RealApiServers.start(assets.get(), dir)) {
      long start = System.nanoTime();
      dev1 = servers.add("dev1");
      dev2 = servers.add("dev2");
      System.out.printf("two real API servers serving %.1f s after they started; RSS %s and %s, etcd %s%n",
          (System.nanoTime() - start) / 1e9, dev1.residentBytes().map(RealApiServersTest::mib).orElse("?"),
          dev2.residentBytes().map(RealApiServersTest::mib).orElse("?"),
          servers.etcdResidentBytes().map(RealApiServersTest::mib).orElse("?"));
      assertThat(dev1.url()).startsWith("https://127.0.0.1:");
      assertThat(dev1.caPem()).startsWith("-----BEGIN CERTIFICATE-----");

      try (KubernetesClient one = new KubernetesClientBuilder().withConfig(dev1.config()).build();
          KubernetesClient two = new KubernetesClientBuilder().withConfig(dev2.config()).build()) {
        one.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("ci").endMetadata().build())
            .create();
        one.configMaps().inNamespace("ci").resource(new ConfigMapBuilder().withNewMetadata().withName("only-here")
            .withNamespace("ci").endMetadata().addToData("k", "v").build()).create();
        assertThat(one.configMaps().inNamespace("ci").withName("only-here").get().getData()).containsEntry("k", "v");
        assertThat(two.namespaces().withName("ci").get()).as("dev2 is another cluster").isNull();
        // a real API server refuses what the mock accepts: an object in a namespace that does not exist
        assertThatThrownBy(() -> two.configMaps().inNamespace("nowhere").resource(new ConfigMapBuilder()
            .withNewMetadata().withName("x").withNamespace("nowhere").endMetadata().build()).create())
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
      }
      try (KubernetesClient stranger = new KubernetesClientBuilder()
          .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(dev1.config()).withOauthToken("not-the-token")
              .build()).build()) {
        assertThatThrownBy(() -> stranger.namespaces().list())
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(401));
      }
      processes = ProcessHandle.allProcesses().filter(p -> p.info().command().map(c -> c.startsWith(
          assets.get().toString())).orElse(false)).toList();
      assertThat(processes).hasSizeGreaterThanOrEqualTo(3);   // etcd and two API servers (maybe other tests')
    }
    assertThat(processes).noneMatch(ProcessHandle::isAlive);
  }

  private static String mib(long bytes) {
    return bytes / (1024 * 1024) + " MiB";
  }
}
