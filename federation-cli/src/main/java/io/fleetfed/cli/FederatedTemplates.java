package io.fleetfed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.kubefed.FederatedTypeConfig;
import io.fleetfed.core.kubefed.Federate;
import io.fleetfed.core.model.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns a live object into its Federated object, as {@code kubefedctl federate} does: the template is core's
 * {@link Federate#template} (what a server or a member's controllers set removed: status, server-set metadata, a
 * Namespace's spec.finalizers, a ServiceAccount's secrets, a Service's clusterIP, clusterIPs and nodePorts), without
 * apiVersion and kind (the type config's target names them); the placement selects every cluster
 * ({@code clusterSelector: {matchLabels: {}}}). Unlike kubefedctl, annotations are kept, as the SDK keeps them
 * (fleetfed propagates a template's annotations), except kubectl's and fleetfed's own, which are named in a warning.
 */
final class FederatedTemplates {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private FederatedTemplates() {}

  /**
   * The Federated object of {@code live}, an object of {@code config}'s target type; a warning goes to
   * {@code warn} for each thing dropped that the user may miss (annotations).
   */
  static ObjectNode federate(ObjectNode live, FederatedTypeConfig config, Consumer<String> warn) {
    ResourceType target = config.target();
    ResourceType federated = config.federated();
    JsonNode metadata = live.path("metadata");
    String name = metadata.path("name").asText();
    ObjectNode result = NODES.objectNode();
    result.put("apiVersion", federated.apiVersion());
    result.put("kind", federated.kind());
    ObjectNode resultMetadata = result.putObject("metadata");
    resultMetadata.put("name", name);
    String namespace = metadata.path("namespace").asText("");
    if (target.isNamespace()) {
      resultMetadata.put("namespace", name);
    } else if (target.isNamespaced() && !namespace.isEmpty()) {
      resultMetadata.put("namespace", namespace);
    }
    ObjectNode spec = result.putObject("spec");
    spec.set("template", template(live, target, warn));
    spec.putObject("placement").putObject("clusterSelector").putObject("matchLabels");
    return result;
  }

  /** The template of {@code live}: see the class comment. */
  static ObjectNode template(ObjectNode live, ResourceType target, Consumer<String> warn) {
    ObjectNode template = Federate.template(live, target);
    template.remove(List.of("apiVersion", "kind"));
    List<String> dropped = new ArrayList<>();
    live.path("metadata").path("annotations").fieldNames().forEachRemaining(key -> {
      if (!template.path("metadata").path("annotations").has(key)) {
        dropped.add(key);
      }
    });
    if (!dropped.isEmpty()) {
      warn.accept(target.kind() + " " + describe(live) + ": annotations set by kubectl, a controller or fleetfed are"
          + " not federated, dropped: " + String.join(", ", dropped));
    }
    return template;
  }

  /** {@code namespace/name}, or {@code name} without a namespace. */
  static String describe(JsonNode object) {
    String namespace = object.path("metadata").path("namespace").asText("");
    String name = object.path("metadata").path("name").asText();
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }
}
