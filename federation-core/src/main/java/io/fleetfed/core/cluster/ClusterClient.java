package io.fleetfed.core.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.model.DeleteOptions;
import io.fleetfed.core.model.ResourceType;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The one way fleetfed reads and writes a cluster: every request the fleet, the run dispatcher and the host-side
 * code make to a member or to the host goes through this interface. It is the seam between fleetfed's logic and
 * the Kubernetes API: the fleet's implementation speaks to real API servers through fabric8, with the fleet's
 * credentials for the cluster, its request timeout, and its shared connections.
 *
 * <p><b>An SPI.</b> fleetfed's own modules ({@code federation-tekton}, the host-cluster controller) use it, and so
 * may a program that needs what the fleet does not federate, such as the pods and logs of runs:
 *
 * <pre>{@code
 * ClusterClient dev2 = fleet.client("dev2");
 * Optional<GenericKubernetesResource> run = dev2.get(TektonTypes.TASK_RUN, "ci", "build-1");
 * String log = dev2.log("ci", "build-1-pod", "step-compile");
 * }</pre>
 *
 * <p>Objects are fabric8's {@link GenericKubernetesResource}: plain data, as the API server returns it, for any
 * type. A type is named by a {@link ResourceType} at the version to use. A namespace of {@code ""} means every
 * namespace for reads and no namespace for cluster-scoped types.
 *
 * <p><b>Errors.</b> A request the cluster refuses or that cannot reach it throws {@link ClusterRequestException},
 * whose message is the API server's reason (or the connection's) and never holds credentials or request bodies.
 * A missing object is an empty {@code Optional} from {@link #get}, never an exception.
 *
 * <p>The client belongs to its fleet: it is thread-safe, must not be closed, and stops working when the fleet is
 * closed.
 */
public interface ClusterClient {

  /** The name of the cluster this client reaches (a member's name, or the host's). */
  String cluster();

  /** The API server's URL. */
  String url();

  /**
   * Reads one object.
   *
   * @param namespace its namespace, or {@code ""} for a cluster-scoped type
   * @return the object, or empty if there is none
   * @throws ClusterRequestException if the cluster cannot answer
   */
  Optional<GenericKubernetesResource> get(ResourceType type, String namespace, String name);

  /**
   * Lists the objects of {@code type} carrying every label of {@code labels}.
   *
   * @param namespace one namespace, or {@code ""} for every namespace (and for cluster-scoped types)
   * @throws ClusterRequestException if the cluster cannot answer
   */
  List<GenericKubernetesResource> list(ResourceType type, String namespace, Map<String, String> labels);

  /**
   * Waits until the cluster serves {@code type}, as after creating its CRD: a real API server answers 404 until the
   * CRD is established, then 429 "storage is (re)initializing" for a moment. Lists (no change) until one succeeds.
   *
   * <pre>{@code
   * host.create(CRDS, crd);
   * host.awaitServed(recordType, "ci", Duration.ofSeconds(30));
   * host.create(recordType, record);
   * }</pre>
   *
   * @param namespace a namespace to list in ({@code ""} for cluster-scoped types)
   * @throws ClusterRequestException if it is still not served after {@code timeout}, or the cluster fails otherwise
   */
  default void awaitServed(ResourceType type, String namespace, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        list(type, namespace, Map.of());
        return;
      } catch (ClusterRequestException e) {
        boolean settling = e.code() == ClusterRequestException.NOT_FOUND || e.code() == 429 || e.isTimeout();
        if (!settling || System.nanoTime() > deadline) {
          throw e;
        }
      }
      try {
        Thread.sleep(SERVED_POLL.toMillis());   // a CRD's establishing has no event to wait on here
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ClusterRequestException(cluster(), 0, false, "interrupted while waiting for " + type.kind()
            + " to be served", e);
      }
    }
  }

  /** How often {@link #awaitServed} lists. */
  Duration SERVED_POLL = Duration.ofMillis(100);

  /**
   * Creates {@code object} in the namespace its metadata names.
   *
   * @return the object as the API server stored it
   * @throws ClusterRequestException with code 409 if it exists, 404 if its namespace does not
   */
  GenericKubernetesResource create(ResourceType type, GenericKubernetesResource object);

  /**
   * Creates {@code object} as {@link #create} does, creating its namespace first when the cluster lacks it
   * (labelled {@code fleetfed.io/managed: "true"}). Namespaces known to exist are remembered, so a namespace costs
   * at most one read per client; when the create still finds no namespace (it was deleted since), the namespace
   * is created again and the object with it.
   */
  GenericKubernetesResource createWithNamespace(ResourceType type, GenericKubernetesResource object);

  /**
   * Makes sure {@code namespace} exists, creating it labelled {@code fleetfed.io/managed: "true"} when it does not.
   * Does nothing for {@code ""}.
   */
  void ensureNamespace(String namespace);

  /**
   * Replaces {@code object}, conditionally on its {@code metadata.resourceVersion} when it has one.
   *
   * @return the object as the API server stored it
   * @throws ClusterRequestException with code 409 if the resourceVersion is stale, 404 if the object is gone
   */
  GenericKubernetesResource update(ResourceType type, GenericKubernetesResource object);

  /**
   * Reads the object, applies {@code change} to it and writes the result back (fabric8's {@code edit}: a JSON
   * patch of the difference).
   *
   * @param status whether to write the status subresource rather than the object
   * @throws ClusterRequestException if the object is missing (404) or the write fails
   */
  GenericKubernetesResource edit(ResourceType type, String namespace, String name, boolean status,
      UnaryOperator<GenericKubernetesResource> change);

  /** Applies a JSON merge patch (RFC 7386) to the object. */
  GenericKubernetesResource mergePatch(ResourceType type, String namespace, String name, JsonNode patch);

  /**
   * Deletes the object, its dependents in the background.
   *
   * @return false if there was no such object
   */
  boolean delete(ResourceType type, String namespace, String name);

  /**
   * Deletes the object as {@code options} say: their grace period, propagation policy ({@code Background} when
   * they name none, as {@link #delete(ResourceType, String, String)}) and preconditions go in the request's
   * {@code DeleteOptions}. With {@link DeleteOptions#defaults()} it is {@link #delete(ResourceType, String, String)}.
   *
   * <pre>{@code
   * ClusterClient dev2 = fleet.client("dev2");
   * dev2.delete(BuiltInTypes.DEPLOYMENTS, "web", "nginx",
   *     DeleteOptions.defaults().withPropagationPolicy(DeleteOptions.Propagation.ORPHAN)); // its ReplicaSets stay
   * }</pre>
   *
   * <p>An object with an {@code Orphan} or {@code Foreground} policy, a grace period or finalizers may still be
   * there, deleting, when this returns. The fleet's implementation sends the options; the default method of this
   * interface does the plain delete for {@link DeleteOptions#defaults()} and refuses any other options, so that an
   * implementation written before options existed never drops them silently.
   *
   * @return false if there was no such object
   * @throws ClusterRequestException with code 409 if a precondition does not hold (nothing is deleted)
   * @throws UnsupportedOperationException if the implementation cannot send these options
   */
  default boolean delete(ResourceType type, String namespace, String name, DeleteOptions options) {
    if (options.isDefault()) {
      return delete(type, namespace, name);
    }
    throw new UnsupportedOperationException(getClass().getName() + " cannot send delete options (" + options
        + "); it implements only the plain delete");
  }

  /**
   * Waits until the object exists and satisfies {@code condition}.
   *
   * @return the object that satisfied it
   * @throws ClusterRequestException if it does not within {@code timeout}
   */
  GenericKubernetesResource await(ResourceType type, String namespace, String name,
      Predicate<GenericKubernetesResource> condition, Duration timeout);

  /**
   * Starts watching every object of {@code type} in every namespace that carries {@code labels}: a local store
   * listed from the cluster and kept current by a watch (fabric8's informer), with optional indexes. The watch
   * reconnects on its own while the cluster is unreachable. Events reach {@code handler} in order, on one thread
   * per watch.
   *
   * @param indexers named functions from an object to the index values it is found under
   */
  ObjectWatch watch(ResourceType type, Map<String, String> labels,
      Map<String, Function<GenericKubernetesResource, List<String>>> indexers, WatchHandler handler);

  /**
   * As {@link #watch(ResourceType, Map, Map, WatchHandler)}, in {@code namespace} only ({@code ""}: every
   * namespace), for a caller whose credentials may read only that namespace (a Role, not a ClusterRole).
   *
   * <pre>{@code
   * ObjectWatch configs = host.watch(TYPE_CONFIGS, "kube-federation-system", Map.of(), Map.of(), handler);
   * }</pre>
   *
   * <p>The default implementation supports only {@code ""}; the fleet's clients support any namespace.
   *
   * @throws UnsupportedOperationException if the implementation cannot watch one namespace
   */
  default ObjectWatch watch(ResourceType type, String namespace, Map<String, String> labels,
      Map<String, Function<GenericKubernetesResource, List<String>>> indexers, WatchHandler handler) {
    if (namespace.isEmpty()) {
      return watch(type, labels, indexers, handler);
    }
    throw new UnsupportedOperationException(getClass().getName() + " cannot watch one namespace (" + namespace
        + ")");
  }

  /**
   * The whole log of one container of a pod, as it is now.
   *
   * @return the log, or empty if the pod or container is gone
   */
  Optional<String> log(String namespace, String pod, String container);

  /**
   * Follows the log of one container of a pod until it ends: the stream ends with the container; closing it stops
   * following.
   *
   * @return the stream, or empty if the pod or container is gone
   */
  Optional<InputStream> followLog(String namespace, String pod, String container);

  /** GETs {@code /healthz} as KubeFed's cluster controller does; completes with the answer, never exceptionally. */
  CompletableFuture<HealthProbe> probe(Duration timeout);

  /**
   * GETs {@code path} (such as {@link HealthCheck#HEALTHZ}) and judges the answer as {@link HealthProbe#judge}
   * does; completes with the answer, never exceptionally. A client that cannot probe another path than
   * {@code /healthz} (this default) answers such a probe NotReady, saying so.
   */
  default CompletableFuture<HealthProbe> probe(String path, Duration timeout) {
    if (HealthCheck.HEALTHZ.equals(path)) {
      return probe(timeout);
    }
    return CompletableFuture.completedFuture(new HealthProbe(ClusterHealth.NOT_READY,
        Optional.of("this client cannot probe " + path + ", only " + HealthCheck.HEALTHZ)));
  }

  /**
   * Every type the cluster serves that can be listed and deleted, each at its group's preferred version (the
   * API server's discovery).
   */
  List<ResourceType> servedTypes();

  /**
   * Every resource the cluster serves (subresources left out), each at its group's preferred version, with the
   * singular and short names of the API server's discovery: what {@code kubefedctl enable} looks a type up in.
   *
   * <pre>{@code
   * List<ServedResource> matches = host.servedResources().stream().filter(r -> r.isNamed("deploy")).toList();
   * }</pre>
   *
   * <p>The default implementation answers from {@link #servedTypes()}, which lists no short names and only types
   * that can be listed and deleted; the fleet's clients read discovery in full.
   *
   * @throws ClusterRequestException if the cluster cannot answer
   */
  default List<ServedResource> servedResources() {
    return servedTypes().stream().map(t -> new ServedResource(t, "")).toList();
  }

  /**
   * The resources of one API group the cluster serves, each with the versions it is served at, the group's
   * preferred version first (the API server's discovery: {@code /apis/<group>} and {@code /apis/<group>/<version>},
   * or {@code /api/v1} for the core group {@code ""}). A member mid-upgrade may serve {@code tasks} of
   * {@code tekton.dev} at {@code [v1beta1, v1alpha1]} while another serves them at {@code [v1, v1beta1]}:
   *
   * <pre>{@code
   * List<String> versions = fleet.client("dev2").servedVersions("tekton.dev")
   *     .getOrDefault("taskruns", List.of());                             // [v1beta1, v1alpha1]
   * }</pre>
   *
   * <p>Subresources are left out. The default implementation answers from {@link #servedTypes()}, which knows only
   * each group's preferred version; the fleet's clients ask for every version.
   *
   * @param group the API group, {@code ""} for the core group
   * @return resource plural → served versions, preferred first; empty when the group is not served
   * @throws ClusterRequestException if the cluster cannot answer
   */
  default Map<String, List<String>> servedVersions(String group) {
    Map<String, List<String>> served = new LinkedHashMap<>();
    for (ResourceType t : servedTypes()) {
      if (t.group().equals(group)) {
        served.computeIfAbsent(t.plural(), p -> new ArrayList<>()).add(t.version());
      }
    }
    return served;
  }
}
