package io.fleetfed.readme;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Runs the README's snippets that need no cluster of their own, and checks what they say they give. */
class SnippetsRunTest {
  @Test
  void theModelSnippetRendersThreeReplicasForDev2() {
    assertThat(ModelSnippet.dev2Replicas()).isEqualTo(3);
  }

  @Test
  void theSimulatorSnippetRunsOnTwoOfItsSandboxClusters() {
    assertThat(SimulatorSnippet.simulatedClusters()).isEqualTo(2);
  }
}
