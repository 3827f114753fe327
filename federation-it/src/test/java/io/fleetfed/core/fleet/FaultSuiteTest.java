package io.fleetfed.core.fleet;

import static io.fleetfed.core.fleet.FleetItSupport.configMap;
import static io.fleetfed.core.fleet.FleetItSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.core.cluster.DrainResult;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.render.ManagedMetadata;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.CopyReport;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.PropagationStatus;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Faults met in the middle of the work, with the sandbox's fault harness ({@code failRequests}, latency, offline):
 * afterwards nothing is lost, nothing duplicated and nothing foreign touched. Slow and refusing members are in
 * {@link SlowMemberTest}; {@code kill -9} of the CLI mid-apply is in the CLI's {@code FaultsIT}.
 */
@EnableFleetSandbox(clusters = {"m1", "m2", "m3"}, resetBetweenTests = true)
class FaultSuiteTest {
  private static final int OBJECTS = 20;
  private static final Placement EVERYWHERE = Placement.clusters("m1", "m2", "m3");

  private static List<FederatedResource> objects(String ns) {
    List<FederatedResource> objects = new ArrayList<>();
    for (int i = 0; i < OBJECTS; i++) {
      objects.add(configMap(ns, "cm-" + i, EVERYWHERE, Map.of("i", String.valueOf(i))));
    }
    return objects;
  }

  /** The copies fleetfed manages in {@code ns} on {@code cluster}, by name, with their data. */
  private static Map<String, Map<String, String>> copies(FleetSandbox sandbox, String cluster, String ns) {
    return sandbox.cluster(cluster).client().configMaps().inNamespace(ns).list().getItems().stream()
        .filter(c -> !c.getMetadata().getName().startsWith("foreign"))
        .collect(Collectors.toMap(c -> c.getMetadata().getName(), ConfigMap::getData, (a, b) -> {
          throw new AssertionError("a duplicate copy");
        }, TreeMap::new));
  }

  private static Map<String, Map<String, String>> expected() {
    Map<String, Map<String, String>> all = new TreeMap<>();
    for (int i = 0; i < OBJECTS; i++) {
      all.put("cm-" + i, Map.of("i", String.valueOf(i)));
    }
    return all;
  }

  @Test
  void writesFailingMidApplyAreReportedAndTheNextApplyConvergesExactlyWritingOnlyWhatIsMissing(
      FleetSandbox sandbox) {
    String ns = unique("failing-writes");
    List<FederatedResource> objects = objects(ns);
    try (ClusterFleet fleet = sandbox.fleet().start()) {
      // every create on m2 fails, as an overloaded API server's would
      sandbox.cluster("m2").failRequests("POST", "/api/v1/namespaces/" + ns + "/configmaps", 503, 1000);

      List<PropagationResult> first = fleet.propagateAll(objects);

      assertThat(first).allSatisfy(r -> {
        assertThat(r.cluster("m1")).get().extracting(ClusterOutcome::action).isEqualTo(ClusterAction.CREATED);
        assertThat(r.cluster("m2")).get().extracting(ClusterOutcome::status)
            .isEqualTo(PropagationStatus.CREATION_FAILED);
      });
      assertThat(copies(sandbox, "m2", ns)).isEmpty();
      sandbox.cluster("m2").clearFaults();
      sandbox.clusters().forEach(c -> c.resetCounts());

      List<PropagationResult> again = fleet.propagateAll(objects);

      assertThat(again).allSatisfy(r -> {
        assertThat(r.cluster("m1")).get().extracting(ClusterOutcome::action).isEqualTo(ClusterAction.UNCHANGED);
        assertThat(r.cluster("m2")).get().extracting(ClusterOutcome::action).isEqualTo(ClusterAction.CREATED);
      });
      for (String c : List.of("m1", "m2", "m3")) {
        assertThat(copies(sandbox, c, ns)).as(c).isEqualTo(expected());
      }
      assertThat(sandbox.cluster("m1").writeCount()).as("nothing rewritten where it was right").isZero();
      assertThat(sandbox.cluster("m2").writeCount()).as("one create per missing copy").isEqualTo(OBJECTS);
    }
  }

  @Test
  void aForeignObjectCarryingFleetfedsLabelIsNeverTouched(FleetSandbox sandbox) {
    String ns = unique("foreign");
    FederatedResource resource = configMap(ns, "foreign-settings", EVERYWHERE, Map.of("ours", "yes"));
    KubernetesClient m1 = sandbox.cluster("m1").client();
    // labelled and annotated as if it were fleetfed's copy, but without a hash: another tool's object
    m1.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("foreign-settings")
        .addToLabels(ManagedMetadata.MANAGED_LABEL, "true")
        .addToAnnotations(ManagedMetadata.SOURCE_ANNOTATION, resource.federatedKind() + "/" + ns + "/foreign-settings")
        .endMetadata().addToData("theirs", "yes").build()).create();
    String version = m1.configMaps().inNamespace(ns).withName("foreign-settings").get().getMetadata()
        .getResourceVersion();
    try (ClusterFleet fleet = sandbox.fleet().start()) {
      PropagationResult applied = fleet.propagate(resource);
      assertThat(applied.cluster("m1")).get().extracting(ClusterOutcome::status)
          .isEqualTo(PropagationStatus.ALREADY_EXISTS);
      assertThat(applied.cluster("m2")).get().extracting(ClusterOutcome::action).isEqualTo(ClusterAction.CREATED);

      assertThat(fleet.inspect(resource)).filteredOn(r -> r.cluster().equals("m1")).singleElement()
          .satisfies(r -> assertThat(r.problem()).contains(PropagationStatus.ALREADY_EXISTS));

      PropagationResult deleted = fleet.delete(resource);
      assertThat(deleted.cluster("m1")).get().satisfies(o -> {
        assertThat(o.action()).isEqualTo(ClusterAction.NONE);
        assertThat(o.message()).get().asString().contains("left alone").contains(ManagedMetadata.HASH_ANNOTATION);
      });
      assertThat(deleted.cluster("m2")).get().extracting(ClusterOutcome::action).isEqualTo(ClusterAction.DELETED);

      DrainResult drained = fleet.drain("m1");
      assertThat(drained.leftAlone()).extracting(DrainResult.LeftAlone::subject)
          .containsExactly("ConfigMap " + ns + "/foreign-settings");
    }
    ConfigMap after = m1.configMaps().inNamespace(ns).withName("foreign-settings").get();
    assertThat(after.getMetadata().getResourceVersion()).as("never written").isEqualTo(version);
    assertThat(after.getData()).isEqualTo(Map.of("theirs", "yes"));
  }

  @Test
  void aHandEditIsReportedAsDriftAndTheNextApplyRepairsIt(FleetSandbox sandbox) {
    String ns = unique("hand-edit");
    FederatedResource resource = configMap(ns, "settings", EVERYWHERE, Map.of("level", "info"));
    try (ClusterFleet fleet = sandbox.fleet().build()) {
      fleet.propagate(resource).orThrow();
      sandbox.cluster("m3").client().configMaps().inNamespace(ns).withName("settings")
          .edit(c -> new ConfigMapBuilder(c).addToData("level", "debug").build());

      CopyReport edited = fleet.inspect(resource).stream().filter(r -> r.cluster().equals("m3")).findFirst()
          .orElseThrow();
      assertThat(edited.upToDate()).isFalse();
      assertThat(edited.drift()).containsExactly("/data/level");

      PropagationResult repaired = fleet.propagate(resource);

      assertThat(repaired.cluster("m3")).get().extracting(ClusterOutcome::action).isEqualTo(ClusterAction.UPDATED);
      assertThat(repaired.cluster("m1")).get().extracting(ClusterOutcome::action)
          .isEqualTo(ClusterAction.UNCHANGED);
      assertThat(sandbox.cluster("m3").client().configMaps().inNamespace(ns).withName("settings").get().getData())
          .isEqualTo(Map.of("level", "info"));
      assertThat(fleet.inspect(resource)).allSatisfy(r -> assertThat(r.upToDate()).isTrue());
    }
  }
}
