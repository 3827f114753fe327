package io.fleetfed.core.kubefed;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.internal.Json;
import io.fleetfed.core.model.ResourceType;
import java.util.List;

/**
 * Generates what {@code kubefedctl enable} creates for a type: the federated CRD and the
 * FederatedTypeConfig — without KubeFed's empty-propagation trap.
 *
 * <pre>{@code
 * FederatedTypeConfig config = TypeRegistry.standard().lookup("taskruns");
 * String yaml = KubeFedYaml.writeYaml(FederatedCrds.enable(config));   // kubectl apply -f accepts it
 * }</pre>
 *
 * <p>The CRD is {@code apiextensions.k8s.io/v1}, named {@code federated<plural>.types.kubefed.io}, with a status
 * subresource and KubeFed's schema for placement, overrides and status. Its {@code spec.template} is always
 * an object with {@code x-kubernetes-preserve-unknown-fields: true}, <em>whatever the target's schema</em>.
 * kubefedctl added {@code template} only when the target's schema listed properties, so for CRDs whose schema
 * is only {@code x-kubernetes-preserve-unknown-fields} (Tekton's, Istio's) the API server pruned the template
 * and members received empty objects (kubefed #1418, #1458). {@code spec.retainReplicas} is always declared
 * too, so that it is never pruned; it only has an effect on kinds with {@code spec.replicas}.
 */
public final class FederatedCrds {
  private FederatedCrds() {}

  /** The CRD and then the FederatedTypeConfig, ready to write as YAML. */
  public static List<ObjectNode> enable(FederatedTypeConfig config) {
    return List.of(crd(config), KubeFedYaml.typeConfigTree(config));
  }

  /** The federated CRD of {@code config}. */
  public static ObjectNode crd(FederatedTypeConfig config) {
    ResourceType federated = config.federated();
    ObjectNode crd = Json.object();
    crd.put("apiVersion", "apiextensions.k8s.io/v1");
    crd.put("kind", "CustomResourceDefinition");
    crd.putObject("metadata").put("name", config.crdName());
    ObjectNode spec = crd.putObject("spec");
    spec.put("group", federated.group());
    ObjectNode names = spec.putObject("names");
    names.put("kind", federated.kind());
    names.put("listKind", federated.kind() + "List");
    names.put("plural", federated.plural());
    names.put("singular", federated.singular());
    if (!federated.shortNames().isEmpty()) {
      ArrayNode shortNames = names.putArray("shortNames");
      federated.shortNames().forEach(shortNames::add);
    }
    spec.put("scope", federated.scope().wireName());
    ObjectNode version = spec.putArray("versions").addObject();
    version.put("name", federated.version());
    version.put("served", true);
    version.put("storage", true);
    version.putObject("subresources").putObject("status");
    ObjectNode root = version.putObject("schema").putObject("openAPIV3Schema");
    root.put("type", "object");
    ObjectNode properties = root.putObject("properties");
    properties.putObject("apiVersion").put("type", "string");
    properties.putObject("kind").put("type", "string");
    properties.putObject("metadata").put("type", "object");
    properties.set("spec", specSchema());
    properties.set("status", statusSchema());
    root.putArray("required").add("spec");
    return crd;
  }

  private static ObjectNode specSchema() {
    ObjectNode spec = object();
    ObjectNode properties = spec.putObject("properties");

    ObjectNode template = properties.putObject("template");
    template.put("type", "object");
    template.put("x-kubernetes-preserve-unknown-fields", true);

    ObjectNode placement = object();
    ObjectNode placementProperties = placement.putObject("properties");
    ObjectNode clusterItem = object();
    clusterItem.putObject("properties").putObject("name").put("type", "string");
    clusterItem.putArray("required").add("name");
    placementProperties.set("clusters", array(clusterItem));
    ObjectNode selector = object();
    ObjectNode selectorProperties = selector.putObject("properties");
    ObjectNode matchLabels = selectorProperties.putObject("matchLabels");
    matchLabels.put("type", "object");
    matchLabels.putObject("additionalProperties").put("type", "string");
    ObjectNode expression = object();
    ObjectNode expressionProperties = expression.putObject("properties");
    expressionProperties.putObject("key").put("type", "string");
    expressionProperties.putObject("operator").put("type", "string");
    expressionProperties.set("values", array(string()));
    expression.putArray("required").add("key").add("operator");
    selectorProperties.set("matchExpressions", array(expression));
    placementProperties.set("clusterSelector", selector);
    properties.set("placement", placement);

    ObjectNode override = object();
    ObjectNode overrideProperties = override.putObject("properties");
    overrideProperties.putObject("clusterName").put("type", "string");
    ObjectNode op = object();
    ObjectNode opProperties = op.putObject("properties");
    opProperties.putObject("op").put("type", "string").put("pattern", "^(add|remove|replace)?$");
    opProperties.putObject("path").put("type", "string");
    opProperties.putObject("value").put("x-kubernetes-preserve-unknown-fields", true);
    op.putArray("required").add("path");
    overrideProperties.set("clusterOverrides", array(op));
    properties.set("overrides", array(override));

    properties.putObject("retainReplicas").put("type", "boolean");
    return spec;
  }

  private static ObjectNode statusSchema() {
    ObjectNode status = object();
    ObjectNode properties = status.putObject("properties");
    ObjectNode condition = object();
    ObjectNode conditionProperties = condition.putObject("properties");
    conditionProperties.set("type", string());
    conditionProperties.set("status", string());
    conditionProperties.set("reason", string());
    conditionProperties.putObject("lastUpdateTime").put("type", "string").put("format", "date-time");
    conditionProperties.putObject("lastTransitionTime").put("type", "string").put("format", "date-time");
    condition.putArray("required").add("type").add("status");
    properties.set("conditions", array(condition));
    ObjectNode cluster = object();
    ObjectNode clusterProperties = cluster.putObject("properties");
    clusterProperties.set("name", string());
    clusterProperties.set("status", string());
    ObjectNode remoteStatus = clusterProperties.putObject("remoteStatus");
    remoteStatus.put("type", "object");
    remoteStatus.put("x-kubernetes-preserve-unknown-fields", true);
    cluster.putArray("required").add("name");
    properties.set("clusters", array(cluster));
    properties.putObject("observedGeneration").put("type", "integer").put("format", "int64");
    return status;
  }

  private static ObjectNode object() {
    ObjectNode node = Json.object();
    node.put("type", "object");
    return node;
  }

  private static ObjectNode string() {
    ObjectNode node = Json.object();
    node.put("type", "string");
    return node;
  }

  private static ObjectNode array(ObjectNode items) {
    ObjectNode node = Json.object();
    node.put("type", "array");
    node.set("items", items);
    return node;
  }
}
