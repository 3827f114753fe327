package io.fleetfed.controller.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import io.fleetfed.controller.LeaderElection;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a {@code coordination.k8s.io/v1} Lease through fabric8's leader elector, with a fence: the
 * leader may write only while its last renewal is younger than the renew deadline, which is shorter than the lease
 * duration, so it stops writing before another replica can take the Lease even when a renewal hangs. A replica does
 * not campaign while KubeFed's own controller manager holds its lock (ConfigMap {@code kubefed-controller-manager},
 * renewed within its lease).
 */
final class Election implements AutoCloseable {
  static final String KUBEFED_LOCK = "kubefed-controller-manager";
  static final String KUBEFED_LOCK_ANNOTATION = "control-plane.alpha.kubernetes.io/leader";
  private static final Logger LOG = LoggerFactory.getLogger(Election.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the controller does when leadership changes. */
  interface Callbacks {
    void startedLeading();

    void stoppedLeading();

    void newLeader(String identity);

    void notLeading(String why);
  }

  private final KubernetesClient client;
  private final String namespace;
  private final String identity;
  private final LeaderElection settings;
  private final Callbacks callbacks;
  private final ScheduledExecutorService timer;
  private final ScheduledFuture<?> watchdog;
  private volatile boolean leading;
  private volatile long renewedAt;
  private volatile Optional<String> leader = Optional.empty();
  private volatile Optional<String> refusal = Optional.empty();
  private CompletableFuture<?> campaign;
  private boolean closed;

  Election(KubernetesClient client, String namespace, String identity, LeaderElection settings, Callbacks callbacks,
      ScheduledExecutorService timer) {
    this.client = client;
    this.namespace = namespace;
    this.identity = identity;
    this.settings = settings;
    this.callbacks = callbacks;
    this.timer = timer;
    this.watchdog = timer.scheduleWithFixedDelay(this::checkFence, 100, 100, TimeUnit.MILLISECONDS);
  }

  /** Starts campaigning (or, without election, leads at once). */
  synchronized void start() {
    if (!settings.enabled()) {
      leading = true;
      renewedAt = System.nanoTime();
      leader = Optional.of(identity);
      callbacks.startedLeading();
      return;
    }
    timer.execute(this::campaignLogged);
  }

  /** A campaign on the timer: nothing it throws may vanish in the executor. */
  private void campaignLogged() {
    try {
      campaign();
    } catch (RuntimeException e) {
      LOG.error("leader election failed to start: {}; trying again in {}", e.toString(), settings.retryPeriod(), e);
      timer.schedule(this::campaignLogged, settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Whether this replica leads now and its last renewal is younger than the renew deadline. */
  boolean mayWrite() {
    return leading && (!settings.enabled() || System.nanoTime() - renewedAt < settings.renewDeadline().toNanos());
  }

  boolean leading() {
    return leading;
  }

  Optional<String> leader() {
    return leader;
  }

  Optional<String> refusal() {
    return refusal;
  }

  private synchronized void campaign() {
    if (closed) {
      return;
    }
    Optional<String> kubefed;
    try {
      kubefed = kubefedHolder();
    } catch (KubernetesClientException e) {
      LOG.warn("cannot read KubeFed's lock {}/{}: {}; trying again in {}", namespace, KUBEFED_LOCK, e.getMessage(),
          settings.retryPeriod());
      timer.schedule(this::campaignLogged, settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    if (kubefed.isPresent()) {
      String why = "KubeFed's controller manager (" + kubefed.get() + ") holds its lock ConfigMap " + namespace + "/"
          + KUBEFED_LOCK + ": stop it (scale kubefed-controller-manager to 0) before fleetfed's controller leads,"
          + " so the two never write the same objects";
      if (!refusal.equals(Optional.of(why))) {
        LOG.warn("not leading: {}", why);
        callbacks.notLeading(why);
      }
      refusal = Optional.of(why);
      timer.schedule(this::campaignLogged, settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    refusal = Optional.empty();
    LeaderElectionConfig config = new LeaderElectionConfig(new FencedLock(new LeaseLock(namespace,
        settings.leaseName(), identity)), settings.leaseDuration(), settings.renewDeadline(), settings.retryPeriod(),
        new LeaderCallbacks(this::onStart, this::onStop, this::onNewLeader), true, "fleetfed-controller");
    // built directly, not through LeaderElectorBuilder: the builder insists on renewDeadline > 2.2 × retryPeriod,
    // which KubeFed's own defaults (10 s, 5 s) fail; that margin is for the jittered acquire attempts, while a leader
    // renews every retryPeriod without jitter, so client-go's rule (renewDeadline > 1.2 × retryPeriod, checked by
    // LeaderElection) is the one that matters
    campaign = new LeaderElector(client, config, timer).start();
    campaign.whenComplete((v, t) -> {
      if (t != null && !(t instanceof java.util.concurrent.CancellationException)) {
        LOG.warn("leader election ended: {}", t.toString());
      }
      onStop();
      synchronized (this) {
        if (!closed) {
          // KubeFed's manager exits here and lets Kubernetes restart it; an embedded controller campaigns again
          timer.schedule(this::campaignLogged, settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    });
  }

  /** The holder of KubeFed's lock, when it holds it now. */
  private Optional<String> kubefedHolder() {
    ConfigMap lock = client.configMaps().inNamespace(namespace).withName(KUBEFED_LOCK).get();
    if (lock == null || lock.getMetadata().getAnnotations() == null) {
      return Optional.empty();
    }
    String record = lock.getMetadata().getAnnotations().get(KUBEFED_LOCK_ANNOTATION);
    if (record == null || record.isBlank()) {
      return Optional.empty();
    }
    try {
      JsonNode r = JSON.readTree(record);
      String holder = r.path("holderIdentity").asText("");
      long seconds = r.path("leaseDurationSeconds").asLong(15);
      Instant renewed = Instant.parse(r.path("renewTime").asText());
      if (holder.isEmpty() || !renewed.plusSeconds(seconds).isAfter(Instant.now())) {
        return Optional.empty();
      }
      return Optional.of(holder);
    } catch (Exception e) {
      LOG.debug("KubeFed's lock record cannot be read ({}): taken as not held", e.toString());
      return Optional.empty();
    }
  }

  private void onStart() {
    renewedAt = System.nanoTime();
    leading = true;
    leader = Optional.of(identity);
    LOG.info("{} leads: promoted as leader on Lease {}/{}", identity, namespace, settings.leaseName());
    callbacks.startedLeading();
  }

  private void onStop() {
    boolean was;
    synchronized (this) {
      was = leading;
      leading = false;
    }
    if (was) {
      LOG.info("{} stopped leading", identity);
      callbacks.stoppedLeading();
    }
  }

  private void onNewLeader(String id) {
    leader = Optional.ofNullable(id).filter(s -> !s.isEmpty());
    if (id != null && !id.isEmpty()) {
      callbacks.newLeader(id);
    }
  }

  /** A leader whose renewals stopped past the deadline (a hung request included) stops at once. */
  private void checkFence() {
    if (leading && settings.enabled() && !mayWrite()) {
      LOG.warn("{} could not renew its Lease within {}: it stops writing and leading", identity,
          settings.renewDeadline());
      CompletableFuture<?> c;
      synchronized (this) {
        c = campaign;
      }
      onStop();
      if (c != null) {
        c.cancel(true);
      }
    }
  }

  /** Stops campaigning; a leader releases its Lease, so a successor need not wait it out. */
  @Override
  public void close() {
    CompletableFuture<?> c;
    synchronized (this) {
      closed = true;
      c = campaign;
    }
    watchdog.cancel(false);
    if (c != null) {
      c.cancel(true);
      try {
        c.handle((v, t) -> null).get(settings.renewDeadline().toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.debug("leader election did not end in time: {}", e.toString());
      }
    }
    onStop();
  }

  /** The Lease lock, noting when this replica last wrote it as holder. */
  private final class FencedLock implements Lock {
    private final Lock lock;

    FencedLock(Lock lock) {
      this.lock = lock;
    }

    @Override
    public LeaderElectionRecord get(KubernetesClient c) {
      return lock.get(c);
    }

    @Override
    public void create(KubernetesClient c, LeaderElectionRecord record) {
      long sent = System.nanoTime();
      lock.create(c, record);
      noteRenewed(record, sent);
    }

    @Override
    public void update(KubernetesClient c, LeaderElectionRecord record) {
      long sent = System.nanoTime();
      lock.update(c, record);
      noteRenewed(record, sent);
    }

    private void noteRenewed(LeaderElectionRecord record, long sent) {
      if (identity.equals(record.getHolderIdentity())) {
        // the time the request was sent, not answered: the lease runs from no later than that
        renewedAt = sent;
      }
    }

    @Override
    public String identity() {
      return lock.identity();
    }

    @Override
    public String describe() {
      return lock.describe();
    }
  }
}
