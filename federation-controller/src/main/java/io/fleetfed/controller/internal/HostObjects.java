package io.fleetfed.controller.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.kubefed.KubeFedBundle;
import io.fleetfed.core.kubefed.KubeFedYaml;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.ResourceType;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Federated objects as the host holds them, read with fleetfed's KubeFed codec. */
final class HostObjects {
  static final String SYNC_FINALIZER = "kubefed.io/sync-controller";
  static final String ORPHAN = "kubefed.io/orphan";
  static final String DISPATCH_KEY = "fleetfed.io/dispatch-key";
  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  private static final ObjectMapper JSON = new ObjectMapper();

  private HostObjects() {}

  static JsonNode tree(GenericKubernetesResource object) {
    return JSON.valueToTree(object);
  }

  /** {@code namespace/name}, or {@code name} when cluster-scoped, as KubeFed keys objects. */
  static String key(GenericKubernetesResource object) {
    String ns = object.getMetadata().getNamespace();
    return ns == null || ns.isEmpty() ? object.getMetadata().getName() : ns + "/" + object.getMetadata().getName();
  }

  static Map<String, String> annotations(GenericKubernetesResource object) {
    Map<String, String> a = object.getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  static List<String> finalizers(GenericKubernetesResource object) {
    List<String> f = object.getMetadata().getFinalizers();
    return f == null ? List.of() : f;
  }

  /**
   * Adds ({@code present}) or removes {@code finalizer} on {@code object} in the host, read afresh and edited; an
   * object gone meanwhile is left so.
   *
   * @return the object as written, or {@code object} if it is gone
   */
  static GenericKubernetesResource finalizer(ClusterClient host, ResourceType type, GenericKubernetesResource object,
      String finalizer, boolean present) {
    try {
      return host.edit(type, object.getMetadata().getNamespace(), object.getMetadata().getName(), false, o -> {
        List<String> f = new java.util.ArrayList<>(finalizers(o));
        f.remove(finalizer);
        if (present) {
          f.add(finalizer);
        }
        o.getMetadata().setFinalizers(f);
        return o;
      });
    } catch (ClusterRequestException e) {
      if (e.code() == ClusterRequestException.NOT_FOUND) {
        return object;
      }
      throw e;
    }
  }

  static boolean deleting(GenericKubernetesResource object) {
    return object.getMetadata().getDeletionTimestamp() != null;
  }

  static long generation(GenericKubernetesResource object) {
    Long g = object.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }

  /** The object's {@code .status}, or a missing node. */
  static JsonNode status(GenericKubernetesResource object) {
    Object s = object.getAdditionalProperties().get("status");
    return s == null ? JSON.missingNode() : JSON.valueToTree(s);
  }

  /**
   * The object as fleetfed's model, reading only what a federated object's author writes (name, namespace, labels,
   * annotations, spec): what the API server adds is not the author's and is left out.
   *
   * @throws io.fleetfed.core.ValidationException if the object is not a valid federated object, naming the field
   */
  static FederatedResource read(GenericKubernetesResource object, TypeRegistry registry) {
    JsonNode tree = tree(object);
    ObjectNode doc = JSON.createObjectNode();
    doc.put("apiVersion", object.getApiVersion());
    doc.put("kind", object.getKind());
    ObjectNode metadata = doc.putObject("metadata");
    metadata.put("name", object.getMetadata().getName());
    Optional.ofNullable(object.getMetadata().getNamespace()).filter(n -> !n.isEmpty())
        .ifPresent(n -> metadata.put("namespace", n));
    if (tree.path("metadata").path("labels").isObject()) {
      metadata.set("labels", tree.path("metadata").path("labels"));
    }
    if (tree.path("metadata").path("annotations").isObject()) {
      ObjectNode annotations = tree.path("metadata").path("annotations").deepCopy();
      annotations.remove(LAST_APPLIED);
      if (!annotations.isEmpty()) {
        metadata.set("annotations", annotations);
      }
    }
    if (tree.has("spec")) {
      doc.set("spec", tree.get("spec"));
    }
    String source = object.getKind() + " " + key(object);
    KubeFedBundle bundle = KubeFedYaml.read(source, doc.toString(), registry);
    return bundle.resources().get(0);
  }
}
