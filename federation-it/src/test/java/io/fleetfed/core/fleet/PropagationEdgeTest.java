package io.fleetfed.core.fleet;

import static io.fleetfed.core.fleet.FleetItSupport.TASK_RUNS;
import static io.fleetfed.core.fleet.FleetItSupport.WAIT;
import static io.fleetfed.core.fleet.FleetItSupport.WIDGETS;
import static io.fleetfed.core.fleet.FleetItSupport.await;
import static io.fleetfed.core.fleet.FleetItSupport.configMap;
import static io.fleetfed.core.fleet.FleetItSupport.context;
import static io.fleetfed.core.fleet.FleetItSupport.crd;
import static io.fleetfed.core.fleet.FleetItSupport.get;
import static io.fleetfed.core.fleet.FleetItSupport.membersFleet;
import static io.fleetfed.core.fleet.FleetItSupport.ready;
import static io.fleetfed.core.fleet.FleetItSupport.unique;
import static io.fleetfed.testkit.FleetAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.ClusterOverride;
import io.fleetfed.core.model.DeleteOptions;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.render.ManagedMetadata;
import io.fleetfed.core.render.OverrideException;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.ClusterStatus;
import io.fleetfed.core.status.FederatedStatus;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.PropagationStatus;
import io.fleetfed.core.status.ResourceKey;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.SandboxCluster;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What propagate and delete do to the members' copies in the cases that are easy to get wrong. */
@Tag("real-api-servers")
class PropagationEdgeTest {
  static FleetSandbox sandbox;
  static KubernetesClient dev1;
  static KubernetesClient dev2;
  /** A fleet over dev1 and dev2 that is never started: every write it makes comes from an explicit call. */
  static ClusterFleet fleet;

  @BeforeAll
  static void start() {
    sandbox = FleetSandbox.builder().clusters("dev1", "dev2").crd(crd(TASK_RUNS)).crd(crd(WIDGETS)).start();
    dev1 = sandbox.cluster("dev1").client();
    dev2 = sandbox.cluster("dev2").client();
    fleet = sandbox.fleet().members("dev1", "dev2").start();
  }

  @AfterAll
  static void stop() {
    fleet.close();
    sandbox.close();
  }

  private static ConfigMap cm(KubernetesClient c, String ns, String name) {
    return c.configMaps().inNamespace(ns).withName(name).get();
  }

  private static void createUnmanaged(KubernetesClient c, String ns, String name, Map<String, String> labels) {
    if (c.namespaces().withName(ns).get() == null) {   // a real API server refuses objects in a missing namespace
      c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    c.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
        .withNamespace(ns).withLabels(labels).endMetadata().addToData("owner", "someone-else").build()).create();
  }

  private static long writes() {
    return sandbox.clusters().stream().mapToLong(SandboxCluster::writeCount).sum();
  }

  private static void resetCounts() {
    sandbox.clusters().forEach(SandboxCluster::resetCounts);
  }

  private static FederatedResource deployment(String ns, String name, Placement placement, int replicas) {
    return FederatedResource.builder(BuiltInTypes.DEPLOYMENTS).namespace(ns).name(name).placement(placement)
        .template(Map.of("metadata", Map.of("labels", Map.of("app", name)),
            "spec", Map.of("replicas", replicas, "selector", Map.of("matchLabels", Map.of("app", name)),
                "template", Map.of("metadata", Map.of("labels", Map.of("app", name)),
                    "spec", Map.of("containers", List.of(Map.of("name", "c", "image", "nginx:1.27",
                        "ports", List.of(Map.of("containerPort", 80)))))))))
        .build();
  }

  // ---- objects fleetfed does not manage ---------------------------------------------------------------

  @Test
  void anUnmanagedObjectIsReportedAlreadyExistsAndLeftAsItIs() {
    String ns = unique("edge");
    String name = unique("theirs");
    createUnmanaged(dev2, ns, name, Map.of());
    String versionBefore = cm(dev2, ns, name).getMetadata().getResourceVersion();

    PropagationResult result = fleet.propagate(configMap(ns, name, Placement.clusters("dev1", "dev2"),
        Map.of("owner", "fleetfed")));

    assertThat(result).hasStatus("dev2", PropagationStatus.ALREADY_EXISTS);
    assertThat(result.cluster("dev2").orElseThrow().status().reason()).isEqualTo("AlreadyExists");
    assertThat(result).hasAction("dev1", ClusterAction.CREATED);
    ConfigMap theirs = cm(dev2, ns, name);
    assertThat(theirs.getData()).containsExactly(Map.entry("owner", "someone-else"));
    assertThat(theirs.getMetadata().getResourceVersion()).isEqualTo(versionBefore);
    assertThat(theirs.getMetadata().getLabels() == null ? Map.of() : theirs.getMetadata().getLabels())
        .doesNotContainKey(ManagedMetadata.MANAGED_LABEL);

    // deleting the federated object leaves it alone too
    fleet.delete(configMap(ns, name, Placement.clusters("dev1", "dev2"), Map.of("owner", "fleetfed")));
    assertThat(cm(dev2, ns, name)).isNotNull();
    assertThat(cm(dev1, ns, name)).isNull();
  }

  @Test
  void withAdoptionAnUnmanagedObjectIsUpdatedAndLabelledManaged() {
    String ns = unique("edge");
    String name = unique("adopted");
    createUnmanaged(dev2, ns, name, Map.of("team", "a"));
    try (ClusterFleet adopting = ready(membersFleet(sandbox, "dev1", "dev2").adoptResources(true).build())) {
      PropagationResult result = adopting.propagate(configMap(ns, name, Placement.clusters("dev2"),
          Map.of("owner", "fleetfed")));
      assertThat(result).hasAction("dev2", ClusterAction.UPDATED);
      assertThat(result.isSuccess()).isTrue();
      ConfigMap adopted = cm(dev2, ns, name);
      assertThat(adopted.getData()).containsExactly(Map.entry("owner", "fleetfed"));
      assertThat(adopted.getMetadata().getLabels()).containsEntry(ManagedMetadata.MANAGED_LABEL, "true");
      assertThat(adopted.getMetadata().getAnnotations()).containsKeys(ManagedMetadata.SOURCE_ANNOTATION,
          ManagedMetadata.HASH_ANNOTATION);
    }
  }

  @Test
  void anObjectLabelledManagedFalseIsNeverTouchedEvenWithAdoption() {
    String ns = unique("edge");
    String name = unique("hands-off");
    createUnmanaged(dev2, ns, name, Map.of(ManagedMetadata.MANAGED_LABEL, "false"));
    String versionBefore = cm(dev2, ns, name).getMetadata().getResourceVersion();
    FederatedResource cm = configMap(ns, name, Placement.clusters("dev2"), Map.of("owner", "fleetfed"));
    try (ClusterFleet adopting = ready(membersFleet(sandbox, "dev1", "dev2").adoptResources(true).build())) {
      PropagationResult result = adopting.propagate(cm);
      assertThat(result).hasStatus("dev2", PropagationStatus.MANAGED_LABEL_FALSE);
      assertThat(result.cluster("dev2").orElseThrow().status().reason()).isEqualTo("ManagedLabelFalse");
      adopting.delete(cm);
    }
    assertThat(fleet.propagate(cm).cluster("dev2")).get().extracting(ClusterOutcome::status)
        .isEqualTo(PropagationStatus.MANAGED_LABEL_FALSE);
    ConfigMap kept = cm(dev2, ns, name);
    assertThat(kept).isNotNull();
    assertThat(kept.getData()).containsExactly(Map.entry("owner", "someone-else"));
    assertThat(kept.getMetadata().getResourceVersion()).isEqualTo(versionBefore);
  }

  @Test
  void aCopyALabelledFalseByHandAfterPropagationIsLeftAlone() {
    String ns = unique("edge");
    String name = unique("taken-back");
    assertThat(fleet.propagate(configMap(ns, name, Placement.clusters("dev2"), Map.of("v", "1"))).isSuccess())
        .isTrue();
    dev2.configMaps().inNamespace(ns).withName(name).edit(c -> {
      c.getMetadata().getLabels().put(ManagedMetadata.MANAGED_LABEL, "false");
      c.getData().put("v", "mine");
      return c;
    });
    PropagationResult result = fleet.propagate(configMap(ns, name, Placement.clusters("dev2"), Map.of("v", "2")));
    assertThat(result).hasStatus("dev2", PropagationStatus.MANAGED_LABEL_FALSE);
    assertThat(cm(dev2, ns, name).getData()).containsEntry("v", "mine");
  }

  // ---- namespaces, annotations, writes -------------------------------------------------------------

  @Test
  void theNamespaceIsCreatedOnTheMemberLabelledManagedAndTemplateAnnotationsPropagate() {
    String ns = unique("fresh-ns");
    String name = unique("cm");
    assertThat(dev2.namespaces().withName(ns).get()).isNull();
    FederatedResource cm = FederatedResource.builder(BuiltInTypes.CONFIG_MAPS).namespace(ns).name(name)
        .template(Map.of("metadata", Map.of("annotations", Map.of("tekton.dev/note", "kept"),
            "labels", Map.of("app", "x")), "data", Map.of("a", "b")))
        .placement(Placement.clusters("dev2")).build();
    assertThat(fleet.propagate(cm)).isSuccess();
    Namespace created = dev2.namespaces().withName(ns).get();
    assertThat(created).isNotNull();
    assertThat(created.getMetadata().getLabels()).containsEntry(ManagedMetadata.MANAGED_LABEL, "true");
    ConfigMap copy = cm(dev2, ns, name);
    assertThat(copy.getMetadata().getAnnotations()).containsEntry("tekton.dev/note", "kept")
        .containsEntry(ManagedMetadata.SOURCE_ANNOTATION, ResourceKey.of(cm).toString())
        .containsKey(ManagedMetadata.HASH_ANNOTATION);
    assertThat(copy.getMetadata().getLabels()).containsEntry("app", "x")
        .containsEntry(ManagedMetadata.MANAGED_LABEL, "true");
  }

  @Test
  void anUnchangedRePropagationWritesNothing() {
    String ns = unique("edge");
    FederatedResource cm = configMap(ns, unique("same"), Placement.clusters("dev1", "dev2"), Map.of("a", "b"));
    FederatedResource deploy = deployment(ns, unique("same-deploy"), Placement.clusters("dev1", "dev2"), 2);
    FederatedResource widget = FederatedResource.builder(WIDGETS).namespace(ns).name(unique("same-widget"))
        .template(Map.of("spec", Map.of("size", 3, "ratio", 0.5, "tags", List.of("a", "b"))))
        .placement(Placement.clusters("dev1", "dev2")).build();
    List<FederatedResource> all = List.of(cm, deploy, widget);
    assertThat(fleet.propagateAll(all)).allMatch(PropagationResult::isSuccess);

    resetCounts();
    List<PropagationResult> again = fleet.propagateAll(all);
    assertThat(writes()).as("writes of an unchanged re-propagation").isZero();
    assertThat(again).allSatisfy(r -> assertThat(r.clusters().values())
        .allMatch(o -> o.action() == ClusterAction.UNCHANGED, r.toString()));

    // a fleet started afresh (a restarted process) finds the same copies and writes nothing either
    try (ClusterFleet restarted = sandbox.fleet().members("dev1", "dev2").start()) {
      resetCounts();
      List<PropagationResult> fresh = restarted.propagateAll(all);
      assertThat(fresh).allSatisfy(r -> assertThat(r.clusters().values())
          .allMatch(o -> o.action() == ClusterAction.UNCHANGED, r.toString()));
      assertThat(writes()).as("writes of a restarted fleet's unchanged propagation").isZero();
    }
  }

  // ---- deleting -------------------------------------------------------------------------------------

  @Test
  void anOrphaningDeleteKeepsTheCopiesWithoutFleetfedsLabelAndAnnotations() {
    String ns = unique("edge");
    String name = unique("orphan");
    FederatedResource cm = FederatedResource.builder(BuiltInTypes.CONFIG_MAPS).namespace(ns).name(name)
        .template(Map.of("metadata", Map.of("labels", Map.of("app", "kept"),
            "annotations", Map.of("note", "kept")), "data", Map.of("a", "b")))
        .placement(Placement.clusters("dev1", "dev2")).build();
    assertThat(fleet.propagate(cm)).isSuccess();

    PropagationResult result = fleet.delete(cm, true);
    assertThat(result.isSuccess()).as(result.toString()).isTrue();
    assertThat(result.clusters().values()).allMatch(o -> o.action() == ClusterAction.ORPHANED, result.toString());
    for (KubernetesClient c : List.of(dev1, dev2)) {
      ConfigMap copy = cm(c, ns, name);
      assertThat(copy).isNotNull();
      assertThat(copy.getData()).containsEntry("a", "b");
      assertThat(copy.getMetadata().getLabels()).doesNotContainKey(ManagedMetadata.MANAGED_LABEL)
          .containsEntry("app", "kept");
      assertThat(copy.getMetadata().getAnnotations()).doesNotContainKeys(ManagedMetadata.SOURCE_ANNOTATION,
          ManagedMetadata.HASH_ANNOTATION).containsEntry("note", "kept");
    }
    assertThat(fleet.status(cm)).isEmpty();
  }

  @Test
  void aPlainDeleteRemovesTheCopies() {
    String ns = unique("edge");
    String name = unique("delete");
    FederatedResource cm = configMap(ns, name, Placement.clusters("dev1", "dev2"), Map.of("a", "b"));
    assertThat(fleet.propagate(cm)).isSuccess();
    PropagationResult result = fleet.delete(cm);
    assertThat(result.clusters().values()).allMatch(o -> o.action() == ClusterAction.DELETED, result.toString());
    assertThat(cm(dev1, ns, name)).isNull();
    assertThat(cm(dev2, ns, name)).isNull();
  }

  @Test
  void aDeleteWithKubeFedsDeleteOptionsRemovesTheCopiesToo() {
    String ns = unique("edge");
    String name = unique("with-options");
    FederatedResource cm = configMap(ns, name, Placement.clusters("dev1", "dev2"), Map.of("a", "1")).toBuilder()
        .annotations(Map.of(DeleteOptions.ANNOTATION, "{\"propagationPolicy\":\"Background\",\"gracePeriodSeconds\":0}"))
        .build();
    fleet.propagate(cm).orThrow();

    PropagationResult result = fleet.delete(cm);

    assertThat(result.isSuccess()).isTrue();
    assertThat(result).hasAction("dev1", ClusterAction.DELETED).hasAction("dev2", ClusterAction.DELETED);
    assertThat(cm(dev1, ns, name)).isNull();
    assertThat(cm(dev2, ns, name)).isNull();
  }

  @Test
  void aRestartedFleetDeletesCopiesItDidNotWriteItself() {
    String ns = unique("edge");
    String name = unique("restart-delete");
    FederatedResource cm = configMap(ns, name, Placement.clusters("dev1", "dev2"), Map.of("a", "b"));
    try (ClusterFleet first = sandbox.fleet().members("dev1", "dev2").start()) {
      first.propagate(cm).orThrow();
    }
    try (ClusterFleet second = sandbox.fleet().members("dev1", "dev2").start()) {
      PropagationResult result = second.delete(cm);
      assertThat(result.clusters().values()).as(result.toString()).hasSize(2)
          .allMatch(o -> o.action() == ClusterAction.DELETED);
    }
    assertThat(cm(dev1, ns, name)).isNull();
    assertThat(cm(dev2, ns, name)).isNull();
  }

  @Test
  void aPlacementChangeDeletesFromTheClusterLeftAndKeepsTheOther() {
    String ns = unique("edge");
    String name = unique("moved");
    assertThat(fleet.propagate(configMap(ns, name, Placement.clusters("dev1", "dev2"), Map.of("a", "b")))
        .isSuccess()).isTrue();
    String dev2Version = cm(dev2, ns, name).getMetadata().getResourceVersion();
    FederatedResource moved = configMap(ns, name, Placement.clusters("dev2"), Map.of("a", "b"));
    PropagationResult result = fleet.propagate(moved);
    assertThat(result).hasAction("dev1", ClusterAction.DELETED);
    assertThat(result).hasAction("dev2", ClusterAction.UNCHANGED);
    assertThat(cm(dev1, ns, name)).isNull();
    assertThat(cm(dev2, ns, name).getMetadata().getResourceVersion()).isEqualTo(dev2Version);
    assertThat(fleet.status(moved).orElseThrow().clusters()).containsOnlyKeys("dev2");
    assertThat(fleet.propagate(moved).clusters()).containsOnlyKeys("dev2");
  }

  // ---- overrides ------------------------------------------------------------------------------------

  @Test
  void anOverrideThatCannotApplyThrowsAndNothingIsWrittenAnywhere() {
    String ns = unique("edge");
    FederatedResource good = configMap(ns, unique("good"), Placement.clusters("dev1", "dev2"), Map.of("a", "b"));
    FederatedResource bad = FederatedResource.builder(BuiltInTypes.CONFIG_MAPS).namespace(ns).name(unique("bad"))
        .template(Map.of("data", Map.of("a", "b"))).placement(Placement.clusters("dev1", "dev2"))
        .override("dev2", ClusterOverride.remove("/data/missing")).build();
    resetCounts();
    assertThatThrownBy(() -> fleet.propagate(bad)).isInstanceOf(OverrideException.class)
        .hasMessageContaining("dev2").hasMessageContaining("/data/missing");
    assertThatThrownBy(() -> fleet.propagateAll(List.of(good, bad))).isInstanceOf(OverrideException.class);
    assertThat(writes()).as("writes after a failed override").isZero();
    assertThat(cm(dev1, ns, good.name())).isNull();
    assertThat(dev1.namespaces().withName(ns).get()).isNull();
    assertThat(fleet.status(bad)).isEmpty();
    assertThat(fleet.status(good)).isEmpty();
  }

  @Test
  void aBadOverrideOnAnObjectAlreadyPropagatedChangesNothing() {
    String ns = unique("edge");
    String name = unique("was-good");
    FederatedResource v1 = configMap(ns, name, Placement.clusters("dev1", "dev2"), Map.of("a", "1"));
    fleet.propagate(v1).orThrow();
    FederatedResource v2 = v1.toBuilder().template(Map.of("data", Map.of("a", "2")))
        .override("dev2", ClusterOverride.remove("/data/missing")).build();
    resetCounts();
    assertThatThrownBy(() -> fleet.propagate(v2)).isInstanceOf(OverrideException.class);
    assertThat(writes()).isZero();
    assertThat(cm(dev1, ns, name).getData()).containsEntry("a", "1");
    assertThat(cm(dev2, ns, name).getData()).containsEntry("a", "1");
  }

  // ---- conflicts ------------------------------------------------------------------------------------

  @Test
  void anUpdateBasedOnAStaleCopyConflictsAndIsRetriedKeepingTheOtherWritersChange() {
    String ns = unique("edge");
    String name = unique("conflict");
    try (ClusterFleet own = sandbox.fleet().members("dev1", "dev2").start().start()) {
      own.propagate(configMap(ns, name, Placement.clusters("dev2"), Map.of("v", "1"))).orThrow();
      // freeze the started fleet's watched view of dev2's ConfigMaps, so that its next update is based on a
      // stale copy
      own.stopWatching(ResourceKey.of(configMap(ns, name, Placement.clusters("dev2"), Map.of())), "dev2");
      dev2.configMaps().inNamespace(ns).withName(name).edit(c -> {
        c.getMetadata().getAnnotations().put("someone/else", "was-here");
        return c;
      });
      sandbox.cluster("dev2").resetCounts();

      PropagationResult result = own.propagate(configMap(ns, name, Placement.clusters("dev2"), Map.of("v", "2")));

      assertThat(result).hasAction("dev2", ClusterAction.UPDATED);
      assertThat(sandbox.cluster("dev2").writeCount()).as("a rejected update and its retry").isEqualTo(2);
      ConfigMap copy = cm(dev2, ns, name);
      assertThat(copy.getData()).containsEntry("v", "2");
      assertThat(copy.getMetadata().getAnnotations()).containsEntry("someone/else", "was-here");
    }
  }

  @Test
  void twoFleetsUpdatingTheSameObjectConcurrentlyBothSucceed() throws Exception {
    String ns = unique("edge");
    String name = unique("race");
    try (ClusterFleet a = sandbox.fleet().members("dev1", "dev2").start();
        ClusterFleet b = sandbox.fleet().members("dev1", "dev2").start()) {
      a.propagate(configMap(ns, name, Placement.clusters("dev2"), Map.of("v", "0"))).orThrow();
      b.propagate(configMap(ns, name, Placement.clusters("dev2"), Map.of("v", "0"))).orThrow();
      for (int round = 1; round <= 5; round++) {
        String va = "a" + round;
        String vb = "b" + round;
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<PropagationResult> ra = CompletableFuture.supplyAsync(() -> {
          awaitLatch(go);
          return a.propagate(configMap(ns, name, Placement.clusters("dev2"), Map.of("v", va)));
        });
        CompletableFuture<PropagationResult> rb = CompletableFuture.supplyAsync(() -> {
          awaitLatch(go);
          return b.propagate(configMap(ns, name, Placement.clusters("dev2"), Map.of("v", vb)));
        });
        go.countDown();
        for (PropagationResult r : List.of(ra.get(), rb.get())) {
          assertThat(r.isSuccess()).as(r.toString()).isTrue();
          assertThat(r).hasAction("dev2", ClusterAction.UPDATED);
        }
        // whoever wrote last, the copy is one whole version: its data and its hash agree
        String v = cm(dev2, ns, name).getData().get("v");
        assertThat(v).isIn(va, vb);
        ClusterFleet last = v.equals(va) ? a : b;
        resetCounts();
        assertThat(last.propagate(configMap(ns, name, Placement.clusters("dev2"), Map.of("v", v)))
            .cluster("dev2")).get().extracting(ClusterOutcome::action).isEqualTo(ClusterAction.UNCHANGED);
        assertThat(writes()).isZero();
      }
    }
  }

  private static void awaitLatch(java.util.concurrent.CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---- runs -----------------------------------------------------------------------------------------

  private static FederatedResource taskRun(String name, String value) {
    return FederatedResource.builder(TASK_RUNS).namespace("ci").name(name)
        .template(Map.of("spec", Map.of("taskRef", Map.of("name", "build"),
            "params", List.of(Map.of("name", "x", "value", value)))))
        .placement(Placement.clusters("dev2")).build();
  }

  @Test
  void aTaskRunIsCreatedOnceNeverUpdatedAndNotCreatedAgainAfterItFinishedAndWasDeleted() {
    String name = unique("build");
    FederatedResource tr = taskRun(name, "1");
    try (ClusterFleet runs = sandbox.fleet().members("dev1", "dev2").start()) {
      assertThat(runs.propagate(tr).cluster("dev2")).get().extracting(ClusterOutcome::action)
          .isEqualTo(ClusterAction.CREATED);
      resetCounts();
      ClusterOutcome same = runs.propagate(tr).cluster("dev2").orElseThrow();
      assertThat(same.action()).isEqualTo(ClusterAction.UNCHANGED);
      assertThat(same.isOk()).isTrue();

      ClusterOutcome changed = runs.propagate(taskRun(name, "2")).cluster("dev2").orElseThrow();
      assertThat(changed.action()).isEqualTo(ClusterAction.UNCHANGED);
      assertThat(changed.isOk()).isTrue();
      assertThat(changed.message()).get().asString().contains("never updated");
      assertThat(writes()).as("writes to a run").isZero();
      GenericKubernetesResource onDev2 = get(dev2, TASK_RUNS, "ci", name).orElseThrow();
      assertThat(onDev2.<Object>get("spec", "params", 0, "value")).isEqualTo("1");

      runs.start();
      dev2.genericKubernetesResources(context(TASK_RUNS)).inNamespace("ci").withName(name).editStatus(o -> {
        o.setAdditionalProperty("status", Map.of("podName", name + "-pod", "completionTime", "2026-01-01T00:00:00Z",
            "conditions", List.of(Map.of("type", "Succeeded", "status", "True", "reason", "Succeeded"))));
        return o;
      });
      dev2.genericKubernetesResources(context(TASK_RUNS)).inNamespace("ci").withName(name).delete();
      await(WAIT, "the fleet to see the finished run's deletion (status " + runs.status(tr) + ")",
          () -> runs.status(tr).flatMap(s -> s.cluster("dev2")).flatMap(ClusterStatus::message)
              .filter(m -> m.contains("never created twice")).isPresent());
      assertThat(get(dev2, TASK_RUNS, "ci", name)).isEmpty();
      ClusterOutcome afterwards = runs.propagate(taskRun(name, "2")).cluster("dev2").orElseThrow();
      assertThat(afterwards.action()).isEqualTo(ClusterAction.UNCHANGED);
      assertThat(get(dev2, TASK_RUNS, "ci", name)).isEmpty();
    }
  }

  @Test
  void aTaskRunPropagatedByOneFleetIsNotUpdatedByAnother() {
    String name = unique("build");
    fleet.propagate(taskRun(name, "1")).orThrow();
    try (ClusterFleet other = sandbox.fleet().members("dev1", "dev2").start()) {
      resetCounts();
      ClusterOutcome o = other.propagate(taskRun(name, "2")).cluster("dev2").orElseThrow();
      assertThat(o.action()).isEqualTo(ClusterAction.UNCHANGED);
      assertThat(writes()).isZero();
    }
    assertThat(get(dev2, TASK_RUNS, "ci", name).orElseThrow().<Object>get("spec", "params", 0, "value"))
        .isEqualTo("1");
  }

  // ---- what an update keeps and what it restores --------------------------------------------------------

  @Test
  void anAnnotationRemovedFromTheTemplateIsRemovedFromTheCopies() {
    String ns = unique("edge");
    String name = unique("annotations");
    FederatedResource v1 = FederatedResource.builder(BuiltInTypes.CONFIG_MAPS).namespace(ns).name(name)
        .template(Map.of("metadata", Map.of("annotations", Map.of("tekton.dev/old", "x", "kept", "y")),
            "data", Map.of("a", "1")))
        .placement(Placement.clusters("dev2")).build();
    fleet.propagate(v1).orThrow();
    dev2.configMaps().inNamespace(ns).withName(name).edit(c -> {
      c.getMetadata().getAnnotations().put("someone/else", "theirs");   // added by another controller: kept
      return c;
    });
    FederatedResource v2 = v1.toBuilder().template(Map.of("metadata", Map.of("annotations", Map.of("kept", "y")),
        "data", Map.of("a", "2"))).build();
    assertThat(fleet.propagate(v2).cluster("dev2")).get().extracting(ClusterOutcome::action)
        .isEqualTo(ClusterAction.UPDATED);
    Map<String, String> annotations = cm(dev2, ns, name).getMetadata().getAnnotations();
    assertThat(annotations).containsEntry("kept", "y").containsEntry("someone/else", "theirs")
        .doesNotContainKey("tekton.dev/old");
  }

  @Test
  void anAnnotationAnotherToolAddsCostsNoWriteAndSurvivesTemplateChanges() {
    String ns = unique("edge");
    String name = unique("theirs");
    FederatedResource v1 = FederatedResource.builder(BuiltInTypes.CONFIG_MAPS).namespace(ns).name(name)
        .template(Map.of("metadata", Map.of("annotations", Map.of("mine", "1")), "data", Map.of("a", "1")))
        .placement(Placement.clusters("dev2")).build();
    fleet.propagate(v1).orThrow();
    dev2.configMaps().inNamespace(ns).withName(name).edit(c -> {
      c.getMetadata().getAnnotations().put("deployment.kubernetes.io/revision", "3");   // a controller's
      return c;
    });
    resetCounts();

    assertThat(fleet.propagate(v1).cluster("dev2")).get().extracting(ClusterOutcome::action)
        .isEqualTo(ClusterAction.UNCHANGED);
    assertThat(writes()).isZero();

    FederatedResource v2 = v1.toBuilder().template(Map.of("data", Map.of("a", "2"))).build();   // drops "mine"
    fleet.propagate(v2).orThrow();
    FederatedResource v3 = v1.toBuilder().template(Map.of("data", Map.of("a", "3"))).build();
    fleet.propagate(v3).orThrow();

    assertThat(cm(dev2, ns, name).getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "3").doesNotContainKey("mine");
  }

  @Test
  void aKeyAddedByHandToACopyIsRemovedByTheNextPropagation() {
    String ns = unique("edge");
    String name = unique("drift");
    FederatedResource cm = configMap(ns, name, Placement.clusters("dev2"), Map.of("a", "1"));
    fleet.propagate(cm).orThrow();
    dev2.configMaps().inNamespace(ns).withName(name).edit(c -> {
      c.getData().put("injected", "by-hand");
      return c;
    });
    PropagationResult again = fleet.propagate(cm);
    assertThat(cm(dev2, ns, name).getData()).as("dev2's copy after %s", again).containsExactly(Map.entry("a", "1"));
  }

  @Test
  void aValueChangedByHandOnACopyIsRestoredByTheNextPropagation() {
    String ns = unique("edge");
    String name = unique("edited");
    FederatedResource cm = configMap(ns, name, Placement.clusters("dev2"), Map.of("a", "1"));
    fleet.propagate(cm).orThrow();
    dev2.configMaps().inNamespace(ns).withName(name).edit(c -> {
      c.getData().put("a", "changed");
      return c;
    });
    assertThat(fleet.propagate(cm).cluster("dev2")).get().extracting(ClusterOutcome::action)
        .isEqualTo(ClusterAction.UPDATED);
    assertThat(cm(dev2, ns, name).getData()).containsExactly(Map.entry("a", "1"));
  }

  @Test
  void retainReplicasKeepsTheMembersReplicasAcrossUpdates() {
    String ns = unique("edge");
    String name = unique("scaled");
    FederatedResource d = deployment(ns, name, Placement.clusters("dev2"), 2).toBuilder().retainReplicas(true)
        .build();
    fleet.propagate(d).orThrow();
    dev2.apps().deployments().inNamespace(ns).withName(name).edit(x -> {
      x.getSpec().setReplicas(5);   // an autoscaler's doing
      return x;
    });
    // the class's fleet is never started: its next call lists dev2's Deployments afresh, 5 replicas and all
    resetCounts();
    assertThat(fleet.propagate(d).cluster("dev2")).get().extracting(ClusterOutcome::action)
        .isEqualTo(ClusterAction.UNCHANGED);
    assertThat(writes()).isZero();
    FederatedResource newImage = d.toBuilder().template(Map.of("metadata", Map.of("labels", Map.of("app", name)),
        "spec", Map.of("replicas", 2, "selector", Map.of("matchLabels", Map.of("app", name)),
            "template", Map.of("metadata", Map.of("labels", Map.of("app", name)),
                "spec", Map.of("containers", List.of(Map.of("name", "c", "image", "nginx:1.28"))))))).build();
    assertThat(fleet.propagate(newImage).cluster("dev2")).get().extracting(ClusterOutcome::action)
        .isEqualTo(ClusterAction.UPDATED);
    var copy = dev2.apps().deployments().inNamespace(ns).withName(name).get();
    assertThat(copy.getSpec().getReplicas()).isEqualTo(5);
    assertThat(copy.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.28");
  }

  @Test
  void aCopyHeldByAFinalizerIsNotReportedGoneUntilItIsGone() throws Exception {
    String ns = unique("edge");
    String name = unique("held");
    FederatedResource cm = configMap(ns, name, Placement.clusters("dev2"), Map.of("a", "1"));
    ResourceKey key = ResourceKey.of(cm);
    try (ClusterFleet started = sandbox.fleet().members("dev1", "dev2").start().start()) {
      started.propagate(cm).orThrow();
      dev2.configMaps().inNamespace(ns).withName(name).edit(c -> {
        c.getMetadata().setFinalizers(List.of("example.com/hold"));
        return c;
      });
      await(WAIT, "the started fleet's view of dev2's " + ns + "/" + name + " to show the finalizer",
          () -> started.cached(key, "dev2").map(o -> !o.getMetadata().getFinalizers().isEmpty()).orElse(false));
      CompletableFuture<FederatedStatus> gone = started.awaitAsync(key, FederatedStatus::deleted, WAIT);

      PropagationResult result = started.delete(cm);

      ConfigMap held = cm(dev2, ns, name);
      assertThat(held).isNotNull();
      assertThat(held.getMetadata().getDeletionTimestamp()).isNotNull();
      assertThat(gone).as("deleted() published while dev2's copy is still there (%s)", result).isNotDone();
      assertThat(started.status(key)).as("the status while dev2's copy is held").isPresent();

      dev2.configMaps().inNamespace(ns).withName(name).edit(c -> {
        c.getMetadata().setFinalizers(List.of());
        return c;
      });
      assertThat(gone.get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).deleted()).isTrue();
      assertThat(cm(dev2, ns, name)).isNull();
    }
  }
}
