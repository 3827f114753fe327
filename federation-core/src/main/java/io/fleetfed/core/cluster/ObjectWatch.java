package io.fleetfed.core.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A live local view of one type's objects in a cluster, started by {@link ClusterClient#watch}: listed once, then
 * kept current by a watch that reconnects on its own.
 *
 * <pre>{@code
 * try (ObjectWatch runs = client.watch(TektonTypes.TASK_RUN, Map.of(), Map.of(), WatchHandler.NONE)) {
 *   runs.awaitSynced(Duration.ofSeconds(10));
 *   Optional<GenericKubernetesResource> run = runs.get("ci", "build-1");
 * }
 * }</pre>
 */
public interface ObjectWatch extends AutoCloseable {

  /** Whether the first list has arrived (until then the view is empty). */
  boolean synced();

  /**
   * Waits up to {@code timeout} for the first list.
   *
   * @return whether it arrived in time (if not, the watch keeps trying in the background)
   */
  boolean awaitSynced(Duration timeout) throws InterruptedException;

  /** The object as the view holds it now. */
  Optional<GenericKubernetesResource> get(String namespace, String name);

  /** The objects found under {@code value} in index {@code index} (one of the watch's indexers). */
  List<GenericKubernetesResource> indexed(String index, String value);

  /** Stops watching. Idempotent. */
  @Override
  void close();
}
