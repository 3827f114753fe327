package io.fleetfed.testkit;

import static io.fleetfed.testkit.FleetAssertions.assertThat;
import static io.fleetfed.testkit.TestSupport.configMap;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

@EnableFleetSandbox(clusters = {"dev1", "dev2"}, crds = "crds/widgets.yaml")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnableFleetSandboxTest {

  static FleetSandbox staticField;
  private static FleetSandbox fromBeforeAll;
  private FleetSandbox instanceField;
  private FleetSandbox fromBeforeEach;

  @BeforeAll
  static void beforeAll(FleetSandbox sandbox) {
    fromBeforeAll = sandbox;
    sandbox.cluster("dev1").client().configMaps().inNamespace("fixtures").resource(configMap("fixtures", "shared"))
        .create();
  }

  @BeforeEach
  void beforeEach(FleetSandbox sandbox) {
    fromBeforeEach = sandbox;
  }

  @Test
  @Order(1)
  void injectsOneRunningSandboxIntoFieldsAndParameters(FleetSandbox parameter) {
    assertThat(staticField).isNotNull();
    assertThat(parameter).isSameAs(staticField).isSameAs(instanceField).isSameAs(fromBeforeAll)
        .isSameAs(fromBeforeEach);
    assertThat(parameter.isClosed()).isFalse();
    assertThat(parameter.clusterNames()).containsExactly("dev1", "dev2");
  }

  @Test
  @Order(2)
  void registersTheCrdsOnEveryCluster() {
    for (SandboxCluster cluster : staticField.clusters()) {
      assertThat(cluster).hasClusterObject("apiextensions.k8s.io/v1", "CustomResourceDefinition",
          "widgets.example.fleetfed.io");
    }
  }

  @Test
  @Order(3)
  void keepsStateBetweenTestsByDefault() {
    staticField.cluster("dev2").goOffline();
    assertThat(staticField.cluster("dev1")).hasObject("v1", "ConfigMap", "fixtures", "shared");
  }

  @Test
  @Order(4)
  void stateLeftByAnEarlierTestIsStillThere() {
    assertThat(staticField.cluster("dev2").isOnline()).isFalse();
    staticField.cluster("dev2").goOnline();
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class NestedClasses {

    FleetSandbox nested;

    @Test
    void shareTheEnclosingClassSandbox(FleetSandbox parameter) {
      assertThat(nested).isSameAs(staticField).isSameAs(parameter);
      assertThat(parameter.isClosed()).isFalse();
    }
  }
}
