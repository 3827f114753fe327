package io.fleetfed.core.kubefed;

import static io.fleetfed.core.kubefed.Fixtures.fields;
import static io.fleetfed.core.kubefed.Fixtures.onlyViolationOf;
import static io.fleetfed.core.kubefed.Fixtures.readFails;
import static io.fleetfed.core.kubefed.Fixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.model.ResourceType;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@link KubeFedYaml#read} rejects, and how it says so: each violation names the source, the document (and
 * its line), the object and the field, and every problem of every document is reported at once.
 */
class KubeFedYamlErrorsTest {
  /** A valid first document, so that the documents under test are document 2, starting on line 6. */
  private static final String FIRST = """
      apiVersion: types.kubefed.io/v1beta1
      kind: FederatedConfigMap
      metadata: {name: settings, namespace: ci}
      spec: {}
      ---
      """;
  private static final String DOCUMENT_2 = "file.yaml, document 2 (line 6)";

  /** Reads {@link #FIRST} then {@code second}, expecting exactly one violation, and returns it. */
  private static Violation onlyViolation(String second) {
    ValidationException e = readFails("file.yaml", FIRST + second);
    assertThat(e.violations()).as(e.getMessage()).hasSize(1);
    return e.violations().get(0);
  }

  private static void assertViolation(Violation v, String source, String object, String field) {
    assertThat(v.source()).as("source of %s", v).contains(source);
    assertThat(v.object()).as("object of %s", v).isEqualTo(object.isEmpty() ? Optional.empty() : Optional.of(object));
    assertThat(v.field()).as("field of %s", v).isEqualTo(field.isEmpty() ? Optional.empty() : Optional.of(field));
  }

  // ------------------------------------------------------------------------------------------ deleteoption

  @Test
  @DisplayName("a kubefed.io/deleteoption that is wrong names the document, the object, the annotation and its field")
  void badDeleteOption() {
    Violation v = onlyViolation("""
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedConfigMap
        metadata:
          name: cache
          namespace: ci
          annotations:
            kubefed.io/deleteoption: '{"propagationPolicy": "Orphan", "gracePeriodSeconds": "soon"}'
        spec: {}
        """);

    assertViolation(v, DOCUMENT_2, "FederatedConfigMap ci/cache",
        "metadata.annotations[kubefed.io/deleteoption].gracePeriodSeconds");
    assertThat(v.reason()).isEqualTo("must be a whole number of seconds, not \"soon\"");
  }

  @Test
  @DisplayName("a valid kubefed.io/deleteoption is read with the object")
  void deleteOption() {
    var read = KubeFedYaml.read("file.yaml", """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedConfigMap
        metadata:
          name: cache
          namespace: ci
          annotations:
            kubefed.io/deleteoption: '{"propagationPolicy": "Orphan"}'
        spec: {}
        """, TypeRegistry.builtIn()).resources().get(0);

    assertThat(read.deleteOptions().propagationPolicy()).contains(
        io.fleetfed.core.model.DeleteOptions.Propagation.ORPHAN);
  }

  // ------------------------------------------------------------------------------------------ not YAML

  @Test
  @DisplayName("unparseable YAML names the source, the document and the line and column of the error")
  void unparseableYaml() {
    Violation v = onlyViolation("""
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedConfigMap
        metadata: {name: broken, namespace: ci
        spec: {}
        """);

    assertThat(v.source()).contains(DOCUMENT_2);
    assertThat(v.object()).isEmpty();
    assertThat(v.reason()).startsWith("not valid YAML at line 9, column 5: ");
  }

  @Test
  @DisplayName("a duplicate key is an error naming the key's field path, not a silent last-one-wins")
  void duplicateKey() {
    Violation v = onlyViolation("""
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedConfigMap
        metadata:
          name: first
          namespace: ci
          name: second
        spec: {}
        """);

    assertViolation(v, DOCUMENT_2, "", "metadata.name");
    assertThat(v.reason()).startsWith("not valid YAML at line 11").contains("Duplicate field 'name'");
  }

  @Test
  @DisplayName("a YAML error in one source does not hide the problems of the others, nor of earlier documents")
  void unparseableSourceAmongOthers() {
    List<YamlSource> sources = List.of(
        new YamlSource("a.yaml", """
            apiVersion: types.kubefed.io/v1beta1
            kind: FederatedConfigMap
            metadata: {name: a, namespace: ci}
            spec: {placment: {}}
            ---
            key: [unclosed
            """),
        new YamlSource("b.yaml", """
            apiVersion: types.kubefed.io/v1beta1
            kind: FederatedConfigMap
            metadata: {name: b}
            spec: {}
            """));

    ValidationException e = catchThrowableOfType(ValidationException.class,
        () -> KubeFedYaml.read(sources, TypeRegistry.builtIn()));

    assertThat(e.violations()).extracting(v -> v.source().orElse("")).containsExactlyInAnyOrder(
        "a.yaml, document 1 (line 1)", "a.yaml, document 2 (line 6)", "b.yaml, document 1 (line 1)");
    assertThat(fields(e)).contains("spec.placment", "metadata.namespace");
    assertThat(e.getMessage()).startsWith("3 problems:\n");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"- apiVersion: v1\n- kind: ConfigMap\n", "just some words\n", "42\n", "\"\"\n"})
  @DisplayName("a document that is a list or a scalar is rejected, saying what it is")
  void documentMustBeAMapping(String second) {
    Violation v = onlyViolation(second);

    assertViolation(v, DOCUMENT_2, "", "");
    assertThat(v.reason()).startsWith("a document must be a mapping (apiVersion, kind, …), not a");
  }

  // ----------------------------------------------------------------------------------------- which kind

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"kind: FederatedConfigMap\nmetadata: {name: a, namespace: ci}\nspec: {}\n",
      "apiVersion: types.kubefed.io/v1beta1\nmetadata: {name: a, namespace: ci}\nspec: {}\n",
      "apiVersion: 1\nkind: FederatedConfigMap\nmetadata: {name: a, namespace: ci}\nspec: {}\n"})
  @DisplayName("a document without a textual apiVersion and kind is rejected")
  void apiVersionAndKindAreRequired(String second) {
    Violation v = onlyViolation(second);

    assertThat(v.source()).contains(DOCUMENT_2);
    assertThat(v.field()).isEmpty();
    assertThat(v.reason()).isEqualTo("apiVersion and kind are required");
  }

  @Test
  @DisplayName("an unknown Federated kind is rejected with a hint to enable its type")
  void unknownFederatedKind() {
    String widget = """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedWidget
        metadata: {name: gear, namespace: ci}
        spec: {}
        """;

    Violation v = onlyViolation(widget);

    assertViolation(v, DOCUMENT_2, "FederatedWidget ci/gear", "kind");
    assertThat(v.reason()).contains("unknown federated kind FederatedWidget", "FederatedTypeConfig",
        "fleetfed enable");
    TypeRegistry withWidgets =
        TypeRegistry.builtIn().with(ResourceType.namespaced("example.com", "v1", "Widget", "widgets"));
    assertThat(KubeFedYaml.read("file.yaml", FIRST + widget, withWidgets).resources()).hasSize(2);
  }

  @Test
  @DisplayName("what fleetfed enable prints (federated CRD, then FTC) is read: the CRD skipped, the FTC registered")
  void enableOutputIsRead() {
    FederatedTypeConfig widgets = FederatedTypeConfig.forTarget(
        ResourceType.namespaced("example.com", "v1", "Widget", "widgets"));
    String enabled = KubeFedYaml.writeYaml(FederatedCrds.enable(widgets));
    String widget = """
        ---
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedWidget
        metadata: {name: gear, namespace: ci}
        spec:
          template: {spec: {size: 3}}
          placement: {clusters: [{name: dev2}]}
        """;

    KubeFedBundle bundle = KubeFedYaml.read("file.yaml", enabled + widget, TypeRegistry.builtIn());

    assertThat(bundle.typeConfigs()).extracting(FederatedTypeConfig::name).containsExactly("widgets.example.com");
    assertThat(bundle.resources()).hasSize(1);
    assertThat(bundle.resources().get(0).type().kind()).isEqualTo("Widget");
    assertThat(KubeFedYaml.read("file.yaml", enabled, TypeRegistry.builtIn()).resources()).isEmpty();
  }

  @Test
  @DisplayName("a plain apps/v1 Deployment is not a KubeFed document: the message says to wrap it")
  void plainDeploymentIsNotKubeFed() {
    Violation v = onlyViolation("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: nginx, namespace: web}
        spec: {replicas: 1}
        """);

    assertViolation(v, DOCUMENT_2, "Deployment web/nginx", "kind");
    assertThat(v.reason()).contains("apps/v1 Deployment is not a KubeFed document", "FederatedDeployment",
        "spec.template");
  }

  // ----------------------------------------------------------------------------------- fields and types

  @Test
  @DisplayName("an unknown field is rejected with the closest known field suggested")
  void unknownFieldsSuggestTheClosest() {
    ValidationException e = readFails("file.yaml", FIRST + """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata: {name: nginx, namespace: web, namspace: web}
        spec:
          placment:
            clusters: [{name: dev1}]
          template: {}
        sepc: {}
        """);

    Violation placement = onlyViolationOf(e, "spec.placment");
    assertViolation(placement, DOCUMENT_2, "FederatedDeployment web/nginx", "spec.placment");
    assertThat(placement.reason()).startsWith("is not a known field; did you mean placement?")
        .contains("template", "overrides", "retainReplicas");
    assertThat(onlyViolationOf(e, "metadata.namspace").reason()).contains("did you mean namespace?");
    assertThat(onlyViolationOf(e, "sepc").reason()).contains("did you mean spec?");
    assertThat(e.violations()).hasSize(3);
    assertThat(e.getMessage()).contains("file.yaml, document 2 (line 6): FederatedDeployment web/nginx:"
        + " spec.placment: is not a known field; did you mean placement?");
  }

  @Test
  @DisplayName("a field far from every known one gets no suggestion, but the list of known fields")
  void unknownFieldWithoutSuggestion() {
    Violation v = onlyViolation("""
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedConfigMap
        metadata: {name: a, namespace: ci}
        spec: {replicas: 3}
        """);

    assertViolation(v, DOCUMENT_2, "FederatedConfigMap ci/a", "spec.replicas");
    assertThat(v.reason()).doesNotContain("did you mean").contains("known:", "placement", "template");
  }

  @Test
  @DisplayName("values of the wrong type are rejected, naming the expected type; numbers where strings belong"
      + " get a hint to quote them")
  void wrongTypes() {
    ValidationException e = readFails("file.yaml", FIRST + """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata:
          name: nginx
          namespace: web
          labels:
            tier: 2
            enabled: true
        spec:
          template: [not, an, object]
          placement:
            clusters: dev1
          retainReplicas: "true"
        """);

    assertThat(fields(e)).containsExactlyInAnyOrder("metadata.labels[tier]", "metadata.labels[enabled]",
        "spec.template", "spec.placement.clusters", "spec.retainReplicas");
    assertThat(e.violations()).allSatisfy(v -> assertViolation(v, DOCUMENT_2, "FederatedDeployment web/nginx",
        v.field().orElseThrow()));
    assertThat(onlyViolationOf(e, "metadata.labels[tier]").reason())
        .isEqualTo("must be a string, not a number (quote it: \"2\")");
    assertThat(onlyViolationOf(e, "metadata.labels[enabled]").reason())
        .isEqualTo("must be a string, not a boolean (quote it: \"true\")");
    assertThat(onlyViolationOf(e, "spec.template").reason()).isEqualTo("must be an object, not a list");
    assertThat(onlyViolationOf(e, "spec.placement.clusters").reason()).isEqualTo("must be a list, not a string");
    assertThat(onlyViolationOf(e, "spec.retainReplicas").reason())
        .isEqualTo("must be true or false, not a string");
  }

  @Test
  @DisplayName("a placement cluster that is not an object is rejected; later clusters keep their own index")
  void placementClusterItems() {
    ValidationException e = readFails("file.yaml", FIRST + """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata: {name: nginx, namespace: web}
        spec:
          placement:
            clusters:
            - dev1
            - name: kubernetes-admin@kubernetes
            - {}
            - name: dev2
              weight: 3
        """);

    assertThat(fields(e)).containsExactly("spec.placement.clusters[0]", "spec.placement.clusters[1].name",
        "spec.placement.clusters[2].name", "spec.placement.clusters[3].weight");
    assertThat(e.violations().get(0).reason()).isEqualTo("must be an object with a name, not a string");
    assertThat(e.violations().get(1).reason()).contains("kubernetes-admin@kubernetes");
    assertThat(e.violations().get(2).reason()).isEqualTo("is required");
  }

  // ----------------------------------------------------------------------------------------- selectors

  @Test
  @DisplayName("a selector operator other than In, NotIn, Exists, DoesNotExist is rejected (exact case)")
  void badSelectorOperator() {
    ValidationException e = readFails("file.yaml", FIRST + """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata: {name: nginx, namespace: web}
        spec:
          placement:
            clusterSelector:
              matchExpressions:
              - {key: security, operator: Equals, values: [high]}
              - {key: env, operator: in, values: [dev]}
        """);

    String first = "spec.placement.clusterSelector.matchExpressions[0].operator";
    assertViolation(onlyViolationOf(e, first), DOCUMENT_2, "FederatedDeployment web/nginx", first);
    assertThat(onlyViolationOf(e, first).reason())
        .isEqualTo("\"Equals\" is not a valid label selector operator: use In, NotIn, Exists or DoesNotExist");
    assertThat(onlyViolationOf(e, "spec.placement.clusterSelector.matchExpressions[1].operator").reason())
        .startsWith("\"in\" is not a valid label selector operator");
    assertThat(e.violations()).hasSize(2);
  }

  @Test
  @DisplayName("In and NotIn need values; Exists and DoesNotExist take none; keys must be label keys")
  void selectorValues() {
    ValidationException e = readFails("file.yaml", FIRST + """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata: {name: nginx, namespace: web}
        spec:
          placement:
            clusterSelector:
              matchLabels: {pipelines: "true"}
              matchExpressions:
              - {key: security, operator: In}
              - {key: env, operator: NotIn, values: []}
              - {key: gpu, operator: Exists, values: ["yes"]}
              - {key: "bad key", operator: DoesNotExist}
              - {operator: Exists}
        """);

    String prefix = "spec.placement.clusterSelector.matchExpressions";
    assertThat(fields(e)).containsExactlyInAnyOrder(prefix + "[0].values", prefix + "[1].values",
        prefix + "[2].values", prefix + "[3].key", prefix + "[4].key");
    assertViolation(e.violations().get(0), DOCUMENT_2, "FederatedDeployment web/nginx", prefix + "[0].values");
    assertThat(onlyViolationOf(e, prefix + "[0].values").reason()).isEqualTo("must not be empty for operator In");
    assertThat(onlyViolationOf(e, prefix + "[1].values").reason()).isEqualTo("must not be empty for operator NotIn");
    assertThat(onlyViolationOf(e, prefix + "[2].values").reason()).isEqualTo("must be empty for operator Exists");
    assertThat(onlyViolationOf(e, prefix + "[3].key").reason()).contains("\"bad key\" is not a label key");
    assertThat(onlyViolationOf(e, prefix + "[4].key").reason()).isEqualTo("is required");
  }

  @Test
  @DisplayName("an invalid cluster name in placement is rejected with a valid name to use instead")
  void invalidClusterNameInPlacement() {
    Violation v = onlyViolation("""
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata: {name: nginx, namespace: web}
        spec:
          placement:
            clusters:
            - name: dev1
            - name: kubernetes-admin@kubernetes
        """);

    assertViolation(v, DOCUMENT_2, "FederatedDeployment web/nginx", "spec.placement.clusters[1].name");
    assertThat(v.reason()).contains("\"kubernetes-admin@kubernetes\" is not a DNS-1123 label", "'@'",
        "such as \"kubernetes-admin-kubernetes\"",
        "kubectl config rename-context kubernetes-admin@kubernetes kubernetes-admin-kubernetes");
  }

  // ----------------------------------------------------------------------------------------- overrides

  @Test
  @DisplayName("an override path without a leading '/' is rejected with the corrected path")
  void overridePathWithoutSlash() {
    Violation v = onlyViolation("""
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata: {name: nginx, namespace: web}
        spec:
          overrides:
          - clusterName: dev2
            clusterOverrides:
            - path: spec/replicas
              value: 3
        """);

    assertViolation(v, DOCUMENT_2, "FederatedDeployment web/nginx", "spec.overrides[0].clusterOverrides[0].path");
    assertThat(v.reason()).isEqualTo("must start with '/' (got 'spec/replicas'); did you mean '/spec/replicas'?");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/metadata/name", "/metadata/namespace", "/metadata/generateName", "/kind", "/metadata"})
  @DisplayName("overriding the object's identity is forbidden")
  void forbiddenOverridePaths(String path) {
    Violation v = onlyViolation("""
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata: {name: nginx, namespace: web}
        spec:
          overrides:
          - clusterName: dev2
            clusterOverrides:
            - {path: /spec/replicas, value: 3}
            - {op: add, path: %s, value: x}
        """.formatted(path));

    assertViolation(v, DOCUMENT_2, "FederatedDeployment web/nginx", "spec.overrides[0].clusterOverrides[1].path");
    assertThat(v.reason()).startsWith("'" + path + "' may not be overridden");
  }

  @Test
  @DisplayName("overriding /apiVersion is allowed on purpose, as in KubeFed")
  void apiVersionMayBeOverridden() {
    KubeFedBundle bundle = KubeFedYaml.read("file.yaml", """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata: {name: nginx, namespace: web}
        spec:
          overrides:
          - clusterName: dev2
            clusterOverrides:
            - {path: /apiVersion, value: apps/v1beta2}
        """, TypeRegistry.builtIn());

    assertThat(bundle.resources().get(0).overridesFor("dev2")).hasSize(1);
  }

  @Test
  @DisplayName("bad ops, and values missing or present against the op, are rejected per override")
  void overrideOpsAndValues() {
    ValidationException e = readFails("file.yaml", FIRST + """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata: {name: nginx, namespace: web}
        spec:
          overrides:
          - clusterName: dev2
            clusterOverrides:
            - {op: move, path: /spec/replicas, value: 3}
            - {op: add, path: /spec/paused}
            - {op: remove, path: /spec/strategy, value: {}}
            - {path: /spec/minReadySeconds, value: null}
            - {value: 1}
            - not an override
        """);

    String prefix = "spec.overrides[0].clusterOverrides";
    assertThat(fields(e)).containsExactlyInAnyOrder(prefix + "[0].op", prefix + "[1].value", prefix + "[2].value",
        prefix + "[3].value", prefix + "[4].path", prefix + "[5]");
    assertThat(onlyViolationOf(e, prefix + "[0].op").reason()).contains("\"move\" is not a supported override"
        + " operation");
    assertThat(onlyViolationOf(e, prefix + "[1].value").reason()).startsWith("is required for op add");
    assertThat(onlyViolationOf(e, prefix + "[2].value").reason()).isEqualTo("must be absent for op remove");
    assertThat(onlyViolationOf(e, prefix + "[3].value").reason()).startsWith("is required for op replace");
    assertThat(onlyViolationOf(e, prefix + "[4].path").reason()).isEqualTo("is required");
    assertThat(onlyViolationOf(e, prefix + "[5]").reason()).startsWith("must be an object with op, path and value");
    assertThat(e.violations()).allSatisfy(v -> assertThat(v.object()).contains("FederatedDeployment web/nginx"));
  }

  @Test
  @DisplayName("a cluster with two override entries is rejected at the second entry")
  void duplicateClusterInOverrides() {
    Violation v = onlyViolation("""
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata: {name: nginx, namespace: web}
        spec:
          overrides:
          - clusterName: dev2
            clusterOverrides:
            - {path: /spec/replicas, value: 3}
          - clusterName: dev3
            clusterOverrides: []
          - clusterName: dev2
            clusterOverrides:
            - {path: /spec/paused, value: true}
        """);

    assertViolation(v, DOCUMENT_2, "FederatedDeployment web/nginx", "spec.overrides[2].clusterName");
    assertThat(v.reason()).isEqualTo("cluster \"dev2\" appears more than once (first at spec.overrides[0]);"
        + " put all its overrides in one entry");
  }

  @Test
  @DisplayName("a duplicate cluster is reported at its own index even when an earlier entry is invalid")
  void duplicateClusterAfterAnInvalidEntry() {
    ValidationException e = readFails("file.yaml", FIRST + """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata: {name: nginx, namespace: web}
        spec:
          overrides:
          - clusterName: kubernetes-admin@kubernetes
            clusterOverrides: []
          - clusterName: dev2
            clusterOverrides:
            - {path: /spec/replicas, value: 2}
          - not an entry
          - clusterName: dev2
            clusterOverrides:
            - {path: /spec/replicas, value: 3}
        """);

    assertThat(fields(e)).containsExactly("spec.overrides[0].clusterName", "spec.overrides[2]",
        "spec.overrides[3].clusterName");
    assertThat(e.violations().get(2).reason()).startsWith("cluster \"dev2\" appears more than once (first at"
        + " spec.overrides[1])");
    assertThat(e.violations().get(0).reason()).contains("such as \"kubernetes-admin-kubernetes\"");
  }

  @Test
  @DisplayName("a path given twice for one cluster is rejected at the second occurrence")
  void duplicatePathForACluster() {
    Violation v = onlyViolation("""
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata: {name: nginx, namespace: web}
        spec:
          overrides:
          - clusterName: dev2
            clusterOverrides:
            - {path: /spec/replicas, value: 3}
            - {op: add, path: /spec/paused, value: true}
            - {op: remove, path: /spec/replicas}
        """);

    assertViolation(v, DOCUMENT_2, "FederatedDeployment web/nginx", "spec.overrides[0].clusterOverrides[2].path");
    assertThat(v.reason()).isEqualTo("path \"/spec/replicas\" appears more than once for cluster \"dev2\" (first"
        + " at clusterOverrides[0])");
  }
  @Test
  void duplicatePathIndicesAreTheDocumentsEvenAfterAnUnreadableItem() {
    ValidationException e = readFails("overrides.yaml", """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata: {name: nginx, namespace: web}
        spec:
          overrides:
          - clusterName: dev2
            clusterOverrides:
            - {op: bogus, path: /spec/x, value: 1}
            - {path: /spec/replicas, value: 3}
            - {path: /spec/replicas, value: 4}
        """);

    assertThat(e.violations()).extracting(v -> v.field().orElse("")).containsExactly(
        "spec.overrides[0].clusterOverrides[0].op", "spec.overrides[0].clusterOverrides[2].path");
    assertThat(e.violations().get(1).reason()).endsWith("(first at clusterOverrides[1])");
  }


  // ------------------------------------------------------------------------------- identity and scope

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"", "spec:\n", "spec: null\n"})
  @DisplayName("a federated object without spec is rejected")
  void specIsRequired(String spec) {
    Violation v = onlyViolation("""
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata: {name: nginx, namespace: web}
        """ + spec);

    assertViolation(v, DOCUMENT_2, "FederatedDeployment web/nginx", "spec");
    assertThat(v.reason()).isEqualTo("is required");
  }

  @Test
  @DisplayName("a FederatedNamespace must live in the namespace it federates")
  void federatedNamespaceNamespaceMustEqualName() {
    Violation v = onlyViolation("""
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedNamespace
        metadata: {name: testing-fed, namespace: default}
        spec: {}
        """);

    assertThat(v.source()).contains(DOCUMENT_2);
    assertThat(v.object().orElseThrow()).startsWith("FederatedNamespace ").endsWith("/testing-fed");
    assertThat(v.field()).contains("metadata.namespace");
    assertThat(v.reason()).contains("metadata.namespace \"default\" must equal metadata.name \"testing-fed\"");
  }

  @Test
  @DisplayName("a FederatedNamespace without namespace lives in itself")
  void federatedNamespaceDefaultsToItself() {
    KubeFedBundle bundle = KubeFedYaml.read("file.yaml", """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedNamespace
        metadata: {name: testing-fed}
        spec: {placement: {clusterSelector: {}}}
        """, TypeRegistry.builtIn());

    assertThat(bundle.resources().get(0).namespace()).isEqualTo("testing-fed");
  }

  @Test
  @DisplayName("a namespaced kind without namespace is rejected; a cluster-scoped kind with one too")
  void scopeDecidesTheNamespace() {
    ValidationException e = readFails("file.yaml", FIRST + """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata: {name: nginx}
        spec: {}
        ---
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedClusterRole
        metadata: {name: reader, namespace: web}
        spec: {}
        """);

    assertThat(e.violations()).hasSize(2);
    assertViolation(e.violations().get(0), DOCUMENT_2, "FederatedDeployment nginx", "metadata.namespace");
    assertThat(e.violations().get(0).reason()).isEqualTo("is required: Deployment is namespaced");
    assertThat(e.violations().get(1).source()).contains("file.yaml, document 3 (line 11)");
    assertThat(e.violations().get(1).field()).contains("metadata.namespace");
    assertThat(e.violations().get(1).reason()).startsWith("must be absent: ClusterRole is cluster-scoped");
  }

  @Test
  @DisplayName("a name the API server would refuse for the kind is rejected, naming the field and why")
  void namesFollowTheKindsRule() {
    ValidationException e = readFails("file.yaml", FIRST + """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata: {name: nginx-фед, namespace: web}
        spec: {}
        ---
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedService
        metadata: {name: 1web, namespace: web}
        spec: {}
        ---
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedClusterRole
        metadata: {name: "system:aggregate-to-edit"}
        spec: {}
        """);

    assertThat(e.violations()).hasSize(2);
    assertViolation(e.violations().get(0), DOCUMENT_2, "FederatedDeployment web/nginx-фед", "metadata.name");
    assertThat(e.violations().get(0).reason()).startsWith("\"nginx-фед\" is not a valid Deployment name: 'ф' is"
        + " not allowed");
    assertThat(e.violations().get(1).source()).contains("file.yaml, document 3 (line 11)");
    assertThat(e.violations().get(1).reason()).startsWith("\"1web\" is not a valid Service name: must start with"
        + " a letter");
  }

  @Test
  @DisplayName("a FederatedSecret's data that is not base64 is rejected naming the key, never printing the value")
  void secretDataIsBase64() {
    ValidationException e = readFails("file.yaml", FIRST + """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedSecret
        metadata: {name: creds, namespace: web}
        spec:
          template:
            data:
              user: YWRtaW4=
              password: hunter2-supersecret
            stringData:
              token: clear text is fine here
        """);

    assertThat(e.violations()).singleElement().satisfies(v -> {
      assertViolation(v, DOCUMENT_2, "FederatedSecret web/creds", "spec.template.data[password]");
      assertThat(v.reason()).startsWith("is not valid base64: character 8 is not in the base64 alphabet");
    });
    assertThat(e.getMessage()).doesNotContain("hunter2");
  }

  @Test
  @DisplayName("a KubeFedCluster with an invalid name is rejected with a valid name to use instead")
  void kubeFedClusterWithInvalidName() {
    Violation v = onlyViolation("""
        apiVersion: core.kubefed.io/v1beta1
        kind: KubeFedCluster
        metadata: {name: kubernetes-admin@kubernetes}
        spec: {apiEndpoint: "https://127.0.0.1:6443"}
        """);

    assertViolation(v, DOCUMENT_2, "KubeFedCluster kubernetes-admin@kubernetes", "metadata.name");
    assertThat(v.reason()).contains("such as \"kubernetes-admin-kubernetes\"", "rename-context");
  }

  @Test
  @DisplayName("KubeFedCluster fields of the wrong shape are rejected, with their paths")
  void kubeFedClusterFields() {
    ValidationException e = readFails("file.yaml", FIRST + """
        apiVersion: core.kubefed.io/v1beta1
        kind: KubeFedCluster
        metadata: {name: dev2, labels: {pipelines: true}}
        spec:
          apiEndpoint: https://10.0.0.2:6443
          secretRef: dev2-secret
          disabledTLSValidations: "*"
          token: secret-value
        status:
          conditions:
          - {type: Ready}
          - Ready
        """);

    assertThat(fields(e)).containsExactlyInAnyOrder("metadata.labels[pipelines]", "spec.secretRef",
        "spec.disabledTLSValidations", "spec.token", "status.conditions[0].status", "status.conditions[1]");
    assertThat(e.violations()).allSatisfy(v -> {
      assertThat(v.source()).contains(DOCUMENT_2);
      assertThat(v.object()).contains("KubeFedCluster dev2");
    });
    assertThat(e.getMessage()).doesNotContain("secret-value");
  }

  @Test
  @DisplayName("a missing required name is reported once, not again by the model it was read for")
  void missingNamesAreReportedOnce() {
    ValidationException e = readFails("file.yaml", FIRST + """
        apiVersion: core.kubefed.io/v1beta1
        kind: KubeFedCluster
        metadata: {namespace: kube-federation-system}
        ---
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata: {namespace: web}
        spec:
          overrides:
          - clusterOverrides:
            - {path: /spec/replicas, value: 2}
        """);

    assertThat(e.violations()).extracting(v -> v.source().orElseThrow() + " " + v.field().orElseThrow() + ": "
        + v.reason()).containsExactly(
            DOCUMENT_2 + " metadata.name: is required",
            "file.yaml, document 3 (line 10) metadata.name: is required",
            "file.yaml, document 3 (line 10) spec.overrides[0].clusterName: is required");
  }

  // ---------------------------------------------------------------------------------- all at once

  @Test
  @DisplayName("every problem of every document is reported at once, in document order, valid documents aside")
  void everyProblemAtOnce() {
    ValidationException e = readFails("many.yaml", resource("/kubefed/errors/many.yaml"));

    assertThat(e.violations()).extracting(v -> v.source().orElse("") + " | " + v.object().orElse("") + " | "
        + v.field().orElse("")).containsExactly(
            "many.yaml, document 2 (line 10) | FederatedDeployment web/nginx | metadata.labels[tier]",
            "many.yaml, document 2 (line 10) | FederatedDeployment web/nginx | spec.placment",
            "many.yaml, document 2 (line 10) | FederatedDeployment web/nginx | spec.overrides[0].clusterOverrides[0].path",
            "many.yaml, document 4 (line 28) | FederatedWidget web/gear | kind",
            "many.yaml, document 5 (line 33) | KubeFedCluster kubernetes-admin@kubernetes | metadata.name",
            "many.yaml, document 6 (line 37) | FederatedNamespace web/web | metadata.namespace");
    assertThat(e.getMessage()).startsWith("6 problems:\n  many.yaml, document 2 (line 10): FederatedDeployment"
        + " web/nginx: metadata.labels[tier]: must be a string");
  }

  // ------------------------------------------------------------------------------ lists and empties

  @Test
  @DisplayName("a v1 List is read item by item, and problems name the item")
  void listsAreReadItemByItem() {
    String list = """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: types.kubefed.io/v1beta1
          kind: FederatedConfigMap
          metadata: {name: a, namespace: ci}
          spec: {}
        - apiVersion: core.kubefed.io/v1beta1
          kind: KubeFedCluster
          metadata: {name: dev2}
        """;
    KubeFedBundle bundle = KubeFedYaml.read("list.yaml", list, TypeRegistry.builtIn());
    assertThat(bundle.resources()).extracting(r -> r.name()).containsExactly("a");
    assertThat(bundle.kubeFedClusters()).extracting(KubeFedCluster::name).containsExactly("dev2");

    ValidationException e = readFails("list.yaml", FIRST + list + """
        - apiVersion: types.kubefed.io/v1beta1
          kind: FederatedConfigMap
          metadata: {name: b, namespace: ci}
          spec: {placment: {}}
        - 42
        """);
    assertThat(e.violations()).hasSize(2);
    assertViolation(onlyViolationOf(e, "spec.placment"), "list.yaml, document 2 (line 6), items[2]",
        "FederatedConfigMap ci/b", "spec.placment");
    Violation notAnObject = e.violations().stream().filter(v -> v.field().isEmpty()).findFirst().orElseThrow();
    assertThat(notAnObject.source()).contains("list.yaml, document 2 (line 6), items[3]");
    assertThat(notAnObject.reason()).isEqualTo("a List item must be an object, not a number");
  }

  @Test
  @DisplayName("empty documents are skipped: a leading '---', '---' with nothing between, comments only,"
      + " a trailing '---'")
  void emptyDocumentsAreSkipped() {
    String yaml = """
        # A header comment, then a leading separator.
        ---
        ---

        ---
        # only a comment
        ---
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedConfigMap
        metadata: {name: a, namespace: ci}
        spec: {}
        ---
        ---
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedConfigMap
        metadata: {name: b, namespace: ci}
        spec: {}
        ---
        # trailing
        """;

    KubeFedBundle bundle = KubeFedYaml.read("empties.yaml", yaml, TypeRegistry.builtIn());

    assertThat(bundle.resources()).extracting(r -> r.name()).containsExactly("a", "b");
    assertThat(KubeFedYaml.read("empty.yaml", "", TypeRegistry.builtIn()).documents()).isEmpty();
    assertThat(KubeFedYaml.read("comments.yaml", "# nothing here\n---\n# nor here\n", TypeRegistry.builtIn())
        .documents()).isEmpty();
  }

  @Test
  @DisplayName("documents are numbered as they stand in the file, empty ones included, with their first line")
  void documentPositionsCountEmptyDocuments() {
    ValidationException e = readFails("file.yaml", """
        # header
        ---
        ---
        # only a comment
        ---
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedConfigMap
        metadata: {name: a}
        spec: {}
        """);

    assertThat(onlyViolationOf(e, "metadata.namespace").source()).contains("file.yaml, document 3 (line 6)");
  }

  @Test
  @DisplayName("empty values are null, as for kubectl: creationTimestamp with no value is accepted in a template")
  void emptyValuesAreNull() {
    KubeFedBundle bundle = KubeFedYaml.read("file.yaml", """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedConfigMap
        metadata:
          name: a
          namespace: ci
          labels:
        spec:
          template:
            metadata:
              creationTimestamp:
            data:
              empty: ""
          placement:
        """, TypeRegistry.builtIn());

    var resource = bundle.resources().get(0);
    assertThat(resource.labels()).isEmpty();
    assertThat(resource.template().at("/metadata/creationTimestamp").isNull()).isTrue();
    assertThat(resource.template().at("/data/empty").asText()).isEmpty();
    assertThat(resource.template().at("/data/empty").isTextual()).isTrue();
  }
}
