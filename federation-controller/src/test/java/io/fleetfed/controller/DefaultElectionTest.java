package io.fleetfed.controller;

import static io.fleetfed.controller.ControllerHost.NS;
import static io.fleetfed.controller.ControllerHost.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fleetfed.testkit.FleetSandbox;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * KubeFed's own election durations (15 s, 10 s, 5 s) work: fabric8's elector builder refuses them (it wants
 * renewDeadline above 2.2 × retryPeriod), which once left a controller with default settings never leading.
 */
class DefaultElectionTest {
  @Test
  void aControllerWithKubeFedsDefaultDurationsLeadsAndHoldsTheLease() {
    try (FleetSandbox sandbox = FleetSandbox.builder().clusters("dev1").crds(ControllerHost.crds()).start()) {
      ControllerHost.namespace(sandbox.cluster("dev1").client(), NS);
      try (FederationController controller = FederationController.builder()
          .kubeconfig(sandbox.kubeconfig(), "dev1").identity("replica-a").build().start()) {
        await("leading on KubeFed's default durations", Duration.ofSeconds(20), () -> controller.state().leading());
        Lease lease = sandbox.cluster("dev1").client().leases().inNamespace(NS)
            .withName(LeaderElection.DEFAULT_LEASE_NAME).get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("replica-a");
        assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(15);
      }
    }
  }
}
