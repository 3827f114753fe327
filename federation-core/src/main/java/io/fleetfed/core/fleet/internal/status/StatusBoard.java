package io.fleetfed.core.fleet.internal.status;

import io.fleetfed.core.status.FederatedStatus;
import io.fleetfed.core.status.ResourceKey;
import io.fleetfed.core.status.StatusListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Status, the last room of propagation: the fleet's live statuses: the latest {@link FederatedStatus} per object, listeners told of every change in
 * order on one thread, and waiters completed as soon as a status satisfies them.
 */
public final class StatusBoard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusBoard.class);

  private record Waiter(ResourceKey key, Predicate<FederatedStatus> condition, CompletableFuture<FederatedStatus> done) {}

  private final Map<ResourceKey, FederatedStatus> statuses = new ConcurrentHashMap<>();
  private final List<StatusListener> listeners = new CopyOnWriteArrayList<>();
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
  private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "fleetfed-status");
    t.setDaemon(true);
    return t;
  });

  public Optional<FederatedStatus> get(ResourceKey key) {
    return Optional.ofNullable(statuses.get(key));
  }

  public Map<ResourceKey, FederatedStatus> all() {
    return Map.copyOf(statuses);
  }

  /** Publishes {@code status}; listeners and waiters hear of it only if it differs from the last one. */
  public void publish(FederatedStatus status) {
    FederatedStatus before = status.deleted() ? statuses.remove(status.key()) : statuses.put(status.key(), status);
    if (status.equals(before)) {
      return;
    }
    if (listeners.isEmpty() && waiters.isEmpty()) {
      return;
    }
    try {
      // waiters and listeners hear of it on the notifier thread, never on a worker or informer thread: a caller's
      // continuation that blocks on the fleet cannot starve the fleet's own threads
      notifier.execute(() -> {
        for (Waiter w : waiters) {
          if (w.key().equals(status.key()) && test(w, status)) {
            waiters.remove(w);
          }
        }
        for (StatusListener listener : listeners) {
          try {
            listener.onStatus(status);
          } catch (RuntimeException e) {
            LOG.warn("status listener {} failed on {}", listener, status.key(), e);
          }
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // the fleet is closing: nobody is listening any more
    }
  }

  private static boolean test(Waiter w, FederatedStatus status) {
    try {
      if (w.condition().test(status)) {
        w.done().complete(status);
        return true;
      }
      return false;
    } catch (RuntimeException e) {
      w.done().completeExceptionally(e);
      return true;
    }
  }

  public void addListener(StatusListener listener) {
    listeners.add(listener);
  }

  public void removeListener(StatusListener listener) {
    listeners.remove(listener);
  }

  public CompletableFuture<FederatedStatus> when(ResourceKey key, Predicate<FederatedStatus> condition, Duration timeout) {
    CompletableFuture<FederatedStatus> done = new CompletableFuture<>();
    Waiter waiter = new Waiter(key, condition, done);
    waiters.add(waiter);
    FederatedStatus now = statuses.get(key);
    if (now != null && test(waiter, now)) {
      waiters.remove(waiter);
    }
    done.whenComplete((s, e) -> waiters.remove(waiter));
    return done.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Fails the waiters, and stops the listener thread once it has told what was queued (waiting at most
   * {@code wait}; a listener that blocks longer is interrupted).
   */
  public void close(Duration wait) {
    notifier.shutdown();
    for (Waiter w : waiters) {
      w.done().completeExceptionally(new IllegalStateException("the fleet was closed"));
    }
    waiters.clear();
    try {
      if (!notifier.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        notifier.shutdownNow();
        notifier.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      notifier.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
