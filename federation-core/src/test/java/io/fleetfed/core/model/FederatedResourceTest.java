package io.fleetfed.core.model;

import static io.fleetfed.core.model.TestTypes.CLUSTER_ROLES;
import static io.fleetfed.core.model.TestTypes.CONFIG_MAPS;
import static io.fleetfed.core.model.TestTypes.DEPLOYMENTS;
import static io.fleetfed.core.model.TestTypes.NAMESPACES;
import static io.fleetfed.core.model.TestTypes.TASK_RUNS;
import static io.fleetfed.core.model.TestTypes.json;
import static io.fleetfed.core.model.TestTypes.object;
import static io.fleetfed.core.model.TestTypes.reason;
import static io.fleetfed.core.model.TestTypes.rejected;
import static io.fleetfed.core.model.TestTypes.violation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The validation rules of {@link FederatedResource}, and its immutability. */
class FederatedResourceTest {

  static FederatedResource.Builder deployment() {
    return FederatedResource.builder(DEPLOYMENTS).namespace("web").name("app");
  }

  static FederatedResource.Builder deployment(String template) {
    return deployment().template(object(template));
  }

  @Nested
  class CopyType {
    @Test
    void isTheTargetTypeUnlessTheTemplateNamesAnotherVersion() {
      FederatedResource plain = FederatedResource.builder(TASK_RUNS).namespace("ci").name("build").build();
      assertThat(plain.copyType()).isSameAs(TASK_RUNS);
      FederatedResource sameVersion = plain.toBuilder().template(object("{\"apiVersion\": \"tekton.dev/v1\"}"))
          .build();
      assertThat(sameVersion.copyType()).isSameAs(TASK_RUNS);
      FederatedResource older = plain.toBuilder().template(object("{\"apiVersion\": \"tekton.dev/v1beta1\"}"))
          .build();
      assertThat(older.copyType()).isEqualTo(TASK_RUNS.withVersion("v1beta1"));
      assertThat(older.copyType().apiVersion()).isEqualTo("tekton.dev/v1beta1");
      FederatedResource core = FederatedResource.builder(CONFIG_MAPS).namespace("ci").name("settings")
          .template(object("{\"apiVersion\": \"v1\"}")).build();
      assertThat(core.copyType()).isSameAs(CONFIG_MAPS);
    }
  }

  @Nested
  class Overrides {
    @Test
    void aClusterMayHaveOnlyOneEntry() {
      ValidationException e = rejected(() -> deployment()
          .override("dev2", ClusterOverride.replace("/spec/replicas", 2))
          .override("dev3", ClusterOverride.replace("/spec/replicas", 4))
          .override("dev2", ClusterOverride.add("/spec/paused", true))
          .build());

      Violation v = violation(e, "spec.overrides[2].clusterName");
      assertThat(v.reason()).contains("\"dev2\"").contains("more than once").contains("first at spec.overrides[0]")
          .contains("put all its overrides in one entry");
      assertThat(v.object()).contains("FederatedDeployment web/app");
      assertThat(e.violations()).hasSize(1);
    }

    @Test
    void overridesForAnyValidClusterNameAreKeptInOrder() {
      FederatedResource r = deployment()
          .override("dev3", ClusterOverride.replace("/spec/replicas", 4))
          .override("dev2", ClusterOverride.replace("/spec/replicas", 2), ClusterOverride.remove("/spec/paused"))
          .build();

      assertThat(r.overrides()).extracting(ClusterOverrides::clusterName).containsExactly("dev3", "dev2");
      assertThat(r.overridesFor("dev2")).extracting(ClusterOverride::path)
          .containsExactly("/spec/replicas", "/spec/paused");
      assertThat(r.overridesFor("nowhere")).isEmpty();
    }

    @Test
    void overridesReplacesEveryEntry() {
      FederatedResource r = deployment().override("dev3", ClusterOverride.replace("/a", 1))
          .overrides(List.of(ClusterOverrides.of("dev2", ClusterOverride.replace("/b", 1)))).build();

      assertThat(r.overrides()).extracting(ClusterOverrides::clusterName).containsExactly("dev2");
    }
  }

  @Nested
  class Namespaces {
    @Test
    void namespacedTargetNeedsANamespace() {
      ValidationException e = rejected(() -> FederatedResource.builder(DEPLOYMENTS).name("app").build());

      assertThat(violation(e, "metadata.namespace").reason()).contains("is required").contains("Deployment")
          .contains("namespaced");
      assertThat(violation(e, "metadata.namespace").object()).contains("FederatedDeployment app");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Web", "web_1", "-web", "web.example"})
    void namespaceMustBeADns1123Label(String namespace) {
      assertThat(reason("metadata.namespace", () -> deployment().namespace(namespace).build()))
          .contains("\"" + namespace + "\"").contains("not a valid namespace name");
    }

    @Test
    void namespaceIsAtMost63Characters() {
      String namespace = "n".repeat(64);
      assertThat(reason("metadata.namespace", () -> deployment().namespace(namespace).build()))
          .contains("at most 63 characters");
      assertThat(deployment().namespace("n".repeat(63)).build().namespace()).hasSize(63);
    }

    @Test
    void clusterScopedTargetMustHaveNoNamespace() {
      assertThat(reason("metadata.namespace",
          () -> FederatedResource.builder(CLUSTER_ROLES).namespace("web").name("admin").build()))
          .contains("must be absent").contains("ClusterRole is cluster-scoped").contains("\"web\"");

      FederatedResource role = FederatedResource.builder(CLUSTER_ROLES).name("system:admin").build();
      assertThat(role.namespace()).isEmpty();
      assertThat(role.describe()).isEqualTo("FederatedClusterRole system:admin");
    }

    @Test
    void federatedNamespaceDefaultsItsNamespaceToItsName() {
      FederatedResource ns = FederatedResource.builder(NAMESPACES).name("testing-fed").build();

      assertThat(ns.namespace()).isEqualTo("testing-fed");
      assertThat(ns.describe()).isEqualTo("FederatedNamespace testing-fed/testing-fed");
      assertThat(FederatedResource.builder(NAMESPACES).name("testing-fed").namespace("testing-fed").build())
          .isEqualTo(ns);
    }

    @Test
    void federatedNamespaceLivesInTheNamespaceItFederates() {
      String reason = reason("metadata.namespace",
          () -> FederatedResource.builder(NAMESPACES).name("testing-fed").namespace("other").build());

      assertThat(reason).contains("\"other\"").contains("must equal metadata.name \"testing-fed\"");
    }

    @Test
    void federatedNamespaceNameMustBeADns1123Label() {
      assertThat(reason("metadata.name", () -> FederatedResource.builder(NAMESPACES).name("Testing.Fed").build()))
          .contains("\"Testing.Fed\"").contains("not a valid namespace name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "a%b", ".", ".."})
    void objectNameMustBeAValidPathSegment(String name) {
      assertThat(reason("metadata.name", () -> deployment().name(name).build())).isNotBlank();
    }

    @Test
    void objectNamesMayUseWhatTheApiServerAllowsForTheirKind() {
      assertThat(FederatedResource.builder(CLUSTER_ROLES).name("My:App.v1").build().name()).isEqualTo("My:App.v1");
      assertThat(reason("metadata.name", () -> deployment().name("My:App.v1").build()))
          .contains("\"My:App.v1\" is not a valid Deployment name").contains("DNS-1123 subdomain");
      assertThat(reason("metadata.name", () -> deployment().name("x".repeat(254)).build()))
          .contains("at most 253 characters");
    }
  }

  @Nested
  class Template {
    @Test
    void mustBeAnObject() {
      assertThat(reason("spec.template", () -> deployment().template(List.of(1)).build()))
          .contains("must be an object, not a list");
      assertThat(reason("spec.template", () -> deployment().template("spec").build()))
          .contains("must be an object, not a string");
      assertThat(reason("spec.template", () -> deployment().template(json("null")).build()))
          .contains("must be an object, not null");
    }

    @Test
    void theLastTemplateWins() {
      FederatedResource r = deployment().template(List.of()).template(Map.of("spec", Map.of())).build();
      assertThat(r.template()).isEqualTo(json("{'spec': {}}"));
    }

    @Test
    void acceptsMapsAndTrees() {
      FederatedResource fromMap = deployment().template(Map.of("spec", Map.of("replicas", 1))).build();
      FederatedResource fromTree = deployment("{'spec': {'replicas': 1}}").build();
      assertThat(fromMap).isEqualTo(fromTree).hasSameHashCodeAs(fromTree);
      assertThat(deployment().build().template()).isEqualTo(json("{}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"apps/v1", "apps/v1beta1", "apps/v1beta2", "apps/v2"})
    void apiVersionOfTheTargetGroupIsAllowed(String apiVersion) {
      assertThat(deployment("{'apiVersion': '" + apiVersion + "'}").build().template().get("apiVersion").asText())
          .isEqualTo(apiVersion);
    }

    @Test
    void tektonV1beta1BesideV1() {
      FederatedResource run = FederatedResource.builder(TASK_RUNS).namespace("ci").name("run")
          .template(object("{'apiVersion': 'tekton.dev/v1beta1', 'spec': {}}")).build();
      assertThat(run.template().get("apiVersion").asText()).isEqualTo("tekton.dev/v1beta1");
    }

    @Test
    void apiVersionOfAnotherGroupIsRejected() {
      assertThat(reason("spec.template.apiVersion", () -> deployment("{'apiVersion': 'extensions/v1beta1'}").build()))
          .contains("\"extensions/v1beta1\"").contains("not in the API group of Deployment (apps)");
      assertThat(reason("spec.template.apiVersion", () -> deployment("{'apiVersion': 'v1'}").build()))
          .contains("(apps)");
      assertThat(reason("spec.template.apiVersion",
          () -> FederatedResource.builder(CONFIG_MAPS).namespace("web").name("c")
              .template(object("{'apiVersion': 'apps/v1'}")).build()))
          .contains("the core group");
      assertThat(FederatedResource.builder(CONFIG_MAPS).namespace("web").name("c")
          .template(object("{'apiVersion': 'v1', 'data': {'k': 'v'}}")).build().name()).isEqualTo("c");
    }

    @ParameterizedTest
    @ValueSource(strings = {"apps/", "apps/v1/x", "apps/V1", "apps/latest"})
    void apiVersionNeedsAValidVersion(String apiVersion) {
      assertThat(reason("spec.template.apiVersion", () -> deployment("{'apiVersion': '" + apiVersion + "'}").build()))
          .contains("\"" + apiVersion + "\" has no valid version (such as apps/v1)");
    }

    @Test
    void aTemplateJacksonCannotConvertIsAValidationError() {
      assertThat(reason("spec.template",
          () -> FederatedResource.builder(CONFIG_MAPS).namespace("web").name("c").template(new Object()).build()))
          .contains("cannot be converted to JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"''", "1", "true", "{}", "['apps/v1']", "null"})
    void apiVersionMustBeANonEmptyString(String apiVersion) {
      assertThat(reason("spec.template.apiVersion", () -> deployment("{'apiVersion': " + apiVersion + "}").build()))
          .contains("must be a non-empty string");
    }

    @Test
    void kindMustBeTheTargetKind() {
      assertThat(deployment("{'kind': 'Deployment'}").build().name()).isEqualTo("app");
      assertThat(reason("spec.template.kind", () -> deployment("{'kind': 'StatefulSet'}").build()))
          .contains("must be Deployment").contains("\"StatefulSet\"");
      assertThat(reason("spec.template.kind", () -> deployment("{'kind': 'deployment'}").build()))
          .contains("must be Deployment");
      assertThat(reason("spec.template.kind", () -> deployment("{'kind': 7}").build())).contains("(got 7)");
    }

    @Test
    void metadataMustBeAnObjectOrNull() {
      assertThat(reason("spec.template.metadata", () -> deployment("{'metadata': 'x'}").build()))
          .contains("must be an object, not a string");
      assertThat(reason("spec.template.metadata", () -> deployment("{'metadata': []}").build()))
          .contains("must be an object, not a list");
      assertThat(deployment("{'metadata': null}").build().name()).isEqualTo("app");
    }

    @Test
    void metadataNameMayRepeatTheFederatedName() {
      assertThat(deployment("{'metadata': {'name': 'app'}}").build().name()).isEqualTo("app");
      assertThat(reason("spec.template.metadata.name", () -> deployment("{'metadata': {'name': 'other'}}").build()))
          .contains("must equal the federated object's name \"app\"").contains("\"other\"");
    }

    @Test
    void metadataNameMustBeAString() {
      assertThat(reason("spec.template.metadata.name",
          () -> deployment().name("5").template(object("{'metadata': {'name': 5}}")).build()))
          .contains("must equal the federated object's name \"5\"").contains("(got 5)");
    }

    @Test
    void metadataNamespaceMayRepeatTheFederatedNamespace() {
      assertThat(deployment("{'metadata': {'namespace': 'web'}}").build().namespace()).isEqualTo("web");
      assertThat(reason("spec.template.metadata.namespace",
          () -> deployment("{'metadata': {'namespace': 'other'}}").build()))
          .contains("must equal the federated object's namespace \"web\"").contains("\"other\"");
      assertThat(reason("spec.template.metadata.namespace",
          () -> deployment("{'metadata': {'namespace': 1}}").build()))
          .contains("must equal the federated object's namespace");
    }

    @Test
    void metadataNamespaceMustBeAbsentForClusterScopedAndNamespaceTargets() {
      assertThat(reason("spec.template.metadata.namespace",
          () -> FederatedResource.builder(CLUSTER_ROLES).name("admin")
              .template(object("{'metadata': {'namespace': 'web'}}")).build()))
          .contains("must be absent").contains("ClusterRole is cluster-scoped");
      assertThat(reason("spec.template.metadata.namespace",
          () -> FederatedResource.builder(NAMESPACES).name("web")
              .template(object("{'metadata': {'namespace': 'web'}}")).build()))
          .contains("must be absent").contains("Namespace is cluster-scoped");
    }

    @Test
    void finalizersAreRejectedWithTheReason() {
      String reason = reason("spec.template.metadata.finalizers",
          () -> deployment("{'metadata': {'finalizers': ['example.com/f']}}").build());

      assertThat(reason).contains("not propagated").contains("block its deletion")
          .contains("remove metadata.finalizers from the template");
    }

    @ParameterizedTest
    @ValueSource(strings = {"uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
        "managedFields", "ownerReferences", "selfLink", "generateName", "deletionGracePeriodSeconds", "whatever"})
    void serverFieldsAreRejected(String field) {
      String reason = reason("spec.template.metadata." + field,
          () -> deployment("{'metadata': {'" + field + "': 'x'}}").build());

      assertThat(reason).contains("cannot be set in a template")
          .contains("only labels, annotations, name and namespace are propagated");
    }

    @Test
    void fieldsSetToNullAreAllowed() {
      FederatedResource r = deployment(
          "{'metadata': {'creationTimestamp': null, 'finalizers': null, 'labels': null, 'name': null}}").build();

      assertThat(r.name()).isEqualTo("app");
    }

    @Test
    void labelsMustBeStrings() {
      ValidationException e = rejected(
          () -> deployment("{'metadata': {'labels': {'replicas': 3, 'on': true, 'app': 'web'}}}").build());

      assertThat(violation(e, "spec.template.metadata.labels[replicas]").reason())
          .contains("must be a string, not a number").contains("quote it: \"3\"");
      assertThat(violation(e, "spec.template.metadata.labels[on]").reason())
          .contains("must be a string, not a boolean").contains("quote it: \"true\"");
      assertThat(e.violations()).hasSize(2);
    }

    @Test
    void labelsMustBeAMap() {
      assertThat(reason("spec.template.metadata.labels", () -> deployment("{'metadata': {'labels': ['a']}}").build()))
          .contains("must be a map of strings, not a list");
      assertThat(reason("spec.template.metadata.annotations",
          () -> deployment("{'metadata': {'annotations': 'a=b'}}").build()))
          .contains("must be a map of strings, not a string");
    }

    @Test
    void labelKeysAndValuesMustBeValid() {
      assertThat(reason("spec.template.metadata.labels[app]",
          () -> deployment("{'metadata': {'labels': {'app': 'has space'}}}").build()))
          .contains("label value \"has space\"");
      assertThat(reason("spec.template.metadata.labels",
          () -> deployment("{'metadata': {'labels': {'bad key': 'x'}}}").build()))
          .contains("label key \"bad key\" is not valid");
      assertThat(reason("spec.template.metadata.labels[app]",
          () -> deployment("{'metadata': {'labels': {'app': '" + "v".repeat(64) + "'}}}").build()))
          .contains("at most 63 characters");
    }

    @Test
    void annotationsMustBeStringsButMayHoldAnyText() {
      assertThat(reason("spec.template.metadata.annotations[n]",
          () -> deployment("{'metadata': {'annotations': {'n': 1}}}").build()))
          .contains("must be a string, not a number");
      assertThat(reason("spec.template.metadata.annotations",
          () -> deployment("{'metadata': {'annotations': {'bad key': 'x'}}}").build()))
          .contains("annotation key \"bad key\" is not valid");
      String text = "any text, with spaces: {\\\"json\\\": true}\\n" + "x".repeat(300);
      FederatedResource r = deployment("{'metadata': {'annotations': {'example.com/note': \"" + text + "\"}}}").build();
      assertThat(r.template().at("/metadata/annotations/example.com~1note").asText()).startsWith("any text");
    }

    @Test
    void prefixedLabelKeysAreValid() {
      FederatedResource r = deployment("{'metadata': {'labels': {'app.kubernetes.io/name': 'web'}}}").build();
      assertThat(r.template().at("/metadata/labels/app.kubernetes.io~1name").asText()).isEqualTo("web");
    }
  }

  @Nested
  class OwnMetadata {
    @Test
    void ownLabelsAndAnnotationsAreValidated() {
      ValidationException e = rejected(() -> deployment().labels(Map.of("app", "has space"))
          .annotations(Map.of("bad key", "x")).build());

      assertThat(violation(e, "metadata.labels[app]").reason()).contains("has space");
      assertThat(violation(e, "metadata.annotations").reason()).contains("bad key");
    }

    @Test
    void ownLabelsAreKeptSorted() {
      FederatedResource r = deployment().labels(Map.of("b", "2", "a", "1")).annotations(Map.of("z", "free text"))
          .build();
      assertThat(r.labels()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
      assertThat(r.annotations()).containsEntry("z", "free text");
    }
  }

  @Test
  void everyProblemIsReportedAtOnceEachNamingTheObject() {
    ValidationException e = rejected(() -> FederatedResource.builder(DEPLOYMENTS).namespace("Web").name("app")
        .template(object("{'apiVersion': 'batch/v1', 'kind': 'Job', 'metadata': {'uid': 'u', 'finalizers': []}}"))
        .override("dev2", ClusterOverride.replace("/a", 1))
        .override("dev2", ClusterOverride.replace("/b", 1))
        .build());

    assertThat(e.violations()).extracting(v -> v.field().orElse(""))
        .containsExactlyInAnyOrder("metadata.namespace", "spec.template.apiVersion", "spec.template.kind",
            "spec.template.metadata.uid", "spec.template.metadata.finalizers", "spec.overrides[1].clusterName");
    assertThat(e.violations()).allSatisfy(v -> assertThat(v.object()).contains("FederatedDeployment Web/app"));
    assertThat(e.getMessage()).startsWith("6 problems:")
        .contains("FederatedDeployment Web/app: spec.template.kind: must be Deployment");
  }

  @Nested
  class Immutability {
    @Test
    void templateIsCopiedOnTheWayInAndOut() {
      ObjectNode input = object("{'spec': {'replicas': 1}}");
      FederatedResource.Builder builder = deployment().template(input);
      input.with("spec").put("replicas", 2);
      FederatedResource r = builder.build();
      r.template().with("spec").put("replicas", 3);

      assertThat(r.template()).isEqualTo(json("{'spec': {'replicas': 1}}"));
      assertThat(input).isEqualTo(json("{'spec': {'replicas': 2}}"));
    }

    @Test
    void theBuilderMayBeReusedWithoutChangingBuiltObjects() {
      FederatedResource.Builder builder = deployment("{'spec': {}}").override("dev2", ClusterOverride.remove("/x"));
      FederatedResource first = builder.build();
      builder.override("dev3", ClusterOverride.remove("/y")).template(Map.of("data", Map.of()));

      assertThat(first.overrides()).hasSize(1);
      assertThat(first.template()).isEqualTo(json("{'spec': {}}"));
    }

    @Test
    void toBuilderRoundTrips() {
      FederatedResource r = deployment("{'metadata': {'labels': {'app': 'web'}}, 'spec': {'replicas': 1}}")
          .labels(Map.of("team", "a")).annotations(Map.of("note", "x"))
          .placement(Placement.clusters("dev1", "dev2")).retainReplicas(true)
          .override("dev2", ClusterOverride.replace("/spec/replicas", 3)).build();

      assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r);
      assertThat(r.retainReplicas()).isTrue();
      assertThat(r.toBuilder().retainReplicas(false).build()).isNotEqualTo(r);
      FederatedResource role = FederatedResource.builder(CLUSTER_ROLES).name("admin").build();
      assertThat(role.toBuilder().build()).isEqualTo(role);
    }

    @Test
    void equalityIgnoresTemplateMemberOrder() {
      FederatedResource a = deployment("{'spec': {'a': 1, 'b': {'c': 2, 'd': 3}}}").build();
      FederatedResource b = deployment("{'spec': {'b': {'d': 3, 'c': 2}, 'a': 1}}").build();
      assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
      assertThat(a).isNotEqualTo(deployment("{'spec': {'a': 2}}").build());
    }

    @Test
    void labelsGivenAsAMutableMapAreCopied() {
      Map<String, String> labels = new HashMap<>(Map.of("a", "1"));
      FederatedResource.Builder builder = deployment().labels(labels);
      labels.put("b", "2");
      assertThat(builder.build().labels()).containsOnlyKeys("a");
    }

    @Test
    void describeAndKind() {
      FederatedResource r = deployment().build();
      assertThat(r.federatedKind()).isEqualTo("FederatedDeployment");
      assertThat(r.describe()).isEqualTo("FederatedDeployment web/app");
      assertThat(r).hasToString("FederatedDeployment web/app");
      assertThat(r.placement()).isEqualTo(Placement.none());
      assertThat(r.type()).isEqualTo(DEPLOYMENTS);
      assertThat(r.placement().clusters()).isEqualTo(Optional.empty());
    }
  }
}
