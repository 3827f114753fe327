package io.fleetfed.controller.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code /healthz} (the process works), {@code /readyz} (the leader is known, and a leader's host watches have
 * synced) and {@code /metrics} (Prometheus text) on one address, plain HTTP as KubeFed served them.
 */
final class OperationsServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  OperationsServer(InetSocketAddress address, Supplier<String> notReady, Supplier<String> metrics) {
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics and health on " + address + ": " + e.getMessage(), e);
    }
    executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "fleetfed-operations");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/healthz", x -> answer(x, 200, "text/plain", "ok\n"));
    server.createContext("/readyz", x -> {
      String why = notReady.get();
      answer(x, why.isEmpty() ? 200 : 503, "text/plain", why.isEmpty() ? "ok\n" : why + "\n");
    });
    server.createContext("/metrics", x -> answer(x, 200, "text/plain; version=0.0.4; charset=utf-8",
        metrics.get()));
    server.start();
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  private static void answer(HttpExchange x, int code, String type, String body) throws IOException {
    try (x) {
      if (!x.getRequestURI().getPath().equals(x.getHttpContext().getPath())) {
        code = 404;
        body = "not found\n";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().set("Content-Type", type);
      boolean head = x.getRequestMethod().equals("HEAD");
      x.sendResponseHeaders(code, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = x.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
