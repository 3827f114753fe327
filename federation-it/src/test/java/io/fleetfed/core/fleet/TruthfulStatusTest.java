package io.fleetfed.core.fleet;

import static io.fleetfed.core.fleet.FleetItSupport.configMap;
import static io.fleetfed.core.fleet.FleetItSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.core.cluster.HealthCheck;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.status.CopyReport;
import io.fleetfed.core.status.PropagationStatus;
import io.fleetfed.core.status.ResourceKey;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code inspect} (and {@code fleetfed status}) reports must be true: a hand edit of a field fleetfed manages
 * is drift even when the hash annotation still matches; a member that cannot be read is Unknown, not absent; and
 * each member is read with one list per type, not one request per object.
 */
@EnableFleetSandbox(clusters = {"dev1", "dev2"}, resetBetweenTests = true)
class TruthfulStatusTest {
  private static final Placement BOTH = Placement.clusters("dev1", "dev2");

  @AfterEach
  void online(FleetSandbox sandbox) {
    sandbox.cluster("dev2").goOnline();
    sandbox.cluster("dev2").latency(Duration.ZERO);
  }

  @Test
  void aHandEditOfAManagedFieldIsDriftNamingTheField(FleetSandbox sandbox) {
    String ns = unique("drift");
    FederatedResource cm = configMap(ns, "settings", BOTH, Map.of("a", "1", "b", "2"));
    try (ClusterFleet fleet = sandbox.fleet().start()) {
      fleet.propagate(cm).orThrow();
      sandbox.cluster("dev2").client().configMaps().inNamespace(ns).withName("settings").edit(c -> {
        c.getData().put("b", "patched by hand");       // the hash annotation is left as fleetfed wrote it
        c.getData().put("extra", "added by hand");      // a value fleetfed would remove is drift too
        return c;
      });

      List<CopyReport> reports = fleet.inspect(cm);

      CopyReport dev1 = reports.get(0);
      CopyReport dev2 = reports.get(1);
      assertThat(dev1.isConverged()).isTrue();
      assertThat(dev1.drift()).isEmpty();
      assertThat(dev2.presence()).isEqualTo(CopyReport.Presence.PRESENT);
      assertThat(dev2.upToDate()).isFalse();
      assertThat(dev2.drift()).containsExactly("/data/b", "/data/extra");
      assertThat(dev2.message()).get().asString().contains("/data/b");
      assertThat(dev2.isConverged()).isFalse();

      fleet.propagate(cm).orThrow();   // propagation restores it, and then the status agrees
      assertThat(fleet.inspect(cm)).allMatch(CopyReport::isConverged);
    }
  }

  @Test
  void aMemberThatCannotBeReadIsUnknownWithTheReasonNeverAbsent(FleetSandbox sandbox) {
    String ns = unique("unknown");
    FederatedResource cm = configMap(ns, "settings", BOTH, Map.of("a", "1"));
    try (ClusterFleet fleet = sandbox.fleet().configure(b -> b.health(HealthCheck.DEFAULT)
        .requestTimeout(Duration.ofSeconds(1))).start()) {
      fleet.propagate(cm).orThrow();
      sandbox.cluster("dev2").latency(Duration.ofSeconds(120));   // still Ready: the probe has not noticed

      long started = System.nanoTime();
      List<CopyReport> reports = fleet.inspect(cm);

      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
      CopyReport dev2 = reports.get(1);
      assertThat(dev2.presence()).isEqualTo(CopyReport.Presence.UNKNOWN);
      assertThat(dev2.present()).isFalse();
      assertThat(dev2.problem()).isPresent();
      assertThat(dev2.message()).get().asString().contains("dev2");
      assertThat(dev2.isConverged()).isFalse();
      assertThat(reports.get(0).isConverged()).isTrue();
    }
    sandbox.cluster("dev2").latency(Duration.ZERO);
    sandbox.cluster("dev2").goOffline();
    try (ClusterFleet fleet = sandbox.fleet().build()) {   // knows dev2 offline from its first probe
      CopyReport dev2 = fleet.inspect(cm).get(1);
      assertThat(dev2.presence()).isEqualTo(CopyReport.Presence.UNKNOWN);
      assertThat(dev2.problem()).contains(PropagationStatus.CLUSTER_NOT_READY);
      assertThat(dev2.message()).get().asString().contains("offline");
    }
  }

  @Test
  void eachMemberIsReadWithOneListPerTypeNotOneRequestPerObject(FleetSandbox sandbox) {
    String ns = unique("many");
    List<FederatedResource> objects = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      objects.add(configMap(ns, "cm-" + i, BOTH, Map.of("i", String.valueOf(i))));
    }
    try (ClusterFleet fleet = sandbox.fleet().start()) {
      fleet.propagateAll(objects).forEach(r -> r.orThrow());
      sandbox.clusters().forEach(c -> c.resetCounts());

      Map<ResourceKey, List<CopyReport>> reports = fleet.inspectAll(objects);

      assertThat(reports.values()).allSatisfy(r -> assertThat(r).allMatch(CopyReport::isConverged));
      assertThat(sandbox.cluster("dev1").requestCount()).as("requests to dev1").isLessThanOrEqualTo(2);
      assertThat(sandbox.cluster("dev2").requestCount()).as("requests to dev2").isLessThanOrEqualTo(2);
      assertThat(sandbox.cluster("dev1").writeCount()).isZero();
    }
  }

  @Test
  void aPlacedCopyMissingAmongTheManagedOnesIsReadOnceToTellWhatStandsInTheWay(FleetSandbox sandbox) {
    String ns = unique("theirs");
    sandbox.cluster("dev2").client().namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
        .withNewMetadata().withName(ns).endMetadata().build()).create();
    sandbox.cluster("dev2").client().configMaps().inNamespace(ns).resource(
        new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("settings").endMetadata()
            .addToData("owner", "someone else").build()).create();
    FederatedResource cm = configMap(ns, "settings", BOTH, Map.of("a", "1"));
    try (ClusterFleet fleet = sandbox.fleet().start()) {
      CopyReport dev2 = fleet.inspect(cm).get(1);
      assertThat(dev2.presence()).isEqualTo(CopyReport.Presence.ABSENT);
      assertThat(dev2.problem()).contains(PropagationStatus.ALREADY_EXISTS);
      assertThat(fleet.inspect(cm).get(0).presence()).isEqualTo(CopyReport.Presence.ABSENT);
    }
  }
}
