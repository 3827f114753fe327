package io.fleetfed.controller;

import static io.fleetfed.controller.ControllerHost.NS;
import static io.fleetfed.controller.ControllerHost.await;
import static io.fleetfed.controller.HostPropagationTest.TYPE_CONFIGS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.tekton.DispatchRequest;
import io.fleetfed.tekton.RunDispatcher;
import io.fleetfed.tekton.RunHandle;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.RunScript;
import io.fleetfed.testkit.TektonSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs are created once: a FederatedTaskRun's TaskRun is created on its member once and never again, not after it
 * is pruned there nor by a new controller; a dispatcher's run records are the dispatcher's alone.
 */
@Tag("real-api-servers")
class RunsTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final ResourceDefinitionContext FEDERATED_TASK_RUNS = new ResourceDefinitionContext.Builder()
      .withGroup("types.kubefed.io").withVersion("v1beta1").withKind("FederatedTaskRun")
      .withPlural("federatedtaskruns").withNamespaced(true).build();
  static final ResourceDefinitionContext TASK_RUNS = new ResourceDefinitionContext.Builder()
      .withGroup("tekton.dev").withVersion("v1").withKind("TaskRun").withPlural("taskruns").withNamespaced(true)
      .build();
  static final String TYPE = "taskruns.tekton.dev";

  static FleetSandbox sandbox;
  static KubernetesClient host;
  TektonSimulator tekton;
  final List<FederationController> controllers = new ArrayList<>();

  @BeforeAll
  static void startSandbox() {
    List<CustomResourceDefinition> crds = new ArrayList<>(ControllerHost.crds(TYPE));
    crds.addAll(TektonSimulator.crds());
    sandbox = FleetSandbox.builder().clusters("dev1", "dev2", "dev3").crds(crds).start();
    host = sandbox.cluster("dev1").client();
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  @BeforeEach
  void setUp() {
    sandbox.reset();
    tekton = TektonSimulator.builder().clusters(List.of(sandbox.cluster("dev2"), sandbox.cluster("dev3")))
        .defaults(RunScript.succeedsAfter(Duration.ofMillis(50))).start();
    ControllerHost.namespace(host, NS);
    for (String c : List.of("dev1", "dev2", "dev3")) {
      ControllerHost.namespace(sandbox.cluster(c).client(), "ci");
    }
    ControllerHost.join(sandbox, "dev1", "dev2", "dev3");
    host.genericKubernetesResources(TYPE_CONFIGS).inNamespace(NS).resource(ControllerHost.typeConfig(TYPE, true))
        .create();
  }

  @AfterEach
  void tearDown() {
    controllers.forEach(FederationController::close);
    tekton.close();
  }

  FederationController startController() {
    FederationController c = FederationController.builder().kubeconfig(sandbox.kubeconfig(), "dev1")
        .leaderElection(ControllerHost.FAST).build();
    controllers.add(c);
    c.start();
    await("the controller to lead and run taskruns", WAIT,
        () -> c.state().leading() && c.state().typesRunning().equals(List.of(TYPE)));
    return c;
  }

  static GenericKubernetesResource federatedTaskRun(String name, String cluster) {
    GenericKubernetesResource o = new GenericKubernetesResource();
    o.setApiVersion("types.kubefed.io/v1beta1");
    o.setKind("FederatedTaskRun");
    o.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ci").build());
    o.setAdditionalProperty("spec", Map.of(
        "template", Map.of("spec", Map.of("taskSpec", Map.of("steps",
            List.of(Map.of("name", "build", "image", "alpine", "script", "echo hi"))))),
        "placement", Map.of("clusters", List.of(Map.of("name", cluster)))));
    return o;
  }

  static GenericKubernetesResource run(String cluster, String name) {
    return sandbox.cluster(cluster).client().genericKubernetesResources(TASK_RUNS).inNamespace("ci").withName(name)
        .get();
  }

  static List<GenericKubernetesResource> runs(String cluster) {
    return sandbox.cluster(cluster).client().genericKubernetesResources(TASK_RUNS).inNamespace("ci").list()
        .getItems();
  }

  static GenericKubernetesResource federated(String name) {
    return host.genericKubernetesResources(FEDERATED_TASK_RUNS).inNamespace("ci").withName(name).get();
  }

  @SuppressWarnings("unchecked")
  static boolean succeeded(GenericKubernetesResource run) {
    Object status = run == null ? null : run.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> s) || !(s.get("conditions") instanceof List<?> conditions)) {
      return false;
    }
    return conditions.stream().anyMatch(c -> c instanceof Map<?, ?> m && "Succeeded".equals(m.get("type"))
        && "True".equals(m.get("status")));
  }

  static long creations(String name) {
    return host.v1().events().inNamespace("ci").list().getItems().stream()
        .filter(e -> "CreateInCluster".equals(e.getReason()) && name.equals(e.getInvolvedObject().getName()))
        .count();
  }

  @Test
  void aFederatedTaskRunIsCreatedOnceAndNotAgainAfterItIsPrunedNorByANewController() {
    FederationController first = startController();
    host.genericKubernetesResources(FEDERATED_TASK_RUNS).inNamespace("ci")
        .resource(federatedTaskRun("build-1", "dev2")).create();

    await("the run to finish on dev2", WAIT, () -> succeeded(run("dev2", "build-1")));
    String uid = run("dev2", "build-1").getMetadata().getUid();
    await("the controller to settle", WAIT, first::isIdle);
    assertThat(runs("dev2")).hasSize(1);
    assertThat(runs("dev3")).isEmpty();
    assertThat(run("dev2", "build-1").getMetadata().getUid()).as("not replaced").isEqualTo(uid);
    assertThat(creations("build-1")).isEqualTo(1);

    // pruned on the member, as Tekton's pruner does with finished runs
    sandbox.cluster("dev2").client().genericKubernetesResources(TASK_RUNS).inNamespace("ci").withName("build-1")
        .delete();
    await("the run gone from dev2", WAIT, () -> run("dev2", "build-1") == null);
    await("the controller to settle after the deletion", WAIT, first::isIdle);
    assertThat(run("dev2", "build-1")).as("a finished run is not created again").isNull();

    first.close();
    FederationController second = startController();
    await("the new controller to settle", WAIT, second::isIdle);
    assertThat(run("dev2", "build-1")).as("nor by a new controller").isNull();
    assertThat(runs("dev3")).isEmpty();
    assertThat(creations("build-1")).isEqualTo(1);
  }

  @Test
  void aDispatchersRunRecordIsLeftAlone() {
    FederationController controller = startController();
    GenericKubernetesResource record = federatedTaskRun("dispatched-1", "dev2");
    record.getMetadata().setAnnotations(Map.of(RunDispatcher.DISPATCH_KEY_ANNOTATION, "key-1"));
    host.genericKubernetesResources(FEDERATED_TASK_RUNS).inNamespace("ci").resource(record).create();
    // a plain one after it: once it is propagated, the record has been seen too
    host.genericKubernetesResources(FEDERATED_TASK_RUNS).inNamespace("ci")
        .resource(federatedTaskRun("plain-1", "dev3")).create();
    await("the plain run on dev3", WAIT, () -> run("dev3", "plain-1") != null);
    await("the controller to settle", WAIT, controller::isIdle);

    GenericKubernetesResource kept = federated("dispatched-1");
    assertThat(kept.getMetadata().getFinalizers()).as("no finalizer").isNullOrEmpty();
    assertThat(kept.getAdditionalProperties()).as("no status").doesNotContainKey("status");
    assertThat(run("dev2", "dispatched-1")).as("no run created by the controller").isNull();
    assertThat(runs("dev2")).isEmpty();
  }

  @Test
  void aDispatcherAndAControllerOnOneHostMakeExactlyOneRun() {
    FederationController controller = startController();
    try (ClusterFleet fleet = ClusterFleet.builder().kubeconfig(sandbox.kubeconfig()).hostContext("dev1").build()) {
      fleet.start();
      try (RunDispatcher dispatcher = RunDispatcher.builder(fleet).build()) {
        ObjectNode run = new ObjectMapper().valueToTree(Map.of("apiVersion", "tekton.dev/v1", "kind", "TaskRun",
            "metadata", Map.of("name", "dispatched-2", "namespace", "ci"),
            "spec", Map.of("taskSpec", Map.of("steps", List.of(Map.of("name", "build", "image", "alpine"))))));
        RunHandle handle = dispatcher.dispatch(DispatchRequest.builder(run).key("key-2").build());
        handle.await(WAIT);
        await("the controller to settle", WAIT, controller::isIdle);

        List<String> where = new ArrayList<>();
        for (String c : List.of("dev2", "dev3")) {
          runs(c).forEach(r -> where.add(c + "/" + r.getMetadata().getName()));
        }
        assertThat(where).as("exactly one run, on one member").containsExactly(handle.cluster() + "/"
            + handle.name());
        List<GenericKubernetesResource> records = host.genericKubernetesResources(FEDERATED_TASK_RUNS)
            .inNamespace("ci").list().getItems();
        assertThat(records).hasSize(1);
        assertThat(records.get(0).getMetadata().getFinalizers()).as("the controller left the record alone")
            .isNullOrEmpty();
      }
    }
  }
}
