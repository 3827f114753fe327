package io.fleetfed.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fleetfed.testkit.internal.JsonValues;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.assertj.core.api.AbstractObjectAssert;
import org.assertj.core.presentation.StandardRepresentation;

/**
 * Assertions on one stored Kubernetes object, as a {@link GenericKubernetesResource}; usually from
 * {@link ClusterAssert#hasObject}. The inherited assertions ({@code satisfies}, {@code extracting}...) apply too.
 *
 * <pre>{@code
 * assertThat(cluster).hasObject("apps/v1", "Deployment", "testing-fed", "nginx-fed")
 *     .hasLabel("fleetfed.io/managed", "true")
 *     .hasAnnotation("fleetfed.io/source", "testing-fed/nginx-fed")
 *     .hasFieldAt("/spec/replicas", 2)                         // numbers compare by value
 *     .hasFieldAt("/spec/template/spec/containers/0/name", "nginx")
 *     .doesNotHaveFieldAt("/spec/paused");
 * }</pre>
 *
 * <p>When the object came from a polling {@link ClusterAssert#within}, each check here re-reads it until the check
 * holds or the time is up. A Secret's {@code data} and {@code stringData} values never appear in messages.
 */
public final class ClusterObjectAssert extends AbstractObjectAssert<ClusterObjectAssert, GenericKubernetesResource> {

  private static final StandardRepresentation REDACTING = new StandardRepresentation() {
    @Override
    public String toStringOf(Object object) {
      if (object instanceof GenericKubernetesResource) {
        return JsonValues.show((GenericKubernetesResource) object);
      }
      return super.toStringOf(object);
    }
  };

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final Supplier<Optional<GenericKubernetesResource>> reload;
  private final Duration timeout;

  ClusterObjectAssert(GenericKubernetesResource actual, Supplier<Optional<GenericKubernetesResource>> reload,
      Duration timeout) {
    super(actual, ClusterObjectAssert.class);
    this.reload = reload;
    this.timeout = timeout;
    withRepresentation(REDACTING);
  }

  /**
   * Checks a label.
   *
   * @param key the label's key
   * @param value its expected value
   * @return this assertion, on the object as last read
   */
  public ClusterObjectAssert hasLabel(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    return check(a -> {
      Map<String, String> labels = a.labels();
      if (!labels.containsKey(key)) {
        a.fail("to have label " + key + "=" + value + ", but it has no label " + key + "; its labels: "
            + new TreeMap<>(labels));
      } else if (!value.equals(labels.get(key))) {
        a.fail("to have label " + key + "=" + value + ", but it has " + key + "=" + labels.get(key));
      }
    });
  }

  /**
   * Checks that a label is absent.
   *
   * @param key the label's key
   * @return this assertion, on the object as last read
   */
  public ClusterObjectAssert doesNotHaveLabel(String key) {
    Objects.requireNonNull(key, "key");
    return check(a -> {
      if (a.labels().containsKey(key)) {
        a.fail("not to have label " + key + ", but it has " + key + "=" + a.labels().get(key));
      }
    });
  }

  /**
   * Checks an annotation.
   *
   * @param key the annotation's key
   * @param value its expected value
   * @return this assertion, on the object as last read
   */
  public ClusterObjectAssert hasAnnotation(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    return check(a -> {
      Map<String, String> annotations = a.annotations();
      if (!annotations.containsKey(key)) {
        a.fail("to have annotation " + key + "=" + value + ", but it has no annotation " + key
            + "; its annotations: " + new java.util.TreeSet<>(annotations.keySet()));
      } else if (!value.equals(annotations.get(key))) {
        String shown = a.isSecret() ? "<redacted>" : annotations.get(key);
        a.fail("to have annotation " + key + "=" + value + ", but it has " + key + "=" + shown);
      }
    });
  }

  /**
   * Checks that an annotation is absent.
   *
   * @param key the annotation's key
   * @return this assertion, on the object as last read
   */
  public ClusterObjectAssert doesNotHaveAnnotation(String key) {
    Objects.requireNonNull(key, "key");
    return check(a -> {
      if (a.annotations().containsKey(key)) {
        a.fail("not to have annotation " + key + ", but it has it");
      }
    });
  }

  /**
   * Checks the value at an RFC 6901 JSON pointer. Numbers compare by value ({@code 2} equals {@code 2.0});
   * maps and lists compare as JSON.
   *
   * @param pointer such as {@code /spec/replicas} or {@code /spec/template/spec/containers/0/image}
   * @param expected a string, number, boolean, map or list; {@code null} expects a JSON null
   * @return this assertion, on the object as last read
   * @throws IllegalArgumentException if the pointer does not start with {@code /}
   */
  public ClusterObjectAssert hasFieldAt(String pointer, Object expected) {
    Objects.requireNonNull(pointer, "pointer");
    JsonValues.at(JsonValues.tree(Map.of()), pointer); // a malformed pointer is a mistake in the test: fail now
    JsonNode wanted = JsonValues.tree(expected);
    return check(a -> {
      Optional<JsonNode> value = JsonValues.at(JsonValues.tree(a.actual), pointer);
      if (value.isEmpty()) {
        a.fail("to have " + wanted + " at " + pointer + ", but there is nothing there" + a.nearest(pointer));
      } else if (!JsonValues.sameValue(value.get(), wanted)) {
        String shown = JsonValues.isSecretValue(a.actual, pointer) ? "<redacted>" : value.get().toString();
        a.fail("to have " + (JsonValues.isSecretValue(a.actual, pointer) ? "<redacted>" : wanted.toString())
            + " at " + pointer + ", but it has " + shown);
      }
    });
  }

  /**
   * Checks that nothing is at an RFC 6901 JSON pointer (a JSON null counts as something).
   *
   * @param pointer such as {@code /spec/paused}
   * @return this assertion, on the object as last read
   */
  public ClusterObjectAssert doesNotHaveFieldAt(String pointer) {
    Objects.requireNonNull(pointer, "pointer");
    JsonValues.at(JsonValues.tree(Map.of()), pointer);
    return check(a -> {
      Optional<JsonNode> value = JsonValues.at(JsonValues.tree(a.actual), pointer);
      if (value.isPresent()) {
        String shown = JsonValues.isSecretValue(a.actual, pointer) ? "<redacted>" : value.get().toString();
        a.fail("to have nothing at " + pointer + ", but it has " + shown);
      }
    });
  }

  /**
   * Checks the object read as fabric8's {@code type}, such as {@code Deployment.class} (with a polling
   * {@link ClusterAssert#within}: until {@code requirements} pass on a fresh read, or the time is up).
   *
   * <pre>{@code
   * assertThat(cluster).hasObject(Deployment.class, "testing-fed", "nginx-fed")
   *     .satisfiesAs(Deployment.class, d -> assertThat(d.getSpec().getReplicas()).isEqualTo(3));
   * }</pre>
   *
   * @param type the class to read the object as
   * @param requirements assertions on the typed object
   * @return this assertion, on the object as last read
   * @throws IllegalArgumentException if {@code type} is not the object's kind
   */
  public <T extends HasMetadata> ClusterObjectAssert satisfiesAs(Class<T> type, Consumer<? super T> requirements) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(requirements, "requirements");
    return check(a -> {
      if (type != GenericKubernetesResource.class && !HasMetadata.getKind(type).equals(a.actual.getKind())) {
        throw new IllegalArgumentException("the object is a " + a.actual.getKind() + ", not a "
            + HasMetadata.getKind(type) + " (" + type.getName() + ")");
      }
      requirements.accept(SERIALIZATION.convertValue(a.actual, type));
    });
  }

  private ClusterObjectAssert check(Consumer<ClusterObjectAssert> assertion) {
    isNotNull();
    if (reload == null || timeout.isZero()) {
      assertion.accept(this);
      return myself;
    }
    return Polling.until(timeout, () -> {
      GenericKubernetesResource fresh = reload.get().orElse(null);
      ClusterObjectAssert current = new ClusterObjectAssert(fresh, reload, timeout);
      current.info.description(info.description());
      if (fresh == null) {
        current.fail("to exist, but it was deleted");
      }
      assertion.accept(current);
      return current;
    });
  }

  private void fail(String message) {
    failWithMessage("%s", "Expecting " + what() + " " + message);
  }

  private String what() {
    if (actual == null || actual.getMetadata() == null) {
      return "the object";
    }
    String namespace = actual.getMetadata().getNamespace();
    return actual.getKind() + " " + (namespace == null || namespace.isEmpty() ? "" : namespace + "/")
        + actual.getMetadata().getName();
  }

  private String nearest(String pointer) {
    JsonNode tree = JsonValues.tree(actual);
    String parent = pointer;
    while (parent.lastIndexOf('/') > 0) {
      parent = parent.substring(0, parent.lastIndexOf('/'));
      Optional<JsonNode> at = JsonValues.at(tree, parent);
      if (at.isPresent()) {
        if (JsonValues.isSecretValue(actual, parent) || !at.get().isContainerNode()) {
          return " (" + parent + " is " + (at.get().isContainerNode() ? "present" : at.get().toString()) + ")";
        }
        java.util.List<String> keys = new java.util.ArrayList<>();
        if (at.get().isObject()) {
          at.get().fieldNames().forEachRemaining(keys::add);
          return " (" + parent + " has " + keys + ")";
        }
        return " (" + parent + " has " + at.get().size() + " items)";
      }
    }
    return "";
  }

  private boolean isSecret() {
    return "Secret".equals(actual.getKind());
  }

  private Map<String, String> labels() {
    Map<String, String> labels = actual.getMetadata() == null ? null : actual.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  private Map<String, String> annotations() {
    Map<String, String> annotations = actual.getMetadata() == null ? null : actual.getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }
}
