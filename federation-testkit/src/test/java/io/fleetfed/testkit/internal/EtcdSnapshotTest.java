package io.fleetfed.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fleetfed.testkit.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster put back to its start state through etcd, without restarting its API server. Runs where
 * {@code testkit-apiserver/build.sh} built the binaries (or {@code KUBEBUILDER_ASSETS} names them).
 */
class EtcdSnapshotTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  @Test
  @DisplayName("restore deletes what a test made (namespaces, ConfigMaps, a CRD and its objects), puts back what it"
      + " changed, keeps the start state and the server's own keys; the server then works as before")
  void restore(@TempDir Path dir) {
    Path assets = RealAssets.orSkip();
    try (RealApiServers servers = RealApiServers.start(assets, dir)) {
      RealApiServers.Server dev1 = servers.add("dev1");
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(dev1.config()).build()) {
        // the start state: a CRD registered and served before the snapshot
        RealCrds.createServed(client, "Gadget", "gadgets", "default");
        Map<String, String> startLabels = client.namespaces().withName("default").get().getMetadata().getLabels();
        EtcdSnapshot start = EtcdSnapshot.take(servers.etcdUrl(), "/" + dev1.name());
        assertThat(start.prefix()).isEqualTo("/dev1/");
        assertThat(start.size()).isGreaterThan(100);   // bootstrap RBAC, namespaces, the kubernetes Service, ...

        EtcdSnapshot.Restored nothing = start.restore(client, TIMEOUT);
        assertThat(nothing.deleted() + nothing.restored()).as("nothing changed: nothing to do").isZero();

        for (int round = 1; round <= 2; round++) {
          mutate(client);
          EtcdSnapshot.Restored restored = start.restore(client, TIMEOUT);
          System.out.printf("restore %d: %d keys deleted, %d put back in %d transaction(s), %.1f ms with the API"
              + " server caught up%n", round, restored.deleted(), restored.restored(), restored.transactions(),
              restored.nanos() / 1e6);
          assertThat(restored.deleted()).isGreaterThanOrEqualTo(3 + 48 + 1 + 6);
          assertThat(restored.restored()).isGreaterThanOrEqualTo(1);   // default's labels

          for (String ns : new String[] {"team-a", "team-b", "team-c"}) {
            assertThat(client.namespaces().withName(ns).get()).as(ns).isNull();
            assertThat(client.configMaps().inNamespace(ns).list().getItems()).as("ConfigMaps of " + ns).isEmpty();
          }
          assertThat(client.apiextensions().v1().customResourceDefinitions().withName("widgets.example.com").get())
              .isNull();
          assertThat(client.getApiResources("example.com/v1").getResources()).extracting(r -> r.getName())
              .contains("gadgets").doesNotContain("widgets");
          Await.until(TIMEOUT, "widgets no longer served", () -> {
            try {
              client.genericKubernetesResources(RealCrds.context("Widget", "widgets")).inNamespace("default")
                  .resource(RealCrds.object("Widget", "default", "w")).create();
              throw new AssertionError("a Widget was created after its CRD was restored away");
            } catch (KubernetesClientException e) {
              return e.getCode() == 404;
            }
          });
          assertThat(client.namespaces().withName("default").get().getMetadata().getLabels()).isEqualTo(startLabels);
          assertThat(client.services().inNamespace("default").withName("kubernetes").get()).isNotNull();
          assertThat(client.rbac().clusterRoles().withName("cluster-admin").get()).isNotNull();
          assertThat(client.rbac().clusterRoles().withName("system:basic-user").get()).isNotNull();
          assertThat(client.apiextensions().v1().customResourceDefinitions().withName("gadgets.example.com").get())
              .isNotNull();
          client.genericKubernetesResources(RealCrds.context("Gadget", "gadgets")).inNamespace("default")
              .resource(RealCrds.object("Gadget", "default", "g")).create();
          // the next round makes the same names again: namespaces, ConfigMaps, the CRD and its objects
        }
        start.restore(client, TIMEOUT);
        assertThat(client.genericKubernetesResources(RealCrds.context("Gadget", "gadgets")).inNamespace("default")
            .list().getItems()).isEmpty();
        // the start-state CRD deleted by a test comes back, served
        client.apiextensions().v1().customResourceDefinitions().withName("gadgets.example.com").delete();
        Await.until(TIMEOUT, "gadgets deleted", () ->
            client.apiextensions().v1().customResourceDefinitions().withName("gadgets.example.com").get() == null);
        start.restore(client, TIMEOUT);
        client.genericKubernetesResources(RealCrds.context("Gadget", "gadgets")).inNamespace("default")
            .resource(RealCrds.object("Gadget", "default", "back")).create();
      }
    }
  }

  /** 3 namespaces of 16 ConfigMaps, a CRD with 2 objects in each namespace, and new labels on {@code default}. */
  private static void mutate(KubernetesClient client) {
    for (String ns : new String[] {"team-a", "team-b", "team-c"}) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
      for (int i = 0; i < 16; i++) {
        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("cm-" + i)
            .withNamespace(ns).endMetadata().addToData("i", Integer.toString(i)).build()).create();
      }
    }
    RealCrds.createServed(client, "Widget", "widgets", "team-a");
    for (String ns : new String[] {"team-a", "team-b", "team-c"}) {
      for (String name : new String[] {"w1", "w2"}) {
        client.genericKubernetesResources(RealCrds.context("Widget", "widgets")).inNamespace(ns)
            .resource(RealCrds.object("Widget", ns, name)).create();
      }
    }
    client.namespaces().withName("default").edit(n -> new NamespaceBuilder(n).editMetadata()
        .addToLabels("touched", "yes").endMetadata().build());
    assertThatThrownBy(() -> client.namespaces().resource(new NamespaceBuilder().withNewMetadata()
        .withName("team-a").endMetadata().build()).create()).isInstanceOf(KubernetesClientException.class);
  }
}
