package io.fleetfed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.kubefed.FederatedTypeConfig;
import io.fleetfed.core.model.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns a live object into its Federated object, as {@code kubefedctl federate} does: the template is the object
 * without apiVersion, kind, metadata (its labels kept) and status, and without what the server or the member's
 * controllers set per cluster (a Namespace's spec.finalizers, a ServiceAccount's secrets, a Service's clusterIP,
 * clusterIPs and nodePorts); the placement selects every cluster ({@code clusterSelector: {matchLabels: {}}}).
 *
 * <p>Kept in the CLI for now: core's {@code FederatedResource.from(HasMetadata)} (issue 12, point 3) strips the
 * same fields and the two may be unified there.
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
    ObjectNode template = live.deepCopy();
    template.remove(List.of("apiVersion", "kind", "metadata", "status"));
    JsonNode metadata = live.path("metadata");
    JsonNode labels = metadata.path("labels");
    if (labels.isObject() && !labels.isEmpty()) {
      template.putObject("metadata").set("labels", labels.deepCopy());
    }
    JsonNode annotations = metadata.path("annotations");
    if (annotations.isObject() && !annotations.isEmpty()) {
      List<String> keys = new ArrayList<>();
      annotations.fieldNames().forEachRemaining(keys::add);
      warn.accept(target.kind() + " " + describe(live) + ": annotations are not federated (as kubefedctl federate"
          + " does), dropped: " + String.join(", ", keys));
    }
    if (target.group().isEmpty()) {
      switch (target.kind()) {
        case "Namespace" -> {
          if (template.path("spec") instanceof ObjectNode spec) {
            spec.remove("finalizers");
            if (spec.isEmpty()) {
              template.remove("spec");
            }
          }
        }
        case "ServiceAccount" -> template.remove("secrets");
        case "Service" -> {
          if (template.path("spec") instanceof ObjectNode spec) {
            spec.remove(List.of("clusterIP", "clusterIPs"));
            for (JsonNode port : spec.path("ports")) {
              if (port instanceof ObjectNode p) {
                p.remove("nodePort");
              }
            }
          }
        }
        default -> { }
      }
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
