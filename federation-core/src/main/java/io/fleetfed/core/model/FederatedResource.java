package io.fleetfed.core.model;

import io.fleetfed.core.internal.LabelMaps;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.internal.Json;
import io.fleetfed.core.internal.Names;
import io.fleetfed.core.internal.Nulls;
import io.fleetfed.core.internal.Problems;
import io.fleetfed.core.internal.SecretData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A federated object: what one KubeFed {@code Federated<Kind>} document says. A template of the target object,
 * the clusters it goes to, and per-cluster overrides.
 *
 * <pre>{@code
 * FederatedResource nginx = FederatedResource.builder(BuiltInTypes.DEPLOYMENTS)
 *     .namespace("testing-fed").name("nginx-fed")
 *     .template(Map.of("spec", Map.of("replicas", 1)))
 *     .placement(Placement.clusters("dev1", "dev2"))
 *     .override("dev2", ClusterOverride.replace("/spec/replicas", 3))
 *     .build();
 * }</pre>
 *
 * <p>Instances are immutable and always valid: {@link Builder#build()} checks every rule below and throws one
 * {@link ValidationException} listing every problem, each naming the field.
 * <ul>
 *   <li>The name is one the API server accepts for the target kind: a DNS-1123 subdomain for most kinds and for
 *       custom resources, a DNS-1123 label for a Namespace, a DNS-1035 label (starting with a letter) for a
 *       Service, a path segment for RBAC kinds (so {@code system:aggregate-to-edit} is fine), at most 63
 *       characters for a Job. A namespaced target needs a namespace (a DNS-1123 label), a cluster-scoped target
 *       must have none, and a federated Namespace lives in the namespace it federates (its namespace defaults to
 *       its name).
 *   <li>The template is an object. Its {@code apiVersion}, when given, belongs to the target's group (it wins
 *       over the registered version, so {@code tekton.dev/v1beta1} can be federated beside {@code v1}); its
 *       {@code kind}, when given, is the target kind; its {@code metadata} holds only labels, annotations and a
 *       name and namespace equal to the federated object's (fields set to {@code null}, such as
 *       {@code creationTimestamp: null} from {@code kubectl create --dry-run}, are allowed).
 *   <li>A Secret's {@code data} values, in the template and in overrides, are base64 as the API server decodes
 *       them (messages name the key, never the value).
 *   <li>No cluster has two override entries, and no path appears twice for one cluster.
 *   <li>A {@value DeleteOptions#ANNOTATION} annotation holds valid {@link DeleteOptions} (its problems are named
 *       {@code metadata.annotations[kubefed.io/deleteoption].<field>}): an object that could not be deleted as
 *       it says is refused when it is built, not when it is deleted.
 * </ul>
 */
public final class FederatedResource {
  private final ResourceType type;
  private final String namespace;
  private final String name;
  private final Map<String, String> labels;
  private final Map<String, String> annotations;
  private final ObjectNode template;
  private final Placement placement;
  private final List<ClusterOverrides> overrides;
  private final boolean retainReplicas;
  private final DeleteOptions deleteOptions;

  private FederatedResource(Builder b, String namespace, Map<String, String> labels,
      Map<String, String> annotations, DeleteOptions deleteOptions) {
    this.type = b.type;
    this.namespace = namespace;
    this.name = b.name;
    this.labels = labels;
    this.annotations = annotations;
    this.template = b.template.deepCopy();
    this.placement = b.placement;
    this.overrides = List.copyOf(b.overrides);
    this.retainReplicas = b.retainReplicas;
    this.deleteOptions = deleteOptions;
  }

  /** A builder for a federated object of {@code type} (the target type, such as Deployments). */
  public static Builder builder(ResourceType type) {
    return new Builder(type);
  }

  /** A builder holding this object's values. */
  public Builder toBuilder() {
    Builder b = new Builder(type).name(name).labels(labels).annotations(annotations).template(template)
        .placement(placement).overrides(overrides).retainReplicas(retainReplicas);
    if (!namespace.isEmpty()) {
      b.namespace(namespace);
    }
    return b;
  }

  /** The target type: what the template renders to on each cluster. */
  public ResourceType type() {
    return type;
  }

  /**
   * The type of the objects rendered on each cluster: the target type at the template's own {@code apiVersion}
   * when it names one (a template's version wins over the type registry's), else the target type.
   *
   * <pre>{@code
   * FederatedResource run = FederatedResource.builder(TektonTypes.TASK_RUN)          // tekton.dev/v1
   *     .namespace("ci").name("build").template(Map.of("apiVersion", "tekton.dev/v1beta1")).build();
   * run.copyType().apiVersion();                                                     // "tekton.dev/v1beta1"
   * }</pre>
   */
  public ResourceType copyType() {
    String apiVersion = template.path("apiVersion").asText("");
    if (apiVersion.isEmpty()) {
      return type;
    }
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    return version.equals(type.version()) ? type : type.withVersion(version);
  }

  /** The kind of the federated object itself, KubeFed-style: {@code Federated<Kind>}. */
  public String federatedKind() {
    return "Federated" + type.kind();
  }

  /**
   * The federated object's namespace; empty for cluster-scoped targets. For a federated Namespace it equals
   * the name.
   */
  public String namespace() {
    return namespace;
  }

  /** The federated object's name, which every rendered object takes. */
  public String name() {
    return name;
  }

  /** Labels of the federated object itself (not of the rendered objects; those come from the template). */
  public Map<String, String> labels() {
    return labels;
  }

  /** Annotations of the federated object itself (not of the rendered objects). */
  public Map<String, String> annotations() {
    return annotations;
  }

  /**
   * How its copies are deleted when it is deleted: its {@value DeleteOptions#ANNOTATION} annotation, read when
   * it was built; {@link DeleteOptions#defaults()} without one.
   *
   * <pre>{@code
   * FederatedResource nginx = FederatedResource.builder(BuiltInTypes.DEPLOYMENTS).namespace("web").name("nginx")
   *     .annotations(Map.of("kubefed.io/deleteoption", "{\"propagationPolicy\":\"Orphan\"}")).build();
   * nginx.deleteOptions().propagationPolicy();   // Optional[ORPHAN]
   * }</pre>
   */
  public DeleteOptions deleteOptions() {
    return deleteOptions;
  }

  /** The template ({@code spec.template}), as a copy the caller may change freely. */
  public ObjectNode template() {
    return template.deepCopy();
  }

  /** Where the object goes. */
  public Placement placement() {
    return placement;
  }

  /** The override entries ({@code spec.overrides}), in document order. */
  public List<ClusterOverrides> overrides() {
    return overrides;
  }

  /** The overrides of {@code cluster}, in order; empty when it has none. */
  public List<ClusterOverride> overridesFor(String cluster) {
    for (ClusterOverrides entry : overrides) {
      if (entry.clusterName().equals(cluster)) {
        return entry.clusterOverrides();
      }
    }
    return List.of();
  }

  /**
   * KubeFed's {@code spec.retainReplicas}: when true, an update keeps the member object's
   * {@code spec.replicas} (so an autoscaler on the member owns it).
   */
  public boolean retainReplicas() {
    return retainReplicas;
  }

  /** {@code Federated<Kind> namespace/name}, or {@code Federated<Kind> name} when cluster-scoped. */
  public String describe() {
    return federatedKind() + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof FederatedResource)) {
      return false;
    }
    FederatedResource that = (FederatedResource) o;
    return retainReplicas == that.retainReplicas && type.equals(that.type) && namespace.equals(that.namespace)
        && name.equals(that.name) && labels.equals(that.labels) && annotations.equals(that.annotations)
        && template.equals(that.template) && placement.equals(that.placement) && overrides.equals(that.overrides);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, namespace, name, labels, annotations, template, placement, overrides, retainReplicas);
  }

  @Override
  public String toString() {
    return describe();
  }

  /**
   * Builds a {@link FederatedResource}. Setters may be called in any order and more than once (the last call
   * wins); {@link #build()} validates.
   */
  public static final class Builder {
    private final ResourceType type;
    private String namespace = "";
    private String name = "";
    private Map<String, String> labels = Map.of();
    private Map<String, String> annotations = Map.of();
    private ObjectNode template = Json.object();
    private Placement placement = Placement.none();
    private final List<ClusterOverrides> overrides = new ArrayList<>();
    private boolean retainReplicas;
    private String templateProblem = "";

    private Builder(ResourceType type) {
      this.type = Objects.requireNonNull(type, "type");
    }

    /** The namespace (required for namespaced targets; defaults to the name for a federated Namespace). */
    public Builder namespace(String namespace) {
      this.namespace = Objects.requireNonNull(namespace, "namespace");
      return this;
    }

    /** The name. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Labels of the federated object itself. */
    public Builder labels(Map<String, String> labels) {
      this.labels = Map.copyOf(Nulls.noNulls(labels, "labels"));
      return this;
    }

    /**
     * Annotations of the federated object itself. A {@value DeleteOptions#ANNOTATION} among them is read by
     * {@link #build()}, which rejects an invalid one.
     */
    public Builder annotations(Map<String, String> annotations) {
      this.annotations = Map.copyOf(Nulls.noNulls(annotations, "annotations"));
      return this;
    }

    /**
     * Sets (or, with {@link DeleteOptions#defaults()}, removes) the {@value DeleteOptions#ANNOTATION} annotation,
     * keeping the other annotations; a later {@link #annotations(Map)} replaces it with the rest.
     *
     * <pre>{@code
     * builder.deleteOptions(DeleteOptions.defaults().withPropagationPolicy(DeleteOptions.Propagation.ORPHAN));
     * }</pre>
     */
    public Builder deleteOptions(DeleteOptions options) {
      Objects.requireNonNull(options, "options");
      Map<String, String> changed = new HashMap<>(annotations);
      if (options.isDefault()) {
        changed.remove(DeleteOptions.ANNOTATION);
      } else {
        changed.put(DeleteOptions.ANNOTATION, options.toJson());
      }
      this.annotations = Map.copyOf(changed);
      return this;
    }

    /**
     * The template, as a JSON tree, a {@code Map}, or anything else Jackson converts to an object. It is
     * copied: later changes to the argument do not affect the builder.
     */
    public Builder template(Object template) {
      JsonNode tree = Json.toTree(Objects.requireNonNull(template, "template"), "spec.template");
      if (tree instanceof ObjectNode) {
        this.template = (ObjectNode) tree;
        this.templateProblem = "";
      } else {
        this.template = Json.object();
        this.templateProblem = "must be an object, not " + Json.describeType(tree);
      }
      return this;
    }

    /** Where the object goes (default: {@link Placement#none()}, nowhere). */
    public Builder placement(Placement placement) {
      this.placement = Objects.requireNonNull(placement, "placement");
      return this;
    }

    /** Replaces all override entries. */
    public Builder overrides(List<ClusterOverrides> overrides) {
      Nulls.noNulls(overrides, "overrides");
      this.overrides.clear();
      this.overrides.addAll(overrides);
      return this;
    }

    /** Adds an override entry for {@code cluster} with {@code clusterOverrides}, applied in order. */
    public Builder override(String cluster, ClusterOverride... clusterOverrides) {
      overrides.add(new ClusterOverrides(cluster, List.of(Nulls.noNulls(clusterOverrides, "clusterOverrides"))));
      return this;
    }

    /** KubeFed's {@code spec.retainReplicas} (default false). */
    public Builder retainReplicas(boolean retainReplicas) {
      this.retainReplicas = retainReplicas;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws ValidationException listing every problem, each naming this object and the field
     */
    public FederatedResource build() {
      Problems problems = new Problems();
      if (!templateProblem.isEmpty()) {
        problems.add("spec.template", templateProblem);
      }
      String effectiveNamespace = checkNamespaceAndName(problems);
      Map<String, String> validLabels =
          problems.capture("", () -> LabelMaps.labels(labels, "metadata.labels")).orElse(Map.of());
      Map<String, String> validAnnotations =
          problems.capture("", () -> LabelMaps.annotations(annotations, "metadata.annotations")).orElse(Map.of());
      DeleteOptions deleteOptions = deleteOptions(problems);
      checkTemplate(problems, effectiveNamespace);
      checkOverrides(problems);
      if (!problems.isEmpty()) {
        String object = "Federated" + type.kind() + " "
            + (effectiveNamespace.isEmpty() || name.isEmpty() ? name : effectiveNamespace + "/" + name);
        throw new ValidationException(problems.violations()).map(v -> v.withObject(object.trim()));
      }
      return new FederatedResource(this, effectiveNamespace, validLabels, validAnnotations, deleteOptions);
    }

    /** The {@value DeleteOptions#ANNOTATION} annotation, read; its problems are the annotation's fields. */
    private DeleteOptions deleteOptions(Problems problems) {
      String value = annotations.get(DeleteOptions.ANNOTATION);
      if (value == null) {
        return DeleteOptions.defaults();
      }
      return problems.capture("metadata.annotations[" + DeleteOptions.ANNOTATION + "]",
          () -> DeleteOptions.parse(value)).orElse(DeleteOptions.defaults());
    }

    private String checkNamespaceAndName(Problems problems) {
      if (type.isNamespace()) {
        Names.dns1123LabelProblem(name).ifPresent(p -> problems.add("metadata.name",
            "\"" + name + "\" is not a valid namespace name: " + p));
        if (!namespace.isEmpty() && !namespace.equals(name)) {
          problems.add("metadata.namespace", "a FederatedNamespace lives in the namespace it federates:"
              + " metadata.namespace \"" + namespace + "\" must equal metadata.name \"" + name + "\"");
        }
        return name;
      }
      Names.objectNameProblem(type.group(), type.kind(), name).ifPresent(p -> problems.add("metadata.name",
          "\"" + name + "\" is not a valid " + type.kind() + " name: " + p));
      if (type.isNamespaced()) {
        if (namespace.isEmpty()) {
          problems.add("metadata.namespace", "is required: " + type.kind() + " is namespaced");
        } else {
          Names.dns1123LabelProblem(namespace).ifPresent(p -> problems.add("metadata.namespace",
              "\"" + namespace + "\" is not a valid namespace name: " + p));
        }
      } else if (!namespace.isEmpty()) {
        problems.add("metadata.namespace", "must be absent: " + type.kind() + " is cluster-scoped (got \""
            + namespace + "\")");
      }
      return namespace;
    }

    private void checkTemplate(Problems problems, String effectiveNamespace) {
      JsonNode apiVersion = template.get("apiVersion");
      if (apiVersion != null) {
        if (!apiVersion.isTextual()) {
          problems.add("spec.template.apiVersion", "must be a non-empty string");
        } else {
          type.apiVersionProblem(apiVersion.asText()).ifPresent(p -> problems.add("spec.template.apiVersion", p));
        }
      }
      JsonNode kind = template.get("kind");
      if (kind != null && !(kind.isTextual() && kind.asText().equals(type.kind()))) {
        problems.add("spec.template.kind", "must be " + type.kind() + " (got " + Json.compact(kind) + ")");
      }
      if (isSecret()) {
        SecretData.check(template.get("data"), "spec.template.data", problems);
      }
      JsonNode metadata = template.get("metadata");
      if (metadata == null || metadata.isNull()) {
        return;
      }
      if (!metadata.isObject()) {
        problems.add("spec.template.metadata", "must be an object, not " + Json.describeType(metadata));
        return;
      }
      for (Map.Entry<String, JsonNode> field : Json.fields(metadata)) {
        checkTemplateMetadataField(problems, field.getKey(), field.getValue(), effectiveNamespace);
      }
    }

    private void checkTemplateMetadataField(Problems problems, String key, JsonNode value,
        String effectiveNamespace) {
      String field = "spec.template.metadata." + key;
      if (value.isNull()) {
        return;
      }
      switch (key) {
        case "name":
          if (!value.asText().equals(name) || !value.isTextual()) {
            problems.add(field, "must equal the federated object's name \"" + name + "\" (got "
                + Json.compact(value) + "); leave it out, the name is set on every cluster");
          }
          break;
        case "namespace":
          if (!type.isNamespaced() || type.isNamespace()) {
            problems.add(field, "must be absent: " + type.kind() + " is cluster-scoped");
          } else if (!value.isTextual() || !value.asText().equals(effectiveNamespace)) {
            problems.add(field, "must equal the federated object's namespace \"" + effectiveNamespace
                + "\" (got " + Json.compact(value) + ")");
          }
          break;
        case "labels":
        case "annotations":
          checkStringMap(problems, field, key, value);
          break;
        case "finalizers":
          problems.add(field, "is not propagated: a finalizer on a member object would block its deletion"
              + " with nothing to remove it; remove metadata.finalizers from the template");
          break;
        default:
          problems.add(field, "cannot be set in a template: only labels, annotations, name and namespace"
              + " are propagated (" + key + " is set by each member's API server)");
      }
    }

    private static void checkStringMap(Problems problems, String field, String key, JsonNode value) {
      if (!value.isObject()) {
        problems.add(field, "must be a map of strings, not " + Json.describeType(value));
        return;
      }
      Map<String, String> map = LabelMaps.strings(value, field, problems);
      if (key.equals("labels")) {
        problems.capture("", () -> LabelMaps.labels(map, field));
      } else {
        problems.capture("", () -> LabelMaps.annotations(map, field));
      }
    }

    private void checkOverrides(Problems problems) {
      Map<String, Integer> firstIndex = new HashMap<>();
      for (int i = 0; i < overrides.size(); i++) {
        String cluster = overrides.get(i).clusterName();
        Integer first = firstIndex.putIfAbsent(cluster, i);
        if (first != null) {
          problems.add("spec.overrides[" + i + "].clusterName", "cluster \"" + cluster + "\" appears more than"
              + " once (first at spec.overrides[" + first + "]); put all its overrides in one entry");
        }
        if (isSecret()) {
          List<ClusterOverride> list = overrides.get(i).clusterOverrides();
          for (int j = 0; j < list.size(); j++) {
            checkSecretOverride(list.get(j), "spec.overrides[" + i + "].clusterOverrides[" + j + "].value",
                problems);
          }
        }
      }
    }

    private boolean isSecret() {
      return type.group().isEmpty() && type.kind().equals("Secret");
    }

    /** A Secret's data set by an override is base64 too: {@code /data} as a whole, or {@code /data/<key>}. */
    private static void checkSecretOverride(ClusterOverride override, String field, Problems problems) {
      if (override.value().isEmpty()) {
        return;
      }
      JsonNode value = override.value().get();
      if (override.path().equals("/data")) {
        SecretData.check(value, field, problems);
      } else if (override.path().startsWith("/data/") && override.path().indexOf('/', "/data/".length()) < 0) {
        SecretData.checkValue(value, field, problems);
      }
    }
  }
}
