package io.fleetfed.testkit.internal;

import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs a watch listener's close and failure callbacks off the server's event loop.
 *
 * <p>fabric8's mock {@code WatchEventsListener.onClosed} shuts down its sender and waits for it, on the event
 * loop; a sender that is writing an event at that moment waits for the same event loop to flush the write. The
 * two wait on each other for up to 30 s, and every request to that cluster hangs meanwhile. Clients close
 * watches all the time (an informer stops, a fleet closes), so the callbacks are moved to a thread of their own.
 */
final class DetachedCloseListener extends WebSocketListener {
  private static final ExecutorService CLOSERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "sandbox-watch-closer");
    t.setDaemon(true);
    return t;
  });

  private final WebSocketListener delegate;

  DetachedCloseListener(WebSocketListener delegate) {
    this.delegate = delegate;
  }

  @Override
  public void onBeforeAccept(WebSocket webSocket, Response response) {
    delegate.onBeforeAccept(webSocket, response);
  }

  @Override
  public void onOpen(WebSocket webSocket, Response response) {
    delegate.onOpen(webSocket, response);
  }

  @Override
  public void onMessage(WebSocket webSocket, String text) {
    delegate.onMessage(webSocket, text);
  }

  @Override
  public void onMessage(WebSocket webSocket, byte[] bytes) {
    delegate.onMessage(webSocket, bytes);
  }

  @Override
  public void onClosing(WebSocket webSocket, int code, String reason) {
    CLOSERS.execute(quietly(() -> delegate.onClosing(webSocket, code, reason)));
  }

  @Override
  public void onClosed(WebSocket webSocket, int code, String reason) {
    CLOSERS.execute(quietly(() -> delegate.onClosed(webSocket, code, reason)));
  }

  @Override
  public void onFailure(WebSocket webSocket, Throwable t, Response response) {
    CLOSERS.execute(quietly(() -> delegate.onFailure(webSocket, t, response)));
  }

  /** A watch closed while its server stops finds the server's event loop gone: there is nothing left to close. */
  private static Runnable quietly(Runnable callback) {
    return () -> {
      try {
        callback.run();
      } catch (RejectedExecutionException e) {
        // the server stopped meanwhile
      }
    };
  }
}
