package io.fleetfed.testkit.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupList;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of kube-controller-manager a bare {@code kube-apiserver} lacks and fleetfed relies on, for a real
 * sandbox cluster ({@link RealApiServers}):
 * <ul>
 *   <li>the <b>token controller</b>: fills a Secret of type {@code kubernetes.io/service-account-token} with
 *       {@code token} (from the TokenRequest API, bound to the Secret, valid a year), {@code ca.crt} and
 *       {@code namespace}; deletes it if its ServiceAccount is gone or is another one (other uid), and deletes a
 *       deleted ServiceAccount's token Secrets;
 *   <li>the <b>namespace controller</b>: empties a deleting Namespace (every namespaced resource that can be listed
 *       and deleted, as discovery says), waits until it is empty (objects with finalizers of their own keep it
 *       {@code Terminating} until they go) and removes its {@code kubernetes} finalizer, so it disappears;
 *   <li>the <b>service account controller</b>: creates the {@code default} ServiceAccount in every active
 *       Namespace.
 * </ul>
 * Informers call into one worker thread, which reads the server afresh; a failed step is logged at debug (never a
 * token) and tried again at the next event or resync ({@value #RESYNC_MILLIS} ms).
 *
 * <p>Internal: the testkit's sandbox will run it beside each real API server (issue 13). Thread-safe; {@link #close()}
 * stops the informers and the worker.
 */
public final class SandboxControllers implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(SandboxControllers.class);
  static final long RESYNC_MILLIS = 3_000;
  private static final long RETRY_MILLIS = 200;
  private static final long SWEEP_MILLIS = 1_000;
  private static final int REQUEST_MILLIS = 5_000;
  private static final String TOKEN_TYPE = "kubernetes.io/service-account-token";
  private static final String SA_NAME = "kubernetes.io/service-account.name";
  private static final String SA_UID = "kubernetes.io/service-account.uid";
  private static final String FINALIZER = "kubernetes";
  private static final long TOKEN_SECONDS = Duration.ofDays(365).toSeconds();

  private final KubernetesClient client;
  private final String caPem;
  private final ScheduledExecutorService worker;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private volatile boolean closed;

  private SandboxControllers(KubernetesClient client, String caPem) {
    // a client of its own: short requests and no retries, so that one request to a server that is being reset cannot
    // hold the single worker (and every token behind it) for half a minute, as fabric8's default retries did
    this.client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
        .withRequestTimeout(REQUEST_MILLIS).withConnectionTimeout(REQUEST_MILLIS).withRequestRetryBackoffLimit(0)
        .build()).build();
    this.caPem = caPem;
    this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fleetfed-sandbox-controllers");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts the controllers on the cluster {@code client} reaches as an admin; returns once their informers have
   * listed. The client stays the caller's: the controllers make one of their own from its configuration.
   *
   * @param caPem the cluster's CA certificate (PEM), put in token Secrets as {@code ca.crt}
   */
  public static SandboxControllers start(KubernetesClient client, String caPem) {
    SandboxControllers controllers = new SandboxControllers(Objects.requireNonNull(client, "client"),
        Objects.requireNonNull(caPem, "caPem"));
    try {
      controllers.informers.add(controllers.client.secrets().inAnyNamespace().withField("type", TOKEN_TYPE)
          .inform(controllers.handler(s -> "secret/" + key(s.getMetadata().getNamespace(), s.getMetadata().getName()),
              s -> List.of()), RESYNC_MILLIS));
      // a ServiceAccount's changes need nothing; its deletion takes its token Secrets (and the default one is made
      // again)
      controllers.informers.add(controllers.client.serviceAccounts().inAnyNamespace().inform(controllers.handler(sa -> null,
          sa -> List.of("deleted-sa/" + key(sa.getMetadata().getNamespace(), sa.getMetadata().getName()) + "@"
              + sa.getMetadata().getUid(),
              "default-sa/" + sa.getMetadata().getNamespace())), RESYNC_MILLIS));
      controllers.informers.add(controllers.client.namespaces().inform(controllers.handler(ns -> "namespace/"
          + ns.getMetadata().getName(), ns -> List.of()), RESYNC_MILLIS));
      controllers.worker.scheduleWithFixedDelay(controllers::sweepTokens, SWEEP_MILLIS, SWEEP_MILLIS,
          TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      controllers.close();
      throw e;
    }
    return controllers;
  }

  /**
   * Lists the token Secrets from the API server, not the informer's cache, and fills those without a token: after a
   * reset puts etcd's keys back, the informer once missed a new Secret for good, and a join waited 30 s for it.
   */
  private void sweepTokens() {
    if (closed) {
      return;
    }
    try {
      for (Secret secret : client.secrets().inAnyNamespace().withField("type", TOKEN_TYPE).list().getItems()) {
        if (secret.getData() == null || secret.getData().get("token") == null) {
          enqueue("secret/" + key(secret.getMetadata().getNamespace(), secret.getMetadata().getName()), 0);
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("token sweep failed; tried again in {} ms: {}", SWEEP_MILLIS, e.toString());
    }
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  /** Queues {@code onChange}'s work item (if any) on every add, update and resync, {@code onDelete}'s on delete. */
  private <T> ResourceEventHandler<T> handler(Function<T, String> onChange, Function<T, List<String>> onDelete) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        changed(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        changed(newObj);
      }

      private void changed(T obj) {
        String work = onChange.apply(obj);
        if (work != null) {
          enqueue(work, 0);
        }
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        onDelete.apply(obj).forEach(work -> enqueue(work, 0));
      }
    };
  }

  /** Runs the work item once, on the worker, after {@code delayMillis}; an item already queued is not queued twice. */
  private void enqueue(String work, long delayMillis) {
    if (closed || !pending.add(work)) {
      return;
    }
    try {
      worker.schedule(() -> {
        pending.remove(work);
        if (!closed) {
          run(work);
        }
      }, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shutDown) {
      pending.remove(work);
    }
  }

  private void run(String work) {
    long started = System.nanoTime();
    try {
      runOnce(work);
    } finally {
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      if (millis > 2_000) {
        LOG.debug("{} took {} ms", work, millis);
      }
    }
  }

  private void runOnce(String work) {
    int slash = work.indexOf('/');
    String kind = work.substring(0, slash);
    String what = work.substring(slash + 1);
    try {
      switch (kind) {
        case "secret" -> fillToken(before(what), after(what));
        case "default-sa" -> ensureDefaultServiceAccount(what);
        case "deleted-sa" -> {
          String account = what.substring(0, what.lastIndexOf('@'));
          deleteTokens(before(account), after(account), what.substring(what.lastIndexOf('@') + 1));
        }
        case "namespace" -> {
          if (!finalizeNamespace(what)) {
            enqueue(work, RETRY_MILLIS);   // objects left (finalizers of their own): look again soon
          }
        }
        default -> throw new IllegalStateException("unknown work " + work);
      }
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.debug("{} failed; tried again at the next event or resync: {}", work, e.toString());
      }
    }
  }

  private static String before(String key) {
    return key.substring(0, key.indexOf('/'));
  }

  private static String after(String key) {
    return key.substring(key.indexOf('/') + 1);
  }

  // token controller

  private void fillToken(String namespace, String name) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null || !TOKEN_TYPE.equals(secret.getType()) || secret.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    Map<String, String> annotations = secret.getMetadata().getAnnotations() == null ? Map.of()
        : secret.getMetadata().getAnnotations();
    String saName = annotations.get(SA_NAME);
    if (saName == null || saName.isEmpty()) {
      return;   // the API server's validation requires the annotation; nothing to do for one without
    }
    ServiceAccount sa = client.serviceAccounts().inNamespace(namespace).withName(saName).get();
    String wantedUid = annotations.get(SA_UID);
    if (sa == null || (wantedUid != null && !wantedUid.isEmpty() && !wantedUid.equals(sa.getMetadata().getUid()))) {
      // as the token controller does: a token Secret of a ServiceAccount that does not exist (any more) goes
      LOG.debug("deleting token Secret {}/{}: its ServiceAccount {} is gone", namespace, name, saName);
      client.secrets().inNamespace(namespace).withName(name).delete();
      return;
    }
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    String ca = b64(caPem);
    String ns = b64(namespace);
    if (data.get("token") != null && ca.equals(data.get("ca.crt")) && ns.equals(data.get("namespace"))
        && sa.getMetadata().getUid().equals(wantedUid)) {
      return;
    }
    Map<String, Object> patchData = new LinkedHashMap<>();
    if (data.get("token") == null) {
      TokenRequest request = new TokenRequestBuilder().withNewSpec().withExpirationSeconds(TOKEN_SECONDS)
          .withNewBoundObjectRef("v1", "Secret", name, secret.getMetadata().getUid()).endSpec().build();
      TokenRequest issued = client.serviceAccounts().inNamespace(namespace).withName(saName).tokenRequest(request);
      patchData.put("token", b64(issued.getStatus().getToken()));
    }
    patchData.put("ca.crt", ca);
    patchData.put("namespace", ns);
    Map<String, Object> patch = Map.of("metadata", Map.of("annotations", Map.of(SA_UID, sa.getMetadata().getUid()),
        "resourceVersion", secret.getMetadata().getResourceVersion()), "data", patchData);
    client.secrets().inNamespace(namespace).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
    LOG.debug("filled token Secret {}/{} of ServiceAccount {}", namespace, name, saName);
  }

  /**
   * Deletes the token Secrets of the ServiceAccount {@code saName} whose uid was {@code uid}, once it is gone: only
   * those its uid is recorded on, so that a ServiceAccount made again under the same name (a join right after a
   * reset, before this deletion's event came) keeps its new token Secret.
   */
  private void deleteTokens(String namespace, String saName, String uid) {
    ServiceAccount now = client.serviceAccounts().inNamespace(namespace).withName(saName).get();
    if (now != null && !uid.equals(now.getMetadata().getUid())) {
      LOG.debug("ServiceAccount {}/{} was made again: only the old one's tokens go", namespace, saName);
    } else if (now != null) {
      return;   // not gone after all
    }
    for (Secret s : client.secrets().inNamespace(namespace).withField("type", TOKEN_TYPE).list().getItems()) {
      Map<String, String> annotations = s.getMetadata().getAnnotations();
      if (annotations != null && saName.equals(annotations.get(SA_NAME)) && uid.equals(annotations.get(SA_UID))) {
        client.secrets().inNamespace(namespace).withName(s.getMetadata().getName()).delete();
      }
    }
  }

  // service account controller

  private void ensureDefaultServiceAccount(String namespace) {
    Namespace ns = client.namespaces().withName(namespace).get();
    if (ns == null || ns.getMetadata().getDeletionTimestamp() != null
        || (ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase()))
        || client.serviceAccounts().inNamespace(namespace).withName("default").get() != null) {
      return;
    }
    try {
      client.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata()
          .withName("default").withNamespace(namespace).endMetadata().build()).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  // namespace controller

  /** Returns whether there is nothing (more) to do for the namespace. */
  private boolean finalizeNamespace(String name) {
    Namespace ns = client.namespaces().withName(name).get();
    if (ns == null) {
      return true;
    }
    if (ns.getMetadata().getDeletionTimestamp() == null) {
      ensureDefaultServiceAccount(name);
      return true;
    }
    List<String> finalizers = ns.getSpec() == null || ns.getSpec().getFinalizers() == null ? List.of()
        : ns.getSpec().getFinalizers();
    if (!finalizers.contains(FINALIZER)) {
      return true;
    }
    boolean empty = true;
    for (ResourceDefinitionContext resource : namespacedResources()) {
      var objects = client.genericKubernetesResources(resource).inNamespace(name);
      List<GenericKubernetesResource> items;
      try {
        items = objects.list().getItems();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404 || e.getCode() == 405) {
          continue;   // no longer served (a CRD deleted meanwhile)
        }
        throw e;
      }
      for (GenericKubernetesResource item : items) {
        empty = false;
        if (item.getMetadata().getDeletionTimestamp() == null) {
          try {
            objects.withName(item.getMetadata().getName()).delete();
          } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
              throw e;
            }
          }
        }
      }
    }
    if (!empty) {
      return false;
    }
    Map<String, Object> body = JSON.convertValue(ns, new TypeReference<Map<String, Object>>() {});
    List<String> left = new ArrayList<>(finalizers);
    left.remove(FINALIZER);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) body.computeIfAbsent("spec", k -> new LinkedHashMap<>());
    spec.put("finalizers", left);
    String uri = client.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/namespaces/" + name + "/finalize";
    client.raw(uri, "PUT", body);
    LOG.debug("finalized namespace {}", name);
    return true;
  }

  /** Every namespaced resource of every served group version that can be listed and deleted. */
  private List<ResourceDefinitionContext> namespacedResources() {
    List<String> groupVersions = new ArrayList<>(List.of("v1"));
    APIGroupList groups = client.getApiGroups();
    if (groups != null && groups.getGroups() != null) {
      for (APIGroup g : groups.getGroups()) {
        if (g.getPreferredVersion() != null) {
          groupVersions.add(g.getPreferredVersion().getGroupVersion());
        }
      }
    }
    List<ResourceDefinitionContext> resources = new ArrayList<>();
    for (String gv : groupVersions) {
      APIResourceList list;
      try {
        list = client.getApiResources(gv);
      } catch (KubernetesClientException e) {
        continue;   // a group going away
      }
      if (list == null || list.getResources() == null) {
        continue;
      }
      int slash = gv.indexOf('/');
      String group = slash < 0 ? "" : gv.substring(0, slash);
      String version = slash < 0 ? gv : gv.substring(slash + 1);
      for (APIResource r : list.getResources()) {
        if (Boolean.TRUE.equals(r.getNamespaced()) && !r.getName().contains("/") && r.getVerbs() != null
            && r.getVerbs().contains("list") && r.getVerbs().contains("delete")) {
          resources.add(new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version)
              .withKind(r.getKind()).withPlural(r.getName()).withNamespaced(true).build());
        }
      }
    }
    return resources;
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Stops the informers and the worker (a step under way finishes). Idempotent. */
  @Override
  public void close() {
    closed = true;
    synchronized (informers) {
      informers.forEach(SharedIndexInformer::close);
      informers.clear();
    }
    worker.shutdownNow();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      client.close();
    }
  }
}
