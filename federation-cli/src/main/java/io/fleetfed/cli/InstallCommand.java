package io.fleetfed.cli;

import io.fleetfed.core.ValidationException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fleetfed install}: prints what a host cluster needs to run fleetfed's controller, for
 * {@code kubectl apply -f}. It contacts no cluster.
 */
@Command(
    name = "install",
    mixinStandardHelpOptions = true,
    description = {
        "Prints, for kubectl apply -f, everything a host cluster needs to run fleetfed's controller: the KubeFed"
            + " namespace, KubeFed's CRDs, the federated CRDs and FederatedTypeConfigs of KubeFed's ten default"
            + " types, the KubeFedConfig kubefed at KubeFed's defaults, the controller's ServiceAccount and"
            + " least-privilege RBAC, its Deployment and its metrics Service.",
        "Apply it twice: the first apply creates the CRDs (and all but the custom objects) and exits 1 with"
            + " \"no matches for kind\" for the KubeFedConfig and the FederatedTypeConfigs; after kubectl wait"
            + " --for condition=established crd -l app.kubernetes.io/part-of=fleetfed, the second creates them."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:printed", "2:invalid option (nothing printed)"})
final class InstallCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = "--replicas", paramLabel = "N", defaultValue = "2",
      description = "Replicas of the controller; one leads, the others stand by (default: ${DEFAULT-VALUE}).")
  private int replicas;

  @Option(names = "--image", paramLabel = "IMAGE",
      description = "The controller's image (default: " + InstallManifest.IMAGE_REPOSITORY + ":<this fleetfed's"
          + " version>).")
  private Optional<String> image = Optional.empty();

  @Option(names = "--kubefed-namespace", paramLabel = "NAMESPACE", defaultValue = "kube-federation-system",
      description = "The KubeFed namespace, where the controller and KubeFed's objects live"
          + " (default: ${DEFAULT-VALUE}).")
  private String namespace;

  @Option(names = "--scope", paramLabel = "SCOPE", defaultValue = "Cluster",
      description = "Cluster (default: Federated objects in every namespace, a ClusterRole) or Namespaced (only"
          + " in the KubeFed namespace, a Role).")
  private InstallManifest.Scope scope;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<String> version = Main.version();
    if (image.isEmpty() && version.isEmpty()) {
      Problems.error(err, "--image: this fleetfed is not run from its jar and does not know its version, the"
          + " default image's tag: give --image");
      err.flush();
      return Main.INVALID_INPUT;
    }
    try {
      InstallManifest.Options options = new InstallManifest.Options(namespace, replicas,
          image.orElseGet(() -> InstallManifest.defaultImage(version.orElseThrow())), scope);
      List<String> args = spec.commandLine().getParseResult().originalArgs();
      List<String> command = new ArrayList<>(List.of("fleetfed", "install"));
      command.addAll(args.subList(args.indexOf(spec.name()) + 1, args.size()));   // this command's own options
      out.print(InstallManifest.render(options, version.orElse("(development build)"), String.join(" ", command)));
      out.flush();
      return 0;
    } catch (ValidationException e) {
      return Problems.report(e, err);
    }
  }
}
