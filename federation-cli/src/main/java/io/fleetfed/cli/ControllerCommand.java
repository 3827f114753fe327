package io.fleetfed.cli;

import io.fabric8.kubernetes.client.Config;
import io.fleetfed.controller.ControllerEvent;
import io.fleetfed.controller.FederationController;
import io.fleetfed.core.Violation;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.model.ClusterNames;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fleetfed controller}: runs the host-cluster controller in the foreground until SIGTERM or SIGINT. */
@Command(
    name = "controller",
    mixinStandardHelpOptions = true,
    description = {
        "Runs the host-cluster controller in the foreground, as KubeFed's kubefed-controller-manager ran: it"
            + " watches the host's FederatedTypeConfigs, KubeFedClusters and KubeFedConfig in the KubeFed namespace,"
            + " and the Federated objects of every enabled type (kubectl apply -f federated-deployment.yaml), and"
            + " propagates each to the member clusters, writing KubeFed's status and finalizer back.",
        "Replicas elect one leader on a coordination.k8s.io/v1 Lease in the KubeFed namespace; only the leader"
            + " writes. While KubeFed's own controller manager holds its lock, no replica leads. SIGTERM or SIGINT"
            + " stops writing, releases the Lease (another replica takes over at once) and exits 0.",
        "Leadership and what the controller does are logged on stderr, one line each."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped by SIGTERM or SIGINT",
        "2:invalid input: a flag, an unreadable kubeconfig or an unknown context; nothing was started",
        "1:the controller could not start (such as --metrics-addr already in use)"})
final class ControllerCommand implements Callable<Integer> {
  /** Where a pod's service account says its namespace. */
  static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  @Spec
  private CommandSpec spec;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Kubeconfig file of the host cluster. Default: the first existing file of KUBECONFIG, else"
          + " ~/.kube/config, else the pod's service account (in-cluster).")
  private Optional<Path> kubeconfig = Optional.empty();

  @Option(names = "--context", paramLabel = "CONTEXT",
      description = "Kubeconfig context of the host cluster (default: the current context). Its name is the host's"
          + " name, a DNS-1123 label.")
  private Optional<String> context = Optional.empty();

  @Option(names = "--kubefed-namespace", paramLabel = "NAMESPACE",
      description = "KubeFed's namespace in the host: FederatedTypeConfigs, KubeFedClusters, the KubeFedConfig and"
          + " the Lease (default: the pod's namespace when in a pod, else kube-federation-system).")
  private Optional<String> kubefedNamespace = Optional.empty();

  @Option(names = "--watch-namespace", paramLabel = "NAMESPACE",
      description = "Watch Federated objects in this namespace only (default: every namespace, or the KubeFed"
          + " namespace when the KubeFedConfig's scope is Namespaced).")
  private Optional<String> watchNamespace = Optional.empty();

  @Option(names = "--id", paramLabel = "ID",
      description = "Identity the Lease is held under (default: the host name and a random suffix).")
  private Optional<String> id = Optional.empty();

  @Option(names = "--metrics-addr", paramLabel = "HOST:PORT", defaultValue = ":9090",
      description = "Where /healthz, /readyz and /metrics are served (default: ${DEFAULT-VALUE}, every interface;"
          + " port 0 picks a free port; 0 alone serves nothing). The bound address is printed on stderr.")
  private String metricsAddr = ":9090";

  @Option(names = "--take-over-kubefed",
      description = "Migrating from KubeFed: take over in place the member copies KubeFed's controller made"
          + " (labelled kubefed.io/managed: \"true\"), never deleting them; each is named in an Event"
          + " TookOverFromKubeFed. Without it they are reported AlreadyExists and left alone. Stop KubeFed's"
          + " controller manager first: this controller does not lead while it holds its lock.")
  private boolean takeOverKubeFed;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    List<Violation> problems = new ArrayList<>();
    FederationController.Builder builder = FederationController.builder();
    String hostName = host(builder, problems);
    String namespace = kubefedNamespace.orElseGet(ControllerCommand::defaultNamespace);
    if (namespace(problems, "--kubefed-namespace", namespace)) {
      builder.kubefedNamespace(namespace);
    }
    watchNamespace.filter(ns -> namespace(problems, "--watch-namespace", ns)).ifPresent(builder::watchNamespace);
    id.ifPresent(i -> check(problems, "--id", () -> builder.identity(i)));
    Optional<InetSocketAddress> address = Optional.empty();
    try {
      address = metricsAddress(metricsAddr);
    } catch (IllegalArgumentException e) {
      problems.add(flag("--metrics-addr", e.getMessage()));
    }
    address.ifPresent(builder::operationsAddress);
    builder.takeOverKubeFedCopies(takeOverKubeFed);
    if (!problems.isEmpty()) {
      return Problems.report(new ValidationException(problems), err);
    }

    FederationController controller = builder.build();
    controller.addListener(event -> log(err, event));
    try {
      controller.start();
    } catch (UncheckedIOException e) {
      controller.close();
      InetSocketAddress a = address.orElseThrow();
      Problems.error(err, "--metrics-addr: cannot serve /healthz, /readyz and /metrics on "
          + a.getAddress().getHostAddress() + ":" + a.getPort() + ": " + (e.getCause() == null ? e.getMessage()
          : e.getCause().getMessage()));
      err.flush();
      return 1;
    } catch (RuntimeException e) {
      controller.close();
      Problems.error(err, "the controller could not start: " + e.getMessage());
      err.flush();
      return 1;
    }
    String identity = controller.state().identity();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(controller, identity, err),
        "fleetfed-controller-stop"));
    synchronized (err) {
      err.println(timestamp() + " controller " + identity + " started on host cluster "
          + hostName + " (KubeFed namespace " + namespace + watchNamespace.map(ns -> ", watching namespace " + ns)
          .orElse(", watching every namespace") + ")");
      controller.operationsAddress().ifPresent(a -> err.println(timestamp() + " serving /healthz /readyz /metrics"
          + " on " + a.getAddress().getHostAddress() + ":" + a.getPort()));
      err.flush();
    }
    new CountDownLatch(1).await();   // runs until the JVM is told to stop; the shutdown hook closes the controller
    return 0;
  }

  /** Sets the builder's host from the flags and the environment; returns the host's name, or adds a problem. */
  private String host(FederationController.Builder builder, List<Violation> problems) {
    Optional<Path> file = kubeconfig.or(ControllerCommand::defaultKubeconfig);
    if (file.isEmpty()) {
      if (context.isPresent()) {
        problems.add(flag("--context", "no kubeconfig to find context \"" + context.get() + "\" in: give"
            + " --kubeconfig, or set KUBECONFIG"));
        return "";
      }
      Config inCluster = Config.autoConfigure(null);
      if (inCluster.getMasterUrl() == null || !Files.exists(SERVICE_ACCOUNT_NAMESPACE)) {
        problems.add(flag("--kubeconfig", "no kubeconfig (KUBECONFIG is unset and ~/.kube/config does not exist)"
            + " and not running in a pod: give --kubeconfig FILE"));
        return "";
      }
      builder.host("host", inCluster);
      return "host (in-cluster, " + inCluster.getMasterUrl() + ")";
    }
    Path path = file.get();
    String option = kubeconfig.isPresent() ? "--kubeconfig" : "KUBECONFIG";
    if (!Files.isReadable(path)) {
      problems.add(flag(option, path + " cannot be read"));
      return "";
    }
    String name = context.orElse(null);
    if (name == null) {
      try {
        Config current = Config.fromKubeconfig(null, path.toFile());
        name = current.getCurrentContext() == null ? null : current.getCurrentContext().getName();
      } catch (RuntimeException e) {
        // the parser's message may quote the file, and a kubeconfig holds credentials
        problems.add(flag(option, path + " is not a readable kubeconfig (the parser's message is not shown, as it"
            + " may quote credentials)"));
        return "";
      }
      if (name == null) {
        problems.add(flag("--context", path + " has no current context: give --context"));
        return "";
      }
    }
    Optional<String> invalid = ClusterNames.problem(name);
    if (invalid.isPresent()) {
      problems.add(flag("--context", "context \"" + name + "\" cannot name the host cluster: " + invalid.get()));
      return "";
    }
    try {
      builder.kubeconfig(path, name);
    } catch (IllegalArgumentException e) {
      problems.add(flag(context.isPresent() ? "--context" : option, path + " has no context \"" + name
          + "\" (or it cannot be used)"));
      return "";
    }
    return name;
  }

  /** The first existing file of {@code KUBECONFIG}, else {@code ~/.kube/config} if it exists. */
  private static Optional<Path> defaultKubeconfig() {
    String env = System.getenv("KUBECONFIG");
    if (env != null) {
      for (String f : env.split(File.pathSeparator)) {
        if (!f.isBlank() && Files.exists(Path.of(f))) {
          return Optional.of(Path.of(f));
        }
      }
    }
    Path home = Path.of(System.getProperty("user.home"), ".kube", "config");
    return Files.exists(home) ? Optional.of(home) : Optional.empty();
  }

  /** The pod's namespace, else KubeFed's. */
  private static String defaultNamespace() {
    try {
      if (Files.isReadable(SERVICE_ACCOUNT_NAMESPACE)) {
        String ns = Files.readString(SERVICE_ACCOUNT_NAMESPACE, StandardCharsets.UTF_8).strip();
        if (!ns.isEmpty()) {
          return ns;
        }
      }
    } catch (IOException e) {
      // not in a pod, or not readable: KubeFed's default
    }
    return FederationController.DEFAULT_KUBEFED_NAMESPACE;
  }

  /**
   * {@code HOST:PORT}, {@code :PORT} (every interface) or {@code [IPv6]:PORT}; empty for {@code 0}, which serves
   * nothing (controller-runtime's spelling).
   */
  static Optional<InetSocketAddress> metricsAddress(String value) {
    if (value.equals("0")) {
      return Optional.empty();
    }
    int colon = value.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("\"" + value + "\" is not HOST:PORT (such as :9090 or 127.0.0.1:0), or 0"
          + " to serve nothing");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("\"" + value + "\": the port must be a number from 0 to 65535");
    }
    InetSocketAddress address = host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("\"" + value + "\": host " + host + " cannot be resolved");
    }
    return Optional.of(address);
  }

  /** Whether {@code name} is a namespace's name; adds a problem naming {@code option} if not. */
  private static boolean namespace(List<Violation> problems, String option, String name) {
    if (ClusterNames.isValid(name)) {
      return true;
    }
    problems.add(flag(option, "\"" + name + "\" is not a namespace name (a DNS-1123 label: lower-case letters,"
        + " digits and '-', starting and ending with a letter or digit, at most 63 characters)"));
    return false;
  }

  private static void check(List<Violation> problems, String option, Runnable set) {
    try {
      set.run();
    } catch (IllegalArgumentException e) {
      problems.add(flag(option, e.getMessage()));
    }
  }

  private static Violation flag(String option, String reason) {
    return new Violation(Optional.empty(), Optional.empty(), Optional.of(option), reason);
  }

  private static String timestamp() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /** One line per event: time, what happened, to what, and the detail. */
  private static void log(PrintWriter err, ControllerEvent event) {
    String line = timestamp() + " " + event.toString().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    synchronized (err) {
      err.println(line);
      err.flush();
    }
  }

  /**
   * Closes the controller when the JVM is told to stop (SIGINT, SIGTERM): it stops writing and releases the Lease.
   * Then ends the JVM with 0: being stopped is how a controller ends.
   */
  private static void stop(FederationController controller, String identity, PrintWriter err) {
    int code = 0;
    try {
      controller.close();
      synchronized (err) {
        err.println(timestamp() + " controller " + identity + " stopped (Lease released)");
      }
    } catch (RuntimeException e) {
      Problems.error(err, "the controller did not stop cleanly: " + e.getMessage());
      code = 1;
    }
    err.flush();
    Runtime.getRuntime().halt(code);
  }
}
