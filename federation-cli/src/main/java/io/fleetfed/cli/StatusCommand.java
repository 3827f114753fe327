package io.fleetfed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.status.CopyReport;
import io.fleetfed.core.status.ResourceKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fleetfed status}: what each member holds of federated objects, read without writing. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
        "Shows what each member holds of every federated object of the input, read from the members without"
            + " writing anything (one list per type and member, members in parallel): whether the object is placed"
            + " there, whether fleetfed's copy is present (Unknown when the member cannot be read), whether it is up"
            + " to date (its content, not only its hash: a hand edit of a field fleetfed manages is drift, and each"
            + " such field is named on stderr), what stands in the way (such as AlreadyExists or ClusterNotReady),"
            + " and the copy's own status (its Ready, Succeeded, Available or Complete condition, or its phase)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every object is converged: each member is known to hold exactly what it should",
        "2:invalid input: files, YAML, options, kubeconfig, contexts",
        "3:some object is not converged (missing, out of date, drifted, in the way) or a member could not be read,"
            + " or the host cluster could not be read"})
final class StatusCommand extends FleetCommand {
  /** The conditions that tell whether an object is done, most telling first. */
  private static final List<String> CONDITIONS = List.of("Ready", "Succeeded", "Available", "Complete");

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
      description = "YAML or JSON file, directory of them, or - for stdin. Repeatable.")
  private List<String> files = new ArrayList<>();

  @Mixin
  private FleetOptions fleet;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table (default): OBJECT CLUSTER PLACED PRESENT UP-TO-DATE PROBLEM STATUS; yaml or json:"
          + " {\"objects\": [...]}, with each copy's whole remote status.")
  private Format output = Format.table;

  @Override
  int execute() {
    FederatedInput input = FederatedInput.read(files, err);
    Map<ResourceKey, List<CopyReport>> reports = new LinkedHashMap<>();
    try (ClusterFleet f = fleet.open()) {
      input.warn(f.clusters().stream().map(c -> c.name()).toList(), err);
      // every FederatedNamespace of the input is inspected with the objects it restricts the placement of
      reports.putAll(f.inspectAll(input.resources()));
    }
    reports.forEach((key, copies) -> copies.stream().filter(c -> !c.drift().isEmpty()).forEach(c ->
        Problems.warn(err, key + ": " + c.cluster() + ": drift: changed outside fleetfed at "
            + String.join(", ", c.drift()))));
    boolean converged = reports.values().stream().flatMap(List::stream).allMatch(CopyReport::isConverged);
    if (output != Format.table) {
      out.print(output.write(tree(reports)));
      return converged ? 0 : Main.CLUSTER_FAILED;
    }
    Table table = new Table("OBJECT", "CLUSTER", "PLACED", "PRESENT", "UP-TO-DATE", "PROBLEM", "STATUS");
    reports.forEach((key, copies) -> {
      if (copies.isEmpty()) {
        table.row(key, "<none>", "", "", "", "", "");
      }
      for (CopyReport c : copies) {
        table.row(key, c.cluster(), Table.bool(c.placed()), presence(c),
            c.present() ? Table.bool(c.upToDate()) : "", c.problem().map(p -> p.reason()).orElse(""),
            summary(c.remoteStatus()));
      }
    });
    out.print(table);
    return converged ? 0 : Main.CLUSTER_FAILED;
  }

  private static ObjectNode tree(Map<ResourceKey, List<CopyReport>> reports) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ArrayNode objects = root.putArray("objects");
    reports.forEach((key, copies) -> {
      ObjectNode entry = objects.addObject();
      entry.put("object", key.toString());
      entry.put("kind", key.federatedKind());
      entry.put("namespace", key.namespace().orElse(""));
      entry.put("name", key.name());
      entry.put("converged", copies.stream().allMatch(CopyReport::isConverged));
      ArrayNode clusters = entry.putArray("clusters");
      for (CopyReport c : copies) {
        ObjectNode copy = clusters.addObject();
        copy.put("cluster", c.cluster());
        copy.put("health", ClustersCommand.health(c.health()));
        copy.put("placed", c.placed());
        if (c.presence() == CopyReport.Presence.UNKNOWN) {
          copy.putNull("present");
        } else {
          copy.put("present", c.present());
        }
        copy.put("presence", presence(c));
        copy.put("upToDate", c.upToDate());
        ArrayNode drift = copy.putArray("drift");
        c.drift().forEach(drift::add);
        c.message().ifPresent(m -> copy.put("message", m));
        copy.put("converged", c.isConverged());
        copy.put("problem", c.problem().map(p -> p.reason()).orElse(""));
        copy.put("status", summary(c.remoteStatus()));
        c.remoteStatus().ifPresent(s -> copy.set("remoteStatus", s));
      }
    });
    return root;
  }

  /** {@code True}, {@code False} or {@code Unknown}: whether the member holds fleetfed's copy. */
  private static String presence(CopyReport c) {
    return switch (c.presence()) {
      case PRESENT -> "True";
      case ABSENT -> "False";
      case UNKNOWN -> "Unknown";
    };
  }

  /**
   * A copy's remote status in a few characters: its most telling condition ({@code Ready=True},
   * {@code Succeeded=False (Failed)}), else its phase, else {@code -}.
   */
  static String summary(Optional<JsonNode> status) {
    if (status.isEmpty()) {
      return "-";
    }
    JsonNode conditions = status.get().path("conditions");
    for (String type : CONDITIONS) {
      for (JsonNode condition : conditions) {
        if (type.equals(condition.path("type").asText())) {
          String value = condition.path("status").asText("Unknown");
          String reason = condition.path("reason").asText("");
          return type + "=" + value + (value.equals("True") || reason.isEmpty() ? "" : " (" + reason + ")");
        }
      }
    }
    JsonNode phase = status.get().path("phase");
    return phase.isTextual() && !phase.asText().isEmpty() ? phase.asText() : "-";
  }
}
