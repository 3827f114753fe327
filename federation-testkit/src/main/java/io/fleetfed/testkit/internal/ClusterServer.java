package io.fleetfed.testkit.internal;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.api.model.NamedContextBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One sandbox cluster's API server, whatever backs it: fabric8's CRUD mock ({@link MockClusterServer}) or a real
 * {@code kube-apiserver} behind the sandbox's own front ({@link RealClusterServer}). Both keep one port for their
 * life, go offline and online on it, delay responses, fail injected requests, count requests and serve pod logs.
 *
 * <p>Internal: use {@code io.fleetfed.testkit.SandboxCluster}. Implementations are thread-safe.
 */
public interface ClusterServer extends AutoCloseable {

  /** The user every kubeconfig context of the sandbox uses, per cluster. */
  String USER_SUFFIX = "-admin";
  /** The namespace of kubeconfig contexts and clients. */
  String DEFAULT_NAMESPACE = "default";

  /**
   * Starts serving on a free loopback port, with the start CRDs registered.
   *
   * @throws IllegalStateException if it cannot
   */
  void start();

  /** The cluster's name. */
  String name();

  /** The port, fixed for the server's life. */
  int port();

  /** The base URL, {@code http://127.0.0.1:<port>/} or {@code https://127.0.0.1:<port>/}. */
  String url();

  /** The bearer token of the cluster's kubeconfig user; never put it in a message. */
  String token();

  /** The PEM certificate clients must trust, for an {@code https} server; empty for plain {@code http}. */
  Optional<String> caPem();

  /**
   * A new client configuration for this cluster: its URL, CA and token, namespace {@code default}, a context named
   * after the cluster, and no request retries (so that an outage surfaces at once).
   */
  Config config();

  /**
   * The client configuration both kinds give: {@code url}, the CA if any, the token, namespace {@code default}, a
   * context named after the cluster, no request retries; HTTP/1.1 (the mock garbles some h2c answers, the real
   * front offers no h2).
   */
  static Config clientConfig(String name, String url, String token, Optional<String> caPem) {
    NamedContext context = new NamedContextBuilder().withName(name)
        .withNewContext().withCluster(name).withUser(name + USER_SUFFIX).withNamespace(DEFAULT_NAMESPACE)
        .endContext().build();
    ConfigBuilder builder = new ConfigBuilder(Config.empty())
        .withMasterUrl(url)
        .withOauthToken(token)
        .withNamespace(DEFAULT_NAMESPACE)
        .withHttp2Disable(true)
        .withRequestRetryBackoffLimit(0);
    caPem.ifPresent(pem -> builder.withCaCertData(
        Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII))));
    Config config = builder.build();
    config.setContexts(List.of(context));
    config.setCurrentContext(context);
    return config;
  }

  /** The cluster's own client, created on first use and closed with the server. */
  KubernetesClient client();

  /** Stops answering: connections are refused and open watches drop. Stored objects are kept. */
  void goOffline();

  /**
   * Answers again, on the same port, with the same objects.
   *
   * @throws IllegalStateException if closed, or if the port was taken meanwhile
   */
  void goOnline();

  /** Whether it answers. */
  boolean isOnline();

  /** The delay added before each response. */
  Duration latency();

  /** Sets the delay added before each response. */
  void latency(Duration latency);

  /** Answers the next {@code count} requests of {@code method} whose path matches with {@code status}. */
  void fail(String method, Pattern path, int status, int count);

  /** Forgets every injected fault not yet used up. */
  void clearFaults();

  /** Requests received since start or {@link #resetCounts()}. */
  long requestCount();

  /** POST, PUT, PATCH and DELETE requests received since start or {@link #resetCounts()}. */
  long writeCount();

  /** Sets both counters to zero. */
  void resetCounts();

  /**
   * Stores a CRD (or replaces the one of the same name) and returns once its kinds are served; works offline.
   *
   * @throws IllegalArgumentException if the server refuses it
   */
  void registerCrd(CustomResourceDefinition crd);

  /** Registers CRDs as {@link #registerCrd} does, at the same time where that is quicker. */
  default void registerCrds(List<CustomResourceDefinition> crds) {
    crds.forEach(this::registerCrd);
  }

  /** Keeps CRDs as {@link #keepCrd} does, at the same time where that is quicker. */
  default void keepCrds(List<CustomResourceDefinition> crds) {
    crds.forEach(this::keepCrd);
  }

  /**
   * Registers a CRD that {@link #reset} keeps until {@link #forgetCrd}: for parts of the environment attached for a
   * while, such as the Tekton simulator's CRDs.
   */
  void keepCrd(CustomResourceDefinition crd);

  /** Undoes {@link #keepCrd}: the next {@link #reset} removes the CRD. Nothing if it was not kept. */
  void forgetCrd(String name);

  /** Whether a CRD of this name ({@code <plural>.<group>}) is stored; works offline. */
  boolean hasCrd(String name);

  /** The container logs served at {@code /api/v1/namespaces/<ns>/pods/<pod>/log}. */
  PodLogs podLogs();

  /**
   * Back to the state at start: online, objects created since start gone and changed ones restored, the start
   * CRDs registered, no faults, the given latency, counters at zero, no pod logs.
   */
  void reset(Duration latency);

  /** The type of a kind, if served now. */
  Optional<ApiResource> resolve(String apiVersion, String kind);

  /** Every type served now. */
  List<ApiResource> servedTypes();

  /** Reads one object without going through the front: not counted, not delayed, works offline. */
  Optional<GenericKubernetesResource> get(ApiResource type, String namespace, String name);

  /**
   * Lists objects without going through the front: not counted, not delayed, works offline.
   *
   * @param namespace a namespace, or {@code null} for every namespace (and for cluster-scoped types)
   */
  List<GenericKubernetesResource> list(ApiResource type, String namespace);

  /** Stops serving and closes the client; idempotent. */
  @Override
  void close();
}
