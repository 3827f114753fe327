package io.fleetfed.core.fleet.internal.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.cluster.VersionChoice;
import io.fleetfed.core.fleet.internal.apply.Caches;
import io.fleetfed.core.fleet.internal.apply.CopySync;
import io.fleetfed.core.fleet.internal.apply.TypeCache;
import io.fleetfed.core.fleet.internal.members.Member;
import io.fleetfed.core.fleet.internal.plan.Plan;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.status.CopyReport;
import io.fleetfed.core.status.PropagationStatus;
import io.fleetfed.core.status.ResourceKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one member holds of each planned object now, read without writing (the {@link CopyReport}s of
 * {@code fleetfed status}): one list per type (the call's snapshot, or the started fleet's watch), a read of one
 * object only where a placed copy is missing (to tell an object fleetfed does not manage), and the content of each
 * copy compared with what fleetfed would write, so that a hand edit shows as drift. A member that cannot be read
 * gives {@code UNKNOWN}, never absent.
 */
public final class Inspector {
  /** How the reason for a type the member does not serve begins. */
  private static final String NOT_SERVED = "the type is not served";

  private final Caches caches;
  private final CopySync copies;
  private final Duration timeout;

  public Inspector(Caches caches, CopySync copies, Duration timeout) {
    this.caches = caches;
    this.copies = copies;
    this.timeout = timeout;
  }

  /** The report of each plan on {@code m}, by plan; plans {@code m} has nothing to do with are left out. */
  public Map<Plan, CopyReport> inspect(Member m, List<Plan> plans, long call) throws InterruptedException {
    Map<Plan, CopyReport> reports = new LinkedHashMap<>();
    Map<String, Optional<TypeCache>> read = new HashMap<>();
    Map<String, String> unread = new HashMap<>();
    for (Plan plan : plans) {
      boolean placed = plan.placed().containsKey(m.name());
      if (!m.ready()) {
        if (placed) {
          reports.put(plan, unknown(m, placed, PropagationStatus.CLUSTER_NOT_READY, m.notReady()));
        }
        continue;
      }
      VersionChoice at = caches.resolve(m, plan.type(), Optional.of(call));
      if (at.notServed().isPresent()) {
        if (placed) {   // no copy can be there
          reports.put(plan, new CopyReport(m.name(), m.health(), true, CopyReport.Presence.ABSENT, false, List.of(),
              Optional.of(PropagationStatus.VERSION_NOT_SERVED), at.notServed(), Optional.empty()));
        }
        continue;
      }
      String typeKey = key(at.type());
      if (!read.containsKey(typeKey)) {
        read.put(typeKey, read(m, at.type(), call, unread));
      }
      Optional<TypeCache> cache = read.get(typeKey);
      if (cache.isEmpty()) {
        String why = unread.get(typeKey);
        if (why.startsWith(NOT_SERVED)) {
          if (placed) {   // the type is not served there: no copy can be
            reports.put(plan, new CopyReport(m.name(), m.health(), true, CopyReport.Presence.ABSENT, false,
                List.of(), Optional.of(PropagationStatus.VERSION_NOT_SERVED), Optional.of(why), Optional.empty()));
          }
        } else if (placed) {
          reports.put(plan, unknown(m, true, PropagationStatus.RETRIEVAL_FAILED, why));
        }
        continue;
      }
      try {
        report(m, plan, placed, cache.get()).ifPresent(r -> reports.put(plan, r));
      } catch (ClusterRequestException e) {
        m.outage().failed(call, e);
        reports.put(plan, unknown(m, placed, PropagationStatus.RETRIEVAL_FAILED, "cannot read " + m.name() + ": "
            + e.getMessage()));
      }
    }
    return reports;
  }

  /** {@code m}'s view of {@code type}, listed once for the call; empty (and why, in {@code unread}) if unreadable. */
  private Optional<TypeCache> read(Member m, ResourceType type, long call, Map<String, String> unread)
      throws InterruptedException {
    Optional<ClusterRequestException> out = m.outage().blocking(call);
    if (out.isPresent()) {
      unread.put(key(type), "cannot read " + m.name() + ": " + out.get().getMessage());
      return Optional.empty();
    }
    try {
      TypeCache cache = caches.cache(m, type, Optional.of(call));
      if (!cache.awaitSynced(timeout)) {
        unread.put(key(type), "the watch of " + type.plural() + " on " + m.name() + " has not listed yet");
        return Optional.empty();
      }
      return Optional.of(cache);
    } catch (ClusterRequestException e) {
      if (e.isNotFound()) {
        unread.put(key(type), NOT_SERVED + " on " + m.name() + ": it serves no version of " + type.qualifiedName()
            + " (is its CustomResourceDefinition installed there?)");
        return Optional.empty();
      }
      m.outage().failed(call, e);
      unread.put(key(type), "cannot read " + m.name() + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<CopyReport> report(Member m, Plan plan, boolean placed, TypeCache cache) {
    ResourceKey key = ResourceKey.of(plan.resource());
    Optional<GenericKubernetesResource> copy = cache.get(plan.namespace(), plan.name());
    if (copy.isEmpty() && placed) {
      // not among the managed objects: an object of the name fleetfed does not manage may stand in the way
      copy = m.client().get(cache.type(), plan.namespace(), plan.name());
    }
    boolean ours = copy.filter(o -> CopySync.isOurs(o, key)).isPresent();
    Optional<PropagationStatus> problem = Optional.empty();
    Optional<String> message = Optional.empty();
    if (copy.isPresent() && !ours && placed) {
      // what propagating would do with it: leave it (the problem), or take it (no problem, but not there yet)
      Optional<CopySync.Refusal> refusal = copies.refusal(copy.get(), plan.resource());
      problem = refusal.map(CopySync.Refusal::status);
      message = Optional.of(refusal.map(CopySync.Refusal::message)
          .orElse("an object fleetfed does not manage has this name there; the next propagation takes it over"));
    }
    if (!placed && !ours && problem.isEmpty()) {
      return Optional.empty();
    }
    Optional<Plan.Desired> desired = plan.desired(m.name());
    List<String> drift = ours ? copies.drift(plan, m.name(), copy.get()) : List.of();
    boolean hashMatches = ours && desired != null && desired.isPresent()
        && desired.get().hash().equals(CopySync.hash(copy.get()));
    boolean upToDate = hashMatches && drift.isEmpty();
    if (ours && !upToDate && desired != null && desired.isPresent()) {
      message = Optional.of(hashMatches ? "changed outside fleetfed at " + String.join(", ", drift)
          : "holds an older version of the object");
    }
    Optional<JsonNode> remote = copy.filter(o -> ours).map(o -> copies.remoteStatus(plan, o));
    return Optional.of(new CopyReport(m.name(), m.health(), placed, ours ? CopyReport.Presence.PRESENT
        : CopyReport.Presence.ABSENT, upToDate, drift, problem, message, remote));
  }

  private static CopyReport unknown(Member m, boolean placed, PropagationStatus problem, String why) {
    return new CopyReport(m.name(), m.health(), placed, CopyReport.Presence.UNKNOWN, false, List.of(),
        Optional.of(problem), Optional.of(why), Optional.empty());
  }

  private static String key(ResourceType type) {
    return type.group() + "/" + type.version() + "/" + type.plural();
  }
}
