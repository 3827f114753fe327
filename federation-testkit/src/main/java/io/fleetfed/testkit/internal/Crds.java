package io.fleetfed.testkit.internal;

import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionNames;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionSpec;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** Reads and checks the CustomResourceDefinitions a sandbox registers. */
public final class Crds {

  private Crds() {
  }

  /**
   * Reads every {@code apiextensions.k8s.io/v1} CRD of a YAML or JSON stream (multi-document YAML and {@code List}s
   * allowed).
   *
   * @param in the stream, not closed
   * @param source what to call the stream in messages
   * @return the checked CRDs, in order
   * @throws IllegalArgumentException if it cannot be read, holds anything else, or a CRD is incomplete
   */
  public static List<CustomResourceDefinition> read(InputStream in, String source) {
    Object parsed;
    try {
      parsed = new KubernetesSerialization().unmarshal(in);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(source + ": not readable as Kubernetes YAML or JSON ("
          + e.getClass().getSimpleName() + ")", e);
    }
    List<Object> items = new ArrayList<>();
    if (parsed instanceof List) {
      items.addAll((List<?>) parsed);
    } else if (parsed instanceof io.fabric8.kubernetes.api.model.KubernetesList) {
      items.addAll(((io.fabric8.kubernetes.api.model.KubernetesList) parsed).getItems());
    } else if (parsed != null) {
      items.add(parsed);
    }
    if (items.isEmpty()) {
      throw new IllegalArgumentException(source + ": holds no CustomResourceDefinition");
    }
    List<CustomResourceDefinition> result = new ArrayList<>();
    int index = 0;
    for (Object item : items) {
      index++;
      if (!(item instanceof CustomResourceDefinition)) {
        throw new IllegalArgumentException(source + ": document " + index + " is " + describe(item)
            + ", not an apiextensions.k8s.io/v1 CustomResourceDefinition");
      }
      result.add(check((CustomResourceDefinition) item, source + ": document " + index));
    }
    return result;
  }

  private static String describe(Object item) {
    if (item instanceof io.fabric8.kubernetes.api.model.HasMetadata) {
      io.fabric8.kubernetes.api.model.HasMetadata h = (io.fabric8.kubernetes.api.model.HasMetadata) item;
      return "a " + h.getApiVersion() + " " + h.getKind();
    }
    return item instanceof KubernetesResource ? "a " + item.getClass().getSimpleName() : "not a Kubernetes object";
  }

  /**
   * Checks that a CRD is complete enough to serve: a group, kind, plural, scope, a served version, and the name
   * {@code <plural>.<group>}.
   *
   * @param crd the CRD
   * @param source what to call it in messages
   * @return the CRD
   * @throws IllegalArgumentException naming the missing or wrong field
   */
  public static CustomResourceDefinition check(CustomResourceDefinition crd, String source) {
    if (crd == null) {
      throw new IllegalArgumentException(source + ": the CRD is null");
    }
    CustomResourceDefinitionSpec spec = crd.getSpec();
    if (spec == null) {
      throw new IllegalArgumentException(source + ": CRD has no spec");
    }
    CustomResourceDefinitionNames names = spec.getNames();
    String group = spec.getGroup();
    if (group == null || group.isEmpty()) {
      throw new IllegalArgumentException(source + ": CRD has no spec.group");
    }
    if (names == null || names.getKind() == null || names.getKind().isEmpty()) {
      throw new IllegalArgumentException(source + ": CRD has no spec.names.kind");
    }
    if (names.getPlural() == null || names.getPlural().isEmpty()) {
      throw new IllegalArgumentException(source + ": CRD " + names.getKind() + " has no spec.names.plural");
    }
    String scope = spec.getScope();
    if (!"Namespaced".equals(scope) && !"Cluster".equals(scope)) {
      throw new IllegalArgumentException(source + ": CRD " + names.getKind()
          + " has spec.scope " + scope + "; it must be Namespaced or Cluster");
    }
    List<CustomResourceDefinitionVersion> versions = spec.getVersions();
    if (versions == null || versions.stream().noneMatch(v -> v != null && v.getName() != null
        && !Boolean.FALSE.equals(v.getServed()))) {
      throw new IllegalArgumentException(source + ": CRD " + names.getKind() + " has no served version");
    }
    String expected = names.getPlural() + "." + group;
    String name = crd.getMetadata() == null ? null : crd.getMetadata().getName();
    if (!expected.equals(name)) {
      throw new IllegalArgumentException(source + ": CRD " + names.getKind() + " is named " + name
          + "; it must be named " + expected);
    }
    return crd;
  }
}
