package io.fleetfed.core.fleet.internal.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.cluster.VersionChoice;
import io.fleetfed.core.fleet.internal.cluster.Errors;
import io.fleetfed.core.fleet.internal.members.Member;
import io.fleetfed.core.fleet.internal.members.Outage;
import io.fleetfed.core.fleet.internal.members.Ownership;
import io.fleetfed.core.fleet.internal.plan.Plan;
import io.fleetfed.core.kubefed.ConversionException;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.render.ManagedMetadata;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.PropagationStatus;
import io.fleetfed.core.status.ResourceKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Applying, the second room of propagation: brings one cluster's copy of one federated object in line with its
 * {@link Plan} — create (with its namespace), conditional update keeping what retention keeps, nothing when hash
 * and content match, delete or orphan where the object is no longer placed — and says what it did as KubeFed's
 * per-cluster status. It reads through the member's {@link TypeCache} and writes through the member's
 * {@link io.fleetfed.core.cluster.ClusterClient}; it records what it learns in the object's {@link Tracked}.
 */
public final class CopySync {
  private static final int CONFLICT_ATTEMPTS = 5;
  /**
   * How long a deletion waits for a namespace the cluster is terminating (emptying it, then removing its
   * {@code spec.finalizers}): seconds on a real cluster; longer, and it is reported WaitingForRemoval.
   */
  private static final Duration NAMESPACE_REMOVAL = Duration.ofSeconds(15);
  private static final Duration REMOVAL_POLL = Duration.ofMillis(100);
  private static final String MANAGED_FALSE = "the cluster's object is labelled " + ManagedMetadata.MANAGED_LABEL
      + ": \"false\"";
  /** On a federated object, {@code "true"} lets it adopt existing objects even when the fleet does not. */
  public static final String ADOPT_ANNOTATION = "fleetfed.io/adopt";

  /**
   * What the sync may do.
   *
   * @param adopt whether existing objects fleetfed does not manage are taken over, fleet-wide
   * @param takeOverKubeFedCopies whether objects labelled {@code kubefed.io/managed: "true"} (KubeFed's copies)
   *     are taken over in place
   * @param remoteStatus whether each copy's {@code .status} is collected
   * @param runOnce which types are runs: created once, never updated, never re-created once finished
   */
  public record Settings(boolean adopt, boolean takeOverKubeFedCopies, boolean remoteStatus,
      Predicate<ResourceType> runOnce) {}

  /** Why propagation leaves an existing object that is not fleetfed's copy alone: the status and its detail. */
  public record Refusal(PropagationStatus status, String message) {}

  /** One sync of one object on one member: the member, the call it belongs to, whether the member failed. */
  private static final class Attempt {
    final Member m;
    final long call;
    boolean memberFailed;

    Attempt(Member m, long call) {
      this.m = m;
      this.call = call;
    }

    /** Notes {@code e}: a failure of the member as a whole is remembered for the requests that follow. */
    void failed(RuntimeException e) {
      if (e instanceof ClusterRequestException c && Outage.isMemberFailure(c)) {
        memberFailed = true;
        m.outage().failed(call, c);
      }
    }
  }

  private final Settings settings;
  private final Caches caches;
  private final KubernetesSerialization json = new KubernetesSerialization();

  public CopySync(Settings settings, Caches caches) {
    this.settings = settings;
    this.caches = caches;
  }

  /**
   * Before the syncs of an explicit call reach {@code m}: lists (or awaits the watch of) each of {@code types} on it
   * once, so that the syncs find it ready, and remembers a failure of the member as a whole for the rest of the
   * call. One worker waits on a slow member, not every worker its objects were given to.
   */
  public void prime(Member m, Collection<ResourceType> types, long call, Duration timeout)
      throws InterruptedException {
    if (!m.ready()) {
      return;
    }
    for (ResourceType type : types) {
      if (m.outage().blocking(call).isPresent()) {
        return;
      }
      try {
        // a watch that has not listed yet proves nothing about the member (its type may not be served there):
        // the syncs then read each object, and the first of them to time out marks the member
        VersionChoice at = caches.resolve(m, type, Optional.of(call));
        if (at.notServed().isEmpty()) {
          caches.cache(m, at.type(), Optional.of(call)).awaitSynced(timeout);
        }
      } catch (ClusterRequestException e) {
        m.outage().failed(call, e);   // a failure of one type only is reported by each sync
      }
    }
  }

  /**
   * The object {@code ns/name} on {@code m} as {@code cache} knows it; read from the cluster when the cache has not
   * listed it yet, since absence there proves nothing.
   */
  public static Optional<GenericKubernetesResource> lookup(Member m, TypeCache cache, String ns, String name) {
    Optional<GenericKubernetesResource> known = cache.get(ns, name);
    return known.isEmpty() && !cache.synced() && m.ready() ? m.client().get(cache.type(), ns, name) : known;
  }

  /**
   * Brings {@code m}'s copy in line with {@code plan}; {@code call} is the explicit call it belongs to (empty for
   * background reconciliation), and {@code explicit} says whether it may overwrite another fleet's version.
   *
   * @return the outcome, or null if the cluster has nothing to do with the object
   */
  public ClusterOutcome sync(Tracked t, Plan plan, Member m, Optional<Long> call, boolean explicit)
      throws InterruptedException {
    Attempt a = new Attempt(m, call.orElse(Outage.BACKGROUND));
    Outage.Permit permit = m.ready() ? m.outage().permit(a.call) : Outage.Permit.GO;
    if (permit.blockedBy().isPresent()) {
      return notTried(t, plan, m, permit.blockedBy().get(), a.call != Outage.BACKGROUND);
    }
    long sent = System.nanoTime();
    try {
      ClusterOutcome outcome;
      try {
        outcome = sync(t, plan, a, call, explicit);
      } catch (ClusterRequestException e) {
        a.failed(e);
        if (!a.memberFailed) {
          throw e;
        }
        outcome = notTried(t, plan, m, e, false);
      }
      if (!a.memberFailed && m.ready()) {
        m.outage().answered(sent);
      }
      return outcome;
    } finally {
      m.outage().release(permit);
    }
  }

  /**
   * What {@code m}'s failure as a whole means for this object: the operation it would have needed (create, update,
   * delete or orphan) timed out or failed, as KubeFed reports it; null when the member has nothing to do with it.
   */
  private static ClusterOutcome notTried(Tracked t, Plan plan, Member m, ClusterRequestException e,
      boolean earlier) {
    String cluster = m.name();
    Optional<Plan.Desired> desired = plan.desired(cluster);
    boolean copy = t.written.containsKey(cluster) || t.outcomes.containsKey(cluster);
    PropagationStatus failed;
    PropagationStatus timedOut;
    if (desired != null) {
      failed = copy ? PropagationStatus.UPDATE_FAILED : PropagationStatus.CREATION_FAILED;
      timedOut = copy ? PropagationStatus.UPDATE_TIMED_OUT : PropagationStatus.CREATION_TIMED_OUT;
    } else if (copy || plan.deleting()) {
      failed = plan.orphan() ? PropagationStatus.LABEL_REMOVAL_FAILED : PropagationStatus.DELETION_FAILED;
      timedOut = plan.orphan() ? PropagationStatus.LABEL_REMOVAL_TIMED_OUT : PropagationStatus.DELETION_TIMED_OUT;
    } else {
      return null;
    }
    String why = e.getMessage() + (earlier ? "; not tried again in this call: " + cluster + " failed earlier in it"
        : "");
    return ClusterOutcome.failed(cluster, e.isTimeout() ? timedOut : failed, why);
  }

  private ClusterOutcome sync(Tracked t, Plan plan, Attempt a, Optional<Long> call, boolean explicit)
      throws InterruptedException {
    Member m = a.m;
    String cluster = m.name();
    VersionChoice at = caches.resolve(m, plan.type(), call);
    if (at.notServed().isPresent()) {
      // it is served there only at versions it cannot be converted to: no copy can be there either
      return plan.desired(cluster) == null ? null
          : ClusterOutcome.failed(cluster, PropagationStatus.VERSION_NOT_SERVED, at.notServed().get());
    }
    TypeCache cache;
    try {
      cache = caches.cache(m, at.type(), call);
    } catch (ClusterRequestException e) {
      a.failed(e);
      if (a.memberFailed) {
        return notTried(t, plan, m, e, false);
      }
      if (e.isNotFound()) {   // a list answers 404 only for a type not served
        Optional<ClusterOutcome> gone = versionGone(m, plan, at.type());
        if (gone.isPresent()) {
          return plan.desired(cluster) == null ? null : gone.get();   // nothing there to delete either
        }
      }
      return ClusterOutcome.failed(cluster, PropagationStatus.CACHED_RETRIEVAL_FAILED, e.getMessage());
    }
    Optional<GenericKubernetesResource> current = lookup(m, cache, plan.namespace(), plan.name());
    boolean ours = current.filter(o -> isOurs(o, t.key)).isPresent();
    current.filter(o -> ours).ifPresent(o -> observe(t, plan, cluster, o));
    Optional<Plan.Desired> desired = plan.desired(cluster);
    if (desired == null) {
      if (!ours && plan.deleting() && !m.ready() && !cache.synced()) {
        return ClusterOutcome.failed(cluster, PropagationStatus.CLUSTER_NOT_READY, m.notReady()
            + "; whether it holds a copy is known once it is back");
      }
      if (!ours) {
        return current.flatMap(o -> claimsToBe(o, t.key)).map(why -> new ClusterOutcome(cluster, ClusterAction.NONE,
            PropagationStatus.OK, Optional.of("left alone: the object there is not fleetfed's copy: " + why)))
            .orElse(null);
      }
      if (!m.ready()) {
        return ClusterOutcome.failed(cluster, PropagationStatus.CLUSTER_NOT_READY, m.notReady());
      }
      if (current.get().getMetadata().getDeletionTimestamp() != null) {
        return ClusterOutcome.failed(cluster, PropagationStatus.WAITING_FOR_REMOVAL, "the copy is being deleted");
      }
      // a drained cluster keeps its namespaces (deleting one deletes everything in it, managed or not)
      boolean keep = plan.orphan() || (m.drained() && plan.resource().type().isNamespace());
      return keep ? orphan(t, a, cache, current.get()) : remove(t, a, cache, plan);
    }
    if (!m.ready()) {
      return ClusterOutcome.failed(cluster, PropagationStatus.CLUSTER_NOT_READY, m.notReady());
    }
    Plan.Desired want = desired.orElseThrow();
    if (current.isEmpty()) {
      if (settings.runOnce().test(plan.resource().type()) && t.finishedRuns.contains(cluster)) {
        return new ClusterOutcome(cluster, ClusterAction.UNCHANGED, PropagationStatus.OK,
            Optional.of("the run finished and its copy was removed; a run is never created twice"));
      }
      return create(t, a, cache, plan, want, explicit);
    }
    return reconcileExisting(t, a, cache, plan, want, current.get(), explicit);
  }

  private ClusterOutcome create(Tracked t, Attempt a, TypeCache cache, Plan plan, Plan.Desired want,
      boolean explicit) throws InterruptedException {
    Member m = a.m;
    String cluster = m.name();
    GenericKubernetesResource object;
    try {
      object = json.convertValue(Retention.markOwnAnnotations(inVersion(want, plan, cache)),
          GenericKubernetesResource.class);
    } catch (ConversionException e) {
      return notConvertible(m, plan, cache, e);
    }
    try {
      GenericKubernetesResource created = m.client().createWithNamespace(cache.type(), object);
      cache.wrote(plan.namespace(), plan.name(), Optional.of(created));
      recordWrite(t, cluster, created, want);
      return ClusterOutcome.ok(cluster, ClusterAction.CREATED);
    } catch (ClusterRequestException e) {
      if (e.isConflict()) {
        Optional<GenericKubernetesResource> existing = fetch(m, cache, plan);
        if (existing.isPresent()) {
          return reconcileExisting(t, a, cache, plan, want, existing.get(), explicit);
        }
      }
      if (e.isNotFound()) {
        Optional<ClusterOutcome> gone = versionGone(m, plan, cache.type());
        if (gone.isPresent()) {
          return gone.get();
        }
      }
      return failure(a, e, PropagationStatus.CREATION_FAILED, PropagationStatus.CREATION_TIMED_OUT);
    } catch (RuntimeException e) {
      return failure(a, e, PropagationStatus.CREATION_FAILED, PropagationStatus.CREATION_TIMED_OUT);
    }
  }

  private ClusterOutcome reconcileExisting(Tracked t, Attempt a, TypeCache cache, Plan plan, Plan.Desired want,
      GenericKubernetesResource current, boolean explicit) throws InterruptedException {
    Member m = a.m;
    String cluster = m.name();
    for (int attempt = 1; ; attempt++) {
      if ("false".equals(labels(current).get(ManagedMetadata.MANAGED_LABEL))) {
        return ClusterOutcome.failed(cluster, PropagationStatus.MANAGED_LABEL_FALSE, MANAGED_FALSE);
      }
      boolean ours = isOurs(current, t.key);
      Optional<Refusal> refused = ours ? Optional.empty() : refusal(current, plan.resource());
      if (refused.isPresent()) {
        return ClusterOutcome.failed(cluster, refused.get().status(), refused.get().message());
      }
      boolean takingOver = !ours && takesOver(current);
      if (takingOver && current.getMetadata().getDeletionTimestamp() != null) {
        return ClusterOutcome.failed(cluster, PropagationStatus.WAITING_FOR_REMOVAL, "KubeFed's copy there is"
            + " being deleted; fleetfed creates its own once it is gone");
      }
      if (ours && current.getMetadata().getDeletionTimestamp() != null) {
        return ClusterOutcome.failed(cluster, PropagationStatus.WAITING_FOR_REMOVAL,
            "the copy is being deleted; it is created again once it is gone");
      }
      if (ours) {
        observe(t, plan, cluster, current);
        if (settings.runOnce().test(plan.resource().type())) {
          t.written.put(cluster, hash(current));
          return new ClusterOutcome(cluster, ClusterAction.UNCHANGED, PropagationStatus.OK,
              hash(current).equals(want.hash()) ? Optional.empty()
                  : Optional.of("a run is never updated once created; delete it to run it again"));
        }
      }
      String have = hash(current);
      if (ours && have.equals(want.hash()) && version(current).equals(t.verified.get(cluster))) {
        t.written.put(cluster, want.hash());
        return ClusterOutcome.ok(cluster, ClusterAction.UNCHANGED);   // exactly what this fleet last saw match
      }
      JsonNode currentTree = json.convertValue(current, JsonNode.class);
      ObjectNode wanted;
      try {
        wanted = inVersion(want, plan, cache);
      } catch (ConversionException e) {
        return notConvertible(m, plan, cache, e);
      }
      ObjectNode toWrite = Retention.retain(wanted, currentTree, plan.resource().retainReplicas());
      if (ours && have.equals(want.hash()) && unchangedByOthers(t, plan, cluster, toWrite, currentTree)) {
        t.verified.put(cluster, version(current));
        t.written.put(cluster, want.hash());
        boolean retain = plan.resource().retainReplicas();
        t.digests.computeIfAbsent(cluster, c -> new Tracked.Digest(() -> Retention.digest(currentTree, retain)));
        return ClusterOutcome.ok(cluster, ClusterAction.UNCHANGED);
      }
      if (ours && !explicit && !have.isEmpty() && !have.equals(want.hash())
          && want.hash().equals(t.written.get(cluster))) {
        // we wrote our version here and another fleet wrote its own since: do not fight it in the background
        return ClusterOutcome.failed(cluster, PropagationStatus.OWNED_BY_ANOTHER_WRITER,
            "another writer propagated a different version of this object here; propagate it again to overwrite");
      }
      try {
        GenericKubernetesResource updated = m.client().update(cache.type(),
            json.convertValue(toWrite, GenericKubernetesResource.class));
        cache.wrote(plan.namespace(), plan.name(), Optional.of(updated));
        recordWrite(t, cluster, updated, want);
        return ClusterOutcome.ok(cluster, takingOver ? ClusterAction.TAKEN_OVER : ClusterAction.UPDATED);
      } catch (ClusterRequestException e) {
        if ((e.isConflict() || e.isNotFound()) && attempt < CONFLICT_ATTEMPTS) {
          Optional<GenericKubernetesResource> fresh = fetch(m, cache, plan);
          if (fresh.isEmpty()) {
            cache.wrote(plan.namespace(), plan.name(), Optional.empty());
            return create(t, a, cache, plan, want, explicit);
          }
          current = fresh.get();
          continue;
        }
        return failure(a, e, PropagationStatus.UPDATE_FAILED, PropagationStatus.UPDATE_TIMED_OUT);
      } catch (RuntimeException e) {
        return failure(a, e, PropagationStatus.UPDATE_FAILED, PropagationStatus.UPDATE_TIMED_OUT);
      }
    }
  }

  /**
   * Whether a copy whose resourceVersion moved since this fleet verified it still holds what this fleet wrote:
   * everything the plan says ({@code matches}) and, when this fleet knows what its last write returned, nothing
   * added outside metadata and status (a status update or a label added by someone passes; a key added to
   * {@code data} or {@code spec} by hand does not).
   */
  private static boolean unchangedByOthers(Tracked t, Plan plan, String cluster, ObjectNode toWrite,
      JsonNode current) {
    if (!Retention.matches(toWrite, current)) {
      return false;
    }
    Tracked.Digest digest = t.digests.get(cluster);
    return digest == null || digest.get().equals(Retention.digest(current, plan.resource().retainReplicas()));
  }

  private void recordWrite(Tracked t, String cluster, GenericKubernetesResource written, Plan.Desired want) {
    t.verified.put(cluster, version(written));
    t.written.put(cluster, want.hash());
    boolean retain = t.plan.resource().retainReplicas();
    t.digests.put(cluster, new Tracked.Digest(() -> Retention.digest(json.convertValue(written, JsonNode.class),
        retain)));
  }

  /**
   * Deletes {@code m}'s copy. When the federated object is being deleted, its DELETE carries the object's
   * {@code kubefed.io/deleteoption}; a copy removed from a cluster the object is no longer placed on is deleted
   * plainly, as KubeFed does ({@code syncToClusters} passes no options, {@code deleteFromClusters} does).
   */
  private ClusterOutcome remove(Tracked t, Attempt a, TypeCache cache, Plan plan) {
    Member m = a.m;
    try {
      if (plan.deleting()) {
        m.client().delete(cache.type(), plan.namespace(), plan.name(), plan.resource().deleteOptions());
      } else {
        m.client().delete(cache.type(), plan.namespace(), plan.name());
      }
      Optional<GenericKubernetesResource> left = fetch(m, cache, plan);
      if (left.isPresent() && isOurs(left.get(), t.key) && plan.type().isNamespace()
          && finalizers(left.get()).isEmpty()) {
        // a real cluster never deletes a namespace at once: it is Terminating until the cluster's namespace
        // controller has emptied it and removed its spec.finalizers; nobody else holds it, so wait for that
        left = awaitGone(m, cache, plan, NAMESPACE_REMOVAL);
      }
      if (left.isPresent() && isOurs(left.get(), t.key)) {
        // held by a finalizer: KubeFed reports it until it is gone, and so do we
        cache.wrote(plan.namespace(), plan.name(), left);
        return ClusterOutcome.failed(m.name(), PropagationStatus.WAITING_FOR_REMOVAL, deleting(left.get()));
      }
      cache.wrote(plan.namespace(), plan.name(), Optional.empty());
      t.forgetCopy(m.name());
      return ClusterOutcome.ok(m.name(), ClusterAction.DELETED);
    } catch (RuntimeException e) {
      return failure(a, e, PropagationStatus.DELETION_FAILED, PropagationStatus.DELETION_TIMED_OUT);
    }
  }

  private ClusterOutcome orphan(Tracked t, Attempt a, TypeCache cache, GenericKubernetesResource current) {
    Member m = a.m;
    Plan plan = t.plan;
    GenericKubernetesResource copy = json.clone(current);
    for (int attempt = 1; ; attempt++) {
      if (copy.getMetadata().getLabels() != null) {
        copy.getMetadata().getLabels().remove(ManagedMetadata.MANAGED_LABEL);
      }
      if (copy.getMetadata().getAnnotations() != null) {
        copy.getMetadata().getAnnotations().remove(ManagedMetadata.SOURCE_ANNOTATION);
        copy.getMetadata().getAnnotations().remove(ManagedMetadata.HASH_ANNOTATION);
        copy.getMetadata().getAnnotations().remove(Retention.OWN_ANNOTATIONS);
      }
      try {
        m.client().update(cache.type(), copy);
        cache.wrote(plan.namespace(), plan.name(), Optional.empty());
        t.forgetCopy(m.name());
        return ClusterOutcome.ok(m.name(), ClusterAction.ORPHANED);
      } catch (ClusterRequestException e) {
        if (e.isConflict() && attempt < CONFLICT_ATTEMPTS) {
          Optional<GenericKubernetesResource> fresh = fetch(m, cache, plan);
          if (fresh.isEmpty() || !isOurs(fresh.get(), t.key)) {
            return ClusterOutcome.ok(m.name(), ClusterAction.ORPHANED);
          }
          copy = fresh.get();
          continue;
        }
        if (e.isNotFound()) {
          return ClusterOutcome.ok(m.name(), ClusterAction.ORPHANED);
        }
        return failure(a, e, PropagationStatus.LABEL_REMOVAL_FAILED, PropagationStatus.LABEL_REMOVAL_TIMED_OUT);
      } catch (RuntimeException e) {
        return failure(a, e, PropagationStatus.LABEL_REMOVAL_FAILED, PropagationStatus.LABEL_REMOVAL_TIMED_OUT);
      }
    }
  }

  /** The object's own finalizers ({@code metadata.finalizers}). */
  private static List<String> finalizers(GenericKubernetesResource o) {
    List<String> f = o.getMetadata().getFinalizers();
    return f == null ? List.of() : f;
  }

  /**
   * What holds a copy being deleted: its {@code metadata.finalizers} and, for a namespace, the
   * {@code spec.finalizers} of the cluster's namespace controller (such as {@code kubernetes}), which hold a
   * Terminating namespace until everything in it is gone.
   */
  private static List<String> heldBy(GenericKubernetesResource o) {
    List<String> all = new ArrayList<>(finalizers(o));
    if (o.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec
        && spec.get("finalizers") instanceof List<?> f) {
      f.forEach(n -> all.add(String.valueOf(n)));
    }
    return all;
  }

  /**
   * Why a copy being deleted is still there, for people: what holds it (finalizers, such as the garbage
   * collector's {@code orphan} or {@code foregroundDeletion} that a propagation policy adds) or the grace period
   * it was given.
   */
  private static String deleting(GenericKubernetesResource o) {
    List<String> held = heldBy(o);
    Long grace = o.getMetadata().getDeletionGracePeriodSeconds();
    if (held.isEmpty() && grace != null && grace > 0) {
      return "the copy is being deleted within its grace period of " + grace + " s";
    }
    return "the copy is being deleted and is held by finalizers " + held;
  }

  /** Reads the copy until it is gone or {@code wait} has passed; what is left then. */
  private static Optional<GenericKubernetesResource> awaitGone(Member m, TypeCache cache, Plan plan, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    Optional<GenericKubernetesResource> left = fetch(m, cache, plan);
    while (left.isPresent() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(REMOVAL_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return left;
      }
      left = fetch(m, cache, plan);
    }
    return left;
  }

  /** Reads the copy, in the version the member's copies are in. */
  private static Optional<GenericKubernetesResource> fetch(Member m, TypeCache cache, Plan plan) {
    return m.client().get(cache.type(), plan.namespace(), plan.name());
  }

  /**
   * The object to write on the member of {@code cache}: the rendered one, converted to the version the member's
   * copies are in when that is not the template's (its metadata, fleetfed's hash included, carried over).
   *
   * @throws ConversionException if a field has no equivalent in the member's version
   */
  private ObjectNode inVersion(Plan.Desired want, Plan plan, TypeCache cache) {
    ObjectNode rendered = want.object().deepCopy();
    return cache.type().version().equals(plan.type().version()) ? rendered
        : caches.versions().convert(rendered, cache.type().version());
  }

  /** The member serves the copy's type only at versions this copy cannot be converted to. */
  private ClusterOutcome notConvertible(Member m, Plan plan, TypeCache cache, ConversionException e) {
    return ClusterOutcome.failed(m.name(), PropagationStatus.VERSION_NOT_SERVED, ServedVersions.notServed(m.name(),
        plan.type(), caches.versions().served(m, plan.type())) + "; " + e.getMessage());
  }

  /**
   * After a 404 from a create: when the member serves no version of the type, or the version written is gone from
   * it (a CRD changed since discovery was asked), what the member serves now says so, and the next sync writes the
   * version it serves; empty when the version is still served (the 404 was about something else).
   */
  private Optional<ClusterOutcome> versionGone(Member m, Plan plan, ResourceType written) {
    caches.versions().stale(m.name(), plan.type().group());
    VersionChoice now = caches.resolve(m, plan.type(), Optional.empty());
    if (now.type().equals(written) && now.notServed().isEmpty()) {
      if (caches.versions().served(m, plan.type()).isEmpty()) {
        return Optional.of(ClusterOutcome.failed(m.name(), PropagationStatus.VERSION_NOT_SERVED,
            ServedVersions.noVersionServed(m.name(), plan.type())));
      }
      return Optional.empty();   // the version is served: the 404 was about something else
    }
    return Optional.of(ClusterOutcome.failed(m.name(), PropagationStatus.VERSION_NOT_SERVED, now.notServed()
        .orElse(m.name() + " no longer serves " + written.qualifiedName() + " at " + written.version()
            + "; the copy is written at " + now.type().version() + " next")));
  }

  private static ClusterOutcome failure(Attempt a, RuntimeException e, PropagationStatus failed,
      PropagationStatus timedOut) {
    a.failed(e);
    return ClusterOutcome.failed(a.m.name(), Errors.isTimeout(e) ? timedOut : failed, Errors.describe(e));
  }

  /**
   * Where {@code current}, fleetfed's copy on {@code cluster}, does not hold what the plan would write there now:
   * the JSON pointers of the fields fleetfed manages that hold something else; empty when it holds all of them. A
   * run is never updated, so it has no drift.
   */
  public List<String> drift(Plan plan, String cluster, GenericKubernetesResource current) {
    Optional<Plan.Desired> desired = plan.desired(cluster);
    if (desired == null || desired.isEmpty() || settings.runOnce().test(plan.resource().type())) {
      return List.of();
    }
    JsonNode tree = json.convertValue(current, JsonNode.class);
    ObjectNode wanted = desired.get().object().deepCopy();
    String version = versionOf(current.getApiVersion());
    if (!version.isEmpty() && !version.equals(plan.type().version())) {
      try {
        wanted = caches.versions().convert(wanted, version);
      } catch (ConversionException e) {
        return List.of();   // never written so: nothing to compare with
      }
    }
    ObjectNode toWrite = Retention.retain(wanted, tree, plan.resource().retainReplicas());
    return Retention.differences(toWrite, tree);
  }

  /** Notes what the copy says about itself: its remote status, whether a run finished. */
  public void observe(Tracked t, Plan plan, String cluster, GenericKubernetesResource copy) {
    Object status = copy.getAdditionalProperties().get("status");
    if (settings.remoteStatus()) {
      if (status == null) {
        t.remoteStatus.remove(cluster);
      } else {
        t.remoteStatus.put(cluster, remoteStatus(plan, copy));
      }
    }
    if (status != null && settings.runOnce().test(plan.resource().type()) && finished(status)) {
      t.finishedRuns.add(cluster);
    }
  }

  /**
   * The copy's {@code .status}, as the template's version has it: a copy in another version is converted back
   * (its own status is kept when it cannot be); null when it has none.
   */
  public JsonNode remoteStatus(Plan plan, GenericKubernetesResource copy) {
    String version = versionOf(copy.getApiVersion());
    if (!version.isEmpty() && !version.equals(plan.type().version())) {
      try {
        return caches.versions().convert(json.convertValue(copy, ObjectNode.class), plan.type().version())
            .path("status");
      } catch (ConversionException e) {
        // the status as the member has it beats none
      }
    }
    return json.convertValue(copy.getAdditionalProperties().get("status"), JsonNode.class);
  }

  private static String versionOf(String apiVersion) {
    return apiVersion == null ? "" : apiVersion.substring(apiVersion.indexOf('/') + 1);
  }

  private boolean finished(Object status) {
    JsonNode s = json.convertValue(status, JsonNode.class);
    if (s.hasNonNull("completionTime")) {
      return true;
    }
    for (JsonNode c : s.path("conditions")) {
      if ("Succeeded".equals(c.path("type").asText())
          && ("True".equals(c.path("status").asText()) || "False".equals(c.path("status").asText()))) {
        return true;
      }
    }
    return false;
  }

  /** Whether an existing object fleetfed does not manage may be taken over: fleet-wide, or per resource. */
  private boolean adopt(FederatedResource resource) {
    return settings.adopt() || "true".equals(resource.annotations().get(ADOPT_ANNOTATION));
  }

  /** Whether {@code o} is KubeFed's copy (labelled {@code kubefed.io/managed: "true"}) and this fleet takes those. */
  private boolean takesOver(GenericKubernetesResource o) {
    return settings.takeOverKubeFedCopies() && "true".equals(labels(o).get(ManagedMetadata.KUBEFED_MANAGED_LABEL));
  }

  /**
   * Why propagating {@code resource} leaves {@code o}, an existing object that is not fleetfed's copy of it, alone;
   * empty when propagation takes it: KubeFed's copy with {@code takeOverKubeFedCopies}, any object with adoption,
   * a namespace fleetfed created to hold objects. Labelled {@code managed: "false"} by fleetfed or, for a fleet that
   * would take it, by KubeFed, it is never taken ({@code ManagedLabelFalse}); otherwise it is {@code AlreadyExists}.
   */
  public Optional<Refusal> refusal(GenericKubernetesResource o, FederatedResource resource) {
    Map<String, String> labels = labels(o);
    if ("false".equals(labels.get(ManagedMetadata.MANAGED_LABEL))) {
      return Optional.of(new Refusal(PropagationStatus.MANAGED_LABEL_FALSE, MANAGED_FALSE));
    }
    String kubefed = labels.get(ManagedMetadata.KUBEFED_MANAGED_LABEL);
    boolean wouldTake = settings.takeOverKubeFedCopies() || adopt(resource);
    if ("false".equals(kubefed) && wouldTake) {
      return Optional.of(new Refusal(PropagationStatus.MANAGED_LABEL_FALSE, "the cluster's object is labelled "
          + ManagedMetadata.KUBEFED_MANAGED_LABEL + ": \"false\" (KubeFed's ManagedLabelFalse): it is kept out of"
          + " federation"));
    }
    if (takesOver(o) || adopt(resource) || isHolder(o)) {
      return Optional.empty();
    }
    if ("true".equals(kubefed)) {
      return Optional.of(new Refusal(PropagationStatus.ALREADY_EXISTS, "KubeFed's copy (labelled "
          + ManagedMetadata.KUBEFED_MANAGED_LABEL + ": \"true\") already exists there; take it over"
          + " (takeOverKubeFedCopies), adopt it (adoptResources) or remove it"));
    }
    return Optional.of(new Refusal(PropagationStatus.ALREADY_EXISTS, "an object fleetfed does not manage already"
        + " exists there; adopt it (adoptResources) or remove it"));
  }

  /**
   * Whether {@code o} is a namespace fleetfed created only to hold objects (managed, but from no federated
   * object): a FederatedNamespace for it takes it over without needing adoption.
   */
  private static boolean isHolder(GenericKubernetesResource o) {
    Map<String, String> annotations = o.getMetadata().getAnnotations();
    return "Namespace".equals(o.getKind()) && "true".equals(labels(o).get(ManagedMetadata.MANAGED_LABEL))
        && (annotations == null || !annotations.containsKey(ManagedMetadata.SOURCE_ANNOTATION));
  }

  /**
   * Why {@code o}, whose source annotation names {@code key}, is nevertheless not fleetfed's copy of it; empty when
   * it is, or does not claim to be.
   */
  private static Optional<String> claimsToBe(GenericKubernetesResource o, ResourceKey key) {
    Map<String, String> annotations = o.getMetadata().getAnnotations();
    if (annotations == null || !key.toString().equals(annotations.get(ManagedMetadata.SOURCE_ANNOTATION))) {
      return Optional.empty();
    }
    return Ownership.whyNotOurs(o);
  }

  /** Whether {@code o} is fleetfed's copy of the federated object {@code key} (see {@link Ownership}). */
  public static boolean isOurs(GenericKubernetesResource o, ResourceKey key) {
    return Ownership.isCopyOf(o, key);
  }

  static Map<String, String> labels(GenericKubernetesResource o) {
    Map<String, String> labels = o.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  /** The copy's {@code fleetfed.io/hash}, or {@code ""}. */
  public static String hash(GenericKubernetesResource o) {
    Map<String, String> annotations = o.getMetadata().getAnnotations();
    String hash = annotations == null ? null : annotations.get(ManagedMetadata.HASH_ANNOTATION);
    return hash == null ? "" : hash;
  }

  private static String version(GenericKubernetesResource o) {
    String v = o.getMetadata().getResourceVersion();
    return v == null ? "" : v;
  }
}
