package io.fleetfed.core.fleet.internal.members;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.cluster.DrainResult;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.render.ManagedMetadata;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.PropagationResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Drains a member: after the engine has removed what this fleet tracks there, deletes every other copy fleetfed
 * owns on it (other fleets' copies, or a restarted fleet's), of every type that may hold one. A copy is fleetfed's
 * when its label, source and hash agree ({@link Ownership}); anything else labelled as fleetfed's is reported and
 * left alone. One failed delete does not stop the others: a failure that may pass is retried, then reported for
 * that object. A member that stops answering is not asked again in the drain: what is left is reported. Namespaces
 * are kept: deleting one deletes everything in it, managed or not.
 */
public final class Drainer {
  private static final Map<String, String> MANAGED = Map.of(ManagedMetadata.MANAGED_LABEL, "true");
  /** How many times one delete is tried when its failure may pass (429, 5xx). */
  static final int DELETE_ATTEMPTS = 3;
  /** The pause before the second try; it doubles for each further one. */
  private static final Duration FIRST_PAUSE = Duration.ofMillis(200);

  private final Member m;
  private final List<DrainResult.Problem> problems = new ArrayList<>();
  private final List<DrainResult.LeftAlone> leftAlone = new ArrayList<>();
  private int removed;
  /** The failure after which the member is not asked again, once it stopped answering. */
  private ClusterRequestException down;

  private Drainer(Member m) {
    this.m = m;
  }

  /**
   * Finishes draining {@code m}.
   *
   * @param synced what the engine's sync of every tracked object did
   * @param known the types fleetfed knows may hold managed objects (cached ones and the registry's); whatever the
   *     member serves is added from discovery
   */
  public static DrainResult drain(Member m, List<PropagationResult> synced, List<ResourceType> known)
      throws InterruptedException {
    return new Drainer(m).run(synced, known);
  }

  private DrainResult run(List<PropagationResult> synced, List<ResourceType> known) throws InterruptedException {
    for (PropagationResult r : synced) {
      ClusterOutcome o = r.clusters().get(m.name());
      if (o != null && o.action() == ClusterAction.DELETED) {
        removed++;
      } else if (o != null && !o.isOk()) {
        problems.add(new DrainResult.Problem(DrainResult.Reason.NOT_REMOVED, r.key().toString(), r.key() + ": " + o));
      }
    }
    if (!m.ready()) {
      problems.add(new DrainResult.Problem(DrainResult.Reason.CLUSTER_NOT_READY, m.name(), "cluster " + m.name()
          + " is " + m.health() + ": its objects are removed when it is back"));
      return result();
    }
    for (ResourceType type : managedTypes(known)) {
      if (type.isNamespace()) {
        continue;   // namespaces are kept: deleting one deletes everything in it, managed or not
      }
      String subject = type.plural() + (type.group().isEmpty() ? "" : "." + type.group());
      if (down != null) {
        problems.add(new DrainResult.Problem(DrainResult.Reason.TYPE_NOT_DRAINED, subject, "cannot remove "
            + subject + ": not listed, " + m.name() + " stopped answering earlier in the drain: "
            + down.getMessage()));
        continue;
      }
      List<GenericKubernetesResource> found;
      try {
        found = m.client().list(type, "", MANAGED);
      } catch (ClusterRequestException e) {
        if (!e.isNotFound()) {
          stoppedAnswering(e);
          problems.add(new DrainResult.Problem(DrainResult.Reason.TYPE_NOT_DRAINED, subject, "cannot remove "
              + subject + ": " + e.getMessage()));
        }
        continue;
      }
      for (GenericKubernetesResource o : found) {
        remove(type, o);
      }
    }
    return result();
  }

  private DrainResult result() {
    return new DrainResult(m.name(), removed, problems, leftAlone);
  }

  /** Deletes {@code o} if it is fleetfed's copy; reports it otherwise, or when it cannot be deleted. */
  private void remove(ResourceType type, GenericKubernetesResource o) throws InterruptedException {
    String ns = o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace();
    String name = o.getMetadata().getName();
    String subject = type.kind() + " " + (ns.isEmpty() ? "" : ns + "/") + name;
    Optional<String> foreign = Ownership.whyNotOurs(o);
    if (foreign.isPresent()) {
      leftAlone.add(new DrainResult.LeftAlone(subject, "not fleetfed's copy: " + foreign.get()));
      return;
    }
    if (down != null) {
      problems.add(new DrainResult.Problem(DrainResult.Reason.NOT_DELETED, subject, subject + ": not deleted, "
          + m.name() + " stopped answering earlier in the drain: " + down.getMessage()));
      return;
    }
    Duration pause = FIRST_PAUSE;
    for (int attempt = 1; ; attempt++) {
      try {
        if (m.client().delete(type, ns, name)) {
          removed++;
        }
        return;
      } catch (ClusterRequestException e) {
        if (e.isNotFound()) {
          return;   // gone meanwhile
        }
        if (mayPass(e) && attempt < DELETE_ATTEMPTS) {
          Thread.sleep(pause.toMillis());
          pause = pause.multipliedBy(2);
          continue;
        }
        stoppedAnswering(e);
        problems.add(new DrainResult.Problem(DrainResult.Reason.NOT_DELETED, subject, subject + ": not deleted"
            + (attempt > 1 ? " after " + attempt + " tries" : "") + ": " + e.getMessage()));
        return;
      }
    }
  }

  /** Whether {@code e} may pass if the request is sent again: throttling or a server error. */
  private static boolean mayPass(ClusterRequestException e) {
    return !e.isTimeout() && (e.code() == 429 || e.code() >= 500);
  }

  /** Remembers {@code e} if it says the member stopped answering (a timeout, or no connection). */
  private void stoppedAnswering(ClusterRequestException e) {
    if (e.isTimeout() || e.code() == 0) {
      down = e;
    }
  }

  /** Every type that may hold managed objects on {@code m}: the known ones and whatever the member serves. */
  private List<ResourceType> managedTypes(List<ResourceType> known) {
    Map<String, ResourceType> types = new LinkedHashMap<>();
    for (ResourceType t : known) {
      types.putIfAbsent(t.group() + "/" + t.version() + "/" + t.plural(), t);
    }
    try {
      for (ResourceType t : m.client().servedTypes()) {
        types.putIfAbsent(t.group() + "/" + t.version() + "/" + t.plural(), t);
      }
    } catch (ClusterRequestException e) {
      stoppedAnswering(e);
      problems.add(new DrainResult.Problem(DrainResult.Reason.DISCOVERY_FAILED, m.name(), "cannot discover the "
          + "types " + m.name() + " serves (" + e.getMessage() + "); only fleetfed's known types were drained"));
    }
    return List.copyOf(types.values());
  }
}
