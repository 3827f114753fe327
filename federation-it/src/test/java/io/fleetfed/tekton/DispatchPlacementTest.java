package io.fleetfed.tekton;

import static io.fleetfed.tekton.TektonSandbox.WAIT;
import static io.fleetfed.tekton.TektonSandbox.create;
import static io.fleetfed.tekton.TektonSandbox.get;
import static io.fleetfed.tekton.TektonSandbox.unique;
import static io.fleetfed.tekton.TektonSandbox.yaml;
import static io.fleetfed.testkit.FleetAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.cluster.HealthCheck;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.LabelSelector;
import io.fleetfed.testkit.Await;
import io.fleetfed.testkit.EnableFleet;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Where runs go and what goes with them: choosing a member, dependency closure, records (no Tekton needed). */
@EnableFleetSandbox(clusters = {"dev1", "dev2", "dev3"}, resetBetweenTests = true)
@EnableFleet(host = "dev1", members = {"dev1", "dev2:security=low", "dev3:security=high"})
class DispatchPlacementTest {
  private ClusterFleet fleet;
  private RunDispatcher dispatcher;
  private String ns;

  @BeforeEach
  void start(ClusterFleet fleet, RunDispatcher dispatcher) {
    this.fleet = fleet;
    this.dispatcher = dispatcher;
    ns = unique("ci");
  }

  private ObjectNode taskRun(String name, String task) {
    return yaml("""
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: %s, namespace: %s}
        spec:
          taskRef: {name: %s}
          workspaces: [{name: output, emptyDir: {}}]
        """.formatted(name, ns, task));
  }

  private void task(FleetSandbox sandbox, String name) {
    create(sandbox.cluster("dev1").client(), TektonTypes.TASK, """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: %s, namespace: %s}
        spec:
          steps: [{name: clone, image: alpine/git, script: git clone}]
        """.formatted(name, ns));
  }

  @Test
  @DisplayName("a TaskRun goes to a member, never the host, with its Task; the record and the reasons are kept")
  void dispatchesWithItsTask(FleetSandbox sandbox) {
    task(sandbox, "git-clone");

    RunHandle handle = dispatcher.dispatch(DispatchRequest.builder(taskRun("clone-1", "git-clone")).build());

    assertThat(handle.cluster()).isEqualTo("dev2");
    assertThat(handle.choice().passedOver()).containsOnlyKeys("dev1", "dev3");
    assertThat(handle.choice().passedOver().get("dev1")).contains("host cluster");
    assertThat(handle.choice().passedOver().get("dev3")).contains("as loaded").contains("first name");
    assertThat(get(sandbox.cluster("dev2").client(), TektonTypes.TASK_RUN, ns, "clone-1")).isPresent();
    assertThat(get(sandbox.cluster("dev2").client(), TektonTypes.TASK, ns, "git-clone")).isPresent();
    assertThat(get(sandbox.cluster("dev3").client(), TektonTypes.TASK, ns, "git-clone")).isEmpty();
    assertThat(get(sandbox.cluster("dev1").client(), TektonTypes.TASK_RUN, ns, "clone-1")).isEmpty();
    ObjectNode record = new Records.InHost(fleet.hostClient().orElseThrow(),
        new com.fasterxml.jackson.databind.ObjectMapper()).get(TektonTypes.TASK_RUN, ns, "clone-1").orElseThrow()
        .object();
    assertThat(record.at("/spec/placement/clusters/0/name").asText()).isEqualTo("dev2");
    assertThat(record.at("/metadata/annotations/fleetfed.io~1dispatch-key").asText()).isEqualTo(ns + "/clone-1");
    assertThat(handle.status()).hasPhase(RunPhase.PENDING);
  }

  @Test
  @DisplayName("the next run goes to the less loaded member, and a label selector isolates")
  void balancesAndIsolates(FleetSandbox sandbox) {
    task(sandbox, "build");

    RunHandle first = dispatcher.dispatch(DispatchRequest.builder(taskRun("b-1", "build")).build());
    RunHandle second = dispatcher.dispatch(DispatchRequest.builder(taskRun("b-2", "build")).build());
    RunHandle secure = dispatcher.dispatch(DispatchRequest.builder(taskRun("b-3", "build"))
        .selector(LabelSelector.matchLabels(Map.of("security", "low"))).build());

    assertThat(first.cluster()).isEqualTo("dev2");
    assertThat(second.cluster()).isEqualTo("dev3");
    assertThat(second.choice().passedOver().get("dev2")).contains("more loaded: 1 of 10 runs");
    assertThat(secure.cluster()).isEqualTo("dev2");
    assertThat(secure.choice().passedOver().get("dev3")).contains("do not match the selector security=low");
    assertThat(dispatcher.load()).containsEntry("dev2", 2).containsEntry("dev3", 1);
  }

  @Test
  @DisplayName("a missing Task fails the dispatch, naming it, and nothing is created anywhere")
  void missingDependency(FleetSandbox sandbox) {
    assertThatThrownBy(() -> dispatcher.dispatch(DispatchRequest.builder(taskRun("m-1", "nowhere")).build()))
        .isInstanceOf(DispatchException.class)
        .hasMessageContaining("Task " + ns + "/nowhere (spec.taskRef)")
        .hasMessageContaining("Nothing was created");

    for (String c : sandbox.clusterNames()) {
      assertThat(get(sandbox.cluster(c).client(), TektonTypes.TASK_RUN, ns, "m-1")).as(c).isEmpty();
      if (!c.equals("dev1")) {
        assertThat(sandbox.cluster(c).client().namespaces().withName(ns).get()).as(c + " namespace").isNull();
        assertThat(sandbox.cluster(c).writeCount()).as(c + " writes").isZero();
      }
    }
    assertThat(new Records.InHost(fleet.hostClient().orElseThrow(), new com.fasterxml.jackson.databind.ObjectMapper())
        .get(TektonTypes.TASK_RUN, ns, "m-1")).isEmpty();
  }

  @Test
  @DisplayName("no eligible cluster: the error names why each was passed over")
  void noCluster(FleetSandbox sandbox) {
    task(sandbox, "t");
    assertThatThrownBy(() -> dispatcher.dispatch(DispatchRequest.builder(taskRun("n-1", "t"))
        .selector(LabelSelector.matchLabels(Map.of("security", "secret"))).build()))
        .isInstanceOf(DispatchException.class)
        .hasMessageContaining("no cluster can run TaskRun " + ns + "/n-1")
        .hasMessageContaining("dev1: the host cluster")
        .hasMessageContaining("dev2: its labels {security=low} do not match the selector security=secret");
  }

  @Test
  @DisplayName("the same key from 8 threads and a second fleet yields one run")
  void oneRunPerKey(FleetSandbox sandbox) throws Exception {
    task(sandbox, "t");
    ObjectNode run = yaml("""
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {generateName: build-, namespace: %s}
        spec: {taskRef: {name: t}}
        """.formatted(ns));
    DispatchRequest request = DispatchRequest.builder(run).key("build-4711").build();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    java.util.List<java.util.concurrent.Future<RunHandle>> futures = new java.util.ArrayList<>();
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    for (int i = 0; i < 8; i++) {
      futures.add(pool.submit(() -> {
        go.await();
        return dispatcher.dispatch(request);
      }));
    }
    go.countDown();
    java.util.Set<RunHandle> handles = new java.util.HashSet<>();
    for (var f : futures) {
      handles.add(f.get());
    }
    pool.shutdown();
    assertThat(handles).hasSize(1);
    RunHandle handle = handles.iterator().next();
    assertThat(handle.name()).startsWith("build-").hasSize("build-".length() + 10);

    try (ClusterFleet other = sandbox.fleet().host("dev1").members("dev2", "dev3").start();
        RunDispatcher second = RunDispatcher.builder(other).build()) {
      RunHandle again = second.dispatch(request);
      assertThat(again.name()).isEqualTo(handle.name());
      assertThat(again.cluster()).isEqualTo(handle.cluster());
    }
    long copies = sandbox.clusterNames().stream()
        .filter(c -> get(sandbox.cluster(c).client(), TektonTypes.TASK_RUN, ns, handle.name()).isPresent()).count();
    assertThat(copies).isEqualTo(1);
  }

  @Test
  @DisplayName("a PipelineRun takes its Pipeline, three Tasks, a StepAction, its ServiceAccount and Secrets, and "
      + "a ConfigMap workspace")
  void pipelineClosure(FleetSandbox sandbox) {
    var host = sandbox.cluster("dev1").client();
    create(host, TektonTypes.PIPELINE, """
        apiVersion: tekton.dev/v1
        kind: Pipeline
        metadata: {name: ship, namespace: %s}
        spec:
          tasks:
          - {name: fetch, taskRef: {name: fetch}}
          - {name: build, taskRef: {name: build}, runAfter: [fetch]}
          - {name: remote, taskRef: {resolver: git, params: [{name: url, value: x}]}}
          finally:
          - {name: report, taskRef: {name: report}}
        """.formatted(ns));
    for (String t : new String[] {"fetch", "build", "report"}) {
      create(host, TektonTypes.TASK, """
          apiVersion: tekton.dev/v1
          kind: Task
          metadata: {name: %s, namespace: %s}
          spec: {steps: [{name: s, ref: {name: %s}}]}
          """.formatted(t, ns, t.equals("build") ? "kaniko" : "noop"));
    }
    for (String a : new String[] {"kaniko", "noop"}) {
      create(host, TektonTypes.STEP_ACTION, """
          apiVersion: tekton.dev/v1beta1
          kind: StepAction
          metadata: {name: %s, namespace: %s}
          spec: {image: alpine}
          """.formatted(a, ns));
    }
    create(host, BuiltInTypes.SERVICE_ACCOUNTS, """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: builder, namespace: %s}
        secrets: [{name: git-creds}]
        imagePullSecrets: [{name: registry}]
        """.formatted(ns));
    for (String s : new String[] {"git-creds", "registry", "signing"}) {
      create(host, BuiltInTypes.SECRETS, """
          apiVersion: v1
          kind: Secret
          metadata: {name: %s, namespace: %s}
          stringData: {token: t}
          """.formatted(s, ns));
    }
    create(host, BuiltInTypes.CONFIG_MAPS, """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: %s}
        data: {a: b}
        """.formatted(ns));
    ObjectNode run = yaml("""
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: ship-1, namespace: %s}
        spec:
          pipelineRef: {name: ship}
          taskRunTemplate: {serviceAccountName: builder}
          workspaces:
          - {name: settings, configMap: {name: settings}}
          - {name: signing, secret: {secretName: signing}}
          - {name: scratch, emptyDir: {}}
        """.formatted(ns));

    RunHandle handle = dispatcher.dispatch(DispatchRequest.builder(run).clusters("dev3").build());

    var member = sandbox.cluster("dev3").client();
    assertThat(handle.cluster()).isEqualTo("dev3");
    assertThat(get(member, TektonTypes.PIPELINE, ns, "ship")).isPresent();
    for (String t : new String[] {"fetch", "build", "report"}) {
      assertThat(get(member, TektonTypes.TASK, ns, t)).as(t).isPresent();
    }
    assertThat(get(member, TektonTypes.STEP_ACTION, ns, "kaniko")).isPresent();
    assertThat(get(member, TektonTypes.STEP_ACTION, ns, "noop")).isPresent();
    assertThat(get(member, BuiltInTypes.SERVICE_ACCOUNTS, ns, "builder")).isPresent();
    for (String s : new String[] {"git-creds", "registry", "signing"}) {
      assertThat(get(member, BuiltInTypes.SECRETS, ns, s)).as(s).isPresent();
    }
    assertThat(get(member, BuiltInTypes.CONFIG_MAPS, ns, "settings")).isPresent();
    assertThat(get(member, TektonTypes.PIPELINE_RUN, ns, "ship-1")).isPresent();
    assertThat(get(sandbox.cluster("dev2").client(), BuiltInTypes.SECRETS, ns, "signing")).isEmpty();
  }

  @Test
  @DisplayName("failover: a member going offline before the run starts moves it; the first copy goes once back")
  void failoverBeforeStart(FleetSandbox sandbox) {
    task(sandbox, "t");
    RunHandle handle = dispatcher.dispatch(DispatchRequest.builder(taskRun("f-1", "t")).build());
    assertThat(handle.cluster()).isEqualTo("dev2");
    java.util.List<RunStatus> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    handle.addListener(seen::add);

    sandbox.cluster("dev2").goOffline();
    Await.until(WAIT, "the run moved to dev3 (now " + handle + ")", () -> handle.cluster().equals("dev3"));
    Await.until(WAIT, "the run on dev3", () -> get(sandbox.cluster("dev3").client(), TektonTypes.TASK_RUN, ns, "f-1")
        .isPresent());
    assertThat(handle.failovers()).containsOnlyKeys("dev2");
    assertThat(handle.failovers().get("dev2")).contains("before the run started");

    sandbox.cluster("dev2").goOnline();
    Await.until(WAIT, "dev2's copy removed", () -> get(sandbox.cluster("dev2").client(), TektonTypes.TASK_RUN, ns,
        "f-1").isEmpty());
    assertThat(seen).anySatisfy(s -> assertThat(s.cluster()).isEqualTo("dev3"));
  }

  @Test
  @DisplayName("a member that stops answering costs one dispatch its timeout; the next ones go elsewhere at once")
  void aSlowMemberCostsOneDispatch(FleetSandbox sandbox) {
    task(sandbox, "t");
    // KubeFed's health checks, slow to notice: the placement itself meets the silence
    try (ClusterFleet slowToNotice = sandbox.fleet().host("dev1").members("dev2", "dev3")
        .configure(b -> b.health(HealthCheck.DEFAULT).requestTimeout(Duration.ofSeconds(1))).start();
        RunDispatcher own = RunDispatcher.builder(slowToNotice).build()) {
      sandbox.cluster("dev2").latency(Duration.ofSeconds(120));

      RunHandle first = own.dispatch(DispatchRequest.builder(taskRun("s-1", "t")).build());

      assertThat(first.cluster()).isEqualTo("dev3");
      assertThat(first.failovers()).containsOnlyKeys("dev2");
      assertThat(first.failovers().get("dev2")).contains("TimedOut");

      RunHandle second = own.dispatch(DispatchRequest.builder(taskRun("s-2", "t")).build());

      assertThat(second.cluster()).isEqualTo("dev3");
      assertThat(second.failovers()).as("not tried: it did not answer the first").isEmpty();
      assertThat(second.choice().passedOver().get("dev2")).contains("did not answer a placement");
    } finally {
      sandbox.cluster("dev2").latency(Duration.ZERO);
    }
  }
}
