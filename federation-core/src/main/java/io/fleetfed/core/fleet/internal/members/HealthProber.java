package io.fleetfed.core.fleet.internal.members;

import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.cluster.HealthCheck;
import io.fleetfed.core.cluster.HealthProbe;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every member's {@code /healthz} as KubeFed's cluster controller does ({@link HealthCheck}: period,
 * timeout, thresholds), writes a joined member's health to its KubeFedCluster's status when it changes, and tells
 * the fleet of every change.
 */
public final class HealthProber {
  private static final Logger LOG = LoggerFactory.getLogger(HealthProber.class);

  /** Told of a member whose health changed, on the probing thread. */
  public interface Listener {
    void changed(Member member);
  }

  private final Members members;
  private final HealthCheck check;
  private final Executor workers;
  private final Listener listener;
  private volatile boolean closed;

  public HealthProber(Members members, HealthCheck check, Executor workers, Listener listener) {
    this.members = members;
    this.check = check;
    this.workers = workers;
    this.listener = listener;
  }

  /** Probes every member at once and records the results on the calling thread, never on an event loop. */
  public void probeAll() {
    if (closed) {
      return;
    }
    Map<Member, CompletableFuture<HealthProbe>> probes = new LinkedHashMap<>();
    for (Member m : members.all()) {
      probes.put(m, m.client().probe(check.timeout()));
    }
    long deadline = System.nanoTime() + check.timeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
    for (Map.Entry<Member, CompletableFuture<HealthProbe>> e : probes.entrySet()) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        record(e.getKey(), e.getValue().get(left, TimeUnit.NANOSECONDS));
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException ex) {
        record(e.getKey(), new HealthProbe(ClusterHealth.OFFLINE,
            Optional.of("cluster is not reachable: the probe did not finish")));
      }
    }
  }

  /** Probes one member now and waits for it. */
  public void probe(Member m) {
    try {
      record(m, m.client().probe(check.timeout()).get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.debug("probe of {} failed: {}", m.name(), e.toString());
    }
  }

  /** Records a probe; a change is written to the host (on a worker) and told to the listener. */
  private void record(Member m, HealthProbe r) {
    Optional<ClusterHealth> changed = m.probed(r.health(), r.message(), check);
    if (m.joined() && !m.recorded().equals(Optional.of(m.health())) && !closed) {
      ClusterHealth health = m.health();
      Optional<String> message = m.state().message();
      try {
        workers.execute(() -> {
          try {
            members.membership().orElseThrow().writeStatus(m.name(), health, message);
            m.recorded(health);
          } catch (ClusterRequestException e) {
            LOG.warn("cannot record the health of {} in its KubeFedCluster: {}", m.name(), e.getMessage());
          }
        });
      } catch (RejectedExecutionException closing) {
        // the fleet is closing
      }
    }
    if (changed.isPresent() && !closed) {
      LOG.info("cluster {} is now {}{}", m.name(), changed.get(), r.message().map(s -> ": " + s).orElse(""));
      listener.changed(m);
    }
  }

  /** Stops recording probes. */
  public void close() {
    closed = true;
  }
}
