package io.fleetfed.core.model;

import static io.fleetfed.core.model.TestTypes.reason;
import static io.fleetfed.core.model.TestTypes.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.core.ValidationException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Cluster names: DNS-1123 labels, with an error that says how to fix a kubeconfig context name. */
class ClusterNamesTest {

  @Test
  void kubeconfigContextWithAtIsRejectedWithTheFix() {
    ValidationException e = rejected(() -> ClusterNames.requireValid("kubernetes-admin@kubernetes"));

    assertThat(e.violations()).singleElement().satisfies(v -> assertThat(v.field()).isEmpty());
    assertThat(e.getMessage())
        .contains("\"kubernetes-admin@kubernetes\"")
        .contains("'@' is not allowed")
        .contains("\"kubernetes-admin-kubernetes\"")
        .contains("rename the kubeconfig context")
        .contains("kubectl config rename-context kubernetes-admin@kubernetes kubernetes-admin-kubernetes")
        .contains("name the cluster explicitly when joining it");
    assertThat(ClusterNames.isValid("kubernetes-admin@kubernetes")).isFalse();
    assertThat(ClusterNames.suggest("kubernetes-admin@kubernetes")).contains("kubernetes-admin-kubernetes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev2-context", "dev1", "a", "0", "1-2-3", "kind-dev2"})
  void validNames(String name) {
    assertThat(ClusterNames.requireValid(name)).isEqualTo(name);
    assertThat(ClusterNames.isValid(name)).isTrue();
    assertThat(ClusterNames.problem(name)).isEmpty();
  }

  @Test
  void upperCaseIsNamedAndLowerCased() {
    String problem = ClusterNames.problem("Dev2").orElseThrow();

    assertThat(problem).contains("\"Dev2\"").contains("upper-case letters are not allowed ('D')")
        .contains("such as \"dev2\"");
  }

  @Test
  void at63CharactersIsFineAt64Not() {
    assertThat(ClusterNames.isValid("c".repeat(63))).isTrue();
    String problem = ClusterNames.problem("c".repeat(64)).orElseThrow();
    assertThat(problem).contains("at most 63 characters (has 64)").contains("such as \"" + "c".repeat(63) + "\"");
  }

  @Test
  void suggestionsAreThemselvesValid() {
    for (String name : new String[] {"arn:aws:eks:eu-west-1:123456789012:cluster/prod", "gke_project_zone_name",
        "Kind.Dev", "-x-", "a".repeat(70) + "@b", "dev 2", "ÄÖ-dev"}) {
      String suggestion = ClusterNames.suggest(name).orElseThrow();
      assertThat(ClusterNames.isValid(suggestion)).as(name + " -> " + suggestion).isTrue();
      assertThat(ClusterNames.problem(name).orElseThrow()).contains("\"" + suggestion + "\"");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"-dev", "dev-"})
  void mustStartAndEndWithALetterOrDigit(String name) {
    assertThat(ClusterNames.problem(name).orElseThrow()).contains("must start and end");
  }

  @Test
  void withoutAnySuggestionTheMessageStillSaysWhatToDo() {
    assertThat(ClusterNames.suggest("@@@")).isEmpty();
    assertThat(ClusterNames.problem("@@@").orElseThrow())
        .contains("rename the kubeconfig context or name the cluster explicitly");
    assertThat(ClusterNames.problem("").orElseThrow()).contains("must not be empty");
  }

  @Test
  void clustersPlacementsAndOverridesUseTheRuleNamingTheirField() {
    assertThat(reason("name", () -> Cluster.ready("kubernetes-admin@kubernetes")))
        .contains("kubernetes-admin-kubernetes");
    assertThat(reason("clusters[1].name", () -> Placement.clusters("dev1", "kubernetes-admin@kubernetes")))
        .contains("kubernetes-admin-kubernetes");
    assertThat(reason("clusterName", () -> ClusterOverrides.of("Dev2"))).contains("upper-case");
    // The builder's override(...) checks the entry at once, before build().
    assertThat(reason("clusterName",
        () -> FederatedResource.builder(TestTypes.DEPLOYMENTS).namespace("w").name("a").override("a@b")))
        .contains("\"a@b\"");
  }

  @Test
  void clusterLabelsAreValidated() {
    assertThat(reason("labels[tier]", () -> Cluster.ready("dev2").withLabels(Map.of("tier", "not valid"))))
        .contains("label value \"not valid\"");
    Cluster c = new Cluster("dev2", Map.of("b", "2", "a", "1"), false);
    assertThat(c.labels()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    assertThat(c.withReady(true).ready()).isTrue();
    assertThat(c.withReady(true).labels()).isEqualTo(c.labels());
  }
}
