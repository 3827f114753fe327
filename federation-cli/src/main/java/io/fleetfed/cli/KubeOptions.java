package io.fleetfed.cli;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.cluster.HealthCheck;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.fleet.ClusterFleetBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** Options of every command that talks to clusters: the kubeconfig, the request timeout and KubeFed's namespace. */
final class KubeOptions {
  private static final String UNREADABLE = "not a readable kubeconfig:";
  private static final Pattern POSITION = Pattern.compile("line \\d+, column \\d+");

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Kubeconfig file. Repeatable; a value may also list files separated by ':' as KUBECONFIG"
          + " does (merged the same way: the first file that defines a name wins)."
          + " Default: the files in KUBECONFIG, else ~/.kube/config.")
  private List<String> kubeconfig = new ArrayList<>();

  @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class,
      description = "How long one request to a cluster may take, such as 10s, 500ms or 1m (default: ${DEFAULT-VALUE}).")
  private Duration requestTimeout = Duration.ofSeconds(10);

  @Option(names = "--kubefed-namespace", paramLabel = "NAMESPACE", defaultValue = "kube-federation-system",
      description = "KubeFed's namespace in the host cluster, holding the fleet's KubeFedClusters and the"
          + " FederatedTypeConfigs (default: ${DEFAULT-VALUE}).")
  private String federationNamespace = ClusterFleet.DEFAULT_FEDERATION_NAMESPACE;

  /** The kubeconfig files given, each {@code :}-separated list split; empty when none was given. */
  List<Path> files() {
    List<Path> files = new ArrayList<>();
    for (String value : kubeconfig) {
      for (String file : value.split(File.pathSeparator)) {
        if (!file.isBlank()) {
          files.add(Path.of(file));
        }
      }
    }
    return files;
  }

  /**
   * The files of {@code KUBECONFIG}, else {@code ~/.kube/config}. As kubectl does, files of {@code KUBECONFIG} that
   * do not exist are skipped, unless none exists (then each is reported).
   */
  private static List<Path> fromEnvironment() {
    String env = System.getenv("KUBECONFIG");
    List<Path> listed = new ArrayList<>();
    if (env != null) {
      for (String file : env.split(File.pathSeparator)) {
        if (!file.isBlank()) {
          listed.add(Path.of(file));
        }
      }
    }
    if (listed.isEmpty()) {
      return List.of(Path.of(System.getProperty("user.home"), ".kube", "config"));
    }
    List<Path> existing = listed.stream().filter(Files::exists).toList();
    return existing.isEmpty() ? listed : existing;
  }

  /**
   * A kubeconfig problem without the parser's message, which quotes the file's text around the error, and a
   * kubeconfig holds tokens and keys: only the positions are kept.
   */
  private static Violation withoutText(Violation v) {
    if (!v.reason().startsWith(UNREADABLE)) {
      return v;
    }
    List<String> positions = new ArrayList<>();
    Matcher position = POSITION.matcher(v.reason());
    while (position.find() && positions.size() < 2) {
      positions.add(position.group());
    }
    return new Violation(v.source(), v.object(), v.field(), "not a readable kubeconfig ("
        + (positions.isEmpty() ? "" : "error at " + String.join(" and ", positions) + "; ")
        + "the parser's message is not shown, as it may quote credentials)");
  }

  String federationNamespace() {
    return federationNamespace;
  }

  /**
   * A fleet builder with the kubeconfig read (throwing {@code ValidationException} naming each unreadable file),
   * the request timeout, KubeFed's namespace, and health probes no slower than a request.
   */
  ClusterFleetBuilder builder() {
    return builder(files());
  }

  /** Like {@link #builder()}, reading {@code files} instead of the kubeconfig options. */
  ClusterFleetBuilder builder(List<Path> files) {
    ClusterFleetBuilder builder = ClusterFleet.builder();
    try {
      builder.kubeconfig(files.isEmpty() ? fromEnvironment() : files);
    } catch (ValidationException e) {
      throw e.map(KubeOptions::withoutText);
    }
    Duration probe = requestTimeout.compareTo(HealthCheck.DEFAULT.timeout()) < 0
        ? requestTimeout : HealthCheck.DEFAULT.timeout();
    return builder.requestTimeout(requestTimeout).federationNamespace(federationNamespace)
        .health(HealthCheck.DEFAULT.withTimeout(probe));
  }
}
