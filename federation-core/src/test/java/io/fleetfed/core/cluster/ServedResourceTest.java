package io.fleetfed.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetfed.core.model.ResourceType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a resource of discovery is named, as kubefedctl enable matches names. */
class ServedResourceTest {
  static final ServedResource DEPLOYMENTS =
      new ServedResource(ResourceType.namespaced("apps", "v1", "Deployment", "deployments").withShortNames("deploy"),
          "deployment");

  @ParameterizedTest(name = "{0}: {1}")
  @DisplayName("named as kubefedctl enable names types: plural, singular, kind, short name (any case), plural.group")
  @CsvSource({"deployments, true", "deployment, true", "Deployment, true", "DEPLOY, true", "deploy, true",
      "deployments.apps, true", "deployments.extensions, false", "deployment.apps, false", "apps, false",
      "dep, false"})
  void isNamed(String name, boolean named) {
    assertThat(DEPLOYMENTS.isNamed(name)).isEqualTo(named);
  }

  @Test
  @DisplayName("a singular name discovery leaves empty is the lower-cased kind; nulls are named")
  void singularDefault() {
    ServedResource r = new ServedResource(ResourceType.namespaced("", "v1", "ConfigMap", "configmaps"), "");

    assertThat(r.singular()).isEqualTo("configmap");
    assertThat(r.isNamed("configmap")).isTrue();
    assertThatThrownBy(() -> new ServedResource(null, "x")).hasMessage("type");
    assertThatThrownBy(() -> r.isNamed(null)).hasMessage("name");
  }
}
