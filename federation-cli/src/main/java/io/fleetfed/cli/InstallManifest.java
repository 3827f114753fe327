package io.fleetfed.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.kubefed.FederatedCrds;
import io.fleetfed.core.kubefed.FederatedTypeConfig;
import io.fleetfed.core.kubefed.KubeFedYaml;
import io.fleetfed.core.kubefed.TypeRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code fleetfed install} prints: one multi-document YAML with everything a host cluster needs to run
 * fleetfed's controller, in the order kubectl applies it.
 *
 * <ol>
 *   <li>the KubeFed namespace;
 *   <li>KubeFed's own CRDs ({@code install/crds.yaml});
 *   <li>the federated CRDs of KubeFed's ten default types, as {@code fleetfed enable} prints them;
 *   <li>the KubeFedConfig {@code kubefed} at KubeFed's defaults;
 *   <li>the FederatedTypeConfigs of the ten types;
 *   <li>the controller's ServiceAccount and RBAC (a ClusterRole, or a Role for scope Namespaced);
 *   <li>the controller's Deployment and its metrics Service.
 * </ol>
 *
 * <p>Every object carries the label {@value #PART_OF}{@code : fleetfed}, so that {@code kubectl wait} can name the
 * CRDs and {@code kubectl delete} everything. The fixed parts are YAML resources under {@code install/} with
 * {@code ${NAME}} placeholders, kept as text so that their comments (why each RBAC rule is there) reach the user.
 */
final class InstallManifest {
  /** The repository of fleetfed's image; the default tag is fleetfed's version. */
  static final String IMAGE_REPOSITORY = "ghcr.io/fleetfed/fleetfed";
  /** The label on every object the manifest holds. */
  static final String PART_OF = "app.kubernetes.io/part-of";

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z_]+)}");
  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** KubeFedConfig's {@code spec.scope}: what the control plane federates, spelled as KubeFed and --scope spell it. */
  enum Scope {
    /** Federated objects in every namespace. */
    Cluster,
    /** Federated objects in the KubeFed namespace only. */
    Namespaced
  }

  /**
   * What varies between installations.
   *
   * @param namespace the KubeFed namespace, a DNS-1123 label
   * @param replicas the controller's replicas, at least 1
   * @param image the controller's image reference
   * @param scope the control plane's scope
   */
  record Options(String namespace, int replicas, String image, Scope scope) {
    /** Checks each option, reporting every problem at once with the option's name. */
    Options {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(image, "image");
      Objects.requireNonNull(scope, "scope");
      List<Violation> problems = new ArrayList<>();
      if (namespace.length() > 63 || !DNS1123_LABEL.matcher(namespace).matches()) {
        problems.add(Violation.of("--kubefed-namespace", "\"" + namespace + "\" is not a DNS-1123 label (at most 63"
            + " lower-case letters, digits and '-', starting and ending with a letter or digit)"));
      }
      if (replicas < 1) {
        problems.add(Violation.of("--replicas", "must be at least 1 (got " + replicas + ")"));
      }
      if (image.isBlank() || image.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
        problems.add(Violation.of("--image", "\"" + image + "\" is not an image reference: it is empty or holds"
            + " spaces or control characters"));
      }
      if (!problems.isEmpty()) {
        throw new ValidationException(problems);
      }
    }
  }

  private InstallManifest() {}

  /** The default image for {@code version}: {@value #IMAGE_REPOSITORY}{@code :<version>}. */
  static String defaultImage(String version) {
    return IMAGE_REPOSITORY + ":" + version;
  }

  /**
   * The whole manifest.
   *
   * @param options what to install
   * @param version fleetfed's version, named in the header
   * @param command the command line that printed it, repeated in the header's instructions
   * @return multi-document YAML after a header of comments, each document after a {@code ---} line
   */
  static String render(Options options, String version, String command) {
    Map<String, String> values = Map.of(
        "NAMESPACE", options.namespace(),
        "SCOPE", options.scope().name(),
        "REPLICAS", Integer.toString(options.replicas()),
        "IMAGE", json(options.image()),
        "COMMAND", json(command(options)));
    List<FederatedTypeConfig> types = new ArrayList<>();
    for (FederatedTypeConfig config : TypeRegistry.builtIn().all()) {
      types.add(new FederatedTypeConfig(options.namespace(), config.target(), config.federated(),
          config.propagationEnabled(), config.statusCollectionEnabled(), config.statusType()));
    }
    List<ObjectNode> federatedCrds = new ArrayList<>();
    List<ObjectNode> typeConfigs = new ArrayList<>();
    for (FederatedTypeConfig type : types) {
      List<ObjectNode> enabled = FederatedCrds.enable(type);   // the CRD, then the FederatedTypeConfig
      federatedCrds.add(labelled(enabled.get(0)));
      typeConfigs.add(labelled(enabled.get(1)));
    }
    return header(options, version, command)
        + fill("namespace.yaml", values)
        + fill("crds.yaml", values)
        + KubeFedYaml.writeYaml(federatedCrds)
        + fill("kubefedconfig.yaml", values)
        + KubeFedYaml.writeYaml(typeConfigs)
        + fill("serviceaccount.yaml", values)
        + fill(options.scope() == Scope.Cluster ? "rbac-cluster.yaml" : "rbac-namespaced.yaml", values)
        + fill("controller.yaml", values);
  }

  /** The controller's command line; a Namespaced control plane watches its own namespace only. */
  private static List<String> command(Options options) {
    List<String> command = new ArrayList<>(List.of("fleetfed", "controller", "--kubefed-namespace",
        options.namespace()));
    if (options.scope() == Scope.Namespaced) {
      command.addAll(List.of("--watch-namespace", options.namespace()));
    }
    command.addAll(List.of("--metrics-addr", ":9090"));
    return command;
  }

  private static String header(Options options, String version, String command) {
    return "# fleetfed " + version + " in a host cluster: KubeFed's CRDs, the default federated types, the\n"
        + "# KubeFedConfig and fleetfed's controller (" + options.replicas() + " replicas of " + options.image() + ")\n"
        + "# in namespace " + options.namespace() + ", scope " + options.scope() + ".\n"
        + "# Apply it twice: kubectl maps every object to its type before it creates any, so the first apply\n"
        + "# creates the CRDs and the rest but refuses the KubeFedConfig and the FederatedTypeConfigs (\"no matches\n"
        + "# for kind\", exit 1); once the CRDs are established, the second apply creates them:\n"
        + "#   " + command + " | kubectl apply -f -\n"
        + "#   kubectl wait --for condition=established crd -l " + PART_OF + "=fleetfed\n"
        + "#   " + command + " | kubectl apply -f -\n";
  }

  private static ObjectNode labelled(ObjectNode object) {
    ObjectNode metadata = (ObjectNode) object.get("metadata");
    ObjectNode labels = metadata.has("labels") ? (ObjectNode) metadata.get("labels") : metadata.putObject("labels");
    labels.put(PART_OF, "fleetfed");
    return object;
  }

  /** A resource under {@code install/} with its placeholders replaced. */
  private static String fill(String resource, Map<String, String> values) {
    String template = resource(resource);
    Matcher placeholder = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (placeholder.find()) {
      String value = values.get(placeholder.group(1));
      if (value == null) {
        throw new IllegalStateException(resource + " names an unknown placeholder " + placeholder.group());
      }
      placeholder.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    placeholder.appendTail(out);
    return out.toString();
  }

  private static String resource(String name) {
    try (InputStream in = InstallManifest.class.getResourceAsStream("install/" + name)) {
      if (in == null) {
        throw new IllegalStateException("install/" + name + " is missing from fleetfed's jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code value} as JSON, which YAML reads as the same string or list whatever characters it holds. */
  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
