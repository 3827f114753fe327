package io.fleetfed.testkit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fleetfed.testkit.internal.ApiResource;
import io.fleetfed.testkit.internal.ClusterServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on the objects a {@link SandboxCluster} stores; start with
 * {@link FleetAssertions#assertThat(SandboxCluster)}.
 *
 * <p>Objects are named by {@code apiVersion} and {@code kind}, as in a manifest, or by a fabric8 class
 * ({@code hasObject(Deployment.class, "ns", "name")}, which takes the class's apiVersion and kind): the built-in kinds the sandbox
 * serves, and the kinds of the CRDs the cluster stores. Namespaced kinds take a namespace; cluster-scoped kinds use
 * the {@code ...ClusterObject...} methods. Every check reads the store directly, so it sees an offline cluster's
 * objects too, costs no request and ignores latency.
 *
 * <p>After {@link #within(Duration)} (or {@link #eventually()}), each check polls until it holds or the time is up,
 * and so do the checks of the {@link ClusterObjectAssert} that {@link #hasObject} returns, re-reading the object.
 */
public final class ClusterAssert extends AbstractAssert<ClusterAssert, SandboxCluster> {

  /** How long {@link #eventually()} waits. */
  public static final Duration EVENTUALLY = Duration.ofSeconds(10);

  private static final int NAMES_SHOWN = 20;

  private final Duration timeout;

  ClusterAssert(SandboxCluster cluster, Duration timeout) {
    super(cluster, ClusterAssert.class);
    this.timeout = timeout;
  }

  /**
   * The same assertions, each polling until it holds or {@code timeout} passes.
   *
   * @param timeout how long to wait, more than zero
   * @return a polling assertion
   */
  public ClusterAssert within(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the timeout must be more than zero: " + timeout);
    }
    return new ClusterAssert(actual, timeout);
  }

  /**
   * The same assertions, each polling until it holds or {@link #EVENTUALLY} (10 s) passes.
   *
   * @return a polling assertion
   */
  public ClusterAssert eventually() {
    return within(EVENTUALLY);
  }

  /**
   * Checks that a namespaced object is stored.
   *
   * @param apiVersion such as {@code apps/v1} or {@code v1}
   * @param kind such as {@code Deployment}
   * @param namespace the namespace
   * @param name the name
   * @return assertions on the stored object
   */
  public ClusterObjectAssert hasObject(String apiVersion, String kind, String namespace, String name) {
    requireText(namespace, "namespace");
    return has(apiVersion, kind, namespace, name);
  }

  /**
   * Checks that a cluster-scoped object (a Namespace, a ClusterRole, a cluster-scoped custom resource) is stored.
   *
   * @param apiVersion such as {@code v1}
   * @param kind such as {@code Namespace}
   * @param name the name
   * @return assertions on the stored object
   */
  public ClusterObjectAssert hasClusterObject(String apiVersion, String kind, String name) {
    return has(apiVersion, kind, null, name);
  }

  /**
   * Checks that a namespaced object of fabric8's {@code type} is stored; its apiVersion and kind are the class's.
   *
   * <pre>{@code
   * assertThat(cluster).hasObject(Deployment.class, "testing-fed", "nginx-fed")
   *     .satisfiesAs(Deployment.class, d -> assertThat(d.getSpec().getReplicas()).isEqualTo(3));
   * }</pre>
   *
   * @param type such as {@code Deployment.class}; not {@code GenericKubernetesResource}, which names no kind
   * @param namespace the namespace
   * @param name the name
   * @return assertions on the stored object
   */
  public ClusterObjectAssert hasObject(Class<? extends HasMetadata> type, String namespace, String name) {
    return hasObject(apiVersionOf(type), kindOf(type), namespace, name);
  }

  /**
   * Checks that a cluster-scoped object of fabric8's {@code type} (such as {@code Namespace.class}) is stored.
   *
   * @param type such as {@code Namespace.class}
   * @param name the name
   * @return assertions on the stored object
   */
  public ClusterObjectAssert hasClusterObject(Class<? extends HasMetadata> type, String name) {
    return hasClusterObject(apiVersionOf(type), kindOf(type), name);
  }

  /**
   * Checks that a namespaced object of fabric8's {@code type} is not stored (with {@link #within}: until it is
   * gone).
   *
   * @param type such as {@code Deployment.class}
   * @param namespace the namespace
   * @param name the name
   * @return this
   */
  public ClusterAssert doesNotHaveObject(Class<? extends HasMetadata> type, String namespace, String name) {
    return doesNotHaveObject(apiVersionOf(type), kindOf(type), namespace, name);
  }

  /**
   * Checks that a cluster-scoped object of fabric8's {@code type} is not stored.
   *
   * @param type such as {@code Namespace.class}
   * @param name the name
   * @return this
   */
  public ClusterAssert doesNotHaveClusterObject(Class<? extends HasMetadata> type, String name) {
    return doesNotHaveClusterObject(apiVersionOf(type), kindOf(type), name);
  }

  /**
   * Checks how many objects of fabric8's {@code type} one namespace holds.
   *
   * @param type such as {@code ConfigMap.class}
   * @param namespace the namespace
   * @param count the expected number
   * @return this
   */
  public ClusterAssert hasObjectCount(Class<? extends HasMetadata> type, String namespace, int count) {
    return hasObjectCount(apiVersionOf(type), kindOf(type), namespace, count);
  }

  /**
   * Checks how many objects of fabric8's {@code type} the whole cluster holds, in every namespace.
   *
   * @param type such as {@code ConfigMap.class}
   * @param count the expected number
   * @return this
   */
  public ClusterAssert hasObjectCount(Class<? extends HasMetadata> type, int count) {
    return hasObjectCount(apiVersionOf(type), kindOf(type), count);
  }

  /** The apiVersion fabric8 gives {@code type} ({@code apps/v1} for {@code Deployment.class}). */
  static String apiVersionOf(Class<? extends HasMetadata> type) {
    requireTyped(type);
    String apiVersion = HasMetadata.getApiVersion(type);
    if (apiVersion == null || apiVersion.isEmpty() || apiVersion.startsWith("null")) {
      throw new IllegalArgumentException(type.getName() + " names no apiVersion (@Group and @Version); use the"
          + " apiVersion and kind strings");
    }
    return apiVersion;
  }

  /** The kind fabric8 gives {@code type} ({@code Deployment} for {@code Deployment.class}). */
  static String kindOf(Class<? extends HasMetadata> type) {
    requireTyped(type);
    return HasMetadata.getKind(type);
  }

  private static void requireTyped(Class<? extends HasMetadata> type) {
    Objects.requireNonNull(type, "type");
    if (type == GenericKubernetesResource.class) {
      throw new IllegalArgumentException("GenericKubernetesResource names no apiVersion or kind: use the methods"
          + " that take the apiVersion and kind strings");
    }
  }

  private ClusterObjectAssert has(String apiVersion, String kind, String namespace, String name) {
    isNotNull();
    requireText(apiVersion, "apiVersion");
    requireText(kind, "kind");
    requireText(name, "name");
    Map.Entry<ApiResource, GenericKubernetesResource> found = Polling.until(timeout, () -> {
      ApiResource type = type(apiVersion, kind, namespace);
      Optional<GenericKubernetesResource> object = server().get(type, namespace, name);
      if (object.isEmpty()) {
        failWithMessage("%s", "Expecting cluster " + actual.name() + " to have " + apiVersion + " " + kind + " "
            + qualified(namespace, name) + ", but it does not.\n" + existing(type, namespace, name));
      }
      return Map.entry(type, object.get());
    });
    ApiResource type = found.getKey();
    return new ClusterObjectAssert(found.getValue(), () -> server().get(type, namespace, name), timeout)
        .as("%s", kind + " " + qualified(namespace, name) + " in cluster " + actual.name());
  }

  /**
   * Checks that a namespaced object is not stored (with {@link #within}: until it is gone).
   *
   * @param apiVersion such as {@code apps/v1}
   * @param kind such as {@code Deployment}
   * @param namespace the namespace
   * @param name the name
   * @return this
   */
  public ClusterAssert doesNotHaveObject(String apiVersion, String kind, String namespace, String name) {
    requireText(namespace, "namespace");
    return hasNot(apiVersion, kind, namespace, name);
  }

  /**
   * Checks that a cluster-scoped object is not stored (with {@link #within}: until it is gone).
   *
   * @param apiVersion such as {@code v1}
   * @param kind such as {@code Namespace}
   * @param name the name
   * @return this
   */
  public ClusterAssert doesNotHaveClusterObject(String apiVersion, String kind, String name) {
    return hasNot(apiVersion, kind, null, name);
  }

  private ClusterAssert hasNot(String apiVersion, String kind, String namespace, String name) {
    isNotNull();
    requireText(apiVersion, "apiVersion");
    requireText(kind, "kind");
    requireText(name, "name");
    Polling.until(timeout, () -> {
      Optional<ApiResource> type = server().resolve(apiVersion, kind);
      if (type.isEmpty()) {
        return null; // a kind the cluster does not serve has no objects
      }
      checkScope(type.get(), apiVersion, namespace);
      Optional<GenericKubernetesResource> object = server().get(type.get(), namespace, name);
      if (object.isPresent()) {
        String deleting = object.get().getMetadata().getDeletionTimestamp() == null ? ""
            : " (it is marked for deletion but has finalizers " + object.get().getMetadata().getFinalizers() + ")";
        failWithMessage("%s", "Expecting cluster " + actual.name() + " not to have " + apiVersion + " " + kind + " "
            + qualified(namespace, name) + ", but it does" + deleting + ".");
      }
      return null;
    });
    return myself;
  }

  /**
   * Checks how many objects of a namespaced kind one namespace holds.
   *
   * @param apiVersion such as {@code apps/v1}
   * @param kind such as {@code Deployment}
   * @param namespace the namespace
   * @param count the expected number
   * @return this
   */
  public ClusterAssert hasObjectCount(String apiVersion, String kind, String namespace, int count) {
    requireText(namespace, "namespace");
    return count(apiVersion, kind, namespace, count);
  }

  /**
   * Checks how many objects of a kind the whole cluster holds, in every namespace.
   *
   * @param apiVersion such as {@code apps/v1}
   * @param kind such as {@code Deployment}
   * @param count the expected number
   * @return this
   */
  public ClusterAssert hasObjectCount(String apiVersion, String kind, int count) {
    return count(apiVersion, kind, null, count);
  }

  private ClusterAssert count(String apiVersion, String kind, String namespace, int count) {
    isNotNull();
    requireText(apiVersion, "apiVersion");
    requireText(kind, "kind");
    if (count < 0) {
      throw new IllegalArgumentException("a count is not negative: " + count);
    }
    Polling.until(timeout, () -> {
      Optional<ApiResource> type = server().resolve(apiVersion, kind);
      List<GenericKubernetesResource> objects = type.isEmpty() ? List.of() : listIn(type.get(), namespace);
      if (type.isEmpty() && count > 0) {
        type(apiVersion, kind, namespace); // fails, naming what the cluster serves
      }
      if (objects.size() != count) {
        String where = namespace == null ? "" : " in namespace " + namespace;
        failWithMessage("%s", "Expecting cluster " + actual.name() + " to have " + count + " " + apiVersion + " "
            + kind + where + ", but it has " + objects.size() + ": " + names(objects, namespace == null));
      }
      return null;
    });
    return myself;
  }

  private List<GenericKubernetesResource> listIn(ApiResource type, String namespace) {
    return server().list(type, type.namespaced() ? namespace : null);
  }

  /**
   * Checks how many POST, PUT, PATCH and DELETE requests the cluster received since start or
   * {@link SandboxCluster#resetCounts()}.
   *
   * @param count the expected number
   * @return this
   */
  public ClusterAssert hasWriteCount(long count) {
    isNotNull();
    Polling.until(timeout, () -> {
      long writes = actual.writeCount();
      if (writes != count) {
        failWithMessage("%s", "Expecting cluster " + actual.name() + " to have received " + count
            + " write requests, but it received " + writes + ".");
      }
      return null;
    });
    return myself;
  }

  /**
   * Checks that the cluster received no POST, PUT, PATCH or DELETE request since start or
   * {@link SandboxCluster#resetCounts()}.
   *
   * @return this
   */
  public ClusterAssert hasNoWrites() {
    return hasWriteCount(0);
  }

  private ClusterServer server() {
    return actual.server();
  }

  private ApiResource type(String apiVersion, String kind, String namespace) {
    Optional<ApiResource> type = server().resolve(apiVersion, kind);
    if (type.isEmpty()) {
      String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
      List<String> sameGroup = server().servedTypes().stream()
          .filter(r -> r.group().equals(group))
          .map(r -> r.apiVersion() + " " + r.kind())
          .distinct()
          .collect(Collectors.toList());
      failWithMessage("%s", "Expecting cluster " + actual.name() + " to serve " + apiVersion + " " + kind
          + ", but it does not (a custom kind needs its CRD registered); "
          + (sameGroup.isEmpty() ? "it serves no kind of group \"" + group + "\""
              : "it serves in group \"" + group + "\": " + sameGroup) + ".");
    }
    checkScope(type.get(), apiVersion, namespace);
    return type.get();
  }

  private void checkScope(ApiResource type, String apiVersion, String namespace) {
    if (type.namespaced() && namespace == null) {
      throw new IllegalArgumentException(apiVersion + " " + type.kind()
          + " is namespaced: use hasObject/doesNotHaveObject with a namespace");
    }
    if (!type.namespaced() && namespace != null) {
      throw new IllegalArgumentException(apiVersion + " " + type.kind()
          + " is cluster-scoped: use hasClusterObject/doesNotHaveClusterObject, without a namespace");
    }
  }

  private String existing(ApiResource type, String namespace, String name) {
    String plural = plural(type.kind());
    if (!type.namespaced()) {
      return plural + " in the cluster: " + names(server().list(type, null), false);
    }
    String here = plural + " in namespace " + namespace + ": " + names(server().list(type, namespace), false);
    List<String> elsewhere = server().list(type, null).stream()
        .filter(o -> name.equals(o.getMetadata().getName()))
        .map(o -> o.getMetadata().getNamespace())
        .sorted()
        .collect(Collectors.toList());
    return elsewhere.isEmpty() ? here
        : here + "\n(a " + type.kind() + " named " + name + " exists in namespaces " + elsewhere + ")";
  }

  private static String plural(String kind) {
    if (kind.endsWith("s") || kind.endsWith("x") || kind.endsWith("ch") || kind.endsWith("sh")) {
      return kind + "es";
    }
    if (kind.length() > 1 && kind.endsWith("y") && "aeiou".indexOf(kind.charAt(kind.length() - 2)) < 0) {
      return kind.substring(0, kind.length() - 1) + "ies";
    }
    return kind + "s";
  }

  private static String names(List<GenericKubernetesResource> objects, boolean qualified) {
    if (objects.isEmpty()) {
      return "none";
    }
    TreeSet<String> names = objects.stream()
        .map(o -> qualified && o.getMetadata().getNamespace() != null
            ? o.getMetadata().getNamespace() + "/" + o.getMetadata().getName() : o.getMetadata().getName())
        .collect(Collectors.toCollection(TreeSet::new));
    String shown = names.stream().limit(NAMES_SHOWN).collect(Collectors.joining(", ", "[", ""));
    return shown + (names.size() > NAMES_SHOWN ? ", … and " + (names.size() - NAMES_SHOWN) + " more]" : "]");
  }

  private static String qualified(String namespace, String name) {
    return namespace == null ? name : namespace + "/" + name;
  }

  private static void requireText(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
  }
}
