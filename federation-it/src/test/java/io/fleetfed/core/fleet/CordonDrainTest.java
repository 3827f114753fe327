package io.fleetfed.core.fleet;

import static io.fleetfed.core.fleet.FleetItSupport.KUBEFED_CLUSTERS;
import static io.fleetfed.core.fleet.FleetItSupport.TASK_RUNS;
import static io.fleetfed.core.fleet.FleetItSupport.WAIT;
import static io.fleetfed.core.fleet.FleetItSupport.await;
import static io.fleetfed.core.fleet.FleetItSupport.awaitHealth;
import static io.fleetfed.core.fleet.FleetItSupport.configMap;
import static io.fleetfed.core.fleet.FleetItSupport.crd;
import static io.fleetfed.core.fleet.FleetItSupport.get;
import static io.fleetfed.core.fleet.FleetItSupport.hostFleet;
import static io.fleetfed.core.fleet.FleetItSupport.membersFleet;
import static io.fleetfed.core.fleet.FleetItSupport.ready;
import static io.fleetfed.core.fleet.FleetItSupport.unique;
import static io.fleetfed.testkit.FleetAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.cluster.DrainResult;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.LabelSelector;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.render.ManagedMetadata;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.testkit.FleetSandbox;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cordon (no new placements), uncordon, and drain (remove every managed object) of a member. */
class CordonDrainTest {
  static FleetSandbox sandbox;
  static KubernetesClient dev1;
  static KubernetesClient dev2;

  @BeforeAll
  static void startSandbox() {
    sandbox = FleetSandbox.builder().clusters("dev1", "dev2").crd(crd(TASK_RUNS)).start();
    dev1 = sandbox.cluster("dev1").client();
    dev2 = sandbox.cluster("dev2").client();
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  private static final Placement EVERYWHERE = Placement.selector(LabelSelector.everything());

  private static ConfigMap cm(KubernetesClient c, String ns, String name) {
    return c.configMaps().inNamespace(ns).withName(name).get();
  }

  @Test
  void aCordonedClusterTakesNoNewObjectsButKeepsAndUpdatesItsOwn() {
    String ns = unique("cordon");
    String before = unique("before");
    String after = unique("after");
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev2").start()) {
      assertThat(fleet.propagate(configMap(ns, before, EVERYWHERE, Map.of("v", "1")))).isSuccess();

      ClusterState state = fleet.cordon("dev2");
      assertThat(state.cordoned()).isTrue();
      assertThat(state.drained()).isFalse();
      assertThat(fleet.cluster("dev2")).get().extracting(ClusterState::cordoned).isEqualTo(true);

      FederatedResource fresh = configMap(ns, after, EVERYWHERE, Map.of("v", "1"));
      PropagationResult placed = fleet.propagate(fresh);
      assertThat(placed).hasAction("dev1", ClusterAction.CREATED);
      assertThat(placed.cluster("dev2")).as(placed.toString()).isEmpty();
      assertThat(placed.isSuccess()).isTrue();
      assertThat(cm(dev2, ns, after)).as("new object on the cordoned dev2").isNull();

      // the object propagated before the cordon stays there and still gets updates
      assertThat(cm(dev2, ns, before)).isNotNull();
      PropagationResult updated = fleet.propagate(configMap(ns, before, EVERYWHERE, Map.of("v", "2")));
      assertThat(updated).hasAction("dev2", ClusterAction.UPDATED);
      assertThat(cm(dev2, ns, before).getData()).containsEntry("v", "2");

      // uncordoned: the new object reaches dev2 once propagated again
      assertThat(fleet.uncordon("dev2").cordoned()).isFalse();
      PropagationResult again = fleet.propagate(fresh);
      assertThat(again.cluster("dev2")).get().extracting(ClusterOutcome::isOk).isEqualTo(true);
      assertThat(cm(dev2, ns, after)).as("new object on dev2 after uncordon").isNotNull();
    }
  }

  @Test
  void drainRemovesEveryManagedObjectIncludingAnotherFleetsAndKeepsNamespaceAndUnmanagedObjects() {
    sandbox.reset();   // drain removes every managed object on dev2: start without other tests' objects
    String ns = unique("drain");
    String everywhere = unique("everywhere");
    String onlyDev2 = unique("only-dev2");
    String othersCm = unique("others-cm");
    String othersDeploy = unique("others-deploy");
    String unmanaged = unique("unmanaged");
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev2").start();
        ClusterFleet other = sandbox.fleet().members("dev1", "dev2").start()) {
      FederatedResource a = configMap(ns, everywhere, EVERYWHERE, Map.of("k", "a"));
      assertThat(fleet.propagate(a)).isSuccess();
      assertThat(fleet.propagate(configMap(ns, onlyDev2, Placement.clusters("dev2"), Map.of("k", "b")))
          .isSuccess()).isTrue();
      // objects of another fleet instance: not tracked by `fleet`, one of a type `fleet` never touched
      assertThat(other.propagate(configMap(ns, othersCm, Placement.clusters("dev2"), Map.of("k", "c")))
          .isSuccess()).isTrue();
      FederatedResource deployment = FederatedResource.builder(BuiltInTypes.DEPLOYMENTS).namespace(ns)
          .name(othersDeploy).placement(Placement.clusters("dev2"))
          .template(Map.of("spec", Map.of("replicas", 1, "selector", Map.of("matchLabels", Map.of("app", "d")),
              "template", Map.of("metadata", Map.of("labels", Map.of("app", "d")),
                  "spec", Map.of("containers", List.of(Map.of("name", "c", "image", "nginx")))))))
          .build();
      assertThat(other.propagate(deployment).isSuccess()).isTrue();
      dev2.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(unmanaged)
          .withNamespace(ns).endMetadata().addToData("mine", "yes").build()).create();
      Namespace created = dev2.namespaces().withName(ns).get();
      assertThat(created.getMetadata().getLabels()).containsEntry(ManagedMetadata.MANAGED_LABEL, "true");

      DrainResult result = fleet.drain("dev2");

      assertThat(result.cluster()).isEqualTo("dev2");
      assertThat(result.problems()).isEmpty();
      assertThat(result.isComplete()).isTrue();
      assertThat(cm(dev2, ns, everywhere)).isNull();
      assertThat(cm(dev2, ns, onlyDev2)).isNull();
      assertThat(cm(dev2, ns, othersCm)).as("another fleet's ConfigMap").isNull();
      assertThat(dev2.apps().deployments().inNamespace(ns).withName(othersDeploy).get())
          .as("another fleet's Deployment").isNull();
      assertThat(result.removed()).isEqualTo(4);
      assertThat(dev2.namespaces().withName(ns).get()).as("the namespace fleetfed created").isNotNull();
      assertThat(cm(dev2, ns, unmanaged)).as("an unmanaged object").isNotNull();
      assertThat(cm(dev2, ns, unmanaged).getData()).containsEntry("mine", "yes");
      assertThat(cm(dev1, ns, everywhere)).as("dev1's copy").isNotNull();

      ClusterState state = fleet.cluster("dev2").orElseThrow();
      assertThat(state.drained()).isTrue();
      assertThat(state.cordoned()).isTrue();

      // no propagation goes to a drained cluster, new or old
      String fresh = unique("fresh");
      PropagationResult placed = fleet.propagate(configMap(ns, fresh, EVERYWHERE, Map.of("k", "e")));
      assertThat(placed.cluster("dev2")).as(placed.toString()).isEmpty();
      assertThat(cm(dev2, ns, fresh)).isNull();
      PropagationResult old = fleet.propagate(a);
      assertThat(old.cluster("dev2")).as(old.toString()).isEmpty();
      assertThat(cm(dev2, ns, everywhere)).isNull();

      // uncordon ends the drain: placements go there again
      fleet.uncordon("dev2");
      assertThat(fleet.cluster("dev2").orElseThrow().drained()).isFalse();
      fleet.propagate(configMap(ns, fresh, EVERYWHERE, Map.of("k", "e")));
      assertThat(cm(dev2, ns, fresh)).isNotNull();
      assertThat(cm(dev2, ns, everywhere)).isNotNull();
    }
  }

  @Test
  void cordoningAnUnknownClusterFailsNamingTheClusters() {
    try (ClusterFleet fleet = membersFleet(sandbox, "dev1", "dev2").build()) {
      assertThatThrownBy(() -> fleet.cordon("dev7")).isInstanceOf(FederationException.class)
          .hasMessageContaining("dev7").hasMessageContaining("dev1").hasMessageContaining("dev2");
    }
  }

  @Test
  void theCordonOfAJoinedMemberIsKeptInTheHost() {
    try (ClusterFleet fleet = hostFleet(sandbox, "dev1").build()) {
      fleet.join("dev2");
      try {
        fleet.cordon("dev2");
        try (ClusterFleet second = hostFleet(sandbox, "dev1").build()) {
          ClusterState seen = second.cluster("dev2").orElseThrow();
          assertThat(seen.joined()).isTrue();
          assertThat(seen.cordoned()).isTrue();
          assertThat(seen.drained()).isFalse();
          // and the second fleet honours it
          String name = unique("host-cordon");
          PropagationResult r = ready(second).propagate(configMap(unique("hc"), name, EVERYWHERE, Map.of()));
          assertThat(r.cluster("dev2")).as(r.toString()).isEmpty();
        }
        fleet.drain("dev2");
        try (ClusterFleet third = hostFleet(sandbox, "dev1").build()) {
          assertThat(third.cluster("dev2").orElseThrow().drained()).isTrue();
          assertThat(third.cluster("dev2").orElseThrow().cordoned()).isTrue();
        }
        fleet.uncordon("dev2");
        try (ClusterFleet fourth = hostFleet(sandbox, "dev1").build()) {
          assertThat(fourth.cluster("dev2").orElseThrow().cordoned()).isFalse();
          assertThat(fourth.cluster("dev2").orElseThrow().drained()).isFalse();
        }
      } finally {
        fleet.unjoin("dev2");
      }
      assertThat(dev1.genericKubernetesResources(KUBEFED_CLUSTERS).inNamespace(
          ClusterFleet.DEFAULT_FEDERATION_NAMESPACE).withName("dev2").get()).isNull();
    }
  }

  @Test
  void drainKeepsTheNamespacesAFederatedNamespacePropagatedAndWhatIsInThem() {
    String ns = unique("fedns");
    FederatedResource namespace = FederatedResource.builder(BuiltInTypes.NAMESPACES).namespace(ns).name(ns)
        .placement(Placement.clusters("dev1", "dev2")).build();
    try (ClusterFleet other = sandbox.fleet().members("dev1", "dev2").start()) {
      other.propagate(namespace).orThrow();
    }
    dev2.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("precious")
        .withNamespace(ns).endMetadata().addToData("mine", "yes").build()).create();
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev2").start()) {
      DrainResult result = fleet.drain("dev2");

      assertThat(result.problems()).isEmpty();
      assertThat(dev2.namespaces().withName(ns).get()).as("the federated namespace's copy").isNotNull();
      assertThat(cm(dev2, ns, "precious")).as("an unmanaged object inside it").isNotNull();
      fleet.uncordon("dev2");
    }
  }

  @Test
  void drainAlsoRemovesAnotherFleetsRunsOfATypeThisFleetNeverPropagated() {
    String name = unique("others-run");
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev2").start();
        ClusterFleet other = sandbox.fleet().members("dev1", "dev2").start()) {
      FederatedResource run = FederatedResource.builder(TASK_RUNS).namespace("ci").name(name)
          .template(Map.of("spec", Map.of("taskRef", Map.of("name", "build"))))
          .placement(Placement.clusters("dev2")).build();
      other.propagate(run).orThrow();
      assertThat(get(dev2, TASK_RUNS, "ci", name)).isPresent();

      DrainResult result = fleet.drain("dev2");

      assertThat(get(dev2, TASK_RUNS, "ci", name)).as("another fleet's TaskRun on the drained dev2 (%s)", result)
          .isEmpty();
      assertThat(result.removed()).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void drainingAnOfflineClusterSaysSoAndRemovesItsObjectsWhenItIsBack() {
    String ns = unique("drain-offline");
    String name = unique("tracked");
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev2").start()) {
      fleet.start();
      fleet.propagate(configMap(ns, name, EVERYWHERE, Map.of("k", "v"))).orThrow();
      sandbox.cluster("dev2").goOffline();
      awaitHealth(fleet, "dev2", ClusterHealth.OFFLINE);

      DrainResult result = fleet.drain("dev2");
      assertThat(result.isComplete()).isFalse();
      assertThat(result.problems()).anySatisfy(p -> {
        assertThat(p.reason()).isEqualTo(DrainResult.Reason.CLUSTER_NOT_READY);
        assertThat(p.subject()).isEqualTo("dev2");
        assertThat(p.message()).contains("dev2");
      });
      assertThat(fleet.cluster("dev2").orElseThrow().drained()).isTrue();

      sandbox.cluster("dev2").goOnline();
      await(WAIT, name + " removed from dev2 once it is back", () -> cm(dev2, ns, name) == null);
      assertThat(cm(dev1, ns, name)).isNotNull();
    } finally {
      sandbox.cluster("dev2").goOnline();
    }
  }

  @Test
  void drainLeavesAloneAndReportsObjectsWithFleetfedsLabelThatAreNotItsCopies() {
    sandbox.reset();
    String ns = unique("foreign");
    String copy = unique("copy");
    String hash = "a".repeat(64);
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev2").start();
        ClusterFleet other = sandbox.fleet().members("dev1", "dev2").start()) {
      other.propagate(configMap(ns, copy, Placement.clusters("dev2"), Map.of("k", "v"))).orThrow();
      // labelled by hand, with annotations that do not agree with the object
      Map<String, Map<String, String>> foreign = Map.of(
          "label-only", Map.of(),
          "names-another", Map.of(ManagedMetadata.SOURCE_ANNOTATION, "FederatedConfigMap/" + ns + "/" + copy,
              ManagedMetadata.HASH_ANNOTATION, hash),
          "other-kind", Map.of(ManagedMetadata.SOURCE_ANNOTATION, "FederatedSecret/" + ns + "/other-kind",
              ManagedMetadata.HASH_ANNOTATION, hash),
          "no-hash", Map.of(ManagedMetadata.SOURCE_ANNOTATION, "FederatedConfigMap/" + ns + "/no-hash"),
          "bad-hash", Map.of(ManagedMetadata.SOURCE_ANNOTATION, "FederatedConfigMap/" + ns + "/bad-hash",
              ManagedMetadata.HASH_ANNOTATION, "not-a-hash"));
      foreign.forEach((name, annotations) -> dev2.configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
          .withNewMetadata().withName(name).withNamespace(ns).addToLabels(ManagedMetadata.MANAGED_LABEL, "true")
          .addToAnnotations(annotations).endMetadata().addToData("theirs", name).build()).create());
      // cluster-scoped, with a source that names a namespaced object
      dev2.rbac().clusterRoles().resource(new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder()
          .withNewMetadata().withName(ns + "-role").addToLabels(ManagedMetadata.MANAGED_LABEL, "true")
          .addToAnnotations(ManagedMetadata.SOURCE_ANNOTATION, "FederatedClusterRole/" + ns + "/" + ns + "-role")
          .addToAnnotations(ManagedMetadata.HASH_ANNOTATION, hash).endMetadata().build()).create();

      DrainResult result = fleet.drain("dev2");

      assertThat(cm(dev2, ns, copy)).as("another fleet's real copy").isNull();
      assertThat(result.removed()).isEqualTo(1);
      assertThat(result.problems()).isEmpty();
      assertThat(result.isComplete()).isTrue();
      for (String name : foreign.keySet()) {
        assertThat(cm(dev2, ns, name)).as(name).isNotNull();
        assertThat(cm(dev2, ns, name).getData()).as(name).containsEntry("theirs", name);
      }
      assertThat(dev2.rbac().clusterRoles().withName(ns + "-role").get()).as("the cluster role").isNotNull();
      assertThat(result.leftAlone()).extracting(DrainResult.LeftAlone::subject).containsExactlyInAnyOrder(
          "ConfigMap " + ns + "/label-only", "ConfigMap " + ns + "/names-another",
          "ConfigMap " + ns + "/other-kind", "ConfigMap " + ns + "/no-hash", "ConfigMap " + ns + "/bad-hash",
          "ClusterRole " + ns + "-role");
      assertThat(result.leftAlone()).filteredOn(o -> o.subject().endsWith("/no-hash")).singleElement()
          .extracting(DrainResult.LeftAlone::reason).asString().contains(ManagedMetadata.HASH_ANNOTATION + " is missing");
      assertThat(result.leftAlone()).filteredOn(o -> o.subject().endsWith("/names-another")).singleElement()
          .extracting(DrainResult.LeftAlone::reason).asString().contains("names another object");
    }
  }

  @Test
  void aFailedDeleteIsRetriedThenReportedForThatObjectAndTheOthersGoOn() {
    sandbox.reset();
    String ns = unique("faulty");
    try (ClusterFleet fleet = sandbox.fleet().members("dev1", "dev2").start();
        ClusterFleet other = sandbox.fleet().members("dev1", "dev2").start()) {
      for (String name : List.of("a-passing", "b-refused", "c-fine")) {
        other.propagate(configMap(ns, name, Placement.clusters("dev2"), Map.of("k", name))).orThrow();
      }
      String path = "/api/v1/namespaces/" + ns + "/configmaps/";
      sandbox.cluster("dev2").failRequests("DELETE", path + "a-passing", 503, 2);   // passes on the third try
      sandbox.cluster("dev2").failRequests("DELETE", path + "b-refused", 403, 5);  // never retried: it won't pass

      DrainResult result = fleet.drain("dev2");

      assertThat(cm(dev2, ns, "a-passing")).as("deleted on its third try").isNull();
      assertThat(cm(dev2, ns, "c-fine")).as("deleted after a failed one").isNull();
      assertThat(cm(dev2, ns, "b-refused")).as("refused").isNotNull();
      assertThat(result.removed()).isEqualTo(2);
      assertThat(result.isComplete()).isFalse();
      assertThat(result.problems()).singleElement().satisfies(p -> {
        assertThat(p.reason()).isEqualTo(DrainResult.Reason.NOT_DELETED);
        assertThat(p.subject()).isEqualTo("ConfigMap " + ns + "/b-refused");
        assertThat(p.message()).contains("b-refused").contains("403").doesNotContain("tries");
      });
    } finally {
      sandbox.cluster("dev2").clearFaults();
    }
  }
}
