package io.fleetfed.testkit.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionNames;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionSpec;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.KubernetesVersionPriority;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The discovery documents of one API server at one moment: the built-in types plus every served version of
 * every CustomResourceDefinition it stores, merged by group.
 */
final class Discovery {

  private final ObjectMapper mapper;
  /** group → version → resources, groups and versions in the order discovery lists them. */
  private final Map<String, Map<String, List<ApiResource>>> groups = new LinkedHashMap<>();
  private final Map<String, String> preferred = new LinkedHashMap<>();

  Discovery(ObjectMapper mapper, List<CustomResourceDefinition> crds) {
    this.mapper = mapper;
    for (ApiResource r : BuiltInResources.ALL_TYPES) {
      add(r);
      preferred.putIfAbsent(r.group(), r.version());
    }
    Map<String, List<String>> crdVersions = new LinkedHashMap<>();
    for (CustomResourceDefinition crd : crds) {
      for (ApiResource r : resourcesOf(crd)) {
        add(r);
        crdVersions.computeIfAbsent(r.group(), g -> new ArrayList<>()).add(r.version());
      }
    }
    crdVersions.forEach((group, versions) -> {
      if (!preferred.containsKey(group)) {
        preferred.put(group, KubernetesVersionPriority.highestPriority(versions));
        // list versions by priority, as a real server does
        Map<String, List<ApiResource>> byVersion = groups.get(group);
        Map<String, List<ApiResource>> sorted = new LinkedHashMap<>();
        KubernetesVersionPriority.sortByPriority(new ArrayList<>(byVersion.keySet()), v -> v)
            .forEach(v -> sorted.put(v, byVersion.get(v)));
        groups.put(group, sorted);
      }
    });
  }

  /**
   * The resource types a CRD serves, one per served version.
   *
   * @param crd a CustomResourceDefinition
   * @return its types; none when it is incomplete
   */
  static List<ApiResource> resourcesOf(CustomResourceDefinition crd) {
    List<ApiResource> result = new ArrayList<>();
    CustomResourceDefinitionSpec spec = crd.getSpec();
    if (spec == null || spec.getNames() == null || spec.getGroup() == null || spec.getVersions() == null) {
      return result;
    }
    CustomResourceDefinitionNames names = spec.getNames();
    if (names.getKind() == null || names.getPlural() == null) {
      return result;
    }
    String singular = names.getSingular() != null && !names.getSingular().isEmpty()
        ? names.getSingular() : names.getKind().toLowerCase(Locale.ROOT);
    boolean namespaced = !"Cluster".equals(spec.getScope());
    for (CustomResourceDefinitionVersion v : spec.getVersions()) {
      if (v == null || v.getName() == null || Boolean.FALSE.equals(v.getServed())) {
        continue;
      }
      boolean status = v.getSubresources() != null && v.getSubresources().getStatus() != null;
      result.add(new ApiResource(spec.getGroup(), v.getName(), names.getKind(), names.getPlural(), singular,
          namespaced, nonNull(names.getShortNames()), nonNull(names.getCategories()), status));
    }
    return result;
  }

  private static List<String> nonNull(List<String> list) {
    List<String> result = new ArrayList<>();
    if (list != null) {
      list.stream().filter(s -> s != null && !s.isEmpty()).forEach(result::add);
    }
    return result;
  }

  private void add(ApiResource r) {
    List<ApiResource> list = groups.computeIfAbsent(r.group(), g -> new LinkedHashMap<>())
        .computeIfAbsent(r.version(), v -> new ArrayList<>());
    list.removeIf(existing -> existing.plural().equals(r.plural()));
    list.add(r);
  }

  /**
   * Finds the type of a kind in a group and version.
   *
   * @param apiVersion {@code v1} or {@code group/version}
   * @param kind the kind
   * @return the type, if this server serves it
   */
  Optional<ApiResource> find(String apiVersion, String kind) {
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    return groups.getOrDefault(group, Map.of()).getOrDefault(version, List.of()).stream()
        .filter(r -> r.kind().equals(kind))
        .findFirst();
  }

  /**
   * Whether a request for a resource of a custom group is for something this server does not serve: the group is
   * served (some CRD has it) but not this resource at this version, as for {@code tekton.dev/v1} TaskRuns where
   * the TaskRun CRD serves v1alpha1 and v1beta1 only. A real API server answers such a request 404; groups no CRD
   * has are left to the store, as before.
   *
   * @param group a group other than a built-in one
   * @param version the version asked for
   * @param plural the resource asked for
   * @return whether to refuse it
   */
  boolean refuses(String group, String version, String plural) {
    Map<String, List<ApiResource>> versions = groups.get(group);
    if (versions == null || BUILT_IN_GROUPS.contains(group)) {
      return false;
    }
    return versions.getOrDefault(version, List.of()).stream().noneMatch(r -> r.plural().equals(plural));
  }

  private static final java.util.Set<String> BUILT_IN_GROUPS = BuiltInResources.ALL_TYPES.stream()
      .map(ApiResource::group).collect(java.util.stream.Collectors.toUnmodifiableSet());

  /**
   * Every type this server serves.
   *
   * @return the types in discovery order
   */
  List<ApiResource> all() {
    List<ApiResource> result = new ArrayList<>();
    groups.values().forEach(versions -> versions.values().forEach(result::addAll));
    return result;
  }

  /**
   * The {@code /api} document.
   *
   * @param serverAddress the {@code host:port} clients reached, or {@code null}
   * @return an APIVersions document
   */
  String apiVersions(String serverAddress) {
    ObjectNode doc = mapper.createObjectNode();
    doc.put("kind", "APIVersions");
    doc.putArray("versions").add("v1");
    if (serverAddress != null && !serverAddress.isEmpty()) {
      ObjectNode cidr = doc.putArray("serverAddressByClientCIDRs").addObject();
      cidr.put("clientCIDR", "0.0.0.0/0");
      cidr.put("serverAddress", serverAddress);
    }
    return doc.toString();
  }

  /**
   * The {@code /apis} document.
   *
   * @return an APIGroupList of every group but the core group
   */
  String groupList() {
    ObjectNode doc = mapper.createObjectNode();
    doc.put("kind", "APIGroupList");
    doc.put("apiVersion", "v1");
    ArrayNode list = doc.putArray("groups");
    groups.keySet().stream().filter(g -> !g.isEmpty()).forEach(g -> list.add(groupNode(g)));
    return doc.toString();
  }

  /**
   * The {@code /apis/<group>} document.
   *
   * @param group a group name
   * @return an APIGroup, if the group is served
   */
  Optional<String> group(String group) {
    if (group.isEmpty() || !groups.containsKey(group)) {
      return Optional.empty();
    }
    ObjectNode doc = groupNode(group);
    doc.put("kind", "APIGroup");
    doc.put("apiVersion", "v1");
    return Optional.of(doc.toString());
  }

  private ObjectNode groupNode(String group) {
    ObjectNode node = mapper.createObjectNode();
    node.put("name", group);
    ArrayNode versions = node.putArray("versions");
    for (String version : groups.get(group).keySet()) {
      ObjectNode v = versions.addObject();
      v.put("groupVersion", group + "/" + version);
      v.put("version", version);
    }
    String pref = preferred.get(group);
    ObjectNode p = node.putObject("preferredVersion");
    p.put("groupVersion", group + "/" + pref);
    p.put("version", pref);
    return node;
  }

  /**
   * The {@code /api/v1} or {@code /apis/<group>/<version>} document.
   *
   * @param group the group, empty for core
   * @param version the version
   * @return an APIResourceList, if the group and version are served
   */
  Optional<String> resourceList(String group, String version) {
    List<ApiResource> resources = groups.getOrDefault(group, Map.of()).get(version);
    if (resources == null) {
      return Optional.empty();
    }
    ObjectNode doc = mapper.createObjectNode();
    doc.put("kind", "APIResourceList");
    doc.put("apiVersion", "v1");
    doc.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode list = doc.putArray("resources");
    for (ApiResource r : resources) {
      ObjectNode node = list.addObject();
      node.put("name", r.plural());
      node.put("singularName", r.singular());
      node.put("namespaced", r.namespaced());
      node.put("kind", r.kind());
      ArrayNode verbs = node.putArray("verbs");
      ApiResource.VERBS.forEach(verbs::add);
      if (!r.shortNames().isEmpty()) {
        ArrayNode shortNames = node.putArray("shortNames");
        r.shortNames().forEach(shortNames::add);
      }
      if (!r.categories().isEmpty()) {
        ArrayNode categories = node.putArray("categories");
        r.categories().forEach(categories::add);
      }
      if (r.statusSubresource()) {
        ObjectNode status = list.addObject();
        status.put("name", r.plural() + "/status");
        status.put("singularName", "");
        status.put("namespaced", r.namespaced());
        status.put("kind", r.kind());
        status.putArray("verbs").add("get").add("patch").add("update");
      }
    }
    return Optional.of(doc.toString());
  }
}
