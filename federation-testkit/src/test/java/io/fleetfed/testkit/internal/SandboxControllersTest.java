package io.fleetfed.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fleetfed.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller-manager parts a bare API server lacks, on a real one. Runs where {@code testkit-apiserver/build.sh}
 * built the binaries (or {@code KUBEBUILDER_ASSETS} names them).
 */
class SandboxControllersTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @DisplayName("new namespaces get a default ServiceAccount; token Secrets get a working token, ca.crt and"
      + " namespace; a deleted namespace is emptied and goes, once its objects' own finalizers are done")
  void controllers(@TempDir Path dir) throws Exception {
    Path assets = RealAssets.orSkip();
    try (RealApiServers servers = RealApiServers.start(assets, dir)) {
      RealApiServers.Server dev1 = servers.add("dev1");
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(dev1.config()).build();
          SandboxControllers controllers = SandboxControllers.start(client, dev1.caPem())) {
        // (c) the default ServiceAccount
        namespace(client, "team");
        Await.until(TIMEOUT, "team's default ServiceAccount",
            () -> client.serviceAccounts().inNamespace("team").withName("default").get() != null);
        Await.until(TIMEOUT, "kube-public's default ServiceAccount (a namespace older than the controllers)",
            () -> client.serviceAccounts().inNamespace("kube-public").withName("default").get() != null);

        // (a) the token Secret, as fleetfed's join makes it
        client.serviceAccounts().inNamespace("team").resource(new ServiceAccountBuilder().withNewMetadata()
            .withName("joiner").withNamespace("team").endMetadata().build()).create();
        client.secrets().inNamespace("team").resource(new SecretBuilder().withNewMetadata().withName("joiner")
            .withNamespace("team").addToAnnotations("kubernetes.io/service-account.name", "joiner").endMetadata()
            .withType("kubernetes.io/service-account-token").build()).create();
        Await.until(TIMEOUT, "the token of Secret team/joiner", () -> {
          Secret s = client.secrets().inNamespace("team").withName("joiner").get();
          return s.getData() != null && s.getData().containsKey("token");
        });
        Map<String, String> data = client.secrets().inNamespace("team").withName("joiner").get().getData();
        assertThat(decode(data.get("ca.crt"))).isEqualTo(dev1.caPem());
        assertThat(decode(data.get("namespace"))).isEqualTo("team");
        try (KubernetesClient joiner = new KubernetesClientBuilder().withConfig(new ConfigBuilder(dev1.config())
            .withOauthToken(decode(data.get("token"))).build()).build()) {
          JsonNode review = JSON.readTree(joiner.raw(dev1.url()
              + "/apis/authentication.k8s.io/v1/selfsubjectreviews", "POST",
              Map.of("apiVersion", "authentication.k8s.io/v1", "kind", "SelfSubjectReview")));
          assertThat(review.at("/status/userInfo/username").asText())
              .isEqualTo("system:serviceaccount:team:joiner");
        }
        // a token Secret of a ServiceAccount that does not exist goes, as with the real token controller
        client.secrets().inNamespace("team").resource(new SecretBuilder().withNewMetadata().withName("orphan")
            .withNamespace("team").addToAnnotations("kubernetes.io/service-account.name", "nobody").endMetadata()
            .withType("kubernetes.io/service-account-token").build()).create();
        Await.until(TIMEOUT, "the orphan token Secret deleted",
            () -> client.secrets().inNamespace("team").withName("orphan").get() == null);

        // (b) namespace deletion
        namespace(client, "doomed");
        client.configMaps().inNamespace("doomed").resource(new ConfigMapBuilder().withNewMetadata().withName("cm")
            .withNamespace("doomed").endMetadata().addToData("k", "v").build()).create();
        RealCrds.createServed(client, "Widget", "widgets", "doomed");
        var widgets = client.genericKubernetesResources(RealCrds.context("Widget", "widgets")).inNamespace("doomed");
        widgets.resource(RealCrds.object("Widget", "doomed", "plain")).create();
        GenericKubernetesResource held = RealCrds.object("Widget", "doomed", "held");
        held.getMetadata().getFinalizers().add("example.com/hold");
        widgets.resource(held).create();

        client.namespaces().withName("doomed").delete();
        Await.until(TIMEOUT, "doomed emptied but for the held Widget", () ->
            client.configMaps().inNamespace("doomed").list().getItems().isEmpty()
                && widgets.withName("plain").get() == null
                && widgets.withName("held").get().getMetadata().getDeletionTimestamp() != null);
        Namespace terminating = client.namespaces().withName("doomed").get();
        assertThat(terminating).as("held by its Widget's finalizer").isNotNull();
        assertThat(terminating.getStatus().getPhase()).isEqualTo("Terminating");
        widgets.withName("held").patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"finalizers\":null}}");
        Await.until(TIMEOUT, "namespace doomed gone", () -> client.namespaces().withName("doomed").get() == null);
        // and the name can be used again, with a default ServiceAccount
        namespace(client, "doomed");
        Await.until(TIMEOUT, "the new doomed's default ServiceAccount",
            () -> client.serviceAccounts().inNamespace("doomed").withName("default").get() != null);
      }
    }
  }

  private static void namespace(KubernetesClient client, String name) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
