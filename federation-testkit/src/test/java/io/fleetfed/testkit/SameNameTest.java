package io.fleetfed.testkit;

import static io.fleetfed.testkit.TestSupport.configMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Objects of one name in several namespaces and kinds: each request that names one object reaches that one (the
 * sandbox's store looks objects up by name), and lists still see them all.
 */
class SameNameTest {
  private static FleetSandbox fleet;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    fleet = FleetSandbox.builder().clusters("s1").start();
    client = fleet.cluster("s1").client();
  }

  @AfterAll
  static void stop() {
    fleet.close();
  }

  @Test
  @DisplayName("get, create, patch, replace and delete by name touch only the named object")
  void oneNameManyObjects() {
    for (String ns : new String[] {"a", "b"}) {
      client.configMaps().inNamespace(ns).resource(configMap(ns, "same")).create();
    }
    client.secrets().inNamespace("a").resource(new SecretBuilder().withNewMetadata().withName("same")
        .withNamespace("a").endMetadata().addToStringData("k", "v").build()).create();

    assertThat(client.configMaps().inNamespace("a").withName("same").get().getMetadata().getNamespace())
        .isEqualTo("a");
    assertThat(client.configMaps().inNamespace("c").withName("same").get()).isNull();
    assertThatThrownBy(() -> client.configMaps().inNamespace("b").resource(configMap("b", "same")).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));

    client.configMaps().inNamespace("b").withName("same")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"patched\":\"yes\"}}");
    ConfigMap replaced = client.configMaps().inNamespace("a").withName("same").get();
    replaced.setData(Map.of("replaced", "yes"));
    client.configMaps().inNamespace("a").resource(replaced).update();
    assertThat(client.configMaps().inNamespace("b").withName("same").get().getData()).containsEntry("patched", "yes")
        .doesNotContainKey("replaced");
    assertThat(client.configMaps().inNamespace("a").withName("same").get().getData())
        .containsExactly(Map.entry("replaced", "yes"));

    client.configMaps().inNamespace("a").withName("same").delete();
    assertThat(client.configMaps().inNamespace("a").withName("same").get()).isNull();
    assertThat(client.configMaps().inNamespace("b").withName("same").get()).isNotNull();
    assertThat(client.secrets().inNamespace("a").withName("same").get()).isNotNull();
    // an object named by the server from its generateName
    String generated = client.secrets().inNamespace("a").resource(new SecretBuilder().withNewMetadata()
        .withGenerateName("token-").withNamespace("a").endMetadata().build()).create().getMetadata().getName();
    assertThat(generated).startsWith("token-");
    assertThat(client.secrets().inNamespace("a").withName(generated).get()).isNotNull();
    assertThat(client.configMaps().inAnyNamespace().list().getItems())
        .extracting(c -> c.getMetadata().getNamespace() + "/" + c.getMetadata().getName()).contains("b/same")
        .doesNotContain("a/same");
  }
}
