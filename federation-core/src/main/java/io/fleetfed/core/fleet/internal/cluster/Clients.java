package io.fleetfed.core.fleet.internal.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the fleet's cluster clients: every one shares one Vert.x instance, and each request may take the fleet's
 * request timeout, without fabric8's own retries (the fleet retries with its backoff); watches reconnect without
 * limit.
 */
public final class Clients implements AutoCloseable {
  /** How long closing waits for the shared Vert.x to stop. */
  public static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
  /** How long closing a watch waits for the server's answer to its close frame. */
  private static final Duration WEBSOCKET_CLOSING_TIMEOUT = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(Clients.class);

  private final Vertx vertx;
  private final VertxHttpClientFactory factory;
  private final Duration requestTimeout;
  private final Duration watchReconnect;
  private final BooleanSupplier writesAllowed;

  /**
   * Starts the shared Vert.x instance, with {@code workers} worker threads; write requests are sent only while
   * {@code writesAllowed} answers true.
   */
  public Clients(int workers, Duration requestTimeout, Duration watchReconnect, BooleanSupplier writesAllowed) {
    this.requestTimeout = requestTimeout;
    this.writesAllowed = writesAllowed;
    this.watchReconnect = watchReconnect;
    // two event loops per core, as Vert.x's default: one fleet's loops carry every member's requests and watch
    // events, and with one per core a burst of dispatches delayed the watch events that end runs
    this.vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(Math.max(2, workers))
        .setEventLoopPoolSize(Math.max(2, 2 * Runtime.getRuntime().availableProcessors())));
    this.factory = new VertxHttpClientFactory(vertx) {
      @Override
      protected void additionalConfig(WebClientOptions options) {
        // a watch's close waits this long for the server's close frame (Vert.x: 10 s), and closing the fleet
        // waits for its watches
        options.setWebSocketClosingTimeout((int) WEBSOCKET_CLOSING_TIMEOUT.toSeconds());
      }
    };
  }

  /** How long one request may take. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** {@code config} with the fleet's timeouts. */
  public Config tuned(Config config) {
    int timeout = (int) requestTimeout.toMillis();
    return new ConfigBuilder(config).withRequestTimeout(timeout).withConnectionTimeout(timeout)
        .withRequestRetryBackoffLimit(0).withWatchReconnectInterval((int) watchReconnect.toMillis())
        .withWatchReconnectLimit(-1).build();
  }

  /** A client for {@code cluster} reached with {@code config}; the caller closes it. */
  public Fabric8ClusterClient client(String cluster, Config config) {
    return new Fabric8ClusterClient(cluster, new KubernetesClientBuilder().withConfig(tuned(config))
        .withHttpClientFactory(factory)
        .withHttpClientBuilderConsumer(b -> {
          RequestLog.replaceFabric8Logging(b, cluster);
          b.addOrReplaceInterceptor(WriteGuard.NAME, new WriteGuard(cluster, writesAllowed));
        }).build());
  }

  /**
   * Stops the shared Vert.x instance and waits (at most {@link #CLOSE_WAIT}) until its threads are gone; close the
   * clients first.
   */
  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("the fleet's Vert.x did not stop within {}: {}", CLOSE_WAIT, e.toString());
    }
  }
}
