package io.fleetfed.core.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.fge.jsonpatch.JsonPatchException;
import io.fleetfed.core.internal.Json;
import io.fleetfed.core.internal.Names;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.ClusterOverride;
import io.fleetfed.core.model.ClusterOverrides;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.ResourceType;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;

/**
 * Renders a federated object into the object each selected cluster gets.
 *
 * <pre>{@code
 * ResourceRendering r = Renderer.render(nginx, List.of(Cluster.ready("dev1"), Cluster.ready("dev2")));
 * ObjectNode onDev2 = r.cluster("dev2").orElseThrow().object().orElseThrow();
 * onDev2.at("/spec/replicas").asInt();   // 3, from dev2's override
 * }</pre>
 *
 * <p>For each cluster the object is built as KubeFed builds it, with fleetfed's differences:
 * <ol>
 *   <li>A copy of the template. {@code apiVersion} is the template's own when it has one, else the target
 *       type's; {@code kind} is the target kind; {@code metadata.name} and, for namespaced kinds,
 *       {@code metadata.namespace} are the federated object's. Template labels and annotations are kept
 *       (KubeFed dropped annotations; Tekton relies on them).
 *   <li>The cluster's overrides, in order, applied with java-json-tools json-patch ({@code replace} of a
 *       missing member adds it, as KubeFed did). An override that cannot apply, or that leaves labels,
 *       annotations or {@code apiVersion} invalid, fails the whole federated object with an
 *       {@link OverrideException}; no cluster gets anything.
 *   <li>Last, so that no override can remove them, the {@link ManagedMetadata} label and annotations.
 * </ol>
 *
 * <p>Selected clusters that are not Ready are rendered too, so that an override that cannot apply is caught
 * now rather than when the cluster returns; they are reported {@link RenderStatus#CLUSTER_NOT_READY} without an
 * object. Overrides of clusters that are not selected are ignored, as in KubeFed. The federated object is
 * never changed.
 */
public final class Renderer {
  private static final List<String> MAPS = List.of("labels", "annotations");

  private Renderer() {}

  /** Renders {@code resource} for its placement over {@code clusters}, without namespace restriction. */
  public static ResourceRendering render(FederatedResource resource, Collection<Cluster> clusters) {
    return render(resource, clusters, Optional.empty());
  }

  /**
   * Renders {@code resource} for its placement over {@code clusters}, restricted by the FederatedNamespace of
   * its namespace when one is given (see {@link Placements#select(FederatedResource, Collection, Optional)}).
   *
   * @throws OverrideException if an override of a selected cluster cannot be applied
   */
  public static ResourceRendering render(FederatedResource resource, Collection<Cluster> clusters,
      Optional<FederatedResource> federatedNamespace) {
    SortedSet<String> selected = Placements.select(resource, clusters, federatedNamespace);
    Map<String, Boolean> ready = new HashMap<>();
    for (Cluster cluster : clusters) {
      ready.put(cluster.name(), cluster.ready());
    }
    Context context = new Context(resource);
    Map<String, ClusterRendering> outcomes = new LinkedHashMap<>();
    for (String cluster : selected) {
      ObjectNode object = context.render(cluster);
      outcomes.put(cluster, ready.get(cluster)
          ? new ClusterRendering(cluster, RenderStatus.RENDERED, Optional.of(object))
          : new ClusterRendering(cluster, RenderStatus.CLUSTER_NOT_READY, Optional.empty()));
    }
    return new ResourceRendering(resource, outcomes);
  }

  /**
   * The object {@code cluster} gets from {@code resource}, whether or not the cluster is placed.
   *
   * @throws OverrideException if one of the cluster's overrides cannot be applied
   */
  public static ObjectNode renderFor(FederatedResource resource, String cluster) {
    Objects.requireNonNull(cluster, "cluster");
    return new Context(resource).render(cluster).deepCopy();
  }

  /** What the renderings of one federated object share: template, digest, overrides by cluster, paths. */
  private static final class Context {
    private final FederatedResource resource;
    /** The object before overrides and managed metadata: the same for every cluster, so built once. */
    private final ObjectNode base;
    private final RenderDigest digest;
    private final String source;
    private final Map<String, Integer> entryOfCluster = new HashMap<>();
    private final Map<String, OverrideApplier.CompiledPath> paths = new HashMap<>();

    Context(FederatedResource resource) {
      this.resource = resource;
      ObjectNode template = resource.template();
      this.digest = new RenderDigest(resource, template);
      this.base = skeleton(resource, template);
      this.source = source(resource);
      List<ClusterOverrides> entries = resource.overrides();
      for (int i = 0; i < entries.size(); i++) {
        entryOfCluster.put(entries.get(i).clusterName(), i);
      }
    }

    /** The cluster's object; it shares unchanged subtrees with the base, so it must not leave the renderer. */
    ObjectNode render(String cluster) {
      CopyOnWrite object = new CopyOnWrite(base);
      Integer entry = entryOfCluster.get(cluster);
      List<ClusterOverride> overrides =
          entry == null ? List.of() : resource.overrides().get(entry).clusterOverrides();
      for (int i = 0; i < overrides.size(); i++) {
        ClusterOverride override = overrides.get(i);
        OverrideApplier.CompiledPath path =
            paths.computeIfAbsent(override.path(), OverrideApplier.CompiledPath::compile);
        try {
          OverrideApplier.apply(object, override, path);
        } catch (JsonPatchException e) {
          throw failure(entry, cluster, i, override, e.getMessage());
        }
        Optional<String> problem = checkAfter(resource.type(), object.root(), path.tokenList());
        if (problem.isPresent()) {
          throw failure(entry, cluster, i, override, problem.get());
        }
      }
      ObjectNode metadata = object.ownObject(object.root(), "metadata");
      object.ownObject(metadata, "labels").put(ManagedMetadata.MANAGED_LABEL, "true");
      object.ownObject(metadata, "annotations")
          .put(ManagedMetadata.SOURCE_ANNOTATION, source)
          .put(ManagedMetadata.HASH_ANNOTATION, digest.forCluster(overrides));
      return object.root();
    }

    private OverrideException failure(int entry, String cluster, int index, ClusterOverride override,
        String reason) {
      return new OverrideException(resource.describe(), entry, cluster, index, override.op().wireName(),
          override.path(), reason);
    }
  }

  /** The template rearranged: apiVersion, kind and metadata (name and namespace first), then the rest. */
  private static ObjectNode skeleton(FederatedResource resource, ObjectNode template) {
    ObjectNode object = Json.object();
    JsonNode apiVersion = template.get("apiVersion");
    object.put("apiVersion", apiVersion != null ? apiVersion.asText() : resource.type().apiVersion());
    object.put("kind", resource.type().kind());
    ObjectNode metadata = object.putObject("metadata");
    metadata.put("name", resource.name());
    if (resource.type().isNamespaced() && !resource.type().isNamespace()) {
      metadata.put("namespace", resource.namespace());
    }
    JsonNode templateMetadata = template.get("metadata");
    if (templateMetadata != null && templateMetadata.isObject()) {
      for (Map.Entry<String, JsonNode> field : Json.fields(templateMetadata)) {
        String key = field.getKey();
        if (!key.equals("name") && !key.equals("namespace") && !field.getValue().isNull()) {
          metadata.set(key, field.getValue());
        }
      }
    }
    for (Map.Entry<String, JsonNode> field : Json.fields(template)) {
      String key = field.getKey();
      if (!key.equals("apiVersion") && !key.equals("kind") && !key.equals("metadata")) {
        object.set(key, field.getValue());
      }
    }
    return object;
  }

  /**
   * What an override at the path {@code tokens} may have broken that the API server would refuse, if anything.
   */
  private static Optional<String> checkAfter(ResourceType type, ObjectNode object, List<String> tokens) {
    String top = tokens.get(0);
    if (top.equals("apiVersion")) {
      JsonNode apiVersion = object.get("apiVersion");
      if (apiVersion == null || !apiVersion.isTextual()) {
        return Optional.of("leaves apiVersion missing or not a string");
      }
      return type.apiVersionProblem(apiVersion.asText()).map(p -> "leaves apiVersion invalid: " + p);
    }
    if (!top.equals("metadata") || tokens.size() < 2 || !MAPS.contains(tokens.get(1))) {
      return Optional.empty();
    }
    String map = tokens.get(1);
    JsonNode node = object.get("metadata").get(map);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      return Optional.of("leaves metadata." + map + " " + Json.describeType(node) + " instead of a map of strings");
    }
    if (tokens.size() == 3) {
      // One entry changed: check just that one.
      String key = tokens.get(2);
      JsonNode value = node.get(key);
      return value == null ? Optional.empty() : checkEntry(map, key, value);
    }
    for (Map.Entry<String, JsonNode> e : Json.fields(node)) {
      Optional<String> problem = checkEntry(map, e.getKey(), e.getValue());
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> checkEntry(String map, String key, JsonNode value) {
    Optional<String> keyProblem = Names.qualifiedNameProblem(key);
    if (keyProblem.isPresent()) {
      return Optional.of("leaves an invalid key \"" + key + "\" in metadata." + map + ": " + keyProblem.get());
    }
    if (!value.isTextual()) {
      return Optional.of("leaves metadata." + map + "[" + key + "] " + Json.describeType(value)
          + " instead of a string");
    }
    if (map.equals("labels")) {
      Optional<String> valueProblem = Names.labelValueProblem(value.asText());
      if (valueProblem.isPresent()) {
        return Optional.of("leaves label " + key + " with an invalid value \"" + value.asText() + "\": "
            + valueProblem.get());
      }
    }
    return Optional.empty();
  }

  private static String source(FederatedResource resource) {
    return resource.federatedKind() + "/"
        + (resource.namespace().isEmpty() ? "" : resource.namespace() + "/") + resource.name();
  }

}
