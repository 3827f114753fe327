package io.fleetfed.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.PropagationStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Prints propagation results, for apply and delete: one line per object on stdout, one error per failure. */
final class Results {
  private final Format format;
  private final PrintWriter out;
  private final PrintWriter err;
  private final List<PropagationResult> all = new ArrayList<>();

  Results(Format format, PrintWriter out, PrintWriter err) {
    this.format = format;
    this.out = out;
    this.err = err;
  }

  /**
   * Records results; as a table, prints them at once: {@code FederatedDeployment/ns/name: dev1 created, dev2
   * unchanged} on stdout, and for each cluster that failed {@code error: <object>: <cluster>: <reason>: <message>}
   * on stderr.
   */
  void add(List<PropagationResult> results, String nothing) {
    all.addAll(results);
    for (PropagationResult result : results) {
      if (format == Format.table) {
        List<String> clusters = new ArrayList<>();
        for (ClusterOutcome o : result.clusters().values()) {
          clusters.add(o.cluster() + " " + (o.isOk() ? action(o.action()) : "failed (" + o.status().reason() + ")"));
        }
        out.println(result.key() + ": " + (clusters.isEmpty() ? nothing : String.join(", ", clusters)));
      }
      result.problem().ifPresent(p -> Problems.error(err, result.key() + ": " + result.condition().reason() + ": " + p));
      for (ClusterOutcome o : result.failures()) {
        Problems.error(err, result.key() + ": " + o.cluster() + ": " + o.status().reason()
            + o.message().map(m -> ": " + m).orElse(""));
      }
    }
    out.flush();
    err.flush();
  }

  /** Prints the YAML or JSON of every result, after the last. */
  void finish() {
    if (format == Format.table) {
      return;
    }
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ArrayNode list = root.putArray("results");
    for (PropagationResult result : all) {
      ObjectNode entry = list.addObject();
      entry.put("object", result.key().toString());
      entry.put("kind", result.key().federatedKind());
      entry.put("namespace", result.key().namespace().orElse(""));
      entry.put("name", result.key().name());
      entry.put("propagated", result.isSuccess());
      entry.put("reason", result.condition().reason());
      result.problem().ifPresent(p -> entry.put("problem", p));
      ObjectNode clusters = entry.putObject("clusters");
      for (ClusterOutcome o : result.clusters().values()) {
        ObjectNode c = clusters.putObject(o.cluster());
        c.put("action", action(o.action()));
        c.put("status", o.isOk() ? "OK" : o.status().reason());
        o.message().ifPresent(m -> c.put("message", m));
      }
    }
    out.print(format.write(root));
    out.flush();
  }

  /** Whether every object ended as it should on every cluster. */
  boolean success() {
    return all.stream().allMatch(PropagationResult::isSuccess);
  }

  /** Whether some cluster failed with {@code status}. */
  boolean failed(PropagationStatus status) {
    return all.stream().flatMap(r -> r.failures().stream()).anyMatch(o -> o.status() == status);
  }

  private static String action(ClusterAction action) {
    return action.name().toLowerCase(Locale.ROOT);
  }
}
