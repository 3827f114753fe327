package io.fleetfed.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fleetfed.testkit.Await;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link FrontProxy} in front of a real API server gives it what a mock sandbox cluster has: faults, latency,
 * counters, outages on the same port and pod logs, while everything else is the real server's. Runs where
 * {@code testkit-apiserver/build.sh} built the binaries (or {@code KUBEBUILDER_ASSETS} names them), and says it was
 * skipped elsewhere.
 */
class FrontProxyTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String NS = "default";

  @TempDir
  static Path dir;
  private static RealApiServers servers;
  private static RealApiServers.Server server;
  private static PodLogs logs;
  private static FrontProxy proxy;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    Path assets = RealAssets.orSkip();
    servers = RealApiServers.start(assets, dir);
    server = servers.add("dev1");
    logs = new PodLogs();
    Path certs = server.certDir();
    proxy = new FrontProxy("dev1", certs.resolve("apiserver.crt"), certs.resolve("apiserver.key"),
        certs.resolve("apiserver.crt"), server.port(), logs);
    proxy.listen(0);
    client = new KubernetesClientBuilder().withConfig(config(server.token())).build();
  }

  /** Reaches the proxy, trusting only the API server's certificate; no retries, so each failure shows. */
  private static Config config(String token) {
    return new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:" + proxy.port())
        .withCaCertFile(server.certDir().resolve("apiserver.crt").toString()).withOauthToken(token)
        .withNamespace(NS).withRequestTimeout(10_000).withRequestRetryBackoffLimit(0).build();
  }

  @AfterAll
  static void stopAll() {
    if (client != null) {
      client.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (servers != null) {
      servers.close();
    }
  }

  @BeforeEach
  void clean() {
    proxy.listen(proxy.port());
    proxy.clearFaults();
    proxy.latency(Duration.ZERO);
    proxy.resetCounts();
  }

  private static ConfigMap configMap(String name, String value) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .addToData("k", value).build();
  }

  @Test
  @DisplayName("CRUD through the proxy reaches the real server, and the counters count requests and writes")
  void crudAndCounts() {
    client.configMaps().resource(configMap("crud", "v1")).create();
    assertThat(client.configMaps().withName("crud").get().getData()).containsEntry("k", "v1");
    client.configMaps().withName("crud").edit(cm -> new ConfigMapBuilder(cm).addToData("k", "v2").build());
    assertThat(client.configMaps().withName("crud").get().getData()).containsEntry("k", "v2");
    client.configMaps().withName("crud").delete();
    Await.until(WAIT, "crud deleted", () -> client.configMaps().withName("crud").get() == null);

    long requests = proxy.requestCount();
    long writes = proxy.writeCount();
    // create, get, edit (get + patch), get, delete, at least one get: 3 writes
    assertThat(writes).isEqualTo(3);
    assertThat(requests).isGreaterThanOrEqualTo(7);
    proxy.resetCounts();
    client.configMaps().withName("crud").get();
    assertThat(proxy.requestCount()).isEqualTo(1);
    assertThat(proxy.writeCount()).isZero();
  }

  @Test
  @DisplayName("an injected fault answers its status the given number of times, counted, then requests pass")
  void faults() {
    client.configMaps().resource(configMap("faulty", "v")).create();
    proxy.resetCounts();
    proxy.fail("GET", Pattern.compile("/api/v1/namespaces/default/configmaps/faulty"), 503, 2);
    proxy.fail("GET", Pattern.compile("/api/v1/namespaces/default/configmaps/.*"), 409, 1);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> client.configMaps().withName("faulty").get())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(503);
            assertThat(e.getStatus().getReason()).isEqualTo("ServiceUnavailable");
            assertThat(e.getStatus().getStatus()).isEqualTo("Failure");
          });
    }
    // the first fault is used up: the second, added later, matches now
    assertThatThrownBy(() -> client.configMaps().withName("faulty").get())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThat(client.configMaps().withName("faulty").get().getData()).containsEntry("k", "v");
    assertThat(proxy.requestCount()).isEqualTo(4);

    proxy.fail("POST", Pattern.compile(".*"), 500, 5);
    proxy.clearFaults();
    client.configMaps().resource(configMap("after-clear", "v")).create();
    assertThat(proxy.writeCount()).isEqualTo(1);
  }

  @Test
  @DisplayName("latency delays each response")
  void latency() {
    client.configMaps().withName("anything").get();   // a warm connection
    proxy.latency(Duration.ofMillis(400));
    long start = System.nanoTime();
    client.configMaps().withName("anything").get();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
  }

  @Test
  @DisplayName("a watch sees events through the proxy; stop() refuses requests and drops the watch; listen() on the"
      + " same port brings the cluster back with its objects")
  void watchAndOutage() {
    Set<String> added = ConcurrentHashMap.newKeySet();
    SharedIndexInformer<ConfigMap> informer = client.configMaps().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(ConfigMap cm) {
        added.add(cm.getMetadata().getName());
      }

      @Override
      public void onUpdate(ConfigMap old, ConfigMap cm) {
      }

      @Override
      public void onDelete(ConfigMap cm, boolean unknown) {
      }
    });
    try {
      client.configMaps().resource(configMap("watched", "v")).create();
      Await.until(WAIT, "the informer to see watched", () -> added.contains("watched"));
      System.out.println("fabric8 watches over " + (proxy.openWebSockets() > 0 ? "WebSocket" : "HTTP")
          + " (WebSockets open through the proxy: " + proxy.openWebSockets() + ")");

      int port = proxy.port();
      proxy.stop();
      assertThat(proxy.isListening()).isFalse();
      Await.until(WAIT, "the informer's watch to drop", () -> !informer.isWatching());
      // refused, or (when the client reuses a kept-alive connection the stop closed before it noticed) closed
      assertThatThrownBy(() -> client.configMaps().withName("watched").get())
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(org.assertj.core.util.Throwables.getRootCause(e))
              .isInstanceOfAny(ConnectException.class, io.vertx.core.http.HttpClosedException.class));

      assertThat(proxy.listen(port)).isEqualTo(port);
      assertThat(client.configMaps().withName("watched").get().getData()).containsEntry("k", "v");
      Await.until(WAIT, "the informer to watch again", informer::isWatching);
      client.configMaps().resource(configMap("after-outage", "v")).create();
      Await.until(WAIT, "the informer to see after-outage", () -> added.contains("after-outage"));
    } finally {
      informer.close();
    }
  }

  @Test
  @DisplayName("a streamed HTTP watch (as kubectl get --watch uses) passes through chunk by chunk")
  void httpWatch() throws Exception {
    Config httpOnly = new ConfigBuilder(config(server.token())).withOnlyHttpWatches(true).build();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    try (KubernetesClient watching = new KubernetesClientBuilder().withConfig(httpOnly).build();
        Watch watch = watching.configMaps().watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, ConfigMap cm) {
            seen.add(action + " " + cm.getMetadata().getName());
          }

          @Override
          public void onClose(WatcherException cause) {
          }
        })) {
      assertThat(proxy.openWebSockets()).isZero();
      client.configMaps().resource(configMap("streamed", "v")).create();
      Await.until(WAIT, "the HTTP watch to see streamed added", () -> seen.contains("ADDED streamed"));
      client.configMaps().withName("streamed").edit(cm -> new ConfigMapBuilder(cm).addToData("k", "w").build());
      Await.until(WAIT, "the HTTP watch to see streamed modified", () -> seen.contains("MODIFIED streamed"));
    }
  }


  @Test
  @DisplayName("pod logs come from PodLogs for a pod the real server holds; 404 for a missing pod")
  void podLogs() throws Exception {
    // no controller manager creates the default service account, which the ServiceAccount admission needs
    if (client.serviceAccounts().withName("default").get() == null) {
      client.serviceAccounts().resource(new ServiceAccountBuilder().withNewMetadata().withName("default")
          .endMetadata().build()).create();
    }
    client.pods().resource(new PodBuilder().withNewMetadata().withName("logged").endMetadata()
        .withNewSpec().addNewContainer().withName("main").withImage("busybox").endContainer().endSpec().build())
        .create();
    logs.append(NS, "logged", "main", "first\nsecond\n");

    assertThat(client.pods().withName("logged").getLog()).isEqualTo("first\nsecond\n");
    assertThat(client.pods().withName("logged").tailingLines(1).getLog()).isEqualTo("second\n");
    assertThatThrownBy(() -> client.pods().withName("logged").inContainer("nope").getLog())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(400));
    assertThatThrownBy(() -> client.pods().withName("missing").getLog())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));

    HttpClient http = client.getHttpClient();
    HttpResponse<String> log = http.sendAsync(http.newHttpRequestBuilder().uri("https://127.0.0.1:" + proxy.port()
        + "/api/v1/namespaces/default/pods/logged/log?timestamps=true&limitBytes=40").build(), String.class)
        .get(10, TimeUnit.SECONDS);
    assertThat(log.code()).isEqualTo(200);
    assertThat(log.header("Connection")).isEqualTo("close");
    assertThat(log.body()).hasSize(40).matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\S+Z first\n.*");
  }

  @Test
  @DisplayName("a wrong token is refused by the real server through the proxy, pod logs included")
  void badToken() throws Exception {
    try (KubernetesClient stranger = new KubernetesClientBuilder().withConfig(config("not-the-token")).build()) {
      assertThatThrownBy(() -> stranger.configMaps().list())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(401));
      // straight to the log endpoint (fabric8's getLog first waits for the pod with a watch of its own)
      HttpClient http = stranger.getHttpClient();
      HttpResponse<String> log = http.sendAsync(http.newHttpRequestBuilder()
          .uri("https://127.0.0.1:" + proxy.port() + "/api/v1/namespaces/default/pods/logged/log").build(),
          String.class).get(10, TimeUnit.SECONDS);
      assertThat(log.code()).isEqualTo(401);
    }
  }

  @Test
  @DisplayName("a streamed HTTP watch's head comes when the API server sends it, before any event: kubectl wait,"
      + " which stops watching only once the head has come, ends at once")
  void watchHeadBeforeEvents() throws Exception {
    String version = client.configMaps().list().getMetadata().getResourceVersion();
    HttpClient http = client.getHttpClient();
    // no object has this name, so no event comes, and without bookmarks the API server sends nothing but the head
    HttpResponse<AsyncBody> watch = http.consumeBytes(http.newHttpRequestBuilder().uri("https://127.0.0.1:"
        + proxy.port() + "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=" + version
        + "&fieldSelector=metadata.name%3Dnever-created").build(), (buffers, body) -> body.consume())
        .get(10, TimeUnit.SECONDS);
    try {
      assertThat(watch.code()).isEqualTo(200);
      assertThat(watch.header("Transfer-Encoding")).isEqualTo("chunked");
    } finally {
      watch.body().cancel();
    }
  }
}
