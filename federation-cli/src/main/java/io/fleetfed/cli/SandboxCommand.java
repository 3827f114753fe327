package io.fleetfed.cli;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.model.ClusterNames;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.SandboxCluster;
import io.fleetfed.testkit.ServerKind;
import io.fleetfed.testkit.TektonRelease;
import io.fleetfed.testkit.TektonSimulator;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fleetfed sandbox}: runs a fleet of Kubernetes API servers (mock or, with --real, real) until interrupted. */
@Command(
    name = "sandbox",
    mixinStandardHelpOptions = true,
    description = {
        "Starts a fleet of Kubernetes API servers, one per cluster, writes a kubeconfig with one context per"
            + " cluster, and serves until interrupted (Ctrl-C or SIGTERM), then stops every server and exits 0. For"
            + " trying fleetfed and kubectl without a cluster. By default each cluster is fabric8's CRUD mock server"
            + " in this process (127.0.0.1, plain http, no authentication, objects in memory); with --real each is a"
            + " real kube-apiserver (one etcd for all, https, an admin token), from KUBEBUILDER_ASSETS or the cache"
            + " that testkit-apiserver/build.sh fills.",
        "Prints one line per cluster (its name and URL), the kubeconfig to export, and last a line starting with"
            + " 'sandbox ready:', which scripts can wait for."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped by SIGINT or SIGTERM",
        "2:invalid input: cluster names, CRD files, --tekton values, a kubeconfig path that cannot be written",
        "1:a server could not start, or --real and the kube-apiserver and etcd binaries are not built"})
final class SandboxCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = "--clusters", required = true, split = ",", paramLabel = "NAME",
      description = "Names of the clusters, which are also their kubeconfig contexts (DNS-1123 labels).")
  private List<String> clusters = new ArrayList<>();

  @Option(names = "--kubeconfig", required = true, paramLabel = "FILE",
      description = "Where to write the kubeconfig; it is replaced if it exists, and kept after the sandbox stops.")
  private Path kubeconfig;

  @Option(names = "--crd", paramLabel = "FILE",
      description = "A YAML or JSON file of CustomResourceDefinitions (apiextensions.k8s.io/v1) to register on every"
          + " cluster, such as Tekton's. Repeatable.")
  private List<Path> crds = new ArrayList<>();

  @Option(names = "--tekton", paramLabel = "CLUSTER=RELEASE",
      description = "Runs a simulated Tekton controller on CLUSTER playing RELEASE (0.24 or current): that"
          + " release's Tekton CRDs are registered there, so the cluster serves its API versions only (0.24:"
          + " tekton.dev/v1alpha1 and v1beta1, no v1), and its TaskRuns and PipelineRuns succeed, reported as that"
          + " release would. Repeatable, one cluster at a time.")
  private List<String> tekton = new ArrayList<>();

  @Option(names = "--real",
      description = "Real kube-apiservers (and one etcd) instead of in-process mock servers: about two seconds and"
          + " 250 MiB per cluster; what they prune, validate or refuse is what a real cluster would.")
  private boolean real;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    FleetSandbox.Builder builder = FleetSandbox.builder().servers(real ? ServerKind.REAL : ServerKind.MOCK);
    List<Violation> problems = new ArrayList<>();
    for (String name : clusters) {
      ClusterNames.problem(name).ifPresent(p -> problems.add(new Violation(Optional.empty(),
          Optional.of("cluster " + name), Optional.of("--clusters"), p)));
    }
    if (problems.isEmpty()) {
      try {
        builder.clusters(clusters);
      } catch (IllegalArgumentException e) {
        problems.add(new Violation(Optional.empty(), Optional.empty(), Optional.of("--clusters"), e.getMessage()));
      }
    }
    for (Path crd : crds) {
      try {
        builder.crdYaml(crd);
      } catch (UncheckedIOException e) {
        problems.add(new Violation(Optional.of(crd.toString()), Optional.empty(), Optional.empty(),
            e.getCause() instanceof NoSuchFileException ? "no such file or directory"
                : "cannot be read: " + e.getCause().getMessage()));
      } catch (IllegalArgumentException e) {
        // the message names the file and the document
        problems.add(new Violation(Optional.empty(), Optional.empty(), Optional.empty(), e.getMessage()));
      }
    }
    Map<String, TektonRelease> releases = tektonReleases(tekton, clusters, problems, "--tekton");
    releases.forEach(builder::tektonCrds);
    if (!problems.isEmpty()) {
      return Problems.report(new ValidationException(problems), err);
    }
    FleetSandbox sandbox;
    try {
      sandbox = builder.kubeconfigFile(kubeconfig).start();
    } catch (UncheckedIOException e) {
      return Problems.report(new ValidationException(List.of(new Violation(Optional.of(kubeconfig.toString()),
          Optional.empty(), Optional.empty(), "the kubeconfig cannot be written: " + e.getCause()))), err);
    } catch (IllegalStateException e) {
      // a server did not start, or --real without the binaries: the message says which and what to do
      Problems.error(err, e.getMessage());
      err.flush();
      return 1;
    }
    TektonSimulator simulator = null;
    if (!releases.isEmpty()) {
      TektonSimulator.Builder simulated = TektonSimulator.builder()
          .clusters(releases.keySet().stream().map(sandbox::cluster).toList());
      releases.forEach(simulated::release);
      try {
        simulator = simulated.start();
      } catch (RuntimeException e) {
        sandbox.close();
        Problems.error(err, "the simulated Tekton did not start: " + e.getMessage());
        err.flush();
        return 1;
      }
    }
    TektonSimulator tektonSimulator = simulator;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(tektonSimulator, sandbox, out, err),
        "fleetfed-sandbox-stop"));
    int width = sandbox.clusterNames().stream().mapToInt(String::length).max().orElse(0);
    for (SandboxCluster cluster : sandbox.clusters()) {
      out.println(cluster.name() + " ".repeat(width - cluster.name().length() + 3) + cluster.url());
    }
    releases.forEach((cluster, release) -> out.println("simulated Tekton " + release.label() + " on " + cluster));
    out.println("export KUBECONFIG=" + sandbox.kubeconfig());
    out.println("sandbox ready: " + sandbox.clusters().size() + (real ? " real" : "") + " cluster"
        + (sandbox.clusters().size() == 1 ? "" : "s") + " (" + String.join(", ", sandbox.clusterNames())
        + "); stop it with Ctrl-C");
    out.flush();
    new CountDownLatch(1).await();   // serves until the JVM is told to stop; the shutdown hook closes the sandbox
    return 0;
  }

  /**
   * Reads {@code CLUSTER=RELEASE} values of {@code flag} ({@code --tekton}): each cluster one of {@code clusters},
   * given once, and a release {@link TektonRelease#parse} knows; what is wrong is added to {@code problems}, naming
   * the flag.
   *
   * @return the releases by cluster, in the order given
   */
  static Map<String, TektonRelease> tektonReleases(List<String> values, List<String> clusters,
      List<Violation> problems, String flag) {
    Map<String, TektonRelease> releases = new LinkedHashMap<>();
    for (String value : values) {
      int eq = value.indexOf('=');
      String cluster = eq < 0 ? "" : value.substring(0, eq).trim();
      String problem = null;
      TektonRelease release = null;
      if (eq <= 0 || eq == value.length() - 1) {
        problem = "\"" + value + "\" is not CLUSTER=RELEASE, such as dev2=0.24";
      } else if (!clusters.contains(cluster)) {
        problem = "\"" + value + "\" names none of the clusters (" + String.join(", ", clusters) + ")";
      } else if (releases.containsKey(cluster)) {
        problem = "\"" + value + "\" gives cluster " + cluster + " a second release";
      } else {
        try {
          release = TektonRelease.parse(value.substring(eq + 1));
        } catch (IllegalArgumentException e) {
          problem = "\"" + value + "\": " + e.getMessage();
        }
      }
      if (problem != null) {
        problems.add(new Violation(Optional.empty(), Optional.empty(), Optional.of(flag), problem));
      } else {
        releases.put(cluster, release);
      }
    }
    return releases;
  }

  /**
   * Closes the simulator and the sandbox when the JVM is told to stop (SIGINT, SIGTERM), then ends the JVM with 0: being stopped
   * is how a sandbox ends, not a failure (the JVM's own code would be 130 or 143).
   */
  private static void stop(TektonSimulator simulator, FleetSandbox sandbox, PrintWriter out, PrintWriter err) {
    int code = 0;
    try {
      out.flush();
      if (simulator != null) {
        simulator.close();
      }
      sandbox.close();
      err.println("sandbox stopped");
    } catch (RuntimeException e) {
      Problems.error(err, "the sandbox did not stop cleanly: " + e.getMessage());
      code = 1;
    }
    err.flush();
    Runtime.getRuntime().halt(code);
  }
}
