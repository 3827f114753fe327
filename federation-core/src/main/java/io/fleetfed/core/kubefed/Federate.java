package io.fleetfed.core.kubefed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.internal.Json;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.render.ManagedMetadata;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a live object, as an API server returns it, into a federated object, as {@code kubefedctl federate} does:
 * the one place fleetfed strips what a server sets. The type comes from the object's {@code apiVersion} and
 * {@code kind} through a {@link TypeRegistry}.
 *
 * <pre>{@code
 * JsonNode live = ...;   // GET /apis/apps/v1/namespaces/shop/deployments/web, or kubectl get -o json
 * FederatedResource web = Federate.from(live, TypeRegistry.standard())
 *     .placement(Placement.clusters("dev1", "dev2"))      // kubefedctl's default is every cluster
 *     .build();
 * }</pre>
 *
 * <p>What the federated object gets:
 * <ul>
 *   <li>Its name and namespace are the object's (a Namespace's federated object lives in the namespace itself).
 *   <li>Its template is the object without {@code status} and without every {@code metadata} field but
 *       {@code labels} and {@code annotations}: {@code resourceVersion}, {@code uid}, {@code creationTimestamp},
 *       {@code generation}, {@code managedFields}, {@code selfLink}, {@code deletionTimestamp},
 *       {@code deletionGracePeriodSeconds}, {@code ownerReferences}, {@code finalizers}, {@code generateName}
 *       and the name and namespace (set on every cluster anyway). {@code apiVersion} and {@code kind} are kept, so
 *       the object's version is the template's.
 *   <li>Labels are kept. Annotations are kept too, unlike kubefedctl, which drops them: fleetfed propagates template
 *       annotations (Tekton and its tooling rely on them). Dropped are only those a server, a controller or a client
 *       wrote about this one object: {@value #LAST_APPLIED} (kubectl's record of its last apply there),
 *       {@code deployment.kubernetes.io/revision}, and fleetfed's own {@code fleetfed.io/source} and
 *       {@code fleetfed.io/hash} annotations and {@code fleetfed.io/managed} / {@code kubefed.io/managed} labels
 *       (when the object is itself a copy on a member).
 *   <li>By kind, as kubefedctl: a Namespace loses {@code spec.finalizers}; a ServiceAccount its {@code secrets};
 *       a Service {@code spec.clusterIP}, {@code spec.clusterIPs} and each port's {@code nodePort}.
 *   <li>Its placement is every cluster ({@link Placement#allClusters()}), kubefedctl's
 *       {@code clusterSelector: {}}; set another on the builder.
 * </ul>
 *
 * <p>For fabric8 objects ({@code Deployment}, {@code GenericKubernetesResource}…) see
 * {@code io.fleetfed.core.fabric8.Fabric8Objects}.
 */
public final class Federate {
  /** kubectl's client-side apply record, dropped from a template. */
  public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private static final List<String> DROPPED_ANNOTATIONS = List.of(LAST_APPLIED, "deployment.kubernetes.io/revision",
      ManagedMetadata.SOURCE_ANNOTATION, ManagedMetadata.HASH_ANNOTATION);
  private static final List<String> DROPPED_LABELS =
      List.of(ManagedMetadata.MANAGED_LABEL, ManagedMetadata.KUBEFED_MANAGED_LABEL);

  private Federate() {}

  /** As {@link #from(JsonNode, TypeRegistry)} with {@link TypeRegistry#standard()}. */
  public static FederatedResource.Builder from(JsonNode liveObject) {
    return from(liveObject, TypeRegistry.standard());
  }

  /**
   * A builder holding the federated object for {@code liveObject}: its name, namespace, stripped template and
   * placement on every cluster. The builder validates the rest when it builds.
   *
   * @throws ValidationException if the object has no {@code apiVersion}, {@code kind} or {@code metadata.name},
   *     or {@code registry} knows no federated type for its group and kind
   */
  public static FederatedResource.Builder from(JsonNode liveObject, TypeRegistry registry) {
    Objects.requireNonNull(liveObject, "liveObject");
    Objects.requireNonNull(registry, "registry");
    ResourceType type = typeOf(liveObject, registry);
    JsonNode metadata = liveObject.path("metadata");
    String name = text(metadata, "name").orElseThrow(() -> invalid(liveObject, "metadata.name",
        "is required: the federated object takes the object's name"));
    FederatedResource.Builder b = FederatedResource.builder(type).name(name).template(template(liveObject, type))
        .placement(Placement.allClusters());
    if (type.isNamespace()) {
      b.namespace(name);
    } else {
      text(metadata, "namespace").ifPresent(b::namespace);
    }
    return b;
  }

  /**
   * The template for {@code liveObject} of {@code type}: a copy with what a server sets removed, as
   * {@link #from(JsonNode, TypeRegistry)} describes.
   */
  public static ObjectNode template(JsonNode liveObject, ResourceType type) {
    Objects.requireNonNull(liveObject, "liveObject");
    Objects.requireNonNull(type, "type");
    if (!liveObject.isObject()) {
      throw new ValidationException("", "a live object must be an object, not " + Json.describeType(liveObject));
    }
    ObjectNode t = ((ObjectNode) liveObject).deepCopy();
    t.remove("status");
    JsonNode metadata = t.get("metadata");
    ObjectNode kept = Json.object();
    if (metadata != null && metadata.isObject()) {
      copyWithout(metadata.get("labels"), DROPPED_LABELS, kept, "labels");
      copyWithout(metadata.get("annotations"), DROPPED_ANNOTATIONS, kept, "annotations");
    }
    if (kept.isEmpty()) {
      t.remove("metadata");
    } else {
      t.set("metadata", kept);
    }
    if (type.group().isEmpty()) {
      switch (type.kind()) {
        case "Namespace" -> removeFrom(t, "spec", "finalizers");
        case "ServiceAccount" -> t.remove("secrets");
        case "Service" -> stripService(t);
        default -> { }
      }
    }
    return t;
  }

  private static void stripService(ObjectNode t) {
    JsonNode spec = t.get("spec");
    if (!(spec instanceof ObjectNode s)) {
      return;
    }
    s.remove("clusterIP");
    s.remove("clusterIPs");
    if (s.get("ports") instanceof ArrayNode ports) {
      for (JsonNode port : ports) {
        if (port instanceof ObjectNode p) {
          p.remove("nodePort");
        }
      }
    }
  }

  /** Removes {@code field} from the object at {@code parent}, and the parent too when that leaves it empty. */
  private static void removeFrom(ObjectNode t, String parent, String field) {
    if (t.get(parent) instanceof ObjectNode p) {
      p.remove(field);
      if (p.isEmpty()) {
        t.remove(parent);
      }
    }
  }

  private static void copyWithout(JsonNode map, List<String> dropped, ObjectNode into, String field) {
    if (map == null || !map.isObject()) {
      return;
    }
    ObjectNode copy = ((ObjectNode) map).deepCopy();
    copy.remove(dropped);
    if (!copy.isEmpty()) {
      into.set(field, copy);
    }
  }

  private static ResourceType typeOf(JsonNode live, TypeRegistry registry) {
    String apiVersion = text(live, "apiVersion").orElseThrow(() -> invalid(live, "apiVersion",
        "is required to find the object's federated type"));
    String kind = text(live, "kind").orElseThrow(() -> invalid(live, "kind",
        "is required to find the object's federated type"));
    String group = ResourceType.groupOf(apiVersion);
    return registry.forTarget(group, kind).map(FederatedTypeConfig::target).orElseThrow(() -> invalid(live, "kind",
        "no federated type has target " + kind + (group.isEmpty() ? " (core group)" : " in group " + group)
            + " (apiVersion " + apiVersion + "); register it: registry.with(ResourceType.namespaced(\"" + group
            + "\", version, \"" + kind + "\", plural))"));
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() && !v.asText().isEmpty() ? Optional.of(v.asText()) : Optional.empty();
  }

  private static ValidationException invalid(JsonNode live, String field, String reason) {
    String kind = text(live, "kind").orElse("object");
    JsonNode metadata = live.path("metadata");
    String name = text(metadata, "name").orElse("");
    String ns = text(metadata, "namespace").map(n -> n + "/").orElse("");
    String object = name.isEmpty() ? kind : kind + " " + ns + name;
    return new ValidationException(field, reason).map(v -> v.withObject(object));
  }
}
