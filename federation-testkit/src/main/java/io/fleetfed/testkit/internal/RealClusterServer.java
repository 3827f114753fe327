package io.fleetfed.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * One sandbox cluster on a real {@code kube-apiserver} (started by {@link RealApiServers}, its objects in the shared
 * etcd under the cluster's own prefix), reached through a {@link FrontProxy} on a port of its own: the front is what
 * clients and the kubeconfig see, and what goes offline, delays, fails injected requests, counts and serves pod
 * logs, since a bare API server has no kubelet. {@link SandboxControllers} play the controller-manager's parts that
 * tests meet (service-account tokens, namespace deletion, default service accounts); {@link EtcdSnapshot} resets.
 * The testkit's own reads ({@link #get}, {@link #list}, {@link #resolve}, CRD registration) go to the API server
 * directly, so they are not counted and work while the front is offline.
 *
 * <p>Internal: use {@code io.fleetfed.testkit.SandboxCluster}.
 */
public final class RealClusterServer implements ClusterServer {

  private static final Duration CRD_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RESET_TIMEOUT = Duration.ofSeconds(30);
  private static final String DISCOVERY_V2 =
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final RealApiServers servers;
  private final String name;
  private final List<CustomResourceDefinition> startCrds;
  /** The CRDs a reset keeps (the start ones and {@link #keepCrd kept} ones), by name. */
  private final Map<String, CustomResourceDefinition> baselineCrds = new ConcurrentHashMap<>();
  private final PodLogs podLogs = new PodLogs();
  private final Duration startLatency;
  private RealApiServers.Server server;
  private FrontProxy front;
  private KubernetesClient admin;
  private SandboxControllers controllers;
  private EtcdSnapshot snapshot;
  /** Kept, since the certificate's file goes with the sandbox's directory when it closes. */
  private String caPem;
  private KubernetesClient client;
  private int port;
  private boolean closed;

  /**
   * A cluster not started yet.
   *
   * @param servers the etcd and API server processes it joins
   * @param name the cluster's name, also its etcd prefix
   * @param crds the CRDs registered at start and kept by every reset
   * @param latency the added delay before each response
   */
  public RealClusterServer(RealApiServers servers, String name, List<CustomResourceDefinition> crds,
      Duration latency) {
    this.servers = Objects.requireNonNull(servers, "servers");
    this.name = Objects.requireNonNull(name, "name");
    this.startCrds = List.copyOf(crds);
    startCrds.forEach(crd -> baselineCrds.put(crd.getMetadata().getName(), crd));
    this.startLatency = Objects.requireNonNull(latency, "latency");
  }

  /**
   * Starts the API server (returning once it serves), the front on a free port, the controllers, registers the start
   * CRDs and takes the snapshot {@link #reset} returns to.
   */
  @Override
  public void start() {
    RealApiServers.Server started = servers.add(name);
    FrontProxy proxy = new FrontProxy(name, started.certDir().resolve("apiserver.crt"),
        started.certDir().resolve("apiserver.key"), started.certDir().resolve("apiserver.crt"), started.port(),
        podLogs);
    String ca = started.caPem();
    synchronized (this) {
      server = started;
      caPem = ca;
      front = proxy;
      admin = new KubernetesClientBuilder().withConfig(started.config()).build();
      port = proxy.listen(0);
      proxy.latency(startLatency);
    }
    controllers = SandboxControllers.start(admin, ca);
    registerCrds(startCrds);
    awaitDefaultServiceAccounts();
    EtcdSnapshot taken = EtcdSnapshot.take(servers.etcdUrl(), "/" + name + "/");
    synchronized (this) {
      snapshot = taken;
    }
  }

  /** Until every namespace has the {@code default} service account the controllers create, so the snapshot has them. */
  private void awaitDefaultServiceAccounts() {
    long deadline = System.nanoTime() + CRD_TIMEOUT.toNanos();
    while (admin.namespaces().list().getItems().stream().anyMatch(ns -> admin.serviceAccounts()
        .inNamespace(ns.getMetadata().getName()).withName("default").get() == null)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("sandbox cluster " + name + ": no default service accounts after "
            + CRD_TIMEOUT);
      }
      pause();   // polling the controllers' work: there is no event to wait on here
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized int port() {
    return port;
  }

  @Override
  public String url() {
    return "https://127.0.0.1:" + port() + "/";
  }

  @Override
  public String token() {
    return started().token();
  }

  @Override
  public Optional<String> caPem() {
    started();
    synchronized (this) {
      return Optional.of(caPem);
    }
  }

  private synchronized RealApiServers.Server started() {
    if (server == null) {
      throw new IllegalStateException("sandbox cluster " + name + " has not started");
    }
    return server;
  }

  @Override
  public Config config() {
    return ClusterServer.clientConfig(name, url(), token(), caPem());
  }


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

  private synchronized KubernetesClient admin() {
    if (closed || admin == null) {
      throw new IllegalStateException("sandbox cluster " + name + (closed ? " is closed" : " has not started"));
    }
    return admin;
  }

  private synchronized FrontProxy front() {
    if (front == null) {
      throw new IllegalStateException("sandbox cluster " + name + " has not started");
    }
    return front;
  }

  @Override
  public synchronized void goOffline() {
    if (front != null) {
      front.stop();
    }
  }

  @Override
  public synchronized void goOnline() {
    if (closed) {
      throw new IllegalStateException("sandbox cluster " + name + " is closed");
    }
    if (!front().isListening()) {
      front.listen(port);
    }
  }

  @Override
  public synchronized boolean isOnline() {
    return front != null && front.isListening();
  }

  @Override
  public Duration latency() {
    return front().latency();
  }

  @Override
  public void latency(Duration latency) {
    front().latency(latency);
  }

  @Override
  public void fail(String method, Pattern path, int status, int count) {
    front().fail(method, path, status, count);
  }

  @Override
  public void clearFaults() {
    front().clearFaults();
  }

  @Override
  public long requestCount() {
    return front().requestCount();
  }

  @Override
  public long writeCount() {
    return front().writeCount();
  }

  @Override
  public void resetCounts() {
    front().resetCounts();
  }

  /**
   * Creates or replaces the CRD on the API server and waits until it is established (its kinds served and
   * discovered), as {@code kubectl apply} followed by {@code kubectl wait --for condition=established} would.
   */
  @Override
  public void registerCrd(CustomResourceDefinition crd) {
    warmUp(establish(crd));
  }

  /**
   * Registers several CRDs as {@link #registerCrd} does, warming them up at the same time: a new kind's first
   * write takes about two seconds whatever else the server does, so seven Tekton CRDs take two seconds, not
   * fourteen.
   */
  @Override
  public void registerCrds(List<CustomResourceDefinition> crds) {
    List<CustomResourceDefinition> established = new ArrayList<>();
    crds.forEach(crd -> established.add(establish(crd)));
    List<CompletableFuture<Void>> warming = new ArrayList<>();
    for (CustomResourceDefinition crd : established) {
      warming.add(CompletableFuture.runAsync(() -> warmUp(crd), runnable -> {
        Thread thread = new Thread(runnable, "fleetfed-sandbox-warm-up-" + crd.getMetadata().getName());
        thread.setDaemon(true);
        thread.start();
      }));
    }
    try {
      CompletableFuture.allOf(warming.toArray(new CompletableFuture<?>[0])).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : e;
    }
  }

  @Override
  public void keepCrds(List<CustomResourceDefinition> crds) {
    registerCrds(crds);
    for (CustomResourceDefinition crd : crds) {
      snapshot().keepCrd(crd.getMetadata().getName());
      baselineCrds.put(crd.getMetadata().getName(), crd);
    }
  }

  /** Creates or replaces the CRD and waits until it is established; the copy sent. */
  private CustomResourceDefinition establish(CustomResourceDefinition crd) {
    CustomResourceDefinition copy = new CustomResourceDefinitionBuilder(crd)
        .editMetadata().withResourceVersion(null).withUid(null).withCreationTimestamp(null).endMetadata()
        .withStatus(null).build();
    String crdName = copy.getMetadata().getName();
    try {
      var resource = admin().apiextensions().v1().customResourceDefinitions().withName(crdName);
      CustomResourceDefinition existing = resource.get();
      if (existing == null) {
        admin().apiextensions().v1().customResourceDefinitions().resource(copy).create();
      } else {
        copy.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        admin().apiextensions().v1().customResourceDefinitions().resource(copy).update();
      }
      resource.waitUntilCondition(RealClusterServer::established, CRD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return copy;
    } catch (KubernetesClientException e) {
      throw new IllegalArgumentException("sandbox cluster " + name + " refused CRD " + crdName + " (HTTP "
          + e.getCode() + "): " + e.getStatus().getMessage(), e);
    }
  }

  /**
   * Waits until the CRD's kinds are served fast: a new type's storage answers 429 "storage is (re)initializing" for
   * a moment, and its first create takes about two seconds (measured on 1.34); a list and a dry-run create of each
   * served version take both, so that tests with short request timeouts meet a type as settled as a real cluster's.
   */
  private void warmUp(CustomResourceDefinition crd) {
    long deadline = System.nanoTime() + CRD_TIMEOUT.toNanos();
    boolean namespaced = "Namespaced".equals(crd.getSpec().getScope());
    for (var version : crd.getSpec().getVersions()) {
      if (!Boolean.TRUE.equals(version.getServed())) {
        continue;
      }
      ResourceDefinitionContext context = new ResourceDefinitionContext.Builder().withGroup(crd.getSpec().getGroup())
          .withVersion(version.getName()).withKind(crd.getSpec().getNames().getKind())
          .withPlural(crd.getSpec().getNames().getPlural()).withNamespaced(namespaced).build();
      var resources = admin().genericKubernetesResources(context);
      GenericKubernetesResource probe = new GenericKubernetesResource();
      probe.setApiVersion(crd.getSpec().getGroup() + "/" + version.getName());
      probe.setKind(crd.getSpec().getNames().getKind());
      probe.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("fleetfed-warm-up")
          .withNamespace(namespaced ? DEFAULT_NAMESPACE : null).build());
      while (true) {
        try {
          if (namespaced) {
            resources.inNamespace(DEFAULT_NAMESPACE).list();
            resources.inNamespace(DEFAULT_NAMESPACE).resource(probe).dryRun().create();
          } else {
            resources.list();
            resources.resource(probe).dryRun().create();
          }
          break;
        } catch (KubernetesClientException e) {
          boolean settling = e.getCode() == 429 || e.getCode() == 404 || e.getCode() == 0;
          if (!settling) {
            break;   // served: the dry run was judged (a schema may refuse the empty probe, which is fine)
          }
          if (System.nanoTime() > deadline) {
            throw e;
          }
          pause();
        }
      }
    }
  }

  private void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(50);   // the API server's storage initialising has no event to wait on
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sandbox cluster " + name + " was serving a new CRD", e);
    }
  }

  @Override
  public void keepCrd(CustomResourceDefinition crd) {
    registerCrd(crd);
    snapshot().keepCrd(crd.getMetadata().getName());
    baselineCrds.put(crd.getMetadata().getName(), crd);
  }

  @Override
  public void forgetCrd(String crdName) {
    if (startCrds.stream().anyMatch(c -> c.getMetadata().getName().equals(crdName))) {
      return;   // the builder's: kept for the sandbox's life
    }
    snapshot().forgetCrd(crdName);
    baselineCrds.remove(crdName);
  }

  private synchronized EtcdSnapshot snapshot() {
    if (snapshot == null) {
      throw new IllegalStateException("sandbox cluster " + name + " has not started");
    }
    return snapshot;
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  @Override
  public boolean hasCrd(String crdName) {
    return admin().apiextensions().v1().customResourceDefinitions().withName(crdName).get() != null;
  }

  @Override
  public PodLogs podLogs() {
    return podLogs;
  }

  /**
   * Back to the snapshot taken at start: the front online without faults, counters at zero and the given latency,
   * no pod logs, and in etcd every object created since start deleted and every changed one put back (the API
   * server's own bookkeeping excepted). Unlike the mock, open watches do see the deletions.
   */
  @Override
  public synchronized void reset(Duration latency) {
    goOnline();
    front.clearFaults();
    EtcdSnapshot.Restored restored = snapshot.restore(admin, RESET_TIMEOUT);
    for (String crdName : restored.crdsPutBack()) {
      CustomResourceDefinition crd = baselineCrds.get(crdName);
      if (crd != null) {
        warmUp(crd);   // its storage is initialised again
      }
    }
    podLogs.clear();
    front.latency(latency);
    front.resetCounts();
  }

  @Override
  public Optional<ApiResource> resolve(String apiVersion, String kind) {
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    return servedTypes().stream()
        .filter(r -> r.group().equals(group) && r.version().equals(version) && r.kind().equals(kind))
        .findFirst();
  }

  /** Every type, from the API server's aggregated discovery ({@code /api} and {@code /apis}, two requests). */
  @Override
  public List<ApiResource> servedTypes() {
    List<ApiResource> result = new ArrayList<>();
    for (String path : List.of("api", "apis")) {
      JsonNode list = discovery(path);
      for (JsonNode group : list.path("items")) {
        String groupName = group.path("metadata").path("name").asText("");
        for (JsonNode version : group.path("versions")) {
          for (JsonNode resource : version.path("resources")) {
            String kind = resource.path("responseKind").path("kind").asText("");
            if (kind.isEmpty()) {
              continue;
            }
            boolean status = false;
            for (JsonNode sub : resource.path("subresources")) {
              status |= "status".equals(sub.path("subresource").asText());
            }
            result.add(new ApiResource(groupName, version.path("version").asText(), kind,
                resource.path("resource").asText(), resource.path("singularResource").asText(""),
                "Namespaced".equals(resource.path("scope").asText()), strings(resource.path("shortNames")),
                strings(resource.path("categories")), status));
          }
        }
      }
    }
    return result;
  }

  private JsonNode discovery(String path) {
    KubernetesClient c = admin();
    URI uri = URI.create(c.getMasterUrl().toString().replaceAll("/$", "") + "/" + path);
    HttpRequest request = c.getHttpClient().newHttpRequestBuilder().uri(uri).header("Accept", DISCOVERY_V2).build();
    try {
      HttpResponse<String> response = c.getHttpClient().sendAsync(request, String.class)
          .get(CRD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (response.code() != 200) {
        throw new IllegalStateException("sandbox cluster " + name + ": discovery /" + path + " answered HTTP "
            + response.code());
      }
      return MAPPER.readTree(response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading discovery of sandbox cluster " + name, e);
    } catch (ExecutionException | TimeoutException | IOException e) {
      throw new IllegalStateException("sandbox cluster " + name + ": discovery /" + path + " failed", e);
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> result = new ArrayList<>();
    array.forEach(n -> result.add(n.asText()));
    return result;
  }

  private static ResourceDefinitionContext context(ApiResource type) {
    return new ResourceDefinitionContext.Builder().withGroup(type.group()).withVersion(type.version())
        .withKind(type.kind()).withPlural(type.plural()).withNamespaced(type.namespaced()).build();
  }

  @Override
  public Optional<GenericKubernetesResource> get(ApiResource type, String namespace, String objectName) {
    var resources = admin().genericKubernetesResources(context(type));
    try {
      return Optional.ofNullable(type.namespaced()
          ? resources.inNamespace(namespace).withName(objectName).get()
          : resources.withName(objectName).get());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public List<GenericKubernetesResource> list(ApiResource type, String namespace) {
    var resources = admin().genericKubernetesResources(context(type));
    if (!type.namespaced()) {
      return resources.list().getItems();
    }
    return namespace == null ? resources.inAnyNamespace().list().getItems()
        : resources.inNamespace(namespace).list().getItems();
  }

  /** Closes the clients, the controllers and the front; the processes stop with {@link RealApiServers#close()}. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    for (AutoCloseable part : new AutoCloseable[] {client, controllers, front, admin}) {
      if (part == null) {
        continue;
      }
      try {
        part.close();
      } catch (Exception e) {
        RuntimeException wrapped = e instanceof RuntimeException ? (RuntimeException) e
            : new IllegalStateException("closing sandbox cluster " + name + " failed", e);
        if (failure == null) {
          failure = wrapped;
        } else {
          failure.addSuppressed(wrapped);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "RealClusterServer[" + name + " " + (server == null ? "not started" : url())
        + (isOnline() ? " online" : " offline") + "]";
  }
}
