package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetfed enable}, run as a process on the shaded jar. */
class EnableCommandIT {
  @TempDir
  Path dir;

  @Test
  @DisplayName("enable taskruns prints the federated CRD, with spec.template, and the FederatedTypeConfig")
  void enableTaskRuns() throws IOException {
    FleetfedJar.Result result = FleetfedJar.run(dir, "enable", "taskruns");

    assertThat(result.exitCode()).isZero();
    assertThat(result.stderr()).isEmpty();
    List<JsonNode> docs = RenderCommandIT.yamlDocuments(result.stdout());
    assertThat(docs).hasSize(2);
    JsonNode crd = docs.get(0);
    assertThat(crd.at("/apiVersion").asText()).isEqualTo("apiextensions.k8s.io/v1");
    assertThat(crd.at("/kind").asText()).isEqualTo("CustomResourceDefinition");
    assertThat(crd.at("/metadata/name").asText()).isEqualTo("federatedtaskruns.types.kubefed.io");
    JsonNode template = crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/template");
    assertThat(template.at("/type").asText()).isEqualTo("object");
    assertThat(template.at("/x-kubernetes-preserve-unknown-fields").asBoolean()).isTrue();
    assertThat(crd.at("/spec/versions/0/subresources/status").isObject()).isTrue();
    JsonNode ftc = docs.get(1);
    assertThat(ftc.at("/kind").asText()).isEqualTo("FederatedTypeConfig");
    assertThat(ftc.at("/metadata/name").asText()).isEqualTo("taskruns.tekton.dev");
    assertThat(ftc.at("/metadata/namespace").asText()).isEqualTo("kube-federation-system");
    assertThat(ftc.at("/spec/targetType/version").asText()).isEqualTo("v1");
    assertThat(ftc.at("/spec/federatedType/kind").asText()).isEqualTo("FederatedTaskRun");
  }

  @Test
  @DisplayName("several types at once, and a custom type given by group, version, kind, plural and scope")
  void severalAndCustom() throws IOException {
    FleetfedJar.Result result = FleetfedJar.run(dir, "enable", "deploy", "clustertasks", "--group", "example.com",
        "--version", "v1", "--kind", "Widget", "--plural", "widgets", "--scope", "Cluster",
        "--kubefed-namespace", "fed", "-o", "json");

    assertThat(result.exitCode()).isZero();
    JsonNode list = new ObjectMapper().readTree(result.stdout());
    assertThat(list.at("/kind").asText()).isEqualTo("List");
    JsonNode items = list.get("items");
    assertThat(items).hasSize(6);
    assertThat(items.get(0).at("/metadata/name").asText()).isEqualTo("federateddeployments.types.kubefed.io");
    assertThat(items.get(2).at("/metadata/name").asText()).isEqualTo("federatedclustertasks.types.kubefed.io");
    assertThat(items.get(2).at("/spec/scope").asText()).isEqualTo("Cluster");
    assertThat(items.get(4).at("/metadata/name").asText()).isEqualTo("federatedwidgets.types.kubefed.io");
    assertThat(items.get(5).at("/metadata/name").asText()).isEqualTo("widgets.example.com");
    assertThat(items.get(5).at("/metadata/namespace").asText()).isEqualTo("fed");
  }

  @Test
  @DisplayName("an unknown type, or a custom type missing fields: exit code 2 and the reason")
  void invalidTypes() {
    FleetfedJar.Result unknown = FleetfedJar.run(dir, "enable", "gizmos");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.stdout()).isEmpty();
    assertThat(unknown.stderr()).startsWith("error: type gizmos: no federated type is named \"gizmos\"");

    FleetfedJar.Result incomplete = FleetfedJar.run(dir, "enable", "--kind", "Widget");
    assertThat(incomplete.exitCode()).isEqualTo(2);
    assertThat(incomplete.stderr()).contains("a custom type needs --kind, --version and --plural");

    FleetfedJar.Result badScope = FleetfedJar.run(dir, "enable", "--kind", "Widget", "--version", "v1",
        "--plural", "widgets", "--scope", "Global");
    assertThat(badScope.exitCode()).isEqualTo(2);
    assertThat(badScope.stderr()).contains("scope \"Global\" is not valid");
  }
}
