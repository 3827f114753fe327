package io.fleetfed.testkit;

import static io.fleetfed.testkit.FleetAssertions.assertThat;
import static io.fleetfed.testkit.TestSupport.configMap;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code @RegisterExtension} on a static field: one sandbox for the class. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegisteredExtensionPerClassTest {

  @RegisterExtension
  static FleetSandboxExtension fleet = FleetSandboxExtension.builder()
      .clusters("a", "b")
      .crdResource("crds/widgets.yaml")
      .latency(Duration.ofMillis(1))
      .build();

  static FleetSandbox injected;

  @Test
  @Order(1)
  void exposesTheSandboxAndItsClusters(FleetSandbox parameter) {
    assertThat(fleet.sandbox()).isSameAs(parameter).isSameAs(injected);
    assertThat(fleet.cluster("a").name()).isEqualTo("a");
    assertThat(fleet.sandbox().clusterNames()).containsExactly("a", "b");
    assertThat(fleet.cluster("b").latency()).isEqualTo(Duration.ofMillis(1));
    assertThat(fleet.cluster("b")).hasClusterObject("apiextensions.k8s.io/v1", "CustomResourceDefinition",
        "gadgets.example.fleetfed.io");
    fleet.cluster("a").client().configMaps().inNamespace("ci").resource(configMap("ci", "kept")).create();
  }

  @Test
  @Order(2)
  void keepsTheSameSandboxForTheWholeClass() {
    assertThat(fleet.cluster("a")).hasObject("v1", "ConfigMap", "ci", "kept");
  }
}
