package io.fleetfed.controller.internal;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.controller.ControllerEvent;
import io.fleetfed.controller.ControllerListener;
import io.fleetfed.controller.ControllerState;
import io.fleetfed.controller.LeaderElection;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.cluster.ClusterState;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link io.fleetfed.controller.FederationController} runs: the election, the operations endpoints and, while
 * this replica leads, one {@link Term} (the fleet and the host's watches). Not API.
 */
public final class ControllerRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerRuntime.class);

  /**
   * How the controller was configured.
   *
   * @param host how to reach the host cluster
   * @param hostName the host's cluster name (used in ServiceAccount names on join)
   * @param kubefedNamespace KubeFed's namespace
   * @param watchNamespace the only namespace watched, when set (otherwise KubeFedConfig's scope decides)
   * @param identity the Lease holder identity
   * @param election the election settings, when set by the caller (otherwise the KubeFedConfig's, or KubeFed's
   *     defaults)
   * @param operations where to serve /healthz, /readyz and /metrics, if anywhere
   * @param takeOverKubeFedCopies whether member copies KubeFed's controller made are taken over in place
   * @param requestTimeout how long one request may take
   */
  public record Settings(Config host, String hostName, String kubefedNamespace, Optional<String> watchNamespace,
      String identity, Optional<LeaderElection> election, Optional<InetSocketAddress> operations,
      boolean takeOverKubeFedCopies, Duration requestTimeout) {}

  /** Named in full: asking fabric8 by apiVersion and kind would make it discover the API first. */
  private static final ResourceDefinitionContext KUBEFED_CONFIGS = new ResourceDefinitionContext.Builder()
      .withGroup("core.kubefed.io").withVersion("v1beta1").withKind("KubeFedConfig").withPlural("kubefedconfigs")
      .withNamespaced(true).build();

  private final Settings settings;
  private final ScheduledThreadPoolExecutor timer;
  /** The election's own thread: Lease renewals never wait behind a term starting or members being read. */
  private final ScheduledThreadPoolExecutor electionTimer;
  private final KubernetesClient electionClient;
  private final List<ControllerListener> listeners = new CopyOnWriteArrayList<>();
  private final Metrics metrics;
  private final Object lock = new Object();
  private Election election;
  private Optional<OperationsServer> operations = Optional.empty();
  private volatile Term term;
  private volatile boolean closed;
  private boolean started;

  public ControllerRuntime(Settings settings) {
    this.settings = settings;
    AtomicInteger n = new AtomicInteger();
    this.timer = new ScheduledThreadPoolExecutor(2, r -> {
      Thread t = new Thread(r, "fleetfed-controller-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.timer.setRemoveOnCancelPolicy(true);
    // two threads: a renewal blocked in a slow request must not hold up the watchdog that fences it
    this.electionTimer = new ScheduledThreadPoolExecutor(2, r -> {
      Thread t = new Thread(r, "fleetfed-election");
      t.setDaemon(true);
      return t;
    });
    this.electionTimer.setRemoveOnCancelPolicy(true);
    // no retries of its own, and no request longer than a renew deadline: fabric8 retries a failed request with
    // backoff for up to twenty seconds by default, which kept a leader whose renewals failed from noticing
    int deadline = (int) settings.election().orElse(LeaderElection.DEFAULT).renewDeadline().toMillis();
    this.electionClient = new KubernetesClientBuilder().withConfig(new ConfigBuilder(settings.host())
        .withRequestRetryBackoffLimit(0).withRequestTimeout(deadline).withConnectionTimeout(deadline).build())
        .build();
    this.metrics = new Metrics(this::members, () -> election != null && election.leading());
  }

  /** Serves the endpoints and starts campaigning; returns at once. */
  public void start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the controller is closed");
      }
      if (started) {
        return;
      }
      started = true;
      operations = settings.operations().map(a -> new OperationsServer(a, this::notReady, metrics::scrape));
      LeaderElection chosen = settings.election().orElseGet(this::electionFromConfig);
      election = new Election(electionClient, settings.kubefedNamespace(), settings.identity(), chosen,
          new Election.Callbacks() {
            @Override
            public void startedLeading() {
              timer.execute(ControllerRuntime.this::lead);
            }

            @Override
            public void stoppedLeading() {
              stepDown();
            }

            @Override
            public void newLeader(String identity) {
              LOG.info("the leader is {}", identity);
            }

            @Override
            public void notLeading(String why) {
              tell(new ControllerEvent(ControllerEvent.Type.NOT_LEADING, settings.identity(), why));
            }
          }, electionTimer);
      election.start();
    }
  }

  /** The KubeFedConfig {@code kubefed}, if the host has one (and serves the type). */
  private Optional<GenericKubernetesResource> readKubeFedConfig() {
    try {
      return Optional.ofNullable(electionClient.genericKubernetesResources(KUBEFED_CONFIGS)
          .inNamespace(settings.kubefedNamespace()).withName(KubeFedSettings.NAME).get());
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (e.getCode() == 404) {
        return Optional.empty();
      }
      throw failure("cannot read the KubeFedConfig " + settings.kubefedNamespace() + "/" + KubeFedSettings.NAME
          + ": " + e.getMessage(), e);
    }
  }

  /** KubeFedConfig's {@code leaderElect}, read once before campaigning; KubeFed's defaults when it cannot be read. */
  private LeaderElection electionFromConfig() {
    try {
      KubeFedSettings s = KubeFedSettings.of(readKubeFedConfig());
      return LeaderElection.DEFAULT.withDurations(s.leaseDuration(), s.renewDeadline(), s.retryPeriod());
    } catch (RuntimeException e) {
      LOG.debug("cannot read the KubeFedConfig for election settings ({}); using KubeFed's defaults", e.toString());
      return LeaderElection.DEFAULT;
    }
  }

  private void lead() {
    synchronized (lock) {
      if (closed || !election.leading() || term != null) {
        return;
      }
      try {
        term = new Term(settings, readKubeFedConfig(), election::mayWrite, metrics, this::tell, timer,
            this::restartTerm);
      } catch (RuntimeException e) {
        LOG.error("cannot start leading: {}; retrying in 5 s", e.getMessage(), e);
        timer.schedule(this::lead, 5, TimeUnit.SECONDS);
        return;
      }
    }
    tell(new ControllerEvent(ControllerEvent.Type.STARTED_LEADING, settings.identity(), "promoted as leader"));
  }

  /** The KubeFedConfig changed: the term starts again with its new settings. */
  private void restartTerm() {
    timer.execute(() -> {
      synchronized (lock) {
        if (term != null) {
          term.close();
          term = null;
        }
      }
      lead();
    });
  }

  private void stepDown() {
    Term t;
    synchronized (lock) {
      t = term;
      term = null;
    }
    if (t != null) {
      t.close();
      tell(new ControllerEvent(ControllerEvent.Type.STOPPED_LEADING, settings.identity(), "leader election lost"));
    }
  }

  private String notReady() {
    if (closed) {
      return "closing";
    }
    if (election == null || election.leader().isEmpty()) {
      return election != null && election.refusal().isPresent() ? "not leading: " + election.refusal().get()
          : "the leader is not known yet";
    }
    Term t = term;
    if (election.leading() && (t == null || !t.synced())) {
      return "the host's watches have not synced yet";
    }
    return "";
  }

  private List<ClusterState> members() {
    Term t = term;
    return t == null ? List.of() : t.members();
  }

  void tell(ControllerEvent event) {
    if (event.type() == ControllerEvent.Type.MEMBERSHIP_CHANGED
        || event.type() == ControllerEvent.Type.STARTED_LEADING) {
      metrics.clusters(members());
    }
    for (ControllerListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        LOG.warn("a controller listener failed on {}", event, e);
      }
    }
  }

  public void addListener(ControllerListener listener) {
    listeners.add(listener);
  }

  public void removeListener(ControllerListener listener) {
    listeners.remove(listener);
  }

  public ControllerState state() {
    Term t = term;
    boolean leading = election != null && election.leading();
    return new ControllerState(settings.identity(), leading, election == null ? Optional.empty() : election.leader(),
        election == null ? Optional.empty() : election.refusal(), t == null ? List.of() : t.typesRunning(),
        t == null ? List.of() : t.members(), t == null ? 0 : t.depth(), t != null && t.synced());
  }

  /** Whether this replica leads, its watches have synced, and nothing is queued or running (for tests). */
  public boolean idle() {
    Term t = term;
    return t != null && t.synced() && t.idle();
  }

  public Optional<InetSocketAddress> operationsAddress() {
    return operations.map(OperationsServer::address);
  }

  public Metrics metrics() {
    return metrics;
  }

  /** Stops writing, releases the Lease, closes the fleet and the endpoints. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    Term t;
    synchronized (lock) {
      t = term;
      term = null;
    }
    if (t != null) {
      // stop the work first: the Lease is released only once nothing of this leader writes any more
      t.close();
    }
    if (election != null) {
      election.close();
    }
    if (t != null) {
      tell(new ControllerEvent(ControllerEvent.Type.STOPPED_LEADING, settings.identity(), "closed"));
    }
    operations.ifPresent(OperationsServer::close);
    timer.shutdownNow();
    electionTimer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
      electionTimer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    electionClient.close();
  }

  static FederationException failure(String message, Throwable cause) {
    return new FederationException(message, cause);
  }
}
