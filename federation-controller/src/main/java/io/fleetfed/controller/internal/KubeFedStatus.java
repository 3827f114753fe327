package io.fleetfed.controller.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * KubeFed's status of a federated object ({@code pkg/controller/sync/status}): {@code observedGeneration}, one
 * {@code Propagation} condition with its two timestamps, and {@code clusters[]} with each cluster's status (omitted
 * when OK) and, when collected, its {@code remoteStatus}. Pure: the caller reads the previous status and writes the
 * new one.
 */
final class KubeFedStatus {
  static final String CHECK_CLUSTERS = "CheckClusters";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /**
   * One listed cluster.
   *
   * @param name the cluster
   * @param reason {@code ""} when its copy is as it should be, else KubeFed's reason
   * @param remoteStatus the copy's {@code .status}, when collected and present
   */
  record Cluster(String name, String reason, Optional<JsonNode> remoteStatus) {
    Cluster {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(remoteStatus, "remoteStatus");
    }
  }

  private KubeFedStatus() {}

  /**
   * The status to write, or empty when {@code previous} already says the same (no write).
   *
   * @param previous the object's {@code .status} now (missing or null when it has none)
   * @param generation the object's {@code metadata.generation}
   * @param reason {@code ""} when propagated, else the aggregate reason
   * @param clusters the listed clusters
   * @param collectRemote whether remote status is collected (then a cluster without one forces CheckClusters)
   * @param now the time of this computation
   */
  static Optional<ObjectNode> next(JsonNode previous, long generation, String reason, List<Cluster> clusters,
      boolean collectRemote, Instant now) {
    String aggregate = reason;
    if (aggregate.isEmpty() && clusters.stream().anyMatch(c -> !c.reason().isEmpty())) {
      aggregate = CHECK_CLUSTERS;
    }
    if (aggregate.isEmpty() && collectRemote && clusters.stream().anyMatch(c -> c.remoteStatus().isEmpty())) {
      aggregate = CHECK_CLUSTERS;
    }
    ArrayNode listed = NODES.arrayNode();
    clusters.stream().sorted(Comparator.comparing(Cluster::name)).forEach(c -> {
      ObjectNode entry = listed.addObject().put("name", c.name());
      if (!c.reason().isEmpty()) {
        entry.put("status", c.reason());
      }
      c.remoteStatus().ifPresent(r -> entry.set("remoteStatus", r.deepCopy()));
    });
    JsonNode before = previous == null || previous.isMissingNode() || previous.isNull()
        ? NODES.objectNode() : previous;
    JsonNode oldCondition = propagation(before);
    String status = aggregate.isEmpty() ? "True" : "False";
    boolean transition = oldCondition == null || !status.equals(oldCondition.path("status").asText())
        || !aggregate.equals(oldCondition.path("reason").asText(""));
    JsonNode oldClusters = before.path("clusters").isArray() ? before.path("clusters") : NODES.arrayNode();
    boolean clustersChanged = !sameClusters(oldClusters, listed);
    boolean generationChanged = before.path("observedGeneration").asLong(-1) != generation;
    if (!transition && !clustersChanged && !generationChanged) {
      return Optional.empty();
    }
    String stamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
    ObjectNode condition = NODES.objectNode().put("type", "Propagation").put("status", status);
    if (!aggregate.isEmpty()) {
      condition.put("reason", aggregate);
    }
    condition.put("lastUpdateTime", transition || clustersChanged
        ? stamp : oldCondition.path("lastUpdateTime").asText(stamp));
    condition.put("lastTransitionTime", transition
        ? stamp : oldCondition.path("lastTransitionTime").asText(stamp));
    ObjectNode next = NODES.objectNode();
    next.put("observedGeneration", generation);
    next.putArray("conditions").add(condition);
    next.set("clusters", listed);
    return Optional.of(next);
  }

  /** The {@code Propagation} condition of {@code status}, or null. */
  static JsonNode propagation(JsonNode status) {
    for (JsonNode c : status.path("conditions")) {
      if ("Propagation".equals(c.path("type").asText())) {
        return c;
      }
    }
    return null;
  }

  /** Clusters compared as KubeFed compares them: name, status and remote status (numbers by value). */
  private static boolean sameClusters(JsonNode a, JsonNode b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      JsonNode x = a.get(i);
      JsonNode y = b.get(i);
      if (!x.path("name").asText().equals(y.path("name").asText())
          || !x.path("status").asText("").equals(y.path("status").asText(""))
          || !Json.sameValue(x.path("remoteStatus"), y.path("remoteStatus"))) {
        return false;
      }
    }
    return true;
  }
}
