package io.fleetfed.core.fleet.internal.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.cluster.HealthCheck;
import io.fleetfed.core.cluster.HealthProbe;
import io.fleetfed.core.cluster.ObjectWatch;
import io.fleetfed.core.cluster.ResourceContexts;
import io.fleetfed.core.cluster.ServedResource;
import io.fleetfed.core.cluster.WatchHandler;
import io.fleetfed.core.model.DeleteOptions;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.model.Scope;
import io.fleetfed.core.render.ManagedMetadata;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seam over fabric8: one {@link KubernetesClient} per cluster, every failure turned into a
 * {@link ClusterRequestException} described once ({@link Errors}).
 */
public final class Fabric8ClusterClient implements ClusterClient, AutoCloseable {

  /** HTTP 429 Too Many Requests. */
  private static final int TOO_MANY_REQUESTS = 429;
  /** How many times a request answered 429 is sent again (client-go: 10; its waits are the server's). */
  static final int TOO_MANY_REQUESTS_RETRIES = 5;
  /** The longest wait before sending a request answered 429 again, whatever the server asks. */
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(2);
  private static final Logger LOG = LoggerFactory.getLogger(Fabric8ClusterClient.class);

  private final String cluster;
  private final KubernetesClient client;
  private final Map<ResourceType, ResourceDefinitionContext> contexts = new ConcurrentHashMap<>();
  private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
  private final Map<String, Object> namespaceLocks = new ConcurrentHashMap<>();
  private final Set<InformerWatch> watches = ConcurrentHashMap.newKeySet();

  /** Wraps {@code client}, which this object then owns (see {@link #close()}). */
  public Fabric8ClusterClient(String cluster, KubernetesClient client) {
    this.cluster = cluster;
    this.client = client;
  }

  private ResourceDefinitionContext contextOf(ResourceType type) {
    return contexts.computeIfAbsent(type, ResourceContexts::of);
  }

  @Override
  public String cluster() {
    return cluster;
  }

  @Override
  public String url() {
    return client.getConfiguration().getMasterUrl();
  }

  /** The fabric8 client, for the fleet's own use (join reads its configuration). */
  public KubernetesClient fabric8() {
    return client;
  }

  /**
   * Runs a request; one answered 429 Too Many Requests is sent again after the server's {@code Retry-After}
   * (at most {@link #MAX_RETRY_AFTER}), up to {@link #TOO_MANY_REQUESTS_RETRIES} times, as client-go does. A real
   * API server answers 429 "storage is (re)initializing" for a type whose CRD was just created, and under API
   * priority and fairness; the request was not served, so sending it again, even a create, is safe.
   */
  private <T> T call(Supplier<T> request) {
    for (int attempt = 0; ; attempt++) {
      try {
        return request.get();
      } catch (KubernetesClientException e) {
        if (e.getCode() != TOO_MANY_REQUESTS || attempt >= TOO_MANY_REQUESTS_RETRIES) {
          throw Errors.of(cluster, e);
        }
        try {
          TimeUnit.MILLISECONDS.sleep(retryAfter(e).toMillis());   // the server asked to wait this long
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw Errors.of(cluster, e);
        }
      }
    }
  }

  /** The wait a 429 asks for ({@code details.retryAfterSeconds}), one second if it names none, capped. */
  static Duration retryAfter(KubernetesClientException e) {
    Integer seconds = e.getStatus() == null || e.getStatus().getDetails() == null ? null
        : e.getStatus().getDetails().getRetryAfterSeconds();
    Duration wait = seconds == null || seconds < 0 ? Duration.ofSeconds(1) : Duration.ofSeconds(seconds);
    return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
  }

  private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> in(ResourceType type, String namespace) {
    var op = client.genericKubernetesResources(contextOf(type));
    return namespace.isEmpty() ? op : op.inNamespace(namespace);
  }

  private static String namespaceOf(GenericKubernetesResource o) {
    String ns = o.getMetadata().getNamespace();
    return ns == null ? "" : ns;
  }

  @Override
  public Optional<GenericKubernetesResource> get(ResourceType type, String namespace, String name) {
    return call(() -> Optional.ofNullable(in(type, namespace).withName(name).get()));
  }

  @Override
  public List<GenericKubernetesResource> list(ResourceType type, String namespace, Map<String, String> labels) {
    return call(() -> {
      var op = client.genericKubernetesResources(contextOf(type));
      var scoped = namespace.isEmpty() ? op.inAnyNamespace() : op.inNamespace(namespace);
      return (labels.isEmpty() ? scoped : scoped.withLabels(labels)).list().getItems();
    });
  }

  @Override
  public GenericKubernetesResource create(ResourceType type, GenericKubernetesResource object) {
    return call(() -> in(type, namespaceOf(object)).resource(object).create());
  }

  @Override
  public GenericKubernetesResource createWithNamespace(ResourceType type, GenericKubernetesResource object) {
    String namespace = type.scope() == Scope.NAMESPACED ? namespaceOf(object) : "";
    ensureNamespace(namespace);
    try {
      return create(type, object);
    } catch (ClusterRequestException e) {
      if (!e.isNotFound() || namespace.isEmpty()) {
        throw e;
      }
      namespaces.remove(namespace);   // the namespace was deleted behind our back: create it again
      ensureNamespace(namespace);
      return create(type, object);
    }
  }

  @Override
  public void ensureNamespace(String namespace) {
    if (namespace.isEmpty() || namespaces.contains(namespace)) {
      return;
    }
    synchronized (namespaceLocks.computeIfAbsent(namespace, n -> new Object())) {   // one GET per namespace
      if (!namespaces.contains(namespace)) {
        call(() -> {
          if (client.namespaces().withName(namespace).get() == null) {
            try {
              client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                  .addToLabels(ManagedMetadata.MANAGED_LABEL, "true").endMetadata().build()).create();
            } catch (KubernetesClientException e) {
              if (e.getCode() != ClusterRequestException.CONFLICT) {
                throw e;
              }
            }
          }
          return null;
        });
        namespaces.add(namespace);
      }
    }
  }

  @Override
  public GenericKubernetesResource update(ResourceType type, GenericKubernetesResource object) {
    return call(() -> in(type, namespaceOf(object)).resource(object).update());
  }

  @Override
  public GenericKubernetesResource edit(ResourceType type, String namespace, String name, boolean status,
      UnaryOperator<GenericKubernetesResource> change) {
    return call(() -> {
      Resource<GenericKubernetesResource> r = in(type, namespace).withName(name);
      return status ? r.editStatus(change) : r.edit(change);
    });
  }

  @Override
  public GenericKubernetesResource mergePatch(ResourceType type, String namespace, String name, JsonNode patch) {
    return call(() -> in(type, namespace).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
        patch.toString()));
  }

  @Override
  public boolean delete(ResourceType type, String namespace, String name) {
    return call(() -> !in(type, namespace).withName(name).withPropagationPolicy(DeletionPropagation.BACKGROUND)
        .delete().isEmpty());
  }

  /**
   * Sends the DELETE with a body of {@code DeleteOptions} holding every option given (fabric8's delete DSL has no
   * uid precondition), through the client's HTTP stack: its credentials, timeout and request log.
   */
  @Override
  public boolean delete(ResourceType type, String namespace, String name, DeleteOptions options) {
    if (options.isDefault()) {
      return delete(type, namespace, name);
    }
    io.fabric8.kubernetes.api.model.DeleteOptionsBuilder body = new io.fabric8.kubernetes.api.model
        .DeleteOptionsBuilder().withApiVersion("v1").withKind("DeleteOptions")
        .withPropagationPolicy(options.propagationPolicy().orElse(DeleteOptions.Propagation.BACKGROUND).value());
    options.gracePeriodSeconds().ifPresent(body::withGracePeriodSeconds);
    if (options.uidPrecondition().isPresent() || options.resourceVersionPrecondition().isPresent()) {
      body.withPreconditions(new io.fabric8.kubernetes.api.model.PreconditionsBuilder()
          .withUid(options.uidPrecondition().orElse(null))
          .withResourceVersion(options.resourceVersionPrecondition().orElse(null)).build());
    }
    String path = objectPath(type, namespace, name);
    return call(() -> {
      try {
        client.raw(path, "DELETE", body.build());
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == ClusterRequestException.NOT_FOUND) {
          return false;
        }
        throw e;
      }
    });
  }

  /** The API path of one object: {@code /apis/<group>/<version>[/namespaces/<ns>]/<plural>/<name>}. */
  static String objectPath(ResourceType type, String namespace, String name) {
    String base = type.group().isEmpty() ? "/api/" + type.version() : "/apis/" + type.group() + "/" + type.version();
    String scoped = namespace.isEmpty() ? base : base + "/namespaces/" + namespace;
    try {
      return new java.net.URI(null, null, scoped + "/" + type.plural() + "/" + name, null).toASCIIString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("no API path for " + type.kind() + " \"" + name + "\": " + e.getMessage(),
          e);
    }
  }

  @Override
  public GenericKubernetesResource await(ResourceType type, String namespace, String name,
      Predicate<GenericKubernetesResource> condition, Duration timeout) {
    return call(() -> in(type, namespace).withName(name).waitUntilCondition(o -> o != null && condition.test(o),
        timeout.toMillis(), TimeUnit.MILLISECONDS));
  }

  @Override
  public ObjectWatch watch(ResourceType type, Map<String, String> labels,
      Map<String, Function<GenericKubernetesResource, List<String>>> indexers, WatchHandler handler) {
    return watch(type, "", labels, indexers, handler);
  }

  @Override
  public ObjectWatch watch(ResourceType type, String namespace, Map<String, String> labels,
      Map<String, Function<GenericKubernetesResource, List<String>>> indexers, WatchHandler handler) {
    return call(() -> {
      var all = namespace.isEmpty() ? client.genericKubernetesResources(contextOf(type)).inAnyNamespace()
          : client.genericKubernetesResources(contextOf(type)).inNamespace(namespace);
      SharedIndexInformer<GenericKubernetesResource> informer =
          (labels.isEmpty() ? all : all.withLabels(labels)).runnableInformer(0);
      informer.exceptionHandler((started, t) -> true);   // keep trying while the cluster cannot be reached
      if (!indexers.isEmpty()) {
        informer.addIndexers(new LinkedHashMap<>(indexers));
      }
      informer.addEventHandler(new ResourceEventHandler<>() {
        @Override
        public void onAdd(GenericKubernetesResource o) {
          handler.changed(o);
        }

        @Override
        public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource o) {
          handler.changed(o);
        }

        @Override
        public void onDelete(GenericKubernetesResource o, boolean finalStateUnknown) {
          handler.deleted(o);
        }
      });
      InformerWatch watch = new InformerWatch(informer, informer.start().toCompletableFuture(), watches);
      watches.add(watch);
      return watch;
    });
  }

  /** An {@link ObjectWatch} over a fabric8 informer. */
  private static final class InformerWatch implements ObjectWatch {
    private final SharedIndexInformer<GenericKubernetesResource> informer;
    private final CompletableFuture<Void> started;
    private final Set<InformerWatch> open;

    InformerWatch(SharedIndexInformer<GenericKubernetesResource> informer, CompletableFuture<Void> started,
        Set<InformerWatch> open) {
      this.informer = informer;
      this.started = started;
      this.open = open;
    }

    @Override
    public boolean synced() {
      return informer.hasSynced();
    }

    @Override
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
      try {
        started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return true;
      } catch (ExecutionException | TimeoutException e) {
        return informer.hasSynced();
      }
    }

    @Override
    public Optional<GenericKubernetesResource> get(String namespace, String name) {
      return Optional.ofNullable(informer.getStore().getByKey(namespace.isEmpty() ? name : namespace + "/" + name));
    }

    @Override
    public List<GenericKubernetesResource> indexed(String index, String value) {
      return informer.getIndexer().byIndex(index, value);
    }

    @Override
    public void close() {
      open.remove(this);
      informer.close();
    }
  }

  @Override
  public Optional<String> log(String namespace, String pod, String container) {
    try {
      String text = client.pods().inNamespace(namespace).withName(pod).inContainer(container).getLog();
      return Optional.of(text == null ? "" : text);
    } catch (KubernetesClientException e) {
      if (e.getCode() == ClusterRequestException.NOT_FOUND) {
        return Optional.empty();
      }
      throw Errors.of(cluster, e);
    }
  }

  @Override
  public Optional<InputStream> followLog(String namespace, String pod, String container) {
    try {
      LogWatch watch = client.pods().inNamespace(namespace).withName(pod).inContainer(container).watchLog();
      return Optional.of(new FilterInputStream(watch.getOutput()) {
        @Override
        public void close() throws IOException {
          try {
            super.close();
          } finally {
            watch.close();
          }
        }
      });
    } catch (KubernetesClientException e) {
      if (e.getCode() == ClusterRequestException.NOT_FOUND) {
        return Optional.empty();
      }
      throw Errors.of(cluster, e);
    }
  }

  @Override
  public CompletableFuture<HealthProbe> probe(Duration timeout) {
    return probe(HealthCheck.HEALTHZ, timeout);
  }

  @Override
  public CompletableFuture<HealthProbe> probe(String path, Duration timeout) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(timeout, "timeout");
    String base = client.getConfiguration().getMasterUrl();
    String url = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
    HttpRequest request = client.getHttpClient().newHttpRequestBuilder().uri(url)
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).build();
    return client.getHttpClient().sendAsync(request, String.class)
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((HttpResponse<String> response, Throwable error) -> {
          if (error != null) {
            return new HealthProbe(ClusterHealth.OFFLINE,
                Optional.of("cluster is not reachable: " + Errors.describe(error)));
          }
          return HealthProbe.judge(path, response.code(), response.body() == null ? "" : response.body());
        });
  }

  /** A resource as discovery lists it, with the group and version it was listed under. */
  private record Discovered(String group, String version, APIResource resource) {}

  /**
   * Every resource of {@code v1} and of each API group's preferred version, as discovery lists them (no
   * subresources). A group version whose discovery fails is left out with a warning when {@code partial}, as kubectl
   * does for an aggregated API that is down; otherwise it fails the call.
   */
  private List<Discovered> discover(boolean partial) {
    List<String> groupVersions = new ArrayList<>(List.of("v1"));
    var groups = client.getApiGroups();
    if (groups != null && groups.getGroups() != null) {
      for (var g : groups.getGroups()) {
        if (g.getPreferredVersion() != null) {
          groupVersions.add(g.getPreferredVersion().getGroupVersion());
        }
      }
    }
    List<Discovered> found = new ArrayList<>();
    for (String gv : groupVersions) {
      APIResourceList list;
      try {
        list = client.getApiResources(gv);
      } catch (KubernetesClientException unavailable) {
        if (!partial) {
          throw unavailable;
        }
        LOG.warn("{}: discovery of {} failed, its resources are left out: {}", cluster, gv,
            Errors.describe(unavailable));
        continue;
      }
      if (list == null || list.getResources() == null) {
        continue;
      }
      String group = gv.contains("/") ? gv.substring(0, gv.indexOf('/')) : "";
      String version = gv.contains("/") ? gv.substring(gv.indexOf('/') + 1) : gv;
      for (APIResource r : list.getResources()) {
        if (r.getName() != null && !r.getName().contains("/") && r.getKind() != null) {
          found.add(new Discovered(group, version, r));
        }
      }
    }
    return found;
  }

  @Override
  public List<ResourceType> servedTypes() {
    // a group that cannot be listed fails the whole call: what it serves may hold copies to find
    return call(() -> {
      List<ResourceType> types = new ArrayList<>();
      for (Discovered d : discover(false)) {
        APIResource r = d.resource();
        if (r.getVerbs() == null || !r.getVerbs().containsAll(List.of("list", "delete"))) {
          continue;
        }
        try {
          types.add(Boolean.TRUE.equals(r.getNamespaced())
              ? ResourceType.namespaced(d.group(), d.version(), r.getKind(), r.getName())
              : ResourceType.cluster(d.group(), d.version(), r.getKind(), r.getName()));
        } catch (RuntimeException unusual) {
          // a name fleetfed's types cannot hold is no type fleetfed ever wrote
        }
      }
      return types;
    });
  }

  @Override
  public List<ServedResource> servedResources() {
    return call(() -> {
      List<ServedResource> resources = new ArrayList<>();
      for (Discovered d : discover(true)) {
        APIResource r = d.resource();
        List<String> shortNames = r.getShortNames() == null ? List.of() : r.getShortNames();
        try {
          ResourceType type = new ResourceType(d.group(), d.version(), r.getKind(), r.getName(),
              Boolean.TRUE.equals(r.getNamespaced()) ? Scope.NAMESPACED : Scope.CLUSTER, shortNames);
          resources.add(new ServedResource(type, r.getSingularName() == null ? "" : r.getSingularName()));
        } catch (RuntimeException unusual) {
          // a name fleetfed's types cannot hold (an odd version such as v1alpha1x) cannot be federated either
        }
      }
      return resources;
    });
  }

  @Override
  public Map<String, List<String>> servedVersions(String group) {
    return call(() -> {
      List<String> versions = new ArrayList<>();
      if (group.isEmpty()) {
        versions.add("v1");
      } else {
        var apiGroup = client.getApiGroup(group);
        if (apiGroup == null || apiGroup.getVersions() == null) {
          return Map.of();
        }
        String preferred = apiGroup.getPreferredVersion() == null ? null
            : apiGroup.getPreferredVersion().getVersion();
        if (preferred != null) {
          versions.add(preferred);
        }
        apiGroup.getVersions().stream().map(v -> v.getVersion())
            .filter(v -> v != null && !versions.contains(v)).forEach(versions::add);
      }
      Map<String, List<String>> served = new LinkedHashMap<>();
      for (String version : versions) {
        var list = client.getApiResources(group.isEmpty() ? version : group + "/" + version);
        if (list == null || list.getResources() == null) {
          continue;
        }
        for (var r : list.getResources()) {
          if (!r.getName().contains("/")) {
            served.computeIfAbsent(r.getName(), p -> new ArrayList<>()).add(version);
          }
        }
      }
      return served;
    });
  }

  /** Stops every watch of this client and closes it. */
  @Override
  public void close() {
    List.copyOf(watches).forEach(InformerWatch::close);
    client.close();
  }

  @Override
  public String toString() {
    return "ClusterClient[" + cluster + "]";
  }
}
