package io.fleetfed.core.fleet;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.render.ManagedMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One member cluster: its client (the only way the fleet talks to it), its health, its cordon, and its caches
 * of managed objects. This is the narrow seam between the propagation logic and the cluster.
 */
final class Member {
  private final String name;
  private final KubernetesClient client;
  private final boolean joined;
  private volatile Map<String, String> labels;
  private volatile ClusterHealth health = ClusterHealth.READY;
  private volatile Optional<String> healthMessage = Optional.empty();
  private volatile boolean cordoned;
  private volatile boolean drained;
  private volatile boolean probed;
  /** For a joined member: the health its KubeFedCluster's status records, so that only changes are written. */
  private volatile Optional<ClusterHealth> recorded = Optional.empty();
  private int disagreeing;
  private final Map<String, TypeCache> caches = new ConcurrentHashMap<>();
  private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
  private final Map<String, Object> namespaceLocks = new ConcurrentHashMap<>();

  Member(String name, Map<String, String> labels, KubernetesClient client, boolean joined) {
    this.name = name;
    this.labels = Map.copyOf(labels);
    this.client = client;
    this.joined = joined;
  }

  String name() {
    return name;
  }

  KubernetesClient client() {
    return client;
  }

  ClusterState state() {
    return new ClusterState(name, labels, health, cordoned, drained, joined, healthMessage);
  }

  boolean ready() {
    return health.isReady();
  }

  ClusterHealth health() {
    return health;
  }

  boolean cordoned() {
    return cordoned || drained;
  }

  boolean drained() {
    return drained;
  }

  void cordon(boolean cordoned, boolean drained) {
    this.cordoned = cordoned;
    this.drained = drained;
  }

  Optional<ClusterHealth> recorded() {
    return recorded;
  }

  void recorded(ClusterHealth health) {
    this.recorded = Optional.of(health);
  }

  void labels(Map<String, String> labels) {
    this.labels = Map.copyOf(labels);
  }

  /**
   * Records one probe's result under KubeFed's thresholds and returns the health change, if any. The first
   * probe always counts; later, health changes only after enough consecutive probes agree.
   */
  synchronized Optional<ClusterHealth> probed(ClusterHealth observed, Optional<String> message, HealthCheck check) {
    ClusterHealth before = health;
    if (!probed || observed.isReady() == health.isReady()) {
      probed = true;
      disagreeing = 0;
      health = observed;          // NOT_READY and OFFLINE are both not Ready: the latest one is shown
      healthMessage = message;
    } else if (++disagreeing >= (observed.isReady() ? check.successThreshold() : check.failureThreshold())) {
      disagreeing = 0;
      health = observed;
      healthMessage = message;
    }
    return before == health ? Optional.empty() : Optional.of(health);
  }

  /** GETs {@code /healthz}: Ready when the body is {@code ok}, not Ready for another answer, Offline on error. */
  java.util.concurrent.CompletableFuture<ProbeResult> probe(Duration timeout) {
    String base = client.getConfiguration().getMasterUrl();
    String url = (base.endsWith("/") ? base : base + "/") + "healthz";
    HttpRequest request = client.getHttpClient().newHttpRequestBuilder().uri(url)
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).build();
    return client.getHttpClient().sendAsync(request, String.class)
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((HttpResponse<String> response, Throwable error) -> {
          if (error != null) {
            return new ProbeResult(ClusterHealth.OFFLINE,
                Optional.of("cluster is not reachable: " + Errors.describe(error)));
          }
          String body = response.body() == null ? "" : response.body().trim();
          return "ok".equals(body)
              ? new ProbeResult(ClusterHealth.READY, Optional.of("/healthz responded with ok"))
              : new ProbeResult(ClusterHealth.NOT_READY, Optional.of("/healthz responded without ok (HTTP "
                  + response.code() + ")"));
        });
  }

  record ProbeResult(ClusterHealth health, Optional<String> message) {}

  // ---- caches ----------------------------------------------------------------------------------------

  /**
   * The cache of {@code context}'s managed objects, created if new; when {@code watch}, it is switched to
   * watching (waiting up to {@code timeout} for its first list while the cluster is Ready).
   */
  TypeCache cache(ResourceDefinitionContext context, Duration timeout, TypeCache.Listener listener, boolean watch)
      throws InterruptedException {
    TypeCache cache = caches.computeIfAbsent(cacheKey(context), k -> new TypeCache(name, client, context, listener));
    if (watch && !cache.watching()) {
      cache.watch(ready() ? timeout : Duration.ofMillis(1));
    }
    return cache;
  }

  Optional<TypeCache> existingCache(ResourceDefinitionContext context) {
    return Optional.ofNullable(caches.get(cacheKey(context)));
  }

  List<TypeCache> caches() {
    return new ArrayList<>(caches.values());
  }

  static String cacheKey(ResourceDefinitionContext c) {
    return c.getGroup() + "/" + c.getVersion() + "/" + c.getPlural();
  }

  static ResourceDefinitionContext context(ResourceType type, String apiVersion) {
    String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
    return new ResourceDefinitionContext.Builder().withGroup(type.group()).withVersion(version)
        .withKind(type.kind()).withPlural(type.plural()).withNamespaced(type.isNamespaced()).build();
  }

  // ---- requests ---------------------------------------------------------------------------------------

  private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> in(ResourceDefinitionContext context, String namespace) {
    var op = client.genericKubernetesResources(context);
    return namespace.isEmpty() ? op : op.inNamespace(namespace);
  }

  Optional<GenericKubernetesResource> get(ResourceDefinitionContext context, String namespace, String name) {
    return Optional.ofNullable(in(context, namespace).withName(name).get());
  }

  GenericKubernetesResource create(ResourceDefinitionContext context, GenericKubernetesResource object) {
    return in(context, namespaceOf(object)).resource(object).create();
  }

  /** A conditional update: fails with 409 when the object's resourceVersion is stale. */
  GenericKubernetesResource update(ResourceDefinitionContext context, GenericKubernetesResource object) {
    return in(context, namespaceOf(object)).resource(object).update();
  }

  /** Deletes in the background; returns false if the object was already gone. */
  boolean delete(ResourceDefinitionContext context, String namespace, String name) {
    return !in(context, namespace).withName(name).withPropagationPolicy(DeletionPropagation.BACKGROUND)
        .delete().isEmpty();
  }

  /** Creates {@code namespace}, labelled managed, unless it is known to exist. */
  void ensureNamespace(String namespace) {
    if (namespace.isEmpty() || namespaces.contains(namespace)) {
      return;
    }
    synchronized (namespaceLocks.computeIfAbsent(namespace, n -> new Object())) {   // one GET per namespace
      if (!namespaces.contains(namespace)) {
        createNamespace(namespace);
      }
    }
  }

  private void createNamespace(String namespace) {
    Namespace existing = client.namespaces().withName(namespace).get();
    if (existing == null) {
      try {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
            .addToLabels(ManagedMetadata.MANAGED_LABEL, "true").endMetadata().build()).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
    namespaces.add(namespace);
  }

  /** Forgets that {@code namespace} exists, after the cluster said it does not. */
  void forgetNamespace(String namespace) {
    namespaces.remove(namespace);
  }

  void close() {
    caches.values().forEach(TypeCache::stop);
    caches.clear();
    client.close();
  }

  private static String namespaceOf(GenericKubernetesResource o) {
    String ns = o.getMetadata().getNamespace();
    return ns == null ? "" : ns;
  }
}
