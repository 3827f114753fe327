package io.fleetfed.testkit;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.testkit.internal.ClusterServer;
import io.fleetfed.testkit.internal.Crds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One cluster of a {@link FleetSandbox}: a Kubernetes API server on a fixed loopback port, with its own objects —
 * fabric8's CRUD mock server in this JVM, or a real {@code kube-apiserver} behind the sandbox's front
 * ({@link ServerKind}); every method here behaves the same on both.
 *
 * <pre>{@code
 * SandboxCluster dev2 = sandbox.cluster("dev2");
 * dev2.client().configMaps().inNamespace("ci").resource(cm).create();
 * dev2.goOffline();                 // connections refused, watches dropped; the store is kept
 * dev2.goOnline();                  // same port, same objects
 * dev2.latency(Duration.ofMillis(200));
 * dev2.resetCounts();
 * runTheCodeUnderTest();
 * assertThat(dev2.writeCount()).isZero();
 * }</pre>
 *
 * <p>Every method is thread-safe. Nothing here ever shows the cluster's token.
 */
public final class SandboxCluster {

  private final ClusterServer server;

  SandboxCluster(ClusterServer server) {
    this.server = server;
  }

  ClusterServer server() {
    return server;
  }

  /**
   * The cluster's name, which is also its kubeconfig context and cluster name.
   *
   * @return the name
   */
  public String name() {
    return server.name();
  }

  /**
   * The API server's base URL; the port stays the same across {@link #goOffline()} and {@link #goOnline()}.
   *
   * @return {@code http://127.0.0.1:<port>/} (mock) or {@code https://127.0.0.1:<port>/} (real)
   */
  public String url() {
    return server.url();
  }

  /**
   * The API server's port.
   *
   * @return the port
   */
  public int port() {
    return server.port();
  }

  /**
   * The cluster's own client, created on first use and closed by {@link FleetSandbox#close()}; do not close it.
   * It is built from {@link #config()}, so it does not retry failed requests.
   *
   * @return the client
   */
  public KubernetesClient client() {
    return server.client();
  }

  /**
   * A new client configuration for this cluster: its URL, CA (real servers) and token, namespace {@code default}, a
   * context named after the cluster, and {@code requestRetryBackoffLimit} 0, so that an outage surfaces at once rather than after
   * about 20 seconds of retries (change it on the returned copy if a test wants retries).
   *
   * @return a new Config, for {@code new KubernetesClientBuilder().withConfig(config).build()}
   */
  public Config config() {
    return server.config();
  }

  /**
   * Stops the API server as an outage would: new connections are refused, open connections and watches are
   * dropped. The stored objects are kept. Does nothing if already offline.
   */
  public void goOffline() {
    server.goOffline();
  }

  /**
   * Starts the API server again on the same port with the same objects. Clients and informers reconnect by
   * themselves (informers after their reconnect back-off, one second at first). Does nothing if online.
   *
   * @throws IllegalStateException if the sandbox is closed or another process took the port meanwhile
   */
  public void goOnline() {
    server.goOnline();
  }

  /**
   * Whether the API server is listening.
   *
   * @return whether online
   */
  public boolean isOnline() {
    return server.isOnline();
  }

  /**
   * The delay added before each response.
   *
   * @return the latency, zero by default
   */
  public Duration latency() {
    return server.latency();
  }

  /**
   * Delays each response of this cluster, and no other, by {@code latency}. The request is handled at once and its
   * response sent after the delay, without holding up other requests. Not delayed: watch events, and the rare
   * response without a body.
   *
   * @param latency zero or more
   * @throws IllegalArgumentException if negative
   */
  public void latency(Duration latency) {
    server.latency(FleetSandbox.checkLatency(latency));
  }

  /**
   * Makes this API server fail requests, as an overloaded or broken one would: the next {@code count} requests with
   * method {@code method} whose path (without the query) matches the regular expression {@code pathRegex} are
   * answered with HTTP {@code status} and a Kubernetes {@code Status} body, and not served; other requests are
   * served as usual. Faults added earlier are matched first. {@link FleetSandbox#reset()} and {@link #clearFaults()}
   * forget them. A failed request still counts in {@link #requestCount()} (and, for a write, {@link #writeCount()}):
   * it reached the server.
   *
   * <pre>{@code
   * // the first two deletes of ConfigMap app-1 in namespace ci get 503, the third succeeds
   * cluster.failRequests("DELETE", "/api/v1/namespaces/ci/configmaps/app-1", 503, 2);
   * }</pre>
   *
   * @param method the HTTP method, in capitals: {@code GET}, {@code POST}, {@code PUT}, {@code PATCH} or
   *     {@code DELETE}
   * @param pathRegex a regular expression the whole path must match
   * @param status the status to answer, 400 to 599
   * @param count how many requests to fail, at least one
   * @throws IllegalArgumentException if the method is not one of these, the pattern is invalid, the status is not an
   *     error or count is below one
   */
  public void failRequests(String method, String pathRegex, int status, int count) {
    Objects.requireNonNull(method, "method");
    if (!Set.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
      throw new IllegalArgumentException("method must be GET, POST, PUT, PATCH or DELETE: " + method);
    }
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be an HTTP error, 400 to 599: " + status);
    }
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1: " + count);
    }
    Pattern path;
    try {
      path = Pattern.compile(Objects.requireNonNull(pathRegex, "pathRegex"));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("pathRegex is not a regular expression: " + e.getDescription(), e);
    }
    server.fail(method, path, status, count);
  }

  /** Forgets every fault added by {@link #failRequests} and not yet used up. */
  public void clearFaults() {
    server.clearFaults();
  }

  /**
   * Stores a CRD, or replaces the one of the same name, as {@code kubectl apply} would: its kinds are then served,
   * discovered and watchable. Works offline too. {@link FleetSandbox#reset()} forgets it.
   *
   * @param crd an {@code apiextensions.k8s.io/v1} CRD named {@code <plural>.<group>}
   * @throws IllegalArgumentException if the CRD is incomplete
   */
  public void registerCrd(CustomResourceDefinition crd) {
    server.registerCrd(Crds.check(Objects.requireNonNull(crd, "crd"), "CRD for cluster " + name()));
  }

  /**
   * Stores several CRDs as {@link #registerCrd} does; on real API servers they are made ready at the same time
   * (a new kind takes about two seconds before its first write is quick), so prefer this for many.
   *
   * <pre>{@code
   * sandbox.cluster("dev1").registerCrds(TektonSimulator.crds());
   * }</pre>
   *
   * @param crds {@code apiextensions.k8s.io/v1} CRDs, each named {@code <plural>.<group>}
   * @throws IllegalArgumentException if a CRD is incomplete
   */
  public void registerCrds(Collection<? extends CustomResourceDefinition> crds) {
    List<CustomResourceDefinition> checked = new ArrayList<>();
    for (CustomResourceDefinition crd : Objects.requireNonNull(crds, "crds")) {
      checked.add(Crds.check(Objects.requireNonNull(crd, "crd"), "CRD for cluster " + name()));
    }
    server.registerCrds(checked);
  }

  /**
   * How many HTTP requests this API server received since start or {@link #resetCounts()}, watches and discovery
   * included. Requests refused while offline never arrive, so are not counted.
   *
   * @return the count
   */
  public long requestCount() {
    return server.requestCount();
  }

  /**
   * How many POST, PUT, PATCH and DELETE requests this API server received since start or {@link #resetCounts()},
   * whether they succeeded or not. The sandbox's own set-up (CRDs registered by the builder or by
   * {@link #registerCrd}) is not counted.
   *
   * @return the count
   */
  public long writeCount() {
    return server.writeCount();
  }

  /** Sets {@link #requestCount()} and {@link #writeCount()} to zero. */
  public void resetCounts() {
    server.resetCounts();
  }

  @Override
  public String toString() {
    return "SandboxCluster[" + name() + " " + url() + (isOnline() ? "" : " offline") + "]";
  }
}
