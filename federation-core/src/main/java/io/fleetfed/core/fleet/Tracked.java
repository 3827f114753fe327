package io.fleetfed.core.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.core.model.FederatedResource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A federated object the fleet propagates (or is deleting), with what it knows of each cluster's copy. */
final class Tracked {
  /**
   * The object as last propagated: its type context, and per placed cluster the rendered object (empty for a
   * placed cluster that is not Ready).
   */
  record Plan(FederatedResource resource, ResourceDefinitionContext context, String namespace, String name,
      Map<String, Optional<Desired>> placed, List<io.fleetfed.core.model.Cluster> eligible, boolean deleting,
      boolean orphan, Optional<FederatedResource> federatedNamespace) {}

  /** One cluster's rendered object and its hash. */
  record Desired(com.fasterxml.jackson.databind.node.ObjectNode object, String hash) {}

  /** An outcome that wrote something, with the plan sequence number it carried out. */
  record Stamped(long seq, ClusterOutcome outcome) {}

  final ResourceKey key;
  volatile Plan plan;
  /** Counts explicit propagations and deletions of this object: which call a write belongs to. */
  volatile long seq;
  /** Per cluster: the last outcome that wrote something. */
  final Map<String, Stamped> actions = new ConcurrentHashMap<>();
  /** Per cluster: the last outcome, which makes the cluster's status. */
  final Map<String, ClusterOutcome> outcomes = new ConcurrentHashMap<>();
  /** Per cluster: the copy's resourceVersion last seen to match the plan. */
  final Map<String, String> verified = new ConcurrentHashMap<>();
  /**
   * Per cluster: the digest (see {@code Retention.digest}) of the copy as the API server returned it from this
   * fleet's last write, to tell another writer's change from a status update.
   */
  final Map<String, Digest> digests = new ConcurrentHashMap<>();

  /** A digest computed when first needed: most writes are never compared again. */
  static final class Digest {
    private final java.util.function.Supplier<String> compute;
    private volatile String value;

    Digest(java.util.function.Supplier<String> compute) {
      this.compute = compute;
    }

    String get() {
      String v = value;
      if (v == null) {
        v = compute.get();
        value = v;
      }
      return v;
    }
  }
  /** Per cluster: the hash this fleet last wrote or verified there. */
  final Map<String, String> written = new ConcurrentHashMap<>();
  /** Per cluster: the copy's {@code .status}, when remote status is collected. */
  final Map<String, JsonNode> remoteStatus = new ConcurrentHashMap<>();
  /** Clusters where a run-once object (a TaskRun, a PipelineRun) has finished: never created again. */
  final Set<String> finishedRuns = ConcurrentHashMap.newKeySet();
  /** Per cluster, background retries so far, for backoff. */
  final Map<String, Integer> attempts = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  Tracked(ResourceKey key, Plan plan) {
    this.key = key;
    this.plan = plan;
  }

  /** Installs the plan of a new explicit call. */
  synchronized void install(Plan plan) {
    this.plan = plan;
    seq++;
  }

  Object lock(String cluster) {
    return locks.computeIfAbsent(cluster, c -> new Object());
  }
}
