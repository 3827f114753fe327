package io.fleetfed.testkit.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TLS-terminating reverse proxy in front of one real {@code kube-apiserver} on loopback, so that a cluster backed
 * by a real API server offers what a mock sandbox cluster does ({@code SandboxDispatcher}): latency, injected
 * faults, request and write counters, going offline and online on the same port, and pod logs from a
 * {@link PodLogs} (a bare API server has no kubelet behind it).
 *
 * <p>It serves HTTPS (HTTP/1.1 only, no h2 over ALPN) on 127.0.0.1 with the API server's own serving certificate
 * and key, so a client that trusts the API server trusts the proxy. Every request that is neither failed on purpose
 * nor a pod log is forwarded as it came (method, path and query, headers but the hop-by-hop ones, Authorization
 * included, body streamed) to {@code https://127.0.0.1:<upstreamPort>}, trusting only the given CA, and the
 * response streamed back (chunked watch streams and followed logs included, never buffered whole; a watch's head is sent
 * as soon as the API server sends it, before any event). WebSocket
 * upgrades are proxied frame by frame; when either side closes, the other is closed.
 *
 * <p>Never logs a header (Authorization holds a bearer token); logs at debug level only. Thread-safe: the state
 * changes ({@link #listen(int)}, {@link #stop()}, {@link #close()}) are serialised and wait for the event loop, so
 * they must not be called from it.
 *
 * <p>Internal: for the sandbox's clusters backed by {@link RealApiServers}.
 */
public final class FrontProxy implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FrontProxy.class);
  private static final String LOOPBACK = "127.0.0.1";
  private static final Duration STATE_CHANGE_TIMEOUT = Duration.ofSeconds(10);
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final int MAX_WEBSOCKET_FRAME = 16 * 1024 * 1024;
  private static final String SEC_WEBSOCKET_PROTOCOL = "Sec-WebSocket-Protocol";
  private static final Pattern POD_LOG = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/log$");
  /**
   * Headers of one connection (RFC 9110 section 7.6.1) that a proxy must not pass on; Host is the client's own, and
   * Expect: 100-continue the proxy answers itself.
   */
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
      "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host",
      "expect");

  private final String name;
  private final int upstreamPort;
  private final PodLogs podLogs;
  private final Vertx vertx;
  private final HttpClient client;
  private final WebSocketClient webSocketClient;
  private final HttpServerOptions serverOptions;
  private final ObjectMapper mapper = new ObjectMapper();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  /** Requests to answer with an error instead of forwarding them, in the order they were added. */
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  /** The open client connections, closed at once by {@link #stop()}. */
  private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
  /** The open WebSockets to the API server, closed at once by {@link #stop()}. */
  private final Set<WebSocket> upstreamWebSockets = ConcurrentHashMap.newKeySet();
  private volatile Duration latency = Duration.ZERO;
  private HttpServer server;   // guarded by this
  private int port;            // guarded by this; 0 before the first listen
  private boolean closed;      // guarded by this

  /**
   * A proxy, not yet listening, and its own Vert.x (one event loop, daemon threads).
   *
   * @param name the cluster's name, for messages
   * @param servingCert the API server's serving certificate (PEM, its chain), such as
   *     {@code <cert-dir>/apiserver.crt}
   * @param servingKey its key (PEM), such as {@code <cert-dir>/apiserver.key}
   * @param upstreamCa the only certificate (PEM) to trust for the API server
   * @param upstreamPort the API server's port on 127.0.0.1
   * @param podLogs the logs to serve at {@code /api/v1/namespaces/<ns>/pods/<pod>/log}
   */
  public FrontProxy(String name, Path servingCert, Path servingKey, Path upstreamCa, int upstreamPort,
      PodLogs podLogs) {
    this.name = Objects.requireNonNull(name, "name");
    Objects.requireNonNull(servingCert, "servingCert");
    Objects.requireNonNull(servingKey, "servingKey");
    Objects.requireNonNull(upstreamCa, "upstreamCa");
    if (upstreamPort <= 0 || upstreamPort > 65_535) {
      throw new IllegalArgumentException("not a port: " + upstreamPort);
    }
    this.upstreamPort = upstreamPort;
    this.podLogs = Objects.requireNonNull(podLogs, "podLogs");
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1).setUseDaemonThread(true)
        // a test machine under load stalls threads; the checker's warnings would only be noise
        .setBlockedThreadCheckInterval(TimeUnit.HOURS.toMillis(1)));
    PemTrustOptions trust = new PemTrustOptions().addCertPath(upstreamCa.toString());
    this.client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustOptions(trust)
        .setVerifyHost(true).setUseAlpn(false).setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
        .setDefaultHost(LOOPBACK).setDefaultPort(upstreamPort).setName("fleetfed-front-proxy-" + name),
        // watches hold a connection each for as long as they last
        new PoolOptions().setHttp1MaxSize(1_000).setMaxWaitQueueSize(-1));
    this.webSocketClient = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true)
        .setTrustOptions(trust).setVerifyHost(true).setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
        .setDefaultHost(LOOPBACK).setDefaultPort(upstreamPort).setMaxConnections(1_000)
        .setMaxFrameSize(MAX_WEBSOCKET_FRAME).setMaxMessageSize(MAX_WEBSOCKET_FRAME * 4));
    this.serverOptions = new HttpServerOptions().setHost(LOOPBACK).setSsl(true).setUseAlpn(false)
        .setHandle100ContinueAutomatically(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(servingCert.toString())
            .setKeyPath(servingKey.toString()))
        // any sub-protocol: the one the API server chose is put back on the request before it is accepted
        .setWebSocketSubProtocols(List.of("*"))
        .setMaxWebSocketFrameSize(MAX_WEBSOCKET_FRAME).setMaxWebSocketMessageSize(MAX_WEBSOCKET_FRAME * 4);
  }

  /**
   * Starts listening on 127.0.0.1: on {@code port}, or on any free port if it is 0. Listening again after
   * {@link #stop()} on the same port brings the cluster back online.
   *
   * @param port the port, or 0
   * @return the port it listens on
   * @throws IllegalStateException naming the cluster and the port if it cannot listen, or if closed
   */
  public synchronized int listen(int port) {
    if (closed) {
      throw new IllegalStateException("the front proxy of cluster " + name + " is closed");
    }
    if (server != null) {
      if (port == 0 || port == this.port) {
        return this.port;
      }
      throw new IllegalStateException("the front proxy of cluster " + name + " already listens on port "
          + this.port + ", not " + port);
    }
    HttpServer created = vertx.createHttpServer(serverOptions)
        .connectionHandler(this::track)
        .requestHandler(this::handle);
    try {
      await(created.listen(port, LOOPBACK));
    } catch (RuntimeException e) {
      created.close();
      throw new IllegalStateException("the front proxy of cluster " + name + " cannot listen on " + LOOPBACK + ":"
          + port + ": " + e.getMessage(), e);
    }
    server = created;
    this.port = created.actualPort();
    LOG.debug("front proxy of cluster {}: listening on {}:{}, forwarding to port {}", name, LOOPBACK, this.port,
        upstreamPort);
    return this.port;
  }

  /**
   * Takes the cluster offline: stops listening (new connections are refused) and closes every open connection
   * and WebSocket at once, so open watches drop. Does nothing if not listening.
   */
  public synchronized void stop() {
    HttpServer listening = server;
    if (listening == null) {
      return;
    }
    server = null;
    List<Future<Void>> closing = new ArrayList<>();
    closing.add(listening.close());
    connections.forEach(c -> closing.add(c.close()));
    upstreamWebSockets.forEach(ws -> closing.add(ws.close()));
    try {
      await(Future.join(new ArrayList<>(closing)));
    } catch (RuntimeException e) {
      LOG.debug("front proxy of cluster {}: stopping: {}", name, e.getClass().getName());
    }
    LOG.debug("front proxy of cluster {}: stopped listening on port {}", name, port);
  }

  /** Whether it listens (between {@link #listen(int)} and {@link #stop()}). */
  public synchronized boolean isListening() {
    return server != null;
  }

  /** The port it listens on, or last listened on; 0 before the first {@link #listen(int)}. */
  public synchronized int port() {
    return port;
  }

  /** The cluster's name. */
  public String name() {
    return name;
  }

  /** Stops listening and releases the connections, clients and the Vert.x instance. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    stop();
    closed = true;
    try {
      await(vertx.close());
    } catch (RuntimeException e) {
      LOG.debug("front proxy of cluster {}: closing: {}", name, e.getClass().getName());
    }
  }

  /** The latency added to every response (its head is sent that long after the request arrived). */
  public Duration latency() {
    return latency;
  }

  /**
   * Delays every response's head by {@code latency} from when its request arrived (on a timer: other requests
   * are not held up), a WebSocket's handshake included; what a stream sends after its head is not delayed.
   *
   * @param latency zero or more
   */
  public void latency(Duration latency) {
    Objects.requireNonNull(latency, "latency");
    if (latency.isNegative()) {
      throw new IllegalArgumentException("a negative latency: " + latency);
    }
    this.latency = latency;
  }

  /**
   * Answers the next {@code count} requests of {@code method} whose path (without the query) matches {@code path}
   * with HTTP {@code status} and a Kubernetes {@code Status} body, without forwarding them. Faults added earlier
   * match first.
   *
   * @param method an HTTP method, such as {@code GET}
   * @param path a pattern the whole path must match
   * @param status the HTTP status code
   * @param count how many requests to fail
   */
  public void fail(String method, Pattern path, int status, int count) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    if (count > 0) {
      faults.add(new Fault(method, path, status, new AtomicInteger(count)));
    }
  }

  /** Forgets every fault not yet used up. */
  public void clearFaults() {
    faults.clear();
  }

  /** The requests that reached the proxy since the start or {@link #resetCounts()}, failed or not. */
  public long requestCount() {
    return requests.get();
  }

  /** The POST, PUT, PATCH and DELETE requests among {@link #requestCount()}. */
  public long writeCount() {
    return writes.get();
  }

  /** Sets both counters to zero. */
  public void resetCounts() {
    requests.set(0);
    writes.set(0);
  }

  /** The WebSockets proxied now (for tests). */
  int openWebSockets() {
    return upstreamWebSockets.size();
  }

  private void track(HttpConnection connection) {
    connections.add(connection);
    connection.closeHandler(v -> connections.remove(connection));
  }

  private void handle(HttpServerRequest request) {
    request.pause();   // the body waits for the upstream request
    long due = System.nanoTime() + latency.toNanos();
    requests.incrementAndGet();
    HttpMethod method = request.method();
    if (isWrite(method)) {
      writes.incrementAndGet();
    }
    String path = request.path() == null || request.path().isEmpty() ? "/" : request.path();
    try {
      Fault fault = injectedFault(method.name(), path);
      if (fault != null) {
        request.resume();   // the body is not read: dropped
        respondStatus(request, due, fault.status(), reason(fault.status()), "the sandbox API server was told to fail "
            + method + " " + path + " (HTTP " + fault.status() + ")");
        return;
      }
      if (isWebSocketUpgrade(request)) {
        proxyWebSocket(request, due);
        return;
      }
      String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
      Matcher podLog = POD_LOG.matcher(p);
      if (method == HttpMethod.GET && podLog.matches()) {
        request.resume();
        podLog(request, due, podLog.group(1), podLog.group(2));
        return;
      }
      forward(request, due);
    } catch (RuntimeException e) {
      LOG.debug("front proxy of cluster {}: {} {} failed with {}", name, method, path, e.getClass().getName());
      request.resume();
      respondStatus(request, due, 500, "InternalError", "the front proxy of cluster " + name + " failed on "
          + method + " " + path + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  private void forward(HttpServerRequest request, long due) {
    RequestOptions options = new RequestOptions().setMethod(request.method()).setHost(LOOPBACK)
        .setPort(upstreamPort).setURI(request.uri());
    MultiMap headers = endToEnd(request.headers());
    options.setHeaders(headers);
    boolean hasBody = request.headers().contains(HttpHeaders.CONTENT_LENGTH)
        || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
    HttpServerResponse response = request.response();
    client.request(options).onComplete(opened -> {
      if (opened.failed()) {
        upstreamFailed(request, due, opened.cause());
        return;
      }
      HttpClientRequest upstream = opened.result();
      // the client went away (or stop() closed its connection): so does the upstream request, a watch included
      response.closeHandler(v -> upstream.reset());
      Future<HttpClientResponse> answered;
      if (hasBody) {
        if (!headers.contains(HttpHeaders.CONTENT_LENGTH)) {
          upstream.setChunked(true);
        }
        answered = upstream.send(request);
      } else {
        request.resume();
        answered = upstream.send();
      }
      answered.onComplete(result -> {
        if (result.failed()) {
          upstreamFailed(request, due, result.cause());
          return;
        }
        HttpClientResponse upstreamResponse = result.result();
        upstreamResponse.pause();
        afterDelay(due, () -> relay(request, upstream, upstreamResponse));
      });
    });
  }

  /** Whether {@code request} is an HTTP watch ({@code ?watch=true} or {@code ?watch=1}). */
  private static boolean isWatch(HttpServerRequest request) {
    String watch = request.getParam("watch");
    return "true".equals(watch) || "1".equals(watch);
  }

  /** Sends the API server's response: its head now, its body as it comes. */
  private void relay(HttpServerRequest request, HttpClientRequest upstream, HttpClientResponse upstreamResponse) {
    HttpServerResponse response = request.response();
    if (response.closed()) {
      upstream.reset();
      return;
    }
    int status = upstreamResponse.statusCode();
    LOG.debug("front proxy of cluster {}: {} {}: {}", name, request.method(), request.path(), status);
    response.setStatusCode(status);
    if (upstreamResponse.statusMessage() != null) {
      response.setStatusMessage(upstreamResponse.statusMessage());
    }
    response.headers().addAll(endToEnd(upstreamResponse.headers()));
    boolean bodiless = request.method() == HttpMethod.HEAD || status == 204 || status == 304
        || (status >= 100 && status < 200);
    if (!bodiless && !upstreamResponse.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
      response.setChunked(true);
      if (isWatch(request)) {
        // a watch's head now, as the API server flushed it: a watch may send nothing for a minute (its first
        // bookmark), and kubectl wait, which watches each object it waits for, does not stop until the head has come
        response.writeHead();
      }
    }
    upstreamResponse.pipe().endOnFailure(false).to(response).onFailure(e -> {
      // a stream cut short must not look complete: drop the client's connection rather than end the response
      LOG.debug("front proxy of cluster {}: a response stream broke ({})", name, e.getClass().getName());
      upstream.reset();
      response.reset();
    });
  }

  private void upstreamFailed(HttpServerRequest request, long due, Throwable cause) {
    LOG.debug("front proxy of cluster {}: the API server on port {} did not answer ({})", name, upstreamPort,
        cause.getClass().getName());
    request.resume();
    respondStatus(request, due, 502, "InternalError", "the front proxy of cluster " + name
        + " could not reach its API server (" + cause.getClass().getSimpleName() + ")");
  }

  private void proxyWebSocket(HttpServerRequest request, long due) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(LOOPBACK).setPort(upstreamPort)
        // an Origin header: the API server's WebSocket handler (golang.org/x/net/websocket) answers 403 without one
        .setSsl(true).setURI(request.uri()).setAllowOriginHeader(true);
    request.headers().forEach(h -> {
      String header = h.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(header) && !header.startsWith("sec-websocket-")) {
        options.addHeader(h.getKey(), h.getValue());
      }
    });
    List<String> protocols = new ArrayList<>();
    for (String offered : request.headers().getAll(SEC_WEBSOCKET_PROTOCOL)) {
      for (String protocol : offered.split(",")) {
        if (!protocol.isBlank()) {
          protocols.add(protocol.trim());
        }
      }
    }
    options.setSubProtocols(protocols);
    webSocketClient.connect(options).onComplete(connected -> afterDelay(due, () -> {
      if (connected.failed()) {
        Throwable cause = connected.cause();
        request.resume();
        LOG.debug("front proxy of cluster {}: the API server refused a WebSocket to {} ({}: {})", name,
            request.path(), cause.getClass().getName(),
            cause instanceof UpgradeRejectedException r ? r.getStatus() : 0);
        if (cause instanceof UpgradeRejectedException rejected) {
          // the API server's refusal as it gave it: a 401 for a bad token, a 404, ...
          HttpServerResponse response = request.response();
          if (response.closed()) {
            return;
          }
          response.setStatusCode(rejected.getStatus());
          if (rejected.getHeaders() != null) {
            response.headers().addAll(endToEnd(rejected.getHeaders()));
            response.headers().remove(HttpHeaders.CONTENT_LENGTH);
          }
          response.end(rejected.getBody() == null ? Buffer.buffer() : rejected.getBody());
        } else {
          upstreamFailed(request, System.nanoTime(), cause);
        }
        return;
      }
      WebSocket upstream = connected.result();
      LOG.debug("front proxy of cluster {}: a WebSocket to {}", name, request.path());
      upstreamWebSockets.add(upstream);
      upstream.pause();
      if (request.response().closed()) {
        upstreamWebSockets.remove(upstream);
        upstream.close();
        return;
      }
      // Netty accepts the first offered sub-protocol the server supports (any, here): offer only the one the API
      // server chose, so both sides speak the same
      if (upstream.subProtocol() == null || upstream.subProtocol().isEmpty()) {
        request.headers().remove(SEC_WEBSOCKET_PROTOCOL);
      } else {
        request.headers().set(SEC_WEBSOCKET_PROTOCOL, upstream.subProtocol());
      }
      request.toWebSocket().onComplete(accepted -> {
        if (accepted.failed()) {
          LOG.debug("front proxy of cluster {}: a WebSocket upgrade failed ({})", name,
              accepted.cause().getClass().getName());
          upstreamWebSockets.remove(upstream);
          upstream.close();
          return;
        }
        WebSocketBase downstream = accepted.result();
        upstream.closeHandler(v -> {
          upstreamWebSockets.remove(upstream);
          closeLike(downstream, upstream);
        });
        downstream.closeHandler(v -> {
          upstreamWebSockets.remove(upstream);
          closeLike(upstream, downstream);
        });
        pipeFrames(upstream, downstream);
        pipeFrames(downstream, upstream);
        upstream.resume();
      });
    }));
  }

  /** Passes data frames on as they are (text stays text); pings, pongs and closes each side handles itself. */
  private static void pipeFrames(WebSocketBase from, WebSocketBase to) {
    from.exceptionHandler(e -> from.close());
    from.frameHandler(frame -> {
      if (!(frame.isText() || frame.isBinary() || frame.isContinuation()) || to.isClosed()) {
        return;
      }
      to.writeFrame(copy(frame));
      if (to.writeQueueFull()) {
        from.pause();
        to.drainHandler(v -> from.resume());
      }
    });
  }

  private static WebSocketFrame copy(WebSocketFrame frame) {
    if (frame.isContinuation()) {
      return WebSocketFrame.continuationFrame(frame.binaryData(), frame.isFinal());
    }
    return frame.isText() ? WebSocketFrame.textFrame(frame.textData(), frame.isFinal())
        : WebSocketFrame.binaryFrame(frame.binaryData(), frame.isFinal());
  }

  /** Closes {@code target} with the close code and reason {@code closed} got, if it may be sent again. */
  private static void closeLike(WebSocketBase target, WebSocketBase closed) {
    if (target.isClosed()) {
      return;
    }
    Short code = closed.closeStatusCode();
    // 1005 (none), 1006 (abnormal) and 1015 (TLS) are reported, never sent
    if (code == null || code == 1005 || code == 1006 || code == 1015) {
      target.close();
    } else {
      target.close(code, closed.closeReason());
    }
  }

  /**
   * A container's log from {@link PodLogs}, for a pod the API server holds (read with the caller's credentials,
   * so a caller the API server refuses is refused here), as the mock serves it.
   */
  private void podLog(HttpServerRequest request, long due, String namespace, String pod) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(LOOPBACK).setPort(upstreamPort)
        .setURI("/api/v1/namespaces/" + namespace + "/pods/" + pod)
        .addHeader(HttpHeaders.ACCEPT, Responses.JSON);
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization != null) {
      options.addHeader(HttpHeaders.AUTHORIZATION, authorization);
    }
    client.request(options)
        .compose(HttpClientRequest::send)
        .compose(r -> r.body().map(body -> new Stored(r.statusCode(), r.getHeader(HttpHeaders.CONTENT_TYPE), body)))
        .onComplete(read -> {
          if (read.failed()) {
            upstreamFailed(request, due, read.cause());
            return;
          }
          Stored stored = read.result();
          if (stored.code() != 200 && stored.code() != 404) {
            // refused (401, 403) or failed: as the API server said
            afterDelay(due, () -> {
              HttpServerResponse response = request.response();
              if (!response.closed()) {
                response.setStatusCode(stored.code());
                if (stored.contentType() != null) {
                  response.putHeader(HttpHeaders.CONTENT_TYPE, stored.contentType());
                }
                response.end(stored.body());
              }
            });
            return;
          }
          Map<String, String> query = PodLogs.queryOf(request.uri());
          PodLogs.Served served = podLogs.serve(namespace, pod,
              stored.code() == 200 ? stored.body().getBytes() : null, query);
          if (served.code() != 200) {
            respondStatus(request, due, served.code(), served.reason(), served.message());
            return;
          }
          afterDelay(due, () -> {
            HttpServerResponse response = request.response();
            if (response.closed()) {
              return;
            }
            // Connection: close, as the mock does (see SandboxDispatcher#podLog): the connection of a log is not
            // pooled by the client
            response.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                .putHeader(HttpHeaders.CONNECTION, "close");
            response.end(Buffer.buffer(served.log())).onComplete(v -> request.connection().close());
          });
        });
  }

  private record Stored(int code, String contentType, Buffer body) {}

  private void respondStatus(HttpServerRequest request, long due, int code, String reason, String message) {
    String body = Responses.statusBody(mapper, code, reason, message);
    afterDelay(due, () -> {
      HttpServerResponse response = request.response();
      if (!response.closed() && !response.ended()) {
        response.setStatusCode(code).putHeader(HttpHeaders.CONTENT_TYPE, Responses.JSON).end(body);
      }
    });
  }

  /** Runs {@code action} on this event loop once {@code due} ({@link System#nanoTime()}) has come. */
  private void afterDelay(long due, Runnable action) {
    long millis = TimeUnit.NANOSECONDS.toMillis(due - System.nanoTime() + 999_999);
    if (millis <= 0) {
      action.run();
    } else {
      vertx.setTimer(millis, id -> action.run());
    }
  }

  /** The headers a proxy passes on: all but the hop-by-hop ones and those the Connection header names. */
  private static MultiMap endToEnd(MultiMap headers) {
    Set<String> named = new java.util.HashSet<>();
    for (String connection : headers.getAll(HttpHeaders.CONNECTION)) {
      for (String token : connection.split(",")) {
        named.add(token.trim().toLowerCase(Locale.ROOT));
      }
    }
    MultiMap result = MultiMap.caseInsensitiveMultiMap();
    headers.forEach(h -> {
      String header = h.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(header) && !named.contains(header)) {
        result.add(h.getKey(), h.getValue());
      }
    });
    return result;
  }

  private static boolean isWebSocketUpgrade(HttpServerRequest request) {
    String upgrade = request.getHeader(HttpHeaders.UPGRADE);
    return upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket");
  }

  private static boolean isWrite(HttpMethod method) {
    return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH
        || method == HttpMethod.DELETE;
  }

  /** The first fault that matches this request and is not used up, used once; or null. */
  private Fault injectedFault(String method, String path) {
    for (Fault f : faults) {
      if (f.method().equalsIgnoreCase(method) && f.path().matcher(path).matches()
          && f.left().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        if (f.left().get() == 0) {
          faults.remove(f);
        }
        return f;
      }
    }
    return null;
  }

  /** The StatusReason of an injected fault, as the mock gives it ({@code SandboxDispatcher}). */
  private static String reason(int status) {
    return SandboxDispatcher.faultReason(status);
  }

  private record Fault(String method, Pattern path, int status, AtomicInteger left) {}

  private <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture()
          .get(STATE_CHANGE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted (front proxy of cluster " + name + ")", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException(cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the front proxy of cluster " + name + " did not answer within "
          + STATE_CHANGE_TIMEOUT, e);
    }
  }
}
