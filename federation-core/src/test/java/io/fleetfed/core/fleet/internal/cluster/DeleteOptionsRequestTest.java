package io.fleetfed.core.fleet.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.DeleteOptions;
import io.fleetfed.core.model.DeleteOptions.Propagation;
import io.fleetfed.core.model.ResourceType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the fleet's client sends for a delete with options: the request's DeleteOptions body carries each option
 * (a uid precondition too, which fabric8's delete DSL cannot send), and a delete without options is sent as before.
 */
class DeleteOptionsRequestTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DELETED = """
      {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success"}""";
  private static final String NOT_FOUND = """
      {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \\"gone\\" \
      not found","reason":"NotFound","code":404}""";
  private static final String PRECONDITION = """
      {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on \
      Deployment.apps \\"guarded\\": the UID in the precondition (u-1) does not match the UID in record (u-2). The \
      object might have been deleted and then recreated","reason":"Conflict","code":409}""";

  /** One request as the server saw it. */
  record Seen(String method, String path, String query, JsonNode body) {}

  private HttpServer server;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] in = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      seen.add(new Seen(exchange.getRequestMethod(), path, exchange.getRequestURI().getQuery(),
          in.length == 0 ? null : JSON.readTree(in)));
      int code = path.endsWith("/gone") ? 404 : path.endsWith("/guarded") ? 409 : 200;
      byte[] body = (code == 404 ? NOT_FOUND : code == 409 ? PRECONDITION : DELETED).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(code, body.length);
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
    return new Fabric8ClusterClient("dev2", new KubernetesClientBuilder().withConfig(
        new io.fabric8.kubernetes.client.ConfigBuilder(io.fabric8.kubernetes.client.Config.empty()).withMasterUrl(url)
            .withRequestRetryBackoffLimit(0).build()).build());
  }

  @Test
  void everyOptionGoesInTheRequestsDeleteOptions() {
    DeleteOptions options = DeleteOptions.defaults().withGracePeriodSeconds(5)
        .withPropagationPolicy(Propagation.ORPHAN).withUidPrecondition("u-1").withResourceVersionPrecondition("42");
    try (Fabric8ClusterClient client = client()) {
      assertThat(client.delete(BuiltInTypes.DEPLOYMENTS, "web", "nginx", options)).isTrue();
    }
    assertThat(seen).singleElement().satisfies(r -> {
      assertThat(r.method()).isEqualTo("DELETE");
      assertThat(r.path()).isEqualTo("/apis/apps/v1/namespaces/web/deployments/nginx");
      assertThat(r.body().path("kind").asText()).isEqualTo("DeleteOptions");
      assertThat(r.body().path("gracePeriodSeconds").asLong()).isEqualTo(5);
      assertThat(r.body().path("propagationPolicy").asText()).isEqualTo("Orphan");
      assertThat(r.body().path("preconditions").path("uid").asText()).isEqualTo("u-1");
      assertThat(r.body().path("preconditions").path("resourceVersion").asText()).isEqualTo("42");
    });
  }

  @Test
  void optionsWithoutAPolicyKeepBackgroundAndSendNothingElse() {
    try (Fabric8ClusterClient client = client()) {
      client.delete(BuiltInTypes.CONFIG_MAPS, "web", "settings", DeleteOptions.defaults().withGracePeriodSeconds(0));
    }
    assertThat(seen).singleElement().satisfies(r -> {
      assertThat(r.path()).isEqualTo("/api/v1/namespaces/web/configmaps/settings");
      assertThat(r.body().path("propagationPolicy").asText()).isEqualTo("Background");
      assertThat(r.body().path("gracePeriodSeconds").asLong()).isZero();
      assertThat(r.body().has("preconditions")).isFalse();
    });
  }

  @Test
  void aClusterScopedObjectHasNoNamespaceInItsPath() {
    ResourceType roles = ResourceType.cluster("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles");
    try (Fabric8ClusterClient client = client()) {
      client.delete(roles, "", "system:aggregate-to-edit",
          DeleteOptions.defaults().withPropagationPolicy(Propagation.FOREGROUND));
    }
    assertThat(seen).singleElement().extracting(Seen::path)
        .isEqualTo("/apis/rbac.authorization.k8s.io/v1/clusterroles/system:aggregate-to-edit");
  }

  @Test
  void withoutOptionsTheDeleteIsTheOneSentBefore() {
    try (Fabric8ClusterClient client = client()) {
      client.delete(BuiltInTypes.DEPLOYMENTS, "web", "nginx", DeleteOptions.defaults());
      client.delete(BuiltInTypes.DEPLOYMENTS, "web", "nginx");
    }
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0)).isEqualTo(seen.get(1));
    assertThat(seen.get(0).body().path("propagationPolicy").asText()).isEqualTo("Background");
    assertThat(seen.get(0).body().has("gracePeriodSeconds")).isFalse();
    assertThat(seen.get(0).body().has("preconditions")).isFalse();
  }

  @Test
  void aMissingObjectIsFalseAndAFailedPreconditionIsTheClustersConflict() {
    DeleteOptions orphan = DeleteOptions.defaults().withPropagationPolicy(Propagation.ORPHAN);
    try (Fabric8ClusterClient client = client()) {
      assertThat(client.delete(BuiltInTypes.DEPLOYMENTS, "web", "gone", orphan)).isFalse();
      assertThatThrownBy(() -> client.delete(BuiltInTypes.DEPLOYMENTS, "web", "guarded",
          orphan.withUidPrecondition("u-1")))
          .isInstanceOfSatisfying(ClusterRequestException.class, e -> assertThat(e.isConflict()).isTrue())
          .hasMessageContaining("the UID in the precondition (u-1) does not match");
    }
  }
}
