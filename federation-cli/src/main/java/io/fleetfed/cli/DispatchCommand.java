package io.fleetfed.cli;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.kubefed.YamlSource;
import io.fleetfed.core.model.ClusterNames;
import io.fleetfed.core.model.LabelSelector;
import io.fleetfed.tekton.DispatchException;
import io.fleetfed.tekton.DispatchRequest;
import io.fleetfed.tekton.RunDispatcher;
import io.fleetfed.tekton.RunHandle;
import io.fleetfed.tekton.RunStatus;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.RunScript;
import io.fleetfed.testkit.TektonSimulator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fleetfed dispatch}: dispatches one TaskRun or PipelineRun to the member that should run it. */
@Command(
    name = "dispatch",
    mixinStandardHelpOptions = true,
    description = {
        "Dispatches the TaskRun or PipelineRun of the file to the member cluster that should run it: never the host"
            + " (unless --allow-host), only Ready, uncordoned members that match --cluster and --selector, the"
            + " least loaded of them against its capacity. What the run needs (its Pipeline, Tasks, ServiceAccount,"
            + " Secrets...) is taken from the file when it is there, else from the host cluster, and propagated"
            + " with the run; a missing one fails the dispatch before anything is written.",
        "Prints the chosen cluster and why, and why each other cluster was passed over. With --wait, follows the"
            + " run: each status change on stderr as it happens, then a summary (or with -o yaml|json, the final"
            + " status). Ctrl-C stops following but does not cancel the run, which goes on in its cluster;"
            + " dispatching the same run again (same --key) does not make a second one: with --wait it follows the"
            + " first.",
        "--sandbox runs on an in-process fleet started for the command: the first cluster is the host, every"
            + " cluster a member, and the members but the host (unless --allow-host) run a simulated Tekton: each"
            + " run is pending for 100 ms, runs for 400 ms and succeeds, and each step logs one line."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:dispatched (without --wait), or the run succeeded",
        "2:invalid input: nothing was sent (file, YAML, run, options, kubeconfig, contexts)",
        "3:the dispatch failed: no cluster may run it, a dependency is missing, the key names another run, or the"
            + " host cannot be reached",
        "4:with --wait: the run failed", "5:with --wait: the run was cancelled", "6:with --wait: the run timed out",
        "7:with --wait: the run's cluster was lost after it started (its outcome is unknown)"})
final class DispatchCommand extends FleetCommand {
  private static final Duration SIMULATED_START = Duration.ofMillis(100);
  private static final Duration SIMULATED_RUN = Duration.ofMillis(400);

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
      description = "YAML file (or - for stdin) of one TaskRun or PipelineRun, tekton.dev/v1 or v1beta1, and"
          + " optionally what it needs (Tasks, a Pipeline, Secrets...), used rather than the host's copies."
          + " Other documents (such as a ClusterRoleBinding) are ignored with a warning.")
  private String file;

  @Mixin
  private FleetOptions fleet;

  @Option(names = "--key", paramLabel = "KEY",
      description = "The dispatch key: every dispatch with it, in the run's namespace, yields the same single run for"
          + " as long as its record is kept; another run with this key exits 3 naming the key's run (default:"
          + " namespace/name; a generateName run gets a fresh key each time).")
  private Optional<String> key = Optional.empty();

  @Option(names = "--record-retention", paramLabel = "DURATION", converter = Durations.class,
      description = "How long dispatch records of ended runs are kept, and so their keys (default 24h): this"
          + " dispatch deletes the host's records of runs that ended longer ago.")
  private Optional<Duration> recordRetention = Optional.empty();

  @Option(names = "--cluster", paramLabel = "CLUSTER", split = ",",
      description = "Only these members may run it. Repeatable, or a,b.")
  private List<String> clusters = new ArrayList<>();

  @Option(names = "--selector", paramLabel = "KEY=VALUE[,...]",
      description = "Only members whose labels have these values may run it (equality only), such as"
          + " security=high,zone=eu.")
  private Optional<String> selector = Optional.empty();

  @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
      description = "Tekton's timeout for the run (spec.timeout, or spec.timeouts.pipeline), replacing the run's"
          + " own, such as 20m or 1h30m.")
  private Optional<Duration> timeout = Optional.empty();

  @Option(names = "--allow-host", description = "The host cluster may run it, when it is also a member.")
  private boolean allowHost;

  @Option(names = "--rerun-on-cluster-loss",
      description = "If its cluster is lost after the run started, run it again elsewhere (default: it ends"
          + " CLUSTER_LOST, exit code 7).")
  private boolean rerunOnClusterLoss;

  @Option(names = "--capacity", paramLabel = "CLUSTER=RUNS", split = ",",
      description = "How many runs a cluster takes at once, overriding its fleetfed.io/capacity label."
          + " Repeatable.")
  private Map<String, Integer> capacity = new LinkedHashMap<>();

  @Option(names = "--default-capacity", paramLabel = "RUNS",
      description = "The capacity of clusters given none by --capacity or label (default: 10).")
  private Optional<Integer> defaultCapacity = Optional.empty();

  @Option(names = "--wait", description = "Follow the run until it ends; the exit code tells how it ended.")
  private boolean wait;

  @Option(names = "--logs",
      description = "Stream the steps' logs while waiting (implies --wait), each line prefixed [task:step]; on"
          + " stdout, or on stderr with -o yaml|json.")
  private boolean logs;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table (default): the choice and a summary; yaml or json: the run's status (the final one"
          + " with --wait), with its key and the choice of cluster; the other lines then go to stderr.")
  private Format output = Format.table;

  @Option(names = "--sandbox", paramLabel = "CLUSTER", split = ",",
      description = "Dispatch on an in-process fleet started for this command and stopped after it: the first"
          + " cluster is the host, the others run a simulated Tekton (the host too with --allow-host). Use it"
          + " with --wait.")
  private List<String> sandbox = new ArrayList<>();

  @Override
  int execute() {
    DispatchRequest request = request();
    // documents no run can use (a ClusterRoleBinding beside the run, as in Tekton's examples) are not sent anywhere
    request.ignored().forEach(w -> Problems.warn(err, w));
    err.flush();
    if (sandbox.isEmpty()) {
      try (ClusterFleet f = fleet.open()) {
        return dispatch(f, request, true);
      }
    }
    try (FleetSandbox fleetSandbox = FleetSandbox.builder().clusters(sandbox).start()) {
      TektonSimulator tekton = simulator(fleetSandbox);
      try {
        err.println("started an in-process fleet: " + String.join(", ", fleetSandbox.clusterNames()) + " (host "
            + sandbox.get(0) + "; simulated Tekton on " + String.join(", ", simulated()) + ")");
        err.flush();
        try (ClusterFleet f = fleet.openSandbox(fleetSandbox, sandbox.get(0))) {
          return dispatch(f, request, false);
        }
      } finally {
        tekton.close();
      }
    }
  }

  /** Reads and checks everything before any cluster is reached. */
  private DispatchRequest request() {
    List<Violation> problems = new ArrayList<>();
    List<YamlSource> sources = new Inputs(System.in).read(List.of(file), problems);
    for (String c : clusters) {
      ClusterNames.problem(c).ifPresent(p -> problems.add(new Violation(Optional.empty(), Optional.of("cluster " + c),
          Optional.of("--cluster"), p)));
    }
    capacity.forEach((c, runs) -> {
      ClusterNames.problem(c).ifPresent(p -> problems.add(new Violation(Optional.empty(),
          Optional.of("cluster " + c), Optional.of("--capacity"), p)));
      if (runs < 0) {
        problems.add(Violation.of("--capacity", "the capacity of " + c + " must not be negative: " + runs));
      }
    });
    defaultCapacity.filter(n -> n < 0).ifPresent(n -> problems.add(Violation.of("--default-capacity",
        "must not be negative: " + n)));
    LabelSelector labels = LabelSelector.everything();
    if (selector.isPresent()) {
      try {
        labels = selector(selector.get());
      } catch (ValidationException e) {
        problems.addAll(e.violations());
      }
    }
    for (int i = 0; i < sandbox.size(); i++) {
      String c = sandbox.get(i);
      ClusterNames.problem(c).ifPresent(p -> problems.add(new Violation(Optional.empty(),
          Optional.of("cluster " + c), Optional.of("--sandbox"), p)));
      if (sandbox.subList(0, i).contains(c)) {
        problems.add(Violation.of("--sandbox", "cluster " + c + " is named twice"));
      }
    }
    if (sandbox.size() == 1 && !allowHost) {
      problems.add(Violation.of("--sandbox", "needs a host and at least one member, such as dev1,dev2 (or"
          + " --allow-host, for the host to run it)"));
    }
    if (!sandbox.isEmpty() && (fleet.host().isPresent() || fleet.hasClusters())) {
      problems.add(Violation.of("--sandbox", "excludes --host-cluster-context and --clusters: the sandbox's first"
          + " cluster is the host and all its clusters are the members"));
    }
    if (sources.size() > 1) {
      problems.add(new Violation(Optional.of(file), Optional.empty(), Optional.empty(),
          "is a directory of several files; give the one file of the run"));
    } else if (sources.isEmpty() && problems.isEmpty()) {
      problems.add(new Violation(Optional.of(file), Optional.empty(), Optional.empty(),
          "is a directory without a YAML or JSON file; give the file of the run"));
    }
    DispatchRequest request = null;
    if (sources.size() == 1) {
      try {
        DispatchRequest.Builder b = DispatchRequest.read(sources.get(0).name(), sources.get(0).content())
            .clusters(clusters).selector(labels).allowHost(allowHost).rerunOnClusterLoss(rerunOnClusterLoss);
        key.ifPresent(b::key);
        timeout.ifPresent(b::timeout);
        request = b.build();
      } catch (ValidationException e) {
        problems.addAll(e.violations());
      }
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
    return request;
  }

  /**
   * Reads {@code --selector}: {@code key=value} pairs separated by commas ({@code key==value} too).
   *
   * @throws ValidationException naming {@code --selector} and the pair at fault
   */
  static LabelSelector selector(String text) {
    Map<String, String> labels = new LinkedHashMap<>();
    List<Violation> problems = new ArrayList<>();
    for (String pair : text.split(",", -1)) {
      String p = pair.trim();
      int eq = p.indexOf('=');
      if (p.isEmpty()) {
        problems.add(Violation.of("--selector", "has an empty requirement in \"" + text + "\"; write key=value,"
            + "key2=value2"));
      } else if (p.contains("!=") || eq <= 0) {
        problems.add(Violation.of("--selector", "\"" + p + "\" is not key=value (only equality is supported)"));
      } else {
        String k = p.substring(0, eq).trim();
        String v = p.substring(p.startsWith("=", eq + 1) ? eq + 2 : eq + 1).trim();
        if (labels.containsKey(k) && !labels.get(k).equals(v)) {
          problems.add(Violation.of("--selector", "label " + k + " is given twice with different values"));
        }
        labels.put(k, v);
      }
    }
    if (problems.isEmpty()) {
      try {
        return LabelSelector.matchLabels(labels);
      } catch (ValidationException e) {
        throw e.map(v -> new Violation(Optional.empty(), Optional.empty(), Optional.of("--selector"), v.reason()));
      }
    }
    throw new ValidationException(problems);
  }

  /** The sandbox clusters that run a simulated Tekton: the members but the host, unless the host may run it. */
  private List<String> simulated() {
    return allowHost ? sandbox : sandbox.subList(1, sandbox.size());
  }

  /**
   * The simulated Tekton of the sandbox's members: each run stays pending a little, runs a little and succeeds;
   * each step logs one line.
   */
  private TektonSimulator simulator(FleetSandbox fleetSandbox) {
    return TektonSimulator.builder().clusters(simulated().stream().map(fleetSandbox::cluster).toList())
        .defaults(RunScript.succeedsAfter(SIMULATED_RUN).withStartDelay(SIMULATED_START)).start();
  }

  /** Streams the steps' logs until the run ends; a log that cannot be read is a warning, not the run's outcome. */
  private void streamLogs(RunHandle handle) {
    OutputStream lines = RunReport.lines(output == Format.table ? out : err, "");
    try {
      handle.streamLogs(lines);
    } catch (DispatchException | UncheckedIOException e) {
      Problems.warn(err, "the logs of " + RunReport.run(handle) + " stopped: " + e.getMessage());
      err.flush();
    } finally {
      try {
        lines.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Said when the JVM is stopped (Ctrl-C) while following a run: the run is not cancelled, and on a real fleet,
   * how to cancel it.
   */
  private void stoppedFollowing(RunHandle handle, boolean realFleet) {
    String cancel = handle.kind().equals("TaskRun") ? "TaskRunCancelled" : "Cancelled";
    err.println("stopped following " + RunReport.run(handle) + " on " + handle.cluster() + ": it goes on there"
        + (realFleet ? "; to cancel it: kubectl --context " + handle.cluster() + " -n " + handle.namespace()
        + " patch " + handle.kind().toLowerCase(Locale.ROOT) + " " + handle.name() + " --type merge -p"
        + " '{\"spec\":{\"status\":\"" + cancel + "\"}}'" : ""));
    err.flush();
  }

  private int dispatch(ClusterFleet f, DispatchRequest request, boolean realFleet) {
    RunDispatcher.Builder b = RunDispatcher.builder(f);
    capacity.forEach(b::capacity);
    defaultCapacity.ifPresent(b::defaultCapacity);
    recordRetention.ifPresent(b::recordRetention);
    try (RunDispatcher dispatcher = b.build()) {
      RunHandle handle = dispatcher.dispatch(request);
      // what the dispatch could not check: names known only when the run runs, given objects it does not use
      handle.warnings().forEach(w -> Problems.warn(err, w));
      err.flush();
      RunReport.choice(output == Format.table ? out : err, "", handle);
      if (!wait && !logs) {
        if (output != Format.table) {
          out.print(output.write(RunReport.tree(handle, handle.status())));
        }
        return 0;
      }
      Thread hint = new Thread(() -> stoppedFollowing(handle, realFleet), "fleetfed-dispatch-interrupted");
      Runtime.getRuntime().addShutdownHook(hint);
      RunStatus outcome;
      try {
        CompletableFuture<Void> printed = RunReport.follow(handle, err, "");
        if (logs) {
          streamLogs(handle);
        }
        outcome = handle.await();
        RunReport.awaitPrinted(printed);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hint);
        } catch (IllegalStateException shuttingDown) {
          // the hook runs
        }
      }
      if (output == Format.table) {
        out.println();
        RunReport.summary(out, "", outcome);
      } else {
        out.print(output.write(RunReport.tree(handle, outcome)));
      }
      return RunReport.exitCode(outcome.phase());
    }
  }
}
