package io.fleetfed.core.fabric8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.kubefed.Federate;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.render.ClusterRendering;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * fabric8 objects in and out of fleetfed's model, which works on Jackson trees.
 *
 * <p>In: a federated object from a live object, typed ({@code Deployment}) or generic
 * ({@code GenericKubernetesResource}), stripped of what its server set as {@code kubefedctl federate} strips it
 * ({@link Federate} says what goes and what stays):
 *
 * <pre>{@code
 * Deployment live = client.apps().deployments().inNamespace("shop").withName("web").get();
 * FederatedResource web = Fabric8Objects.federate(live)           // name, namespace, template; every cluster
 *     .placement(Placement.clusters("dev1", "dev2"))
 *     .override("dev2", ClusterOverride.replace("/spec/replicas", 5))
 *     .build();
 * }</pre>
 *
 * <p>A template written by hand can be a fabric8 object too: {@link FederatedResource.Builder#template(Object)}
 * takes it as it is, or {@link #template(HasMetadata)} strips it first.
 *
 * <p>Out: a rendered object (what {@code Renderer} or {@code Preview} give per cluster) as a fabric8 object:
 *
 * <pre>{@code
 * ClusterRendering dev2 = Renderer.render(web, clusters).cluster("dev2").orElseThrow();
 * GenericKubernetesResource generic = Fabric8Objects.asGeneric(dev2);
 * Deployment typed = Fabric8Objects.as(dev2, Deployment.class);
 * }</pre>
 */
public final class Fabric8Objects {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Fabric8Objects() {}

  /**
   * A builder holding the federated object for {@code liveObject}, its type found in
   * {@link TypeRegistry#standard()}: see {@link Federate#from(JsonNode, TypeRegistry)}.
   *
   * @throws ValidationException if the object has no apiVersion, kind or name, or its kind has no federated type
   */
  public static FederatedResource.Builder federate(HasMetadata liveObject) {
    Objects.requireNonNull(liveObject, "liveObject");
    return federate(liveObject, TypeRegistry.standard());
  }

  /**
   * A builder holding the federated object for {@code liveObject}, its type found in {@code registry} by the
   * object's apiVersion and kind (a typed object without them, such as one built with {@code new Deployment()},
   * gets its class's): see {@link Federate#from(JsonNode, TypeRegistry)}.
   *
   * <pre>{@code
   * GenericKubernetesResource widget = client.genericKubernetesResources("example.com/v1", "Widget")
   *     .inNamespace("shop").withName("w1").get();
   * TypeRegistry types = TypeRegistry.standard().with(ResourceType.namespaced("example.com", "v1", "Widget",
   *     "widgets"));
   * FederatedResource federated = Fabric8Objects.federate(widget, types).build();
   * }</pre>
   *
   * @throws ValidationException if the object has no apiVersion, kind or name, or its kind has no federated type
   */
  public static FederatedResource.Builder federate(HasMetadata liveObject, TypeRegistry registry) {
    Objects.requireNonNull(liveObject, "liveObject");
    Objects.requireNonNull(registry, "registry");
    return Federate.from(toTree(liveObject), registry);
  }

  /**
   * {@code object} as a template, stripped as {@link #federate(HasMetadata)} strips it, for
   * {@link FederatedResource.Builder#template(Object)}; its type found in {@link TypeRegistry#standard()}.
   *
   * <pre>{@code
   * FederatedResource.builder(BuiltInTypes.DEPLOYMENTS).namespace("shop").name("web")
   *     .template(Fabric8Objects.template(live)).placement(Placement.clusters("dev1")).build();
   * }</pre>
   */
  public static ObjectNode template(HasMetadata object) {
    Objects.requireNonNull(object, "object");
    return federate(object).build().template();
  }

  /**
   * {@code object} as a Jackson tree, as fabric8 serializes it, with the {@code apiVersion} and {@code kind} of its
   * class when the object does not set them.
   */
  public static ObjectNode toTree(HasMetadata object) {
    Objects.requireNonNull(object, "object");
    JsonNode tree = SERIALIZATION.convertValue(object, JsonNode.class);
    if (!(tree instanceof ObjectNode o)) {
      throw new FederationException("fabric8 serialized a " + object.getClass().getName() + " as no object");
    }
    if (!(object instanceof GenericKubernetesResource)) {
      if (!o.hasNonNull("apiVersion")) {
        classValue(() -> HasMetadata.getApiVersion(object.getClass())).ifPresent(v -> o.put("apiVersion", v));
      }
      if (!o.hasNonNull("kind")) {
        classValue(() -> HasMetadata.getKind(object.getClass())).ifPresent(v -> o.put("kind", v));
      }
    }
    return o;
  }

  /** What fabric8 derives from a class's annotations, if it can. */
  private static Optional<String> classValue(Supplier<String> value) {
    try {
      return Optional.ofNullable(value.get()).filter(v -> !v.isEmpty());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The object rendered for one cluster as a {@link GenericKubernetesResource} (a copy: changing it changes nothing
   * in fleetfed).
   *
   * @throws IllegalArgumentException if the cluster gets no object (its status says why)
   */
  public static GenericKubernetesResource asGeneric(ClusterRendering rendering) {
    return as(rendering, GenericKubernetesResource.class);
  }

  /**
   * The object rendered for one cluster as fabric8's {@code type}, such as {@code Deployment.class} (a copy).
   *
   * @throws IllegalArgumentException if the cluster gets no object, or the object's kind is not {@code type}'s
   */
  public static <T extends HasMetadata> T as(ClusterRendering rendering, Class<T> type) {
    Objects.requireNonNull(rendering, "rendering");
    Objects.requireNonNull(type, "type");
    ObjectNode object = rendering.object().orElseThrow(() -> new IllegalArgumentException("cluster "
        + rendering.cluster() + " gets no object: " + rendering.status().reason()));
    return as(object, type);
  }

  /**
   * A Kubernetes object held as a Jackson tree (a rendered object, a template, a copy read by
   * {@code ClusterClient}) as fabric8's {@code type}.
   *
   * @throws IllegalArgumentException if the object's kind is not {@code type}'s, or fabric8 cannot read it as one
   */
  public static <T extends HasMetadata> T as(JsonNode object, Class<T> type) {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(type, "type");
    if (type != GenericKubernetesResource.class) {
      String expected = HasMetadata.getKind(type);
      String kind = object.path("kind").asText("");
      if (!kind.isEmpty() && !kind.equals(expected)) {
        throw new IllegalArgumentException("the object is a " + kind + ", not a " + expected + " ("
            + type.getName() + ")");
      }
    }
    try {
      return SERIALIZATION.convertValue(object, type);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("fabric8 cannot read the " + object.path("kind").asText("object")
          + " as " + type.getName() + ": " + e.getMessage(), e);
    }
  }
}
