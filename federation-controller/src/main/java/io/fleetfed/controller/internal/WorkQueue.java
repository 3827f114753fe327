package io.fleetfed.controller.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KubeFed's work queue: keys, not events, are queued, so a key added many times before a worker takes it is
 * reconciled once; a key is never reconciled by two workers at once (added while running, it runs again after);
 * a delayed add keeps the earlier of two times.
 *
 * @param <K> the key
 */
final class WorkQueue<K> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkQueue.class);

  private final String name;
  private final ScheduledExecutorService timer;
  private final Consumer<K> work;
  private final LinkedHashSet<K> ready = new LinkedHashSet<>();
  private final Set<K> running = new HashSet<>();
  private final Set<K> again = new HashSet<>();
  private final Map<K, Delayed> delayed = new HashMap<>();
  private final List<Thread> workers = new ArrayList<>();
  private boolean closed;

  private record Delayed(long dueNanos, ScheduledFuture<?> future) {}

  WorkQueue(String name, int workers, ScheduledExecutorService timer, Consumer<K> work) {
    this.name = name;
    this.timer = timer;
    this.work = work;
    for (int i = 0; i < workers; i++) {
      Thread t = new Thread(this::loop, "fleetfed-" + name + "-" + (i + 1));
      t.setDaemon(true);
      this.workers.add(t);
    }
    this.workers.forEach(Thread::start);
  }

  /** Queues {@code key} now. */
  synchronized void add(K key) {
    if (closed) {
      return;
    }
    Delayed d = delayed.remove(key);
    if (d != null) {
      d.future.cancel(false);
    }
    if (running.contains(key)) {
      again.add(key);
    } else if (ready.add(key)) {
      notifyAll();
    }
  }

  /** Queues {@code key} after {@code delay}, unless it is queued for sooner already. */
  synchronized void addAfter(K key, Duration delay) {
    if (closed) {
      return;
    }
    if (delay.isZero() || delay.isNegative()) {
      add(key);
      return;
    }
    if (ready.contains(key)) {
      return;
    }
    long due = System.nanoTime() + delay.toNanos();
    Delayed existing = delayed.get(key);
    if (existing != null && existing.dueNanos - due <= 0) {
      return;
    }
    if (existing != null) {
      existing.future.cancel(false);
    }
    ScheduledFuture<?> f = timer.schedule(() -> fire(key, due), delay.toNanos(), TimeUnit.NANOSECONDS);
    delayed.put(key, new Delayed(due, f));
  }

  private synchronized void fire(K key, long due) {
    Delayed d = delayed.get(key);
    if (d != null && d.dueNanos == due) {
      delayed.remove(key);
      add(key);
    }
  }

  /** Keys waiting for a worker, now or later. */
  synchronized int depth() {
    return ready.size() + delayed.size();
  }

  /** Whether nothing is queued, waiting or running. */
  synchronized boolean idle() {
    return ready.isEmpty() && delayed.isEmpty() && running.isEmpty();
  }

  private void loop() {
    while (true) {
      K key;
      synchronized (this) {
        while (!closed && ready.isEmpty()) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
        key = ready.iterator().next();
        ready.remove(key);
        running.add(key);
      }
      try {
        work.accept(key);
      } catch (RuntimeException e) {
        LOG.warn("{}: reconciling {} failed: {}", name, key, e.toString(), e);
      } finally {
        synchronized (this) {
          running.remove(key);
          if (again.remove(key) && !closed) {
            ready.add(key);
            notifyAll();
          }
        }
      }
    }
  }

  /** Stops taking keys; waits (at most {@code wait}) for the work in hand, then interrupts it. */
  void close(Duration wait) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      delayed.values().forEach(d -> d.future.cancel(false));
      delayed.clear();
      ready.clear();
      notifyAll();
    }
    long deadline = System.nanoTime() + wait.toNanos();
    for (Thread t : workers) {
      try {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        if (t.isAlive()) {
          t.interrupt();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
