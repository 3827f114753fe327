package io.fleetfed.testkit;

import static io.fleetfed.testkit.FleetAssertions.assertThat;
import static io.fleetfed.testkit.TestSupport.configMap;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code @RegisterExtension} on an instance field: one sandbox per test. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegisteredExtensionPerTestTest {

  @RegisterExtension
  FleetSandboxExtension fleet = FleetSandboxExtension.builder().clusters("only").build();

  FleetSandbox injected;

  @Test
  @Order(1)
  void startsOnePerTest(FleetSandbox parameter) {
    assertThat(injected).isSameAs(fleet.sandbox()).isSameAs(parameter);
    fleet.cluster("only").client().configMaps().inNamespace("ci").resource(configMap("ci", "gone")).create();
  }

  @Test
  @Order(2)
  void soNothingCarriesOver() {
    assertThat(fleet.cluster("only")).hasObjectCount("v1", "ConfigMap", 0);
  }
}
