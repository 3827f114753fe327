package io.fleetfed.core.fleet.internal.engine;

import io.fleetfed.core.status.ResourceKey;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The background queue of a started fleet: one pending sync per object and cluster however many events asked for
 * it, delayed retries (one at a time per object and cluster) with the fleet's backoff, and a count of what is
 * queued, waiting or running.
 */
final class Reconciler {
  /** Syncs one object on one cluster in the background. */
  interface Sync {
    void run(ResourceKey key, String cluster);
  }

  private final ExecutorService workers;
  private final ScheduledExecutorService scheduler;
  private final Sync sync;
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  /** Items with a delayed retry scheduled: one at a time, however many failures asked for one. */
  private final Set<String> retrying = ConcurrentHashMap.newKeySet();
  private final AtomicInteger pending = new AtomicInteger();
  private volatile boolean started;
  private volatile boolean closed;

  Reconciler(ExecutorService workers, ScheduledExecutorService scheduler, Sync sync) {
    this.workers = workers;
    this.scheduler = scheduler;
    this.sync = sync;
  }

  void start() {
    started = true;
  }

  boolean started() {
    return started;
  }

  void close() {
    closed = true;
    started = false;
  }

  /** Queues a sync of {@code key} on {@code cluster} after {@code delay}; nothing before the fleet starts. */
  void enqueue(ResourceKey key, String cluster, Duration delay) {
    if (closed || !started) {
      return;
    }
    String item = key + "\u0000" + cluster;
    if (delay.isZero() && !queued.add(item)) {
      return;   // already waiting to run: one pass will see the latest state
    }
    pending.incrementAndGet();
    Runnable run = () -> {
      try {
        queued.remove(item);
        if (!delay.isZero()) {
          retrying.remove(item);
        }
        if (!closed) {
          sync.run(key, cluster);
        }
      } finally {
        pending.decrementAndGet();
      }
    };
    try {
      if (delay.isZero()) {
        workers.execute(run);
      } else {
        scheduler.schedule(() -> {
          try {
            workers.execute(run);
          } catch (RejectedExecutionException closing) {
            pending.decrementAndGet();
          }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (RejectedExecutionException closing) {
      queued.remove(item);
      pending.decrementAndGet();
    }
  }

  /** Schedules a retry of {@code key} on {@code cluster}, unless one is scheduled already. */
  void retryLater(ResourceKey key, String cluster, Duration delay) {
    String item = key + "\u0000" + cluster;
    if (retrying.add(item)) {
      enqueue(key, cluster, delay);
    }
  }

  /** Whether no background reconciliation is queued, waiting for a retry, or running. */
  boolean idle() {
    return pending.get() == 0;
  }
}
