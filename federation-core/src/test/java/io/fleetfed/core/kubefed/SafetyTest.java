package io.fleetfed.core.kubefed;

import static io.fleetfed.core.kubefed.Fixtures.readFails;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Input the tree reader would misread, and output that must not carry secrets. */
class SafetyTest {
  @Test
  @DisplayName("YAML aliases and merge keys are refused, with their line, rather than read as strings")
  void aliasesAndMergeKeysAreRefused() {
    ValidationException e = readFails("cm.yaml", """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedConfigMap
        metadata: {name: c, namespace: ci}
        spec:
          template:
            data: &shared {a: b}
            binaryData: *shared
            other: {<<: {c: d}}
        """);

    assertThat(e.violations()).extracting(Violation::toString).containsExactly(
        "cm.yaml, document 1 (line 7): YAML aliases (*shared) are not supported: write the value out in full",
        "cm.yaml, document 1 (line 8): YAML merge keys (<<) are not supported: write the merged members out in"
            + " full");
  }

  @Test
  @DisplayName("a YAML syntax error names line and column but does not quote the line, which may hold a secret")
  void syntaxErrorsDoNotQuoteTheSource() {
    ValidationException e = readFails("secret.yaml", """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedSecret
        metadata: {name: s, namespace: ci}
        spec:
          template:
            stringData:
              password: "hunter2-supersecret
        """);

    assertThat(e.getMessage()).contains("not valid YAML at line 7").doesNotContain("hunter2");
  }

  @Test
  @DisplayName("a v1 List without a list of items is an error, not an empty input")
  void listWithoutItems() {
    ValidationException e = readFails("list.yaml", "apiVersion: v1\nkind: List\nitems: 5\n");

    assertThat(e.violations()).singleElement().satisfies(v -> {
      assertThat(v.field()).contains("items");
      assertThat(v.reason()).contains("a v1 List needs a list of items, not a number");
    });
  }

  @Test
  @DisplayName("a KubeFedCluster prints no password from its URLs")
  void clusterToStringHidesUserInfo() {
    KubeFedCluster cluster = new KubeFedCluster("dev2", "kube-federation-system", Map.of("a", "b"),
        Optional.of("https://admin:s3cret@10.0.0.2:6443"), Optional.of("Q0EK"), Optional.of("dev2-token"),
        List.of(), Optional.of("http://user:proxypass@proxy:3128"), List.of(), Optional.empty(), false);

    assertThat(cluster.toString()).doesNotContain("s3cret").doesNotContain("proxypass")
        .contains("https://***@10.0.0.2:6443").contains("http://***@proxy:3128").contains("secretRef dev2-token");
  }
}
