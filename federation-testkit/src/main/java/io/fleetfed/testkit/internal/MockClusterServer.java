package io.fleetfed.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.regex.Pattern;
import java.util.regex.Pattern;

/**
 * One sandbox cluster: a fabric8 {@link KubernetesMockServer} in CRUD mode on a fixed loopback port, whose store
 * ({@link SandboxDispatcher}) survives the server being stopped (offline) and started again (online).
 *
 * <p>Internal: use {@code io.fleetfed.testkit.SandboxCluster}.
 */
public final class MockClusterServer implements ClusterServer {

  private static final java.util.logging.Logger WEB_SERVER_LOG =
      java.util.logging.Logger.getLogger(MockWebServer.class.getName());

  static {
    // MockWebServer logs every request at INFO through java.util.logging; keep test output readable unless the
    // caller configured that logger.
    if (WEB_SERVER_LOG.getLevel() == null) {
      WEB_SERVER_LOG.setLevel(Level.WARNING);
    }
  }

  private static final InetAddress LOOPBACK;

  static {
    try {
      LOOPBACK = InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String name;
  private final String token = ServiceAccountTokens.newToken();
  private final SandboxDispatcher dispatcher;
  private final List<CustomResourceDefinition> startCrds;
  /** CRDs registered to be kept by reset ({@link #keepCrd}), by name. */
  private final Map<String, CustomResourceDefinition> keptCrds = new java.util.concurrent.ConcurrentHashMap<>();
  private int port;
  private KubernetesMockServer server;
  private MockWebServer webServer;
  private KubernetesClient client;
  private boolean closed;

  /**
   * A stopped cluster server.
   *
   * @param name the cluster's name
   * @param crds the CRDs registered at start and at every reset
   * @param latency the added delay before each response
   */
  public MockClusterServer(String name, List<CustomResourceDefinition> crds, Duration latency) {
    this.name = Objects.requireNonNull(name, "name");
    this.startCrds = List.copyOf(crds);
    this.dispatcher = new SandboxDispatcher(name);
    this.dispatcher.latency(latency);
    this.dispatcher.afterRequest(this::drainRequestLog);
  }

  /**
   * Registers the CRDs and starts listening on a free loopback port.
   *
   * @throws IllegalStateException if the server cannot listen
   */
  @Override
  public synchronized void start() {
    startCrds.forEach(this::registerCrd);
    listen(0);
  }

  private void listen(int wantedPort) {
    MockWebServer web = new MockWebServer();
    // The JDK HttpClient offers h2c upgrades; answering them can garble large responses (see MockWebServer).
    web.setHttp2ClearTextEnabled(false);
    KubernetesMockServer mock = new KubernetesMockServer(new Context(), web, new HashMap<>(), dispatcher, false);
    try {
      mock.init(LOOPBACK, wantedPort);
    } catch (RuntimeException e) {
      try {
        mock.destroy();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new IllegalStateException("sandbox cluster " + name + " could not listen on 127.0.0.1:"
          + (wantedPort == 0 ? "<any free port>" : wantedPort), e);
    }
    this.port = mock.getPort();
    this.server = mock;
    this.webServer = web;
  }

  private void drainRequestLog() {
    MockWebServer web = webServer;
    if (web != null) {
      try {
        // MockWebServer queues every request it receives; keep that queue from growing without bound.
        web.takeRequest(0, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The cluster's name.
   *
   * @return the name
   */
  @Override
  public String name() {
    return name;
  }

  /**
   * The port, fixed for the server's life.
   *
   * @return the port
   */
  @Override
  public synchronized int port() {
    return port;
  }

  /**
   * The base URL.
   *
   * @return {@code http://127.0.0.1:<port>/}
   */
  @Override
  public String url() {
    return "http://127.0.0.1:" + port() + "/";
  }

  /**
   * The bearer token of the cluster's kubeconfig user. The server never checks it.
   *
   * @return the token; never put it in a message
   */
  @Override
  public String token() {
    return token;
  }

  /** None: the mock serves plain {@code http}. */
  @Override
  public Optional<String> caPem() {
    return Optional.empty();
  }

  /**
   * A new client configuration for this cluster: its URL and token, namespace {@code default}, a context named
   * after the cluster, and no request retries (so that an outage surfaces at once).
   *
   * @return a new Config
   */
  @Override
  public Config config() {
    return ClusterServer.clientConfig(name, url(), token, Optional.empty());
  }

  /**
   * The cluster's own client, created on first use and closed with the server.
   *
   * @return the client
   */
  @Override
  public synchronized KubernetesClient client() {
    if (closed) {
      throw new IllegalStateException("sandbox cluster " + name + " is closed");
    }
    if (client == null) {
      client = new KubernetesClientBuilder().withConfig(config()).build();
    }
    return client;
  }

  /** Stops the HTTP server: connections are refused and open watches drop. The store is kept. */
  @Override
  public synchronized void goOffline() {
    KubernetesMockServer mock = server;
    if (mock != null) {
      server = null;
      webServer = null;
      mock.destroy();
    }
  }

  /**
   * Starts the HTTP server again, on the same port, with the same store.
   *
   * @throws IllegalStateException if closed, or if the port was taken meanwhile
   */
  @Override
  public synchronized void goOnline() {
    if (closed) {
      throw new IllegalStateException("sandbox cluster " + name + " is closed");
    }
    if (server == null) {
      listen(port);
    }
  }

  /**
   * Whether the HTTP server is listening.
   *
   * @return whether online
   */
  @Override
  public synchronized boolean isOnline() {
    return server != null;
  }

  @Override
  public Duration latency() {
    return dispatcher.latency();
  }

  @Override
  public void latency(Duration latency) {
    dispatcher.latency(latency);
  }

  @Override
  public long requestCount() {
    return dispatcher.requestCount();
  }

  /**
   * Answers the next {@code count} matching requests with {@code status} instead of serving them.
   *
   * @param method the HTTP method
   * @param path the pattern the whole request path (without query) must match
   * @param status the HTTP status to answer
   * @param count how many requests to fail
   */
  @Override
  public void fail(String method, Pattern path, int status, int count) {
    dispatcher.fail(method, path, status, count);
  }

  /** Forgets every injected fault not yet used up. */
  @Override
  public void clearFaults() {
    dispatcher.clearFaults();
  }

  @Override
  public long writeCount() {
    return dispatcher.writeCount();
  }

  @Override
  public void resetCounts() {
    dispatcher.resetCounts();
  }

  /**
   * Stores a CRD (or replaces the one of the same name), as {@code kubectl apply} of it would; works offline.
   *
   * @param crd a checked CRD
   * @throws IllegalArgumentException if the store refuses it
   */
  @Override
  public void registerCrd(CustomResourceDefinition crd) {
    String json = dispatcher.serialization().asJson(crd);
    MockResponse created = dispatcher.internal(HttpMethod.POST,
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json);
    if (created.code() == 409) {
      // replace it: drop the resourceVersion so the store does not check it
      CustomResourceDefinition copy = dispatcher.serialization().clone(crd);
      copy.getMetadata().setResourceVersion(null);
      created = dispatcher.internal(HttpMethod.PUT,
          "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + crd.getMetadata().getName(),
          dispatcher.serialization().asJson(copy));
    }
    if (created.code() >= 300) {
      throw new IllegalArgumentException("sandbox cluster " + name + " refused CRD " + crd.getMetadata().getName()
          + " (HTTP " + created.code() + ")");
    }
  }

  @Override
  public void keepCrd(CustomResourceDefinition crd) {
    registerCrd(crd);
    keptCrds.put(crd.getMetadata().getName(), crd);
  }

  @Override
  public void forgetCrd(String crdName) {
    keptCrds.remove(crdName);
  }

  /**
   * Whether the store holds a CRD of this name (read directly from the store; works offline).
   *
   * @param name {@code <plural>.<group>}
   * @return whether stored
   */
  @Override
  public boolean hasCrd(String name) {
    MockResponse response = dispatcher.internal(HttpMethod.GET,
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + name, null);
    return response != null && response.code() == 200;
  }

  /**
   * The container logs this server serves at {@code /api/v1/namespaces/<ns>/pods/<pod>/log}; wiped by
   * {@link #reset(Duration)}.
   *
   * @return the log store
   */
  @Override
  public PodLogs podLogs() {
    return dispatcher.podLogs();
  }

  /**
   * Back to the state at start: online, the store wiped and the start CRDs registered again, the given latency,
   * counters at zero. Open watches get no events for the wiped objects.
   *
   * @param latency the latency to set
   */
  @Override
  public synchronized void reset(Duration latency) {
    goOnline();
    server.reset(); // wipes the store through SandboxDispatcher#reset
    startCrds.forEach(this::registerCrd);
    keptCrds.values().forEach(this::registerCrd);
    dispatcher.latency(latency);
    dispatcher.resetCounts();
  }

  /**
   * Finds the type of a kind among the built-ins and the stored CRDs.
   *
   * @param apiVersion {@code v1} or {@code group/version}
   * @param kind the kind
   * @return the type, if served
   */
  @Override
  public Optional<ApiResource> resolve(String apiVersion, String kind) {
    return dispatcher.discovery().find(apiVersion, kind);
  }

  /**
   * Every type this cluster serves now.
   *
   * @return the types
   */
  @Override
  public List<ApiResource> servedTypes() {
    return dispatcher.discovery().all();
  }

  /**
   * Reads one stored object directly from the store (no HTTP, not counted, works offline).
   *
   * @param type the type
   * @param namespace the namespace, ignored for cluster-scoped types
   * @param name the name
   * @return the object, if stored
   */
  @Override
  public Optional<GenericKubernetesResource> get(ApiResource type, String namespace, String name) {
    MockResponse response = dispatcher.internal(HttpMethod.GET, type.path(namespace, name), null);
    if (response == null || response.code() != 200 || response.getBody() == null
        || response.getBody().size() == 0) {
      return Optional.empty();
    }
    return Optional.of(dispatcher.serialization().unmarshal(response.getBody().readUtf8(),
        GenericKubernetesResource.class));
  }

  /**
   * Lists stored objects directly from the store (no HTTP, not counted, works offline).
   *
   * @param type the type
   * @param namespace a namespace, or {@code null} for every namespace (and for cluster-scoped types)
   * @return the objects
   */
  @Override
  public List<GenericKubernetesResource> list(ApiResource type, String namespace) {
    List<GenericKubernetesResource> result = new ArrayList<>();
    for (JsonNode item : dispatcher.listItems(type.path(namespace, null))) {
      result.add(dispatcher.serialization().unmarshal(item.toString(), GenericKubernetesResource.class));
    }
    return result;
  }

  /** Closes the client and stops the server; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    if (client != null) {
      try {
        client.close();
      } catch (RuntimeException e) {
        failure = e;
      }
      client = null;
    }
    try {
      goOffline();
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "MockClusterServer[" + name + " " + url() + (isOnline() ? " online" : " offline") + "]";
  }
}
