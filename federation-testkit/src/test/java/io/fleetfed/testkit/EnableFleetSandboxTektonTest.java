package io.fleetfed.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** {@code @EnableFleetSandbox(tekton = ...)}: a release's CRDs on one cluster, kept across resets. */
@EnableFleetSandbox(clusters = {"dev1", "dev2"}, tekton = "dev2=0.24")
class EnableFleetSandboxTektonTest {

  static FleetSandbox sandbox;

  @Test
  void theNamedClusterServesItsReleaseAndTheOtherNoTekton() {
    assertThat(plurals(sandbox.cluster("dev2").client(), "tekton.dev/v1alpha1")).contains("conditions", "runs",
        "pipelineresources", "taskruns");
    assertThat(served(sandbox.cluster("dev2").client(), "tekton.dev/v1")).isFalse();
    assertThat(served(sandbox.cluster("dev1").client(), "tekton.dev/v1beta1")).isFalse();

    sandbox.reset();
    assertThat(plurals(sandbox.cluster("dev2").client(), "tekton.dev/v1beta1")).contains("taskruns",
        "pipelineruns", "clustertasks");
    assertThat(served(sandbox.cluster("dev2").client(), "tekton.dev/v1")).isFalse();
  }

  @Test
  void badEntriesNameTheAttribute() {
    List<String> clusters = List.of("dev1", "dev2");
    assertThat(FleetSandboxExtension.tektonReleases(new String[] {"dev1=current", "dev2=v0.24"}, clusters))
        .containsExactly(Map.entry("dev1", TektonRelease.CURRENT), Map.entry("dev2", TektonRelease.V0_24));
    assertThatThrownBy(() -> FleetSandboxExtension.tektonReleases(new String[] {"dev2"}, clusters))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("@EnableFleetSandbox(tekton = ...)").hasMessageContaining("CLUSTER=RELEASE");
    assertThatThrownBy(() -> FleetSandboxExtension.tektonReleases(new String[] {"dev2=0.19"}, clusters))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("@EnableFleetSandbox(tekton = ...)").hasMessageContaining("0.24, current");
    assertThatThrownBy(() -> FleetSandboxExtension.tektonReleases(new String[] {"dev3=0.24"}, clusters))
        .isInstanceOf(ExtensionConfigurationException.class).hasMessageContaining("names no cluster");
    assertThatThrownBy(() -> FleetSandboxExtension.tektonReleases(new String[] {"dev2=0.24", "dev2=current"},
        clusters)).isInstanceOf(ExtensionConfigurationException.class).hasMessageContaining("second release");
  }

  @Test
  void aBuilderRefusesAReleaseForAClusterItDoesNotHave() {
    assertThatThrownBy(() -> FleetSandbox.builder().clusters("a").tektonCrds("b", TektonRelease.V0_24).start())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("tektonCrds(\"b\"");
  }

  private static List<String> plurals(KubernetesClient client, String groupVersion) {
    APIResourceList list = client.getApiResources(groupVersion);
    assertThat(list).as(groupVersion).isNotNull();
    return list.getResources().stream().map(APIResource::getName).toList();
  }

  private static boolean served(KubernetesClient client, String groupVersion) {
    try {
      return client.getApiResources(groupVersion) != null;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
  }
}
