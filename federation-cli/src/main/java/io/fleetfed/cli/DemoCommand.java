package io.fleetfed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.controller.ControllerEvent;
import io.fleetfed.controller.FederationController;
import io.fleetfed.controller.LeaderElection;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.cluster.ResourceContexts;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.kubefed.FederatedCrds;
import io.fleetfed.core.kubefed.FederatedTypeConfig;
import io.fleetfed.core.kubefed.KubeFedYaml;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.tekton.DispatchRequest;
import io.fleetfed.tekton.RunDispatcher;
import io.fleetfed.tekton.RunHandle;
import io.fleetfed.tekton.RunPhase;
import io.fleetfed.tekton.RunStatus;
import io.fleetfed.tekton.TektonTypes;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.RunScript;
import io.fleetfed.testkit.TektonRelease;
import io.fleetfed.testkit.TektonSimulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fleetfed demo}: the reference scenario end to end on an in-process fleet, with a simulated Tekton on the
 * members, in a few seconds.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "Replays the reference scenario end to end on an in-process fleet started for the command (three Kubernetes"
            + " API servers on 127.0.0.1: dev1, the host, and dev2 and dev3, which run a simulated Tekton whose runs"
            + " take a fraction of a second), then stops it. Nothing outside the process is touched.",
        "Steps: (1) join dev1, dev2 and dev3 to the host dev1 as kubefedctl join does; (2) enable the Tekton types"
            + " (federated CRDs that keep spec.template); (3) federate the namespace testing-fed to dev1 and dev2;"
            + " (4) nginx-fed with 2 replicas on dev1 and 3 on dev2; (5) the git-clone Task and the TaskRun"
            + " git-clone-test on dev2, until Succeeded; (6) the host-cluster controller (fleetfed controller)"
            + " propagating a FederatedConfigMap created in the host, as kubectl apply would, and writing its status;"
            + " (7) a PipelineRun dispatched by the RunDispatcher, which chooses the member, with its progress and"
            + " logs; (8) what each cluster holds.",
        "With --tekton-version, dev2 and dev3 play that Tekton release (0.24: tekton.dev/v1alpha1 and v1beta1 only,"
            + " as in the scenario): every Tekton object and run reaches each member in a version it serves,"
            + " converted from the scenario's. Give CLUSTER=RELEASE for a mixed fleet, such as dev2=0.24 (dev3 stays"
            + " current); a PipelineRun is then dispatched to each member."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every step succeeded", "3:some step failed (its error says which and why)",
        "1:unexpected failure"})
final class DemoCommand implements Callable<Integer> {
  private static final String HOST = "dev1";
  private static final List<String> CLUSTERS = List.of("dev1", "dev2", "dev3");
  private static final List<String> RUNNERS = List.of("dev2", "dev3");
  private static final String RESOURCES = "demo/";
  private static final int STEPS = 8;
  private static final String NAMESPACE = "testing-fed";
  private static final String CI = "ci";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String FEDERATION_NAMESPACE = ClusterFleet.DEFAULT_FEDERATION_NAMESPACE;
  private static final ResourceDefinitionContext KUBEFED_CLUSTERS = ResourceContexts.of(
      ResourceType.namespaced("core.kubefed.io", "v1beta1", "KubeFedCluster", "kubefedclusters"));
  private static final ResourceDefinitionContext TYPE_CONFIGS = ResourceContexts.of(HostObjects.TYPE_CONFIGS);
  private static final String DIGEST = "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec
  private CommandSpec spec;

  @Option(names = "--tekton-version", paramLabel = "RELEASE|CLUSTER=RELEASE", split = ",",
      description = "The Tekton release dev2 and dev3 play: 0.24 or current (the default); CLUSTER=RELEASE for one"
          + " of them, such as dev2=0.24 for a fleet mid-upgrade. Repeatable.")
  private List<String> tektonVersions = new ArrayList<>();

  /** The release each runner plays. */
  private final Map<String, TektonRelease> releases = new LinkedHashMap<>();

  private PrintWriter out;
  private PrintWriter err;
  private int step;
  private long stepStarted;
  private FleetSandbox sandbox;
  private boolean ok = true;

  @Override
  public Integer call() {
    out = spec.commandLine().getOut();
    err = spec.commandLine().getErr();
    List<Violation> problems = new ArrayList<>();
    releases.putAll(releases(tektonVersions, problems));
    if (!problems.isEmpty()) {
      return Problems.report(new ValidationException(problems), err);
    }
    long started = System.nanoTime();
    out.println("fleetfed demo: the reference scenario on an in-process fleet: dev1 is the host; dev2 and dev3 run"
        + " a simulated Tekton" + (tektonVersions.isEmpty() ? "" : " (" + String.join(", ", RUNNERS.stream()
            .map(r -> r + " " + releases.get(r).label()).toList()) + ")"));
    FleetSandbox.Builder sandboxes = FleetSandbox.builder().clusters(CLUSTERS);
    releases.forEach(sandboxes::tektonCrds);
    try (FleetSandbox sandbox = sandboxes.start()) {
      TektonSimulator tekton = simulator(sandbox);
      try (ClusterFleet fleet = sandbox.fleet().host(HOST).libraryTimings().build()) {
        scenario(sandbox, fleet);
      } finally {
        tekton.close();
      }
    } catch (FederationException | KubernetesClientException e) {
      out.flush();
      Problems.error(err, "step " + step + " failed: " + e.getMessage());
      err.flush();
      return Main.CLUSTER_FAILED;
    } finally {
      out.flush();
    }
    out.println();
    out.println("demo " + (ok ? "succeeded" : "FAILED") + " in " + seconds(started) + (ok ? ""
        : ": see the lines marked FAILED above"));
    out.flush();
    return ok ? 0 : Main.CLUSTER_FAILED;
  }

  /**
   * The simulated Tekton of dev2 and dev3: each run is pending for a moment, runs for a few hundred milliseconds
   * and succeeds; the steps of the scenario's Tasks log what they would do.
   */
  private TektonSimulator simulator(FleetSandbox sandbox) {
    Duration pending = Duration.ofMillis(100);
    Duration running = Duration.ofMillis(300);
    TektonSimulator.Builder simulated = TektonSimulator.builder();
    releases.forEach(simulated::release);
    return simulated.clusters(RUNNERS.stream().map(sandbox::cluster).toList())
        .defaults(RunScript.succeedsAfter(running).withStartDelay(pending))
        .task("git-clone", RunScript.succeedsAfter(running).withStartDelay(pending).withLog("clone",
            "Cloning into '/workspace/output'... (simulated)\n"
                + "Cloned https://github.com/kelseyhightower/nocode at 6c073b0\n"))
        .task("fetch-source", RunScript.succeedsAfter(running).withStartDelay(pending).withLog("clone",
            "Cloning into '/workspace/source'... (simulated)\n"))
        .task("build", RunScript.succeedsAfter(running).withStartDelay(pending)
            .withResults(Map.of("image-digest", DIGEST))
            .withLog("compile", "go build ./... (simulated): ok\n")
            .withLog("image", "pushed registry.example/nocode@" + DIGEST + "\n"))
        .task("test", RunScript.succeedsAfter(running).withStartDelay(pending).withLog("unit",
            "ok   nocode   0.004s (simulated)\n"))
        .pipeline("build-and-test", RunScript.succeeds().withResults(Map.of("image-digest", DIGEST)))
        .start();
  }

  /**
   * The release each runner plays: {@code current} unless {@code values} say otherwise; a bare release is every
   * runner's, {@code CLUSTER=RELEASE} one runner's (read as {@code fleetfed sandbox --tekton} reads it).
   */
  static Map<String, TektonRelease> releases(List<String> values, List<Violation> problems) {
    Map<String, TektonRelease> releases = new LinkedHashMap<>();
    RUNNERS.forEach(r -> releases.put(r, TektonRelease.CURRENT));
    List<String> perCluster = new ArrayList<>();
    for (String value : values) {
      if (value.contains("=")) {
        perCluster.add(value);
        continue;
      }
      try {
        TektonRelease release = TektonRelease.parse(value);
        RUNNERS.forEach(r -> releases.put(r, release));
      } catch (IllegalArgumentException e) {
        problems.add(new Violation(Optional.empty(), Optional.empty(), Optional.of("--tekton-version"),
            "\"" + value + "\": " + e.getMessage()));
      }
    }
    releases.putAll(SandboxCommand.tektonReleases(perCluster, RUNNERS, problems, "--tekton-version"));
    return releases;
  }

  /** The scenario on {@code fleet}; what each cluster holds is read with the sandbox's own (admin) clients. */
  private void scenario(FleetSandbox sandbox, ClusterFleet fleet) {
    this.sandbox = sandbox;
    KubernetesClient host = sandbox.cluster(HOST).client();
    List<FederatedResource> objects = KubeFedYaml.read(RESOURCES + "scenario.yaml", resource("scenario.yaml"),
        TypeRegistry.standard()).resources();

    step("Join dev1, dev2 and dev3 to the host dev1, as kubefedctl join does");
    join(fleet, host);

    step("Enable the Tekton types in the host dev1: each one's federated CRD and FederatedTypeConfig, as"
        + " fleetfed enable prints them");
    enable(host);

    step("Federate the namespace " + NAMESPACE + " to dev1 and dev2");
    propagate(fleet, objects.get(0));
    line("dev3 is outside its placement: no object of " + NAMESPACE + " goes there");
    done();

    step("Federate the Deployment nginx-fed: 2 replicas on dev1, 3 on dev2 (overrides of the template's 1)");
    propagate(fleet, objects.get(1));
    for (String c : CLUSTERS) {
      Deployment d = sandbox.cluster(c).client().apps().deployments().inNamespace(NAMESPACE).withName("nginx-fed").get();
      Integer replicas = d == null ? null : d.getSpec().getReplicas();
      Integer expected = c.equals("dev1") ? Integer.valueOf(2) : c.equals("dev2") ? Integer.valueOf(3) : null;
      line(c + ": " + (d == null ? "no nginx-fed" : "nginx-fed with " + replicas + " replicas")
          + (Objects.equals(replicas, expected) ? "" : " FAILED (expected " + expected + ")"));
      check(Objects.equals(replicas, expected));
    }
    done();

    step("Federate the Task git-clone to dev2 (no hand work on the member), then the TaskRun git-clone-test");
    propagate(fleet, objects.get(2));
    propagate(fleet, objects.get(3));
    taskRun(fleet);

    step("The host-cluster controller (fleetfed controller): a FederatedConfigMap created in the host dev1, as"
        + " kubectl apply does, is propagated, with KubeFed's status written back");
    controller(host);

    step("Dispatch a PipelineRun: the RunDispatcher chooses the member that runs it" + (mixed()
        ? "; then one to the other member, which plays another Tekton release" : ""));
    try (RunDispatcher dispatcher = RunDispatcher.builder(fleet).build()) {
      dispatch(fleet, host, dispatcher);

      step("What each cluster holds");
      clusters(fleet);
    }
  }

  // ---- the steps ----------------------------------------------------------------------------------

  private void join(ClusterFleet fleet, KubernetesClient host) {
    for (String c : CLUSTERS) {
      ClusterState joined = fleet.join(c);
      line("kubefedctl join " + c + " --host-cluster-context " + HOST + ": ServiceAccount " + FEDERATION_NAMESPACE
          + "/" + c + "-" + HOST + " in " + c + ", KubeFedCluster " + FEDERATION_NAMESPACE + "/" + c + " in " + HOST
          + ": " + ClustersCommand.health(joined.health()));
    }
    line("$ kubectl --context " + HOST + " -n " + FEDERATION_NAMESPACE + " get kubefedclusters");
    Table table = new Table("NAME", "READY", "REASON");
    for (String c : CLUSTERS) {
      // the fleet writes each member's health to its KubeFedCluster's status after its first probe
      GenericKubernetesResource kfc = host.genericKubernetesResources(KUBEFED_CLUSTERS)
          .inNamespace(FEDERATION_NAMESPACE).withName(c)
          .waitUntilCondition(r -> r != null && ready(r).isPresent(), WAIT.toSeconds(), TimeUnit.SECONDS);
      JsonNode condition = ready(kfc).orElseThrow();
      table.row(c, condition.path("status").asText(), condition.path("reason").asText());
      check(condition.path("status").asText().equals("True"));
    }
    table(table);
    done();
  }

  /**
   * Runs a {@link FederationController} on the host while a FederatedConfigMap is created there, as {@code kubectl
   * apply} would: the controller propagates it and writes KubeFed's status, which is shown as kubectl shows it.
   */
  private void controller(KubernetesClient host) {
    FederatedTypeConfig config = TypeRegistry.standard().lookup("configmaps");
    List<ObjectNode> documents = FederatedCrds.enable(config);
    host.apiextensions().v1().customResourceDefinitions()
        .resource(JSON.convertValue(documents.get(0), CustomResourceDefinition.class)).create();
    host.genericKubernetesResources(TYPE_CONFIGS).inNamespace(FEDERATION_NAMESPACE)
        .resource(JSON.convertValue(documents.get(1), GenericKubernetesResource.class)).create();
    line("$ kubectl --context " + HOST + " apply -f <(fleetfed enable configmaps)");
    CountDownLatch running = new CountDownLatch(1);
    try (FederationController controller = FederationController.builder().kubeconfig(sandbox.kubeconfig(), HOST)
        .identity("demo-controller").leaderElection(LeaderElection.DEFAULT.withEnabled(false)).build()) {
      controller.addListener(e -> {
        if (e.type() == ControllerEvent.Type.TYPE_STARTED && e.subject().equals(config.name())) {
          running.countDown();
        }
      });
      controller.start();
      try {
        if (!running.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
          throw new FederationException("the controller did not lead and start " + config.name() + " within "
              + WAIT.toSeconds() + " s: " + controller.state());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FederationException("interrupted waiting for the controller");
      }
      line("$ fleetfed controller --context " + HOST + " --id demo-controller   # one replica here: it leads at"
          + " once (with two, one leads on Lease " + FEDERATION_NAMESPACE + "/fleetfed-controller)");
      GenericKubernetesResource settings = new GenericKubernetesResource();
      settings.setApiVersion(config.federated().apiVersion());
      settings.setKind(config.federated().kind());
      settings.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("pipeline-settings")
          .withNamespace(NAMESPACE).build());
      settings.setAdditionalProperty("spec", Map.of(
          "template", Map.of("data", Map.of("registry", "registry.example")),
          "placement", Map.of("clusters", List.of(Map.of("name", "dev2"), Map.of("name", "dev3")))));
      var federated = host.genericKubernetesResources(ResourceContexts.of(config.federated())).inNamespace(NAMESPACE);
      federated.resource(settings).create();
      line("$ kubectl --context " + HOST + " apply -f pipeline-settings.yaml   # a FederatedConfigMap for dev2 and"
          + " dev3");
      GenericKubernetesResource done = federated.withName("pipeline-settings").waitUntilCondition(
          o -> o != null && propagation(o).map(c -> c.path("status").asText().equals("True")).orElse(false),
          WAIT.toSeconds(), TimeUnit.SECONDS);
      JsonNode tree = JSON.valueToTree(done);
      List<String> clusters = new ArrayList<>();
      tree.at("/status/clusters").forEach(c -> clusters.add(c.path("name").asText()));
      line("$ kubectl --context " + HOST + " -n " + NAMESPACE + " get federatedconfigmap pipeline-settings -o yaml");
      line("  finalizers: " + tree.at("/metadata/finalizers"));
      line("  status: Propagation " + propagation(done).map(c -> c.path("status").asText()).orElse("?")
          + ", clusters " + clusters + ", observedGeneration " + tree.at("/status/observedGeneration").asText());
      check(clusters.equals(List.of("dev2", "dev3")));
      for (String c : CLUSTERS) {
        var copy = sandbox.cluster(c).client().configMaps().inNamespace(NAMESPACE).withName("pipeline-settings")
            .get();
        boolean expected = !c.equals(HOST);
        line(c + ": " + (copy == null ? "no pipeline-settings" : "ConfigMap " + NAMESPACE
            + "/pipeline-settings, registry=" + copy.getData().get("registry"))
            + ((copy != null) == expected ? "" : " FAILED"));
        check((copy != null) == expected);
      }
    }
    line("controller stopped: it writes no more");
    done();
  }

  private static Optional<JsonNode> propagation(GenericKubernetesResource federated) {
    for (JsonNode c : JSON.valueToTree(federated).path("status").path("conditions")) {
      if (c.path("type").asText().equals("Propagation")) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  private static Optional<JsonNode> ready(GenericKubernetesResource kfc) {
    for (JsonNode c : JSON.valueToTree(kfc).path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  private void enable(KubernetesClient host) {
    // KubeFed's chart installs its core CRDs (FederatedTypeConfig, KubeFedConfig…) in the host, as fleetfed install
    // prints them; the host serves FederatedTypeConfigs only once they are there
    List<CustomResourceDefinition> core = new ArrayList<>();
    for (ObjectNode crd : documents(installResource("crds.yaml"))) {
      core.add(JSON.convertValue(crd, CustomResourceDefinition.class));
    }
    sandbox.cluster(HOST).registerCrds(core);
    line("$ fleetfed install | kubectl --context " + HOST + " apply -f -   # KubeFed's " + core.size()
        + " core CRDs, as its chart installs them (only those, here)");
    TypeRegistry registry = TypeRegistry.standard();
    Table table = new Table("TYPE", "FEDERATED CRD", "FEDERATEDTYPECONFIG", "SPEC.TEMPLATE");
    boolean allKept = true;
    for (ResourceType type : TektonTypes.ALL) {
      FederatedTypeConfig config = registry.lookup(type.qualifiedName());
      List<ObjectNode> documents = FederatedCrds.enable(config);
      var crds = host.apiextensions().v1().customResourceDefinitions();
      crds.resource(JSON.convertValue(documents.get(0), CustomResourceDefinition.class)).create();
      host.genericKubernetesResources(TYPE_CONFIGS).inNamespace(FEDERATION_NAMESPACE)
          .resource(JSON.convertValue(documents.get(1), GenericKubernetesResource.class)).create();
      JsonNode stored = JSON.valueToTree(crds.withName(config.crdName()).get());
      JsonNode template = stored.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/template");
      boolean kept = template.path("type").asText().equals("object")
          && template.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
      allKept &= kept;
      table.row(type.kind(), config.crdName(), FEDERATION_NAMESPACE + "/" + config.name(),
          kept ? "kept" : "MISSING (FAILED)");
    }
    table(table);
    check(allKept);
    line("each federated CRD declares spec.template (type object, x-kubernetes-preserve-unknown-fields), so the"
        + " KubeFed trap is gone: no CRD to edit by hand, members never receive empty Tekton objects");
    done();
  }

  private void propagate(ClusterFleet fleet, FederatedResource resource) {
    PropagationResult result = fleet.propagate(resource);
    List<String> clusters = new ArrayList<>();
    for (ClusterOutcome o : result.clusters().values()) {
      clusters.add(o.cluster() + " " + (o.isOk() ? o.action().name().toLowerCase(Locale.ROOT)
          : "FAILED (" + o.status().reason() + o.message().map(m -> ": " + m).orElse("") + ")"));
    }
    line(result.key() + ": " + (clusters.isEmpty() ? "placed on no cluster" : String.join(", ", clusters))
        + result.problem().map(p -> " FAILED: " + p).orElse(""));
    check(result.isSuccess() && !clusters.isEmpty());
  }

  private void taskRun(ClusterFleet fleet) {
    KubernetesClient dev2 = sandbox.cluster("dev2").client();
    ResourceType taskRuns = fleet.versionOn("dev2", TektonTypes.TASK_RUN).type();   // the version dev2 serves
    var run = dev2.genericKubernetesResources(ResourceContexts.of(taskRuns)).inNamespace(NAMESPACE)
        .withName("git-clone-test");
    String[] last = {""};
    GenericKubernetesResource ended = run.waitUntilCondition(r -> {
      JsonNode condition = succeeded(r);
      String status = condition.path("status").asText();
      String line = "TaskRun " + NAMESPACE + "/git-clone-test on dev2: " + (status.isEmpty() ? "created"
          : "Succeeded=" + status + " (" + condition.path("reason").asText() + ")");
      synchronized (last) {
        if (r != null && !line.equals(last[0])) {
          last[0] = line;
          line(line);
        }
      }
      return status.equals("True") || status.equals("False");
    }, WAIT.toSeconds(), TimeUnit.SECONDS);
    JsonNode tree = JSON.valueToTree(ended);
    JsonNode condition = succeeded(ended);
    if (!taskRuns.equals(TektonTypes.TASK_RUN)) {
      boolean converted = ended.getApiVersion().equals(taskRuns.apiVersion());
      line("git-clone-test is " + ended.getApiVersion() + " on dev2: Tekton " + releases.get("dev2").label()
          + " serves no " + TektonTypes.TASK_RUN.apiVersion() + ", so fleetfed converted it"
          + (converted ? "" : " FAILED (expected " + taskRuns.apiVersion() + ")"));
      check(converted);
    }
    line("$ kubectl --context dev2 -n " + NAMESPACE + " get taskrun git-clone-test");
    Table table = new Table("NAME", "SUCCEEDED", "REASON", "DURATION");
    table.row("git-clone-test", condition.path("status").asText(), condition.path("reason").asText(),
        RunReport.duration(instant(tree.at("/status/startTime")), instant(tree.at("/status/completionTime"))));
    table(table);
    check(condition.path("reason").asText().equals("Succeeded"));
    String pod = tree.at("/status/podName").asText();
    for (JsonNode s : tree.at("/status/steps")) {
      String log = pod.isEmpty() ? "" : dev2.pods().inNamespace(NAMESPACE).withName(pod)
          .inContainer(s.path("container").asText("step-" + s.path("name").asText())).getLog();
      for (String l : (log == null ? "" : log).split("\n")) {
        if (!l.isEmpty()) {
          line("[" + s.path("name").asText() + "] " + l);
        }
      }
    }
    boolean onDev1 = sandbox.cluster("dev1").client().genericKubernetesResources(ResourceContexts.of(TektonTypes.TASK_RUN))
        .inNamespace(NAMESPACE).withName("git-clone-test").get() != null;
    line(onDev1 ? "dev1 holds git-clone-test too: FAILED" : "dev1 holds no git-clone-test: its placement is dev2"
        + " only");
    check(!onDev1);
    done();
  }

  /** Whether dev2 and dev3 play different Tekton releases. */
  private boolean mixed() {
    return releases.values().stream().distinct().count() > 1;
  }

  private void dispatch(ClusterFleet fleet, KubernetesClient host, RunDispatcher dispatcher) {
    host.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(CI).endMetadata().build()).create();
    List<String> created = new ArrayList<>();
    for (ObjectNode o : documents(resource("pipeline.yaml"))) {
      ResourceType type = o.path("kind").asText().equals("Pipeline") ? TektonTypes.PIPELINE : TektonTypes.TASK;
      host.genericKubernetesResources(ResourceContexts.of(type)).inNamespace(CI)
          .resource(JSON.convertValue(o, GenericKubernetesResource.class)).create();
      created.add(type.kind() + " " + CI + "/" + o.path("metadata").path("name").asText());
    }
    line("created in the host " + HOST + ": " + String.join(", ", created));
    DispatchRequest request = DispatchRequest.read(RESOURCES + "pipelinerun.yaml", resource("pipelinerun.yaml"))
        .build();
    String first = dispatchOne(fleet, dispatcher, request);
    if (mixed()) {
      String other = RUNNERS.stream().filter(r -> !r.equals(first)).findFirst().orElseThrow();
      ObjectNode second = request.run().deepCopy();
      ((ObjectNode) second.path("metadata")).put("name", "build-and-test-2");
      dispatchOne(fleet, dispatcher, DispatchRequest.builder(second).clusters(other).build());
    }
    done();
  }

  /** Dispatches {@code request} and follows it to its end; the member it ran on. */
  private String dispatchOne(ClusterFleet fleet, RunDispatcher dispatcher, DispatchRequest request) {
    RunHandle handle = dispatcher.dispatch(request);
    RunReport.choice(out, "  ", handle);
    if (!tektonVersions.isEmpty()) {
      ResourceType there = fleet.versionOn(handle.cluster(), TektonTypes.PIPELINE_RUN).type();
      line("created on " + handle.cluster() + " (Tekton " + releases.get(handle.cluster()).label() + ") as "
          + there.apiVersion() + (there.equals(TektonTypes.PIPELINE_RUN) ? "" : ", converted from "
              + TektonTypes.PIPELINE_RUN.apiVersion() + "; its Pipeline and Tasks likewise"));
    }
    CompletableFuture<Void> printed = RunReport.follow(handle, out, "  ");
    handle.streamLogs(RunReport.lines(out, "  "));
    RunStatus outcome = handle.await(WAIT);
    RunReport.awaitPrinted(printed);
    RunReport.summary(out, "  ", outcome);
    check(outcome.phase() == RunPhase.SUCCEEDED);
    return handle.cluster();
  }

  private void clusters(ClusterFleet fleet) {
    Table table = new Table("CLUSTER", "HEALTH", "ROLE", "TEKTON", "NGINX-FED", "TASKRUNS", "PIPELINERUNS");
    for (ClusterState c : fleet.clusters()) {
      KubernetesClient client = sandbox.cluster(c.name()).client();
      Deployment d = client.apps().deployments().inNamespace(NAMESPACE).withName("nginx-fed").get();
      List<String> taskRuns = new ArrayList<>();
      Map<String, Integer> children = new HashMap<>();
      ResourceType taskRunType = fleet.versionOn(c.name(), TektonTypes.TASK_RUN).type();
      ResourceType pipelineRunType = fleet.versionOn(c.name(), TektonTypes.PIPELINE_RUN).type();
      for (GenericKubernetesResource r : client.genericKubernetesResources(ResourceContexts.of(taskRunType))
          .inAnyNamespace().list().getItems()) {
        String parent = r.getMetadata().getLabels() == null ? null
            : r.getMetadata().getLabels().get("tekton.dev/pipelineRun");
        if (parent == null) {
          taskRuns.add(r.getMetadata().getName() + " " + outcome(r));
        } else {
          children.merge(r.getMetadata().getNamespace() + "/" + parent, 1, Integer::sum);
        }
      }
      List<String> pipelineRuns = new ArrayList<>();
      for (GenericKubernetesResource r : client.genericKubernetesResources(
          ResourceContexts.of(pipelineRunType)).inAnyNamespace().list().getItems()) {
        int n = children.getOrDefault(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), 0);
        pipelineRuns.add(r.getMetadata().getName() + " " + outcome(r) + " (" + n + " TaskRun" + (n == 1 ? "" : "s")
            + ")");
      }
      TektonRelease release = releases.get(c.name());
      table.row(c.name(), ClustersCommand.health(c.health()), c.name().equals(HOST) ? "host, member" : "member",
          release == null ? "" : release.label() + " (" + taskRunType.version() + ")",
          d == null ? "" : d.getSpec().getReplicas(), String.join(", ", taskRuns), String.join(", ", pipelineRuns));
    }
    table(table);
    done();
  }

  /** A run's {@code Succeeded} condition reason, or {@code Unknown} before it has one. */
  private static String outcome(GenericKubernetesResource run) {
    String reason = succeeded(run).path("reason").asText();
    return reason.isEmpty() ? "Unknown" : reason;
  }

  // ---- output -------------------------------------------------------------------------------------

  private void step(String title) {
    step++;
    stepStarted = System.nanoTime();
    out.println();
    out.println("[" + step + "/" + STEPS + "] " + title);
    out.flush();
  }

  private void line(String text) {
    out.println("  " + text);
    out.flush();
  }

  private void table(Table table) {
    for (String l : table.toString().split("\n")) {
      line(l);
    }
  }

  private void check(boolean passed) {
    ok &= passed;
  }

  private void done() {
    line("done in " + seconds(stepStarted));
  }

  private static String seconds(long since) {
    return String.format(Locale.ROOT, "%.1fs", (System.nanoTime() - since) / 1e9);
  }

  // ---- reading ------------------------------------------------------------------------------------

  private static JsonNode succeeded(GenericKubernetesResource run) {
    if (run == null) {
      return JSON.missingNode();
    }
    for (JsonNode c : JSON.valueToTree(run).path("status").path("conditions")) {
      if (c.path("type").asText().equals("Succeeded")) {
        return c;
      }
    }
    return JSON.missingNode();
  }

  private static Optional<Instant> instant(JsonNode time) {
    try {
      return time.isTextual() ? Optional.of(Instant.parse(time.asText())) : Optional.empty();
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static String resource(String name) {
    return classpathResource(RESOURCES + name);
  }

  /** One of the documents {@code fleetfed install} prints. */
  private static String installResource(String name) {
    return classpathResource("install/" + name);
  }

  private static String classpathResource(String path) {
    try (InputStream in = DemoCommand.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("fleetfed.jar lacks its resource io/fleetfed/cli/" + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<ObjectNode> documents(String yaml) {
    try {
      List<ObjectNode> docs = new ArrayList<>();
      for (JsonNode doc : YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll()) {
        if (doc instanceof ObjectNode o) {
          docs.add(o);
        }
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
