package io.fleetfed.testkit;

import static io.fleetfed.testkit.TestSupport.configMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.ConnectException;
import java.net.http.WebSocket;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Outages; tagged, so they run on real API servers as well as on the mock. */
@Tag("real-api-servers")
@EnableFleetSandbox(clusters = {"dev1", "dev2"}, resetBetweenTests = true)
class OfflineTest {

  static FleetSandbox fleet;
  private SandboxCluster dev1;
  private SandboxCluster dev2;

  @BeforeEach
  void start() {
    dev1 = fleet.cluster("dev1");
    dev2 = fleet.cluster("dev2");
    TestSupport.namespace(dev1.client(), "ci");
    TestSupport.namespace(dev2.client(), "ci");
  }

  @Test
  void offlineRefusesConnectionsAndOnlineBringsBackTheSameDataOnTheSamePort() throws Exception {
    KubernetesClient client = dev1.client();
    client.configMaps().inNamespace("ci").resource(configMap("ci", "kept")).create();
    int port = dev1.port();

    dev1.goOffline();

    assertThat(dev1.isOnline()).isFalse();
    assertThatThrownBy(() -> TestSupport.get(dev1, "/healthz")).isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> client.configMaps().inNamespace("ci").withName("kept").get())
        .isInstanceOf(KubernetesClientException.class);
    assertThatThrownBy(() -> client.configMaps().inNamespace("ci").resource(configMap("ci", "lost")).create())
        .isInstanceOf(KubernetesClientException.class);
    // the other cluster does not notice
    assertThat(dev2.client().configMaps().inNamespace("ci").list().getItems()).isEmpty();

    dev1.goOnline();

    assertThat(dev1.isOnline()).isTrue();
    assertThat(dev1.port()).isEqualTo(port);
    assertThat(TestSupport.get(dev1, "/healthz").body()).isEqualTo("ok");
    assertThat(client.configMaps().inNamespace("ci").list().getItems())
        .extracting(cm -> cm.getMetadata().getName()).containsExactly("kept");
  }

  @Test
  void goingOfflineDropsOpenWatches() throws Exception {
    CompletableFuture<String> ended = new CompletableFuture<>();
    WebSocket.Listener listener = new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        ended.complete("closed " + statusCode);
        return null;
      }

      @Override
      public void onError(WebSocket webSocket, Throwable error) {
        ended.complete("error " + error.getClass().getSimpleName());
      }
    };
    java.net.URI uri = java.net.URI.create(dev1.url().replaceFirst("^http", "ws")
        + "api/v1/namespaces/ci/configmaps?watch=true");
    WebSocket socket = TestSupport.http(dev1).newWebSocketBuilder()
        .header("Authorization", "Bearer " + dev1.config().getOauthToken())
        .buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
    assertThat(ended).isNotDone();

    dev1.goOffline();

    assertThat(ended.get(10, TimeUnit.SECONDS)).isNotEmpty();
    socket.abort();
  }

  @Test
  void anInformerStartedBeforeAnOutageRecoversAndSeesObjectsCreatedAfterIt() throws Exception {
    KubernetesClient client = dev1.client();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace("ci").inform(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(ConfigMap cm) {
            seen.add(cm.getMetadata().getName());
          }

          @Override
          public void onUpdate(ConfigMap before, ConfigMap after) {
            seen.add(after.getMetadata().getName());
          }

          @Override
          public void onDelete(ConfigMap cm, boolean unknownFinalState) {
            seen.remove(cm.getMetadata().getName());
          }
        });
    try {
      client.configMaps().inNamespace("ci").resource(configMap("ci", "before")).create();
      TestSupport.await("the informer sees the object created before the outage", () -> seen.contains("before"));

      dev1.goOffline();
      dev1.registerCrd(TestSupport.crd("offline.example.io", "Thing", "things", "Namespaced")); // works offline
      dev1.goOnline();
      client.configMaps().inNamespace("ci").resource(configMap("ci", "after")).create();

      TestSupport.await("the informer sees the object created after the outage", () -> seen.contains("after"));
      assertThat(informer.getStore().list()).extracting(cm -> cm.getMetadata().getName())
          .containsExactlyInAnyOrder("before", "after");
      assertThat(client.apiextensions().v1().customResourceDefinitions().withName("things.offline.example.io")
          .get()).isNotNull();
    } finally {
      informer.close();
    }
  }

  @Test
  void goingOfflineOrOnlineTwiceDoesNothing() throws Exception {
    dev1.goOnline();
    dev1.goOffline();
    dev1.goOffline();
    assertThat(dev1.isOnline()).isFalse();
    dev1.goOnline();
    dev1.goOnline();
    assertThat(TestSupport.get(dev1, "/readyz").body()).isEqualTo("ok");
  }
}
