package io.fleetfed.core.fleet.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.kubefed.BuiltInTypes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request answered 429 Too Many Requests is sent again after the server's Retry-After, as client-go does: a real
 * API server answers so while a new type's storage initialises ("storage is (re)initializing", retryAfterSeconds 1)
 * and under API priority and fairness.
 */
class TooManyRequestsTest {

  private static final String TOO_MANY = """
      {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"storage is (re)initializing",
       "reason":"TooManyRequests","details":{"retryAfterSeconds":0},"code":429}""";
  private static final String EMPTY_LIST = """
      {"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[]}""";

  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile int refusals;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      int n = requests.incrementAndGet();
      boolean refuse = n <= refusals;
      byte[] body = (refuse ? TOO_MANY : EMPTY_LIST).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      if (refuse) {
        exchange.getResponseHeaders().add("Retry-After", "0");
      }
      exchange.sendResponseHeaders(refuse ? 429 : 200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private Fabric8ClusterClient client() {
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    return new Fabric8ClusterClient("dev1", new KubernetesClientBuilder().withConfig(
        new io.fabric8.kubernetes.client.ConfigBuilder(io.fabric8.kubernetes.client.Config.empty()).withMasterUrl(url)
            .withRequestRetryBackoffLimit(0).build()).build());
  }

  @Test
  void aRequestAnswered429IsSentAgainUntilItIsServed() {
    refusals = 2;
    try (Fabric8ClusterClient client = client()) {
      assertThat(client.list(BuiltInTypes.CONFIG_MAPS, "ci", Map.of())).isEmpty();
    }
    assertThat(requests).hasValue(3);
  }

  @Test
  void afterTheLastRetryThe429IsReportedAsTheClusterSaidIt() {
    refusals = Integer.MAX_VALUE;
    try (Fabric8ClusterClient client = client()) {
      assertThatThrownBy(() -> client.list(BuiltInTypes.CONFIG_MAPS, "ci", Map.of()))
          .isInstanceOf(ClusterRequestException.class)
          .satisfies(e -> assertThat(((ClusterRequestException) e).code()).isEqualTo(429))
          .hasMessageContaining("storage is (re)initializing");
    }
    assertThat(requests).hasValue(1 + Fabric8ClusterClient.TOO_MANY_REQUESTS_RETRIES);
  }

  @Test
  void theWaitIsTheServersCappedAndOneSecondWhenItNamesNone() {
    assertThat(Fabric8ClusterClient.retryAfter(tooMany(1))).isEqualTo(Duration.ofSeconds(1));
    assertThat(Fabric8ClusterClient.retryAfter(tooMany(0))).isEqualTo(Duration.ZERO);
    assertThat(Fabric8ClusterClient.retryAfter(tooMany(60))).isEqualTo(Fabric8ClusterClient.MAX_RETRY_AFTER);
    assertThat(Fabric8ClusterClient.retryAfter(new KubernetesClientException("no status"))).isEqualTo(
        Duration.ofSeconds(1));
  }

  private static KubernetesClientException tooMany(int seconds) {
    return new KubernetesClientException(new StatusBuilder().withCode(429).withNewDetails()
        .withRetryAfterSeconds(seconds).endDetails().build());
  }
}
