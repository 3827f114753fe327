package io.fleetfed.core.fleet.internal.members;

import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.cluster.HealthCheck;
import io.fleetfed.core.cluster.HealthProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every member's health path ({@code /healthz} by default) as KubeFed's cluster controller does
 * ({@link HealthCheck}: path, period, timeout, thresholds; the fleet's check, or a member's own), writes a joined,
 * probed member's health to its KubeFedCluster's status when it changes, and tells the fleet of every change.
 */
public final class HealthProber {
  private static final Logger LOG = LoggerFactory.getLogger(HealthProber.class);

  /** Told of a member whose health changed, on the probing thread. */
  public interface Listener {
    void changed(Member member);
  }

  private final Members members;
  private final HealthCheck check;
  private final Map<String, HealthCheck> overrides;
  private final Executor workers;
  private final Listener listener;
  private volatile boolean closed;

  /** What a member whose check is off is recorded as. */
  private static final HealthProbe OFF =
      new HealthProbe(ClusterHealth.READY, Optional.of("the health probe is off: always Ready"));

  /** Probes with {@code check}, or for the members named in {@code overrides} with theirs. */
  public HealthProber(Members members, HealthCheck check, Map<String, HealthCheck> overrides, Executor workers,
      Listener listener) {
    this.members = members;
    this.check = check;
    this.overrides = Map.copyOf(overrides);
    this.workers = workers;
    this.listener = listener;
  }

  /** The check member {@code name} is probed with: its own, else the fleet's. */
  public HealthCheck checkFor(String name) {
    return overrides.getOrDefault(name, check);
  }

  /** The distinct periods of the checks that probe, each to be scheduled with {@link #probeEvery}. */
  public Set<Duration> periods() {
    Set<Duration> periods = new LinkedHashSet<>();
    if (check.enabled()) {
      periods.add(check.period());
    }
    overrides.values().stream().filter(HealthCheck::enabled).forEach(c -> periods.add(c.period()));
    return periods;
  }

  /** Probes every member at once (a member whose check is off is recorded Ready) and records the results. */
  public void probeAll() {
    probe(members.all(), true);
  }

  /** Probes at once every member whose check probes every {@code period}, and records the results. */
  public void probeEvery(Duration period) {
    List<Member> due = new ArrayList<>();
    for (Member m : members.all()) {
      HealthCheck c = checkFor(m.name());
      if (c.enabled() && c.period().equals(period)) {
        due.add(m);
      }
    }
    probe(due, false);
  }

  /** Probes {@code due} at once and records the results on the calling thread, never on an event loop. */
  private void probe(Iterable<Member> due, boolean recordOff) {
    if (closed) {
      return;
    }
    Map<Member, CompletableFuture<HealthProbe>> probes = new LinkedHashMap<>();
    long longest = 0;
    for (Member m : due) {
      HealthCheck c = checkFor(m.name());
      if (c.enabled()) {
        probes.put(m, m.client().probe(c.path(), c.timeout()));
        longest = Math.max(longest, c.timeout().toNanos());
      } else if (recordOff) {
        record(m, OFF);
      }
    }
    long deadline = System.nanoTime() + longest + TimeUnit.SECONDS.toNanos(1);
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

  /** Probes one member now and waits for it (a member whose check is off is recorded Ready). */
  public void probe(Member m) {
    HealthCheck c = checkFor(m.name());
    if (!c.enabled()) {
      record(m, OFF);
      return;
    }
    try {
      record(m, m.client().probe(c.path(), c.timeout()).get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.debug("probe of {} failed: {}", m.name(), e.toString());
    }
  }

  /**
   * Records a probe; a change is written to the host (on a worker) and told to the listener. A member whose probe
   * is off is Ready for this fleet only: nothing is written to its KubeFedCluster, where KubeFed's controller or
   * another fleet that does probe it records what it found.
   */
  private void record(Member m, HealthProbe r) {
    HealthCheck c = checkFor(m.name());
    Optional<ClusterHealth> changed = m.probed(r.health(), r.message(), c);
    if (c.enabled() && m.joined() && !m.recorded().equals(Optional.of(m.health())) && !closed) {
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
