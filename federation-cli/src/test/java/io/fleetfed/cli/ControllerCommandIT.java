package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fleetfed.testkit.Await;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.RunScript;
import io.fleetfed.testkit.TektonSimulator;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference scenario through kubectl (issue 10, point 10): KubeFed's CRDs and type configs applied to host dev1
 * with kubectl, two {@code fleetfed controller} processes, {@code fleetfed join} of dev2 and dev3, then the
 * scenario's FederatedNamespace, FederatedDeployment and FederatedTaskRun applied with kubectl, and read back with
 * kubectl: the copies on the members and KubeFed's status on the Federated objects. The leader is killed with
 * SIGKILL; the other controller takes over and propagates the next change. Everything runs as a user runs it: the
 * shaded jar and kubectl as processes.
 */
@Tag("real-api-servers")
@EnableFleetSandbox(clusters = {"dev1", "dev2", "dev3"})
class ControllerCommandIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir
  static Path dir;

  /** Started for the class by {@code @EnableFleetSandbox}. */
  static FleetSandbox sandbox;

  /** KubeFed's core CRDs the controller reads, the namespace, and a KubeFedConfig with short election durations. */
  private static final String KUBEFED_CORE = crd("FederatedTypeConfig", "federatedtypeconfigs")
      + crd("KubeFedConfig", "kubefedconfigs") + crd("KubeFedCluster", "kubefedclusters") + """
      ---
      apiVersion: v1
      kind: Namespace
      metadata:
        name: kube-federation-system
      """;

  private static final String KUBEFED_CONFIG = """
      apiVersion: core.kubefed.io/v1beta1
      kind: KubeFedConfig
      metadata:
        name: kubefed
        namespace: kube-federation-system
      spec:
        scope: Cluster
        leaderElect:
          leaseDuration: 4s
          renewDeadline: 3s
          retryPeriod: 1s
      """;

  private static final String SCENARIO = """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: testing-fed
      ---
      apiVersion: types.kubefed.io/v1beta1
      kind: FederatedNamespace
      metadata:
        name: testing-fed
        namespace: testing-fed
      spec:
        placement:
          clusters:
          - name: dev2
          - name: dev3
      ---
      apiVersion: types.kubefed.io/v1beta1
      kind: FederatedDeployment
      metadata:
        name: nginx-fed
        namespace: testing-fed
      spec:
        overrides:
        - clusterName: dev2
          clusterOverrides:
          - path: /spec/replicas
            value: 2
        - clusterName: dev3
          clusterOverrides:
          - path: /spec/replicas
            value: 3
        placement:
          clusters:
          - name: dev2
          - name: dev3
        template:
          metadata:
            labels:
              app: nginx%s
            namespace: testing-fed
          spec:
            replicas: 1
            selector:
              matchLabels:
                app: nginx
            template:
              metadata:
                labels:
                  app: nginx
              spec:
                containers:
                - image: nginx
                  name: nginx
      """;

  private static final String GIT_CLONE_TASK = """
      apiVersion: tekton.dev/v1
      kind: Task
      metadata:
        name: git-clone
        namespace: testing-fed
      spec:
        params:
        - name: url
          type: string
        workspaces:
        - name: output
        steps:
        - name: clone
          image: alpine/git
          script: git clone $(params.url) $(workspaces.output.path)
      """;

  private static final String TASK_RUN = """
      apiVersion: types.kubefed.io/v1beta1
      kind: FederatedTaskRun
      metadata:
        name: git-clone-test
        namespace: testing-fed
      spec:
        placement:
          clusters:
          - name: dev2
        template:
          metadata:
            namespace: testing-fed
          spec:
            workspaces:
            - name: output
              emptyDir: {}
            taskRef:
              name: git-clone
            params:
            - name: url
              value: https://github.com/kelseyhightower/nocode
      """;

  private static String crd(String kind, String plural) {
    return """
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: %2$s.core.kubefed.io
        spec:
          group: core.kubefed.io
          scope: Namespaced
          names: {kind: %1$s, listKind: %1$sList, plural: %2$s, singular: %3$s}
          versions:
          - name: v1beta1
            served: true
            storage: true
            subresources: {status: {}}
            schema:
              openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
        """.formatted(kind, plural, kind.toLowerCase());
  }

  @Test
  @DisplayName("kubectl apply to the host, two fleetfed controller processes: copies at 2 and 3 replicas, status on"
      + " the Federated objects, git-clone-test Succeeded on dev2, and the standby takes over a killed leader")
  void scenarioThroughKubectl() throws Exception {
    Optional<Path> found = Kubectl.path();
    Assumptions.assumeTrue(found.isPresent(), "kubectl is not on the PATH");
    Path kubeconfig = sandbox.kubeconfig();

    // KubeFed's core CRDs, then (once served) the KubeFedConfig, then the types as fleetfed enable prints them
    kubectlApply("dev1", write("kubefed-core.yaml", KUBEFED_CORE));
    Path config = write("kubefedconfig.yaml", KUBEFED_CONFIG);
    Await.until(WAIT, "the host to serve KubeFedConfigs", () -> kubectl("--context", "dev1", "apply", "-f",
        config.toString()).exitCode() == 0);
    FleetfedJar.Result enable = FleetfedJar.run(dir, "enable", "configmaps", "deployments.apps", "namespaces",
        "taskruns.tekton.dev");
    assertThat(enable.exitCode()).as(enable.stderr()).isZero();
    Path types = write("types.yaml", enable.stdout());
    Await.until(WAIT, "the federated CRDs and FederatedTypeConfigs applied", () -> kubectl("--context", "dev1",
        "apply", "-f", types.toString()).exitCode() == 0);

    try (TektonSimulator tekton = TektonSimulator.builder().clusters(sandbox.clusters())
        .defaults(RunScript.succeedsAfter(Duration.ofMillis(200))).start()) {
      List<FleetfedJar.Running> controllers = new ArrayList<>();
      try {
        for (String id : List.of("replica-a", "replica-b")) {
          controllers.add(FleetfedJar.start(dir, "controller", "--kubeconfig", kubeconfig.toString(), "--context",
              "dev1", "--metrics-addr", "127.0.0.1:0", "--id", id));
        }
        for (FleetfedJar.Running c : controllers) {
          String serving = c.awaitErrLine("serving /healthz /readyz /metrics on ", WAIT);
          URI base = URI.create("http://" + serving.substring(serving.lastIndexOf(' ') + 1));
          assertThat(get(base.resolve("/healthz")).statusCode()).isEqualTo(200);
          assertThat(get(base.resolve("/metrics")).body()).contains("# TYPE");
        }
        for (String member : List.of("dev2", "dev3")) {
          FleetfedJar.Result join = FleetfedJar.run(dir, "join", member, "--host-cluster-context", "dev1",
              "--kubeconfig", kubeconfig.toString());
          assertThat(join.exitCode()).as(join.stderr()).isZero();
        }

        kubectlApply("dev1", write("scenario.yaml", SCENARIO.formatted("")));

        Await.until(WAIT, "nginx-fed with 2 replicas on dev2 and 3 on dev3", () -> replicas("dev2").equals("2")
            && replicas("dev3").equals("3"));
        Await.until(WAIT, "nginx-fed's status: Propagation True on dev2 and dev3", () -> propagated("nginx-fed",
            "federateddeployment", List.of("dev2", "dev3")));
        JsonNode deployment = getYaml("dev1", "federateddeployment", "nginx-fed");
        assertThat(deployment.at("/metadata/finalizers").toString()).contains("kubefed.io/sync-controller");
        assertThat(deployment.at("/status/observedGeneration").asLong())
            .isEqualTo(deployment.at("/metadata/generation").asLong());
        Await.until(WAIT, "testing-fed's status: Propagation True", () -> propagated("testing-fed",
            "federatednamespace", List.of("dev2", "dev3")));

        // the write-up pre-creates the git-clone Task on the member by hand
        kubectlApply("dev2", write("git-clone.yaml", GIT_CLONE_TASK));
        kubectlApply("dev1", write("taskrun.yaml", TASK_RUN));
        Await.until(WAIT, "git-clone-test Succeeded on dev2", () -> "True".equals(kubectl("--context", "dev2",
            "get", "taskrun", "git-clone-test", "-n", "testing-fed", "-o",
            "jsonpath={.status.conditions[?(@.type==\"Succeeded\")].status}").stdout().strip()));
        assertThat(kubectl("--context", "dev3", "get", "taskrun", "git-clone-test", "-n", "testing-fed")
            .exitCode()).as("git-clone-test is placed on dev2 only").isNotZero();
        Await.until(WAIT, "git-clone-test's status: Propagation True on dev2", () -> propagated("git-clone-test",
            "federatedtaskrun", List.of("dev2")));

        // kill -9 the leader: the other controller takes over and propagates the next change
        FleetfedJar.Running leader = leader(controllers);
        FleetfedJar.Running standby = controllers.get(1 - controllers.indexOf(leader));
        leader.kill();
        controllers.remove(leader);
        // a new label in the template (not a list: the mock's merge patch appends to lists, a real server's replaces)
        kubectlApply("dev1", write("scenario-2.yaml", SCENARIO.formatted("\n        tier: web")));

        try {
          Await.until(WAIT, "nginx-fed labelled tier=web on dev2 and dev3, propagated by the standby",
              () -> label("dev2").equals("web") && label("dev3").equals("web"));
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + "; the standby logged: " + String.join("\n",
              standby.stderrLines()) + "\nthe leader logged: " + String.join("\n", leader.stderrLines()), e);
        }
        assertThat(standby.stderrLines()).anyMatch(l -> l.contains("STARTED_LEADING"));
        assertThat(replicas("dev2")).isEqualTo("2");
        assertThat(replicas("dev3")).isEqualTo("3");
        Await.until(WAIT, "nginx-fed's status for the new generation", () -> {
          JsonNode d = getYaml("dev1", "federateddeployment", "nginx-fed");
          return d.at("/status/observedGeneration").asLong() == d.at("/metadata/generation").asLong();
        });
        assertThat(kubectl("--context", "dev2", "get", "taskruns", "-n", "testing-fed", "-o", "name").stdout()
            .lines()).as("the TaskRun was not created twice").containsExactly("taskrun.tekton.dev/git-clone-test");

        // SIGTERM: the controller releases the Lease and exits 0
        FleetfedJar.Result stopped = standby.stop();
        controllers.remove(standby);
        assertThat(stopped.exitCode()).as(stopped.stderr()).isZero();
        assertThat(stopped.stderr()).contains("STOPPED_LEADING").containsPattern("controller replica-[ab] stopped");
        assertThat(stopped.stderr()).doesNotContain("token").doesNotContain("BEGIN");
      } finally {
        for (FleetfedJar.Running c : controllers) {
          c.kill();
        }
      }
    }
  }

  /** The controller that logged that it leads. */
  private static FleetfedJar.Running leader(List<FleetfedJar.Running> controllers) {
    Await.until(WAIT, "one controller to lead", () -> controllers.stream().anyMatch(ControllerCommandIT::leads));
    List<FleetfedJar.Running> leading = controllers.stream().filter(ControllerCommandIT::leads).toList();
    assertThat(leading).as("exactly one controller leads").hasSize(1);
    return leading.get(0);
  }

  private static boolean leads(FleetfedJar.Running c) {
    return c.stderrLines().stream().anyMatch(l -> l.contains("STARTED_LEADING"));
  }

  private static String replicas(String cluster) {
    FleetfedJar.Result r = kubectl("--context", cluster, "get", "deployment", "nginx-fed", "-n", "testing-fed", "-o",
        "jsonpath={.spec.replicas}");
    return r.exitCode() == 0 ? r.stdout().strip() : "";
  }

  private static String label(String cluster) {
    FleetfedJar.Result r = kubectl("--context", cluster, "get", "deployment", "nginx-fed", "-n", "testing-fed", "-o",
        "jsonpath={.metadata.labels.tier}");
    return r.exitCode() == 0 ? r.stdout().strip() : "";
  }

  /** Whether kubectl shows status Propagation True and exactly {@code clusters} on the Federated object. */
  private static boolean propagated(String name, String resource, List<String> clusters) {
    JsonNode o = getYaml("dev1", resource, name);
    if (o == null) {
      return false;
    }
    boolean propagation = false;
    for (JsonNode c : o.at("/status/conditions")) {
      propagation |= c.path("type").asText().equals("Propagation") && c.path("status").asText().equals("True");
    }
    List<String> names = new ArrayList<>();
    o.at("/status/clusters").forEach(c -> names.add(c.path("name").asText()));
    return propagation && names.equals(clusters);
  }

  /** {@code kubectl get -o yaml}, parsed; null when it is not there (yet). */
  private static JsonNode getYaml(String context, String resource, String name) {
    FleetfedJar.Result r = kubectl("--context", context, "get", resource, name, "-n", "testing-fed", "-o", "yaml");
    if (r.exitCode() != 0) {
      return null;
    }
    try {
      return YAML.readTree(r.stdout());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static void kubectlApply(String context, Path file) {
    FleetfedJar.Result r = kubectl("--context", context, "apply", "-f", file.toString());
    assertThat(r.exitCode()).as("kubectl apply -f %s: %s", file.getFileName(), r.stderr()).isZero();
  }

  /** Runs kubectl against the sandbox's kubeconfig, as a process. */
  private static FleetfedJar.Result kubectl(String... args) {
    return Kubectl.run(sandbox.kubeconfig(), args);
  }

  private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
