package io.fleetfed.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FleetSandboxExtensionTest {

  @Test
  void theBuilderNeedsClustersAndTheSandboxIsOnlyThereWhileRunning() {
    assertThatThrownBy(() -> FleetSandboxExtension.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("clusters");
    assertThatThrownBy(() -> FleetSandboxExtension.builder().clusters("Bad_Name"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Bad_Name");
    FleetSandboxExtension notStarted = FleetSandboxExtension.builder().clusters("x").build();
    assertThatThrownBy(notStarted::sandbox).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> notStarted.cluster("x")).isInstanceOf(IllegalStateException.class);
  }
}
