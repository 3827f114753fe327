package io.fleetfed.core.fleet.internal.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetfed.core.fleet.internal.plan.Plan;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.ResourceKey;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A federated object the fleet propagates (or is deleting), with what it knows of each cluster's copy: the lean
 * state propagation decides from (versions, hashes, digests), never the copies themselves.
 */
public final class Tracked {
  /** An outcome that wrote something, with the plan sequence number it carried out. */
  public record Stamped(long seq, ClusterOutcome outcome) {}

  public final ResourceKey key;
  public volatile Plan plan;
  /** Counts explicit propagations and deletions of this object: which call a write belongs to. */
  public volatile long seq;
  /** Per cluster: the last outcome that wrote something. */
  public final Map<String, Stamped> actions = new ConcurrentHashMap<>();
  /** Per cluster: the last outcome, which makes the cluster's status. */
  public final Map<String, ClusterOutcome> outcomes = new ConcurrentHashMap<>();
  /** Per cluster: the copy's resourceVersion last seen to match the plan. */
  final Map<String, String> verified = new ConcurrentHashMap<>();
  /**
   * Per cluster: the digest (see {@code Retention.digest}) of the copy as the API server returned it from this
   * fleet's last write, to tell another writer's change from a status update.
   */
  final Map<String, Digest> digests = new ConcurrentHashMap<>();
  /** Per cluster: the hash this fleet last wrote or verified there. */
  final Map<String, String> written = new ConcurrentHashMap<>();
  /** Per cluster: the copy's {@code .status}, when remote status is collected. */
  public final Map<String, JsonNode> remoteStatus = new ConcurrentHashMap<>();
  /** Clusters where a run-once object (a TaskRun, a PipelineRun) has finished: never created again. */
  final Set<String> finishedRuns = ConcurrentHashMap.newKeySet();
  /** Per cluster, background retries so far, for backoff. */
  public final Map<String, Integer> attempts = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  /** A digest computed when first needed: most writes are never compared again. */
  static final class Digest {
    private final Supplier<String> compute;
    private volatile String value;

    Digest(Supplier<String> compute) {
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

  public Tracked(ResourceKey key, Plan plan) {
    this.key = key;
    this.plan = plan;
  }

  /** Installs the plan of a new explicit call. */
  public synchronized void install(Plan plan) {
    this.plan = plan;
    seq++;
  }

  /** The lock that serialises the syncs of this object on {@code cluster}. */
  public Object lock(String cluster) {
    return locks.computeIfAbsent(cluster, c -> new Object());
  }

  /** Forgets what this object knew of {@code cluster}'s copy (it was removed, orphaned, or left the fleet). */
  public void forgetCopy(String cluster) {
    verified.remove(cluster);
    written.remove(cluster);
    digests.remove(cluster);
    remoteStatus.remove(cluster);
  }
}
