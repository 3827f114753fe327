package io.fleetfed.testkit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.Resetable;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request handler of one sandbox API server. It keeps the cluster's store (a fabric8
 * {@link KubernetesCrudDispatcher} indexed by name, {@link IndexedStore}, which outlives restarts of the HTTP
 * server) and adds what a real API server
 * does and the CRUD store does not: health and version endpoints, discovery of the built-in types and of every
 * stored CRD, a 415 for bodies it cannot read, service-account token filling, pod logs ({@link PodLogs}), request
 * counting and latency.
 */
final class SandboxDispatcher extends Dispatcher implements Resetable {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxDispatcher.class);

  private static final String CRDS_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  private static final Pattern SECRETS = Pattern.compile("^/api/v1/namespaces/([^/]+)/secrets(?:/[^/]+)?$");
  private static final Pattern GROUP = Pattern.compile("^/apis/([^/]+)$");
  private static final Pattern GROUP_VERSION = Pattern.compile("^/apis/([^/]+)/([^/]+)$");
  /** A request for resources of a group's version: group, version, plural. */
  private static final Pattern CUSTOM_RESOURCE = Pattern.compile(
      "^/apis/([^/]+)/([^/]+)/(?:namespaces/[^/]+/)?([^/]+)(?:/[^/]+)?(?:/status|/scale)?$");
  private static final Pattern OBJECT_PATH = Pattern.compile(
      "^(/api/v1|/apis/[^/]+/[^/]+)(/namespaces/[^/]+)?/([^/]+)/([^/]+)(/status)?$");
  private static final byte[] PROTOBUF_MAGIC = {0x6b, 0x38, 0x73, 0x00};
  private static final Pattern POD_LOG = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/log$");

  private final String clusterName;
  private final KubernetesCrudDispatcher store = new IndexedStore();
  private final ObjectMapper mapper = new ObjectMapper();
  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  private final PodLogs podLogs = new PodLogs();
  private volatile Duration latency = Duration.ZERO;
  private volatile Runnable afterRequest = () -> { };
  /** Requests to answer with an error instead of serving them, in the order they were added. */
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private volatile CachedDiscovery cache;

  SandboxDispatcher(String clusterName) {
    this.clusterName = clusterName;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    requests.incrementAndGet();
    HttpMethod method = request.method();
    if (isWrite(method)) {
      writes.incrementAndGet();
    }
    String path = pathOf(request.getPath());
    MockResponse response;
    try {
      MockResponse failed = injectedFault(method, path);
      response = failed != null ? failed : handle(request, method, path);
    } catch (RuntimeException e) {
      // Never log or return the exception's message: it may quote the request body (a Secret's data).
      if (isUnreadableBody(e)) {
        LOG.debug("sandbox cluster {}: {} {} sent an unreadable body", clusterName, method, path);
        response = Responses.status(mapper, 400, "BadRequest",
            "the request body of " + method + " " + path + " is not a readable JSON (or YAML) object");
      } else {
        LOG.warn("sandbox cluster {}: {} {} failed with {}", clusterName, method, path, e.getClass().getName());
        response = Responses.status(mapper, 500, "InternalError",
            "the sandbox API server failed on " + method + " " + path + " (" + e.getClass().getSimpleName() + ")");
      }
    } finally {
      afterRequest.run();
    }
    if (response.getWebSocketListener() != null
        && !(response.getWebSocketListener() instanceof DetachedCloseListener)) {
      response.withWebSocketUpgrade(new DetachedCloseListener(response.getWebSocketListener()));
    }
    Duration delay = latency;
    if (!delay.isZero() && response.getWebSocketListener() == null && response.getBody() != null
        && response.getBody().size() > 0) {
      response.setBodyDelay(delay);
    }
    return response;
  }

  private MockResponse handle(RecordedRequest request, HttpMethod method, String path) {
    switch (method) {
      case GET:
        if (isHttpWatch(request)) {
          return Responses.status(mapper, 400, "BadRequest", "the sandbox API server serves watches over WebSocket"
              + " only (as fabric8's client uses them); streamed HTTP watches, such as kubectl get --watch, are not"
              + " supported");
        }
        MockResponse own = serveGet(request, path);
        if (own != null) {
          return own;
        }
        break;
      case POST:
      case PUT:
      case PATCH:
        byte[] body = request.getBody() == null ? new byte[0] : request.getBody().getBytes();
        String contentType = request.getHeader("Content-Type");
        if (body.length > 0 && !readable(contentType, body)) {
          return unsupportedMediaType(contentType);
        }
        if (method == HttpMethod.PATCH && isStrategicMerge(contentType)) {
          return strategicMerge(request, path, body);
        }
        if (method != HttpMethod.PATCH) {
          request = withServiceAccountToken(request, method, path, body);
        }
        break;
      case DELETE:
        break;
      default:
        return Responses.status(mapper, 405, "MethodNotAllowed",
            "the sandbox API server does not support " + method + " requests");
    }
    Matcher custom = CUSTOM_RESOURCE.matcher(path);
    if (custom.matches() && discovery().refuses(custom.group(1), custom.group(2), custom.group(3))) {
      // a version (or kind) the cluster's CRDs do not serve: a real API server has no such endpoint
      return Responses.status(mapper, 404, "NotFound",
          "the server could not find the requested resource (" + method + " " + path + ")");
    }
    MockResponse response = store.dispatch(request);
    if (response == null) {
      return Responses.status(mapper, 405, "MethodNotAllowed",
          "the sandbox API server does not support " + method + " requests");
    }
    return finish(response, method, path);
  }

  private MockResponse finish(MockResponse response, HttpMethod method, String path) {
    int code = response.code();
    boolean empty = response.getBody() == null || response.getBody().size() == 0;
    if (code >= 400 && empty) {
      return Responses.status(mapper, code, Responses.reasonFor(code), messageFor(code, method, path));
    }
    if (code == 202 && (method == HttpMethod.PUT || method == HttpMethod.PATCH)) {
      response.setResponseCode(200); // a real API server answers an update with 200
    }
    if (!empty && response.getHeaders().header("Content-Type") == null) {
      response.setHeader("Content-Type", Responses.JSON);
    }
    return response;
  }

  private static String messageFor(int code, HttpMethod method, String path) {
    Matcher object = OBJECT_PATH.matcher(path);
    if (code == 404 && object.matches()) {
      String groupVersion = object.group(1);
      String group = groupVersion.startsWith("/apis/")
          ? groupVersion.substring("/apis/".length(), groupVersion.lastIndexOf('/')) : "";
      return object.group(3) + (group.isEmpty() ? "" : "." + group) + " \"" + object.group(4) + "\" not found";
    }
    if (code == 404) {
      return "the server could not find the requested resource (" + method + " " + path + ")";
    }
    return "the sandbox API server answered " + code + " to " + method + " " + path;
  }

  private MockResponse serveGet(RecordedRequest request, String path) {
    String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    switch (p) {
      case "/healthz":
      case "/readyz":
      case "/livez":
        return Responses.text(200, "ok");
      case "/version":
        return Responses.json(200, version());
      case "/":
        return Responses.json(200, rootPaths());
      case "/api":
        return Responses.json(200, discovery().apiVersions(request.getHeader("Host")));
      case "/api/v1":
        return Responses.json(200, discovery().resourceList("", "v1").orElseThrow());
      case "/apis":
        return Responses.json(200, discovery().groupList());
      default:
        break;
    }
    if (p.startsWith("/healthz/") || p.startsWith("/readyz/") || p.startsWith("/livez/")) {
      return Responses.text(200, "ok");
    }
    Matcher podLog = POD_LOG.matcher(p);
    if (podLog.matches()) {
      return podLog(request, podLog.group(1), podLog.group(2));
    }
    if (p.equals("/openapi/v2")) {
      return openApiV2(request);
    }
    if (p.equals("/openapi") || p.startsWith("/openapi/")) {
      return Responses.status(mapper, 404, "NotFound",
          "the sandbox API server publishes no OpenAPI v3 schema (GET " + p + ")");
    }
    Matcher gv = GROUP_VERSION.matcher(p);
    if (gv.matches()) {
      return discovery().resourceList(gv.group(1), gv.group(2))
          .map(doc -> Responses.json(200, doc))
          .orElseGet(() -> Responses.status(mapper, 404, "NotFound",
              "the server could not find the requested resource (GET " + p + ")"));
    }
    Matcher g = GROUP.matcher(p);
    if (g.matches()) {
      return discovery().group(g.group(1))
          .map(doc -> Responses.json(200, doc))
          .orElseGet(() -> Responses.status(mapper, 404, "NotFound",
              "the server could not find the requested resource (GET " + p + ")"));
    }
    return null;
  }

  /**
   * An OpenAPI v2 document without definitions. kubectl's client-side validation skips a kind it finds no schema
   * for, so {@code kubectl apply} works without {@code --validate=false}; kubectl asks for protobuf.
   */
  private MockResponse openApiV2(RecordedRequest request) {
    String accept = request.getHeader("Accept");
    if (accept != null && accept.contains("protobuf")) {
      // openapi_v2.Document{swagger: "2.0", info: {title: "fleetfed sandbox", version: "v1.30.0"}}
      byte[] title = "fleetfed sandbox".getBytes(StandardCharsets.UTF_8);
      byte[] version = "v1.30.0".getBytes(StandardCharsets.UTF_8);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      out.write(0x0a);
      out.write(3);
      out.writeBytes("2.0".getBytes(StandardCharsets.UTF_8));
      out.write(0x12);
      out.write(2 + title.length + 2 + version.length);
      out.write(0x0a);
      out.write(title.length);
      out.writeBytes(title);
      out.write(0x12);
      out.write(version.length);
      out.writeBytes(version);
      return new MockResponse().setResponseCode(200)
          .setHeader("Content-Type", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")
          .setBody(out.toByteArray());
    }
    ObjectNode doc = mapper.createObjectNode();
    doc.put("swagger", "2.0");
    ObjectNode info = doc.putObject("info");
    info.put("title", "fleetfed sandbox");
    info.put("version", "v1.30.0");
    doc.putObject("paths");
    doc.putObject("definitions");
    return Responses.json(200, doc.toString());
  }

  /**
   * A container's log as the kubelet would serve it through the API server: from {@link #podLogs()}, for a pod the
   * store holds (see {@link PodLogs#serve}).
   */
  private MockResponse podLog(RecordedRequest request, String namespace, String pod) {
    MockResponse stored = internal(HttpMethod.GET, "/api/v1/namespaces/" + namespace + "/pods/" + pod, null);
    boolean found = stored != null && stored.code() == 200 && stored.getBody() != null
        && stored.getBody().size() > 0;
    PodLogs.Served served = podLogs.serve(namespace, pod, found ? stored.getBody().getBytes() : null,
        PodLogs.queryOf(request.getPath()));
    if (served.code() != 200) {
      return Responses.status(mapper, served.code(), served.reason(), served.message());
    }
    // Connection: close, so that the client does not pool this connection: fabric8 can close a streamed log's
    // connection when the LogWatch (or log InputStream) is closed after the response ended and the connection went
    // back to the pool, and the next request on it then fails with "Connection was closed" (measured: 5 to 25% of
    // followed logs, with the sandbox client, which does not retry).
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain")
        .setHeader("Connection", "close")
        .setBody(new Buffer(served.log()));
  }

  private static boolean isStrategicMerge(String contentType) {
    return contentType != null
        && contentType.toLowerCase(Locale.ROOT).startsWith("application/strategic-merge-patch+json");
  }

  /**
   * A strategic merge patch of a built-in object, which the CRUD store refuses: applied here (see
   * {@link StrategicMergePatch}) and stored with a PUT of the result, so that {@code kubectl apply} can change
   * objects it created. As on a real server, custom resources refuse it.
   */
  private MockResponse strategicMerge(RecordedRequest request, String path, byte[] body) {
    Matcher object = OBJECT_PATH.matcher(path);
    if (!object.matches()) {
      return Responses.status(mapper, 415, "UnsupportedMediaType",
          "strategic merge patch is supported on one object only (PATCH " + path + ")");
    }
    String groupVersion = object.group(1);
    String plural = object.group(3);
    boolean builtIn = BuiltInResources.ALL_TYPES.stream()
        .anyMatch(r -> r.groupVersionPath().equals(groupVersion) && r.plural().equals(plural));
    if (!builtIn) {
      return Responses.status(mapper, 415, "UnsupportedMediaType",
          "the body of the request was in an unknown format - accepted media types include: "
              + "application/json-patch+json, application/merge-patch+json (strategic merge patch does not apply"
              + " to custom resources)");
    }
    String objectPath = object.group(5) == null ? path : path.substring(0, path.length() - "/status".length());
    MockResponse stored = internal(HttpMethod.GET, objectPath, null);
    if (stored == null || stored.code() != 200 || stored.getBody() == null || stored.getBody().size() == 0) {
      return finish(new MockResponse().setResponseCode(404), HttpMethod.PATCH, path);
    }
    JsonNode current;
    JsonNode patch;
    try {
      current = mapper.readTree(stored.getBody().getBytes());
      patch = mapper.readTree(body);
    } catch (java.io.IOException e) {
      return Responses.status(mapper, 400, "BadRequest", "the strategic merge patch is not valid JSON");
    }
    if (patch == null || !patch.isObject()) {
      return Responses.status(mapper, 400, "BadRequest", "a strategic merge patch must be a JSON object");
    }
    JsonNode merged = StrategicMergePatch.apply(current, patch);
    byte[] bytes;
    try {
      bytes = mapper.writeValueAsBytes(merged);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write a merged object", e);
    }
    Headers headers = Headers.builder().add("Content-Type", Responses.JSON).build();
    MockResponse response = store.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.PUT,
        request.getPath(), headers, new Buffer(bytes)));
    return finish(response, HttpMethod.PATCH, path);
  }

  private String version() {
    ObjectNode doc = mapper.createObjectNode();
    doc.put("major", "1");
    doc.put("minor", "30");
    doc.put("gitVersion", "v1.30.0");
    doc.put("gitCommit", "7c48c2bd72b9bf5c44d21d7338cc7bea77d0ad2a");
    doc.put("gitTreeState", "clean");
    doc.put("buildDate", "2024-04-17T17:27:03Z");
    doc.put("goVersion", "go1.22.2");
    doc.put("compiler", "gc");
    doc.put("platform", "linux/amd64");
    return doc.toString();
  }

  private String rootPaths() {
    ObjectNode doc = mapper.createObjectNode();
    var paths = doc.putArray("paths");
    List<String> all = new ArrayList<>(List.of("/api", "/api/v1", "/apis"));
    Discovery discovery = discovery();
    discovery.all().stream()
        .filter(r -> !r.group().isEmpty())
        .forEach(r -> {
          String group = "/apis/" + r.group();
          String groupVersion = group + "/" + r.version();
          if (!all.contains(group)) {
            all.add(group);
          }
          if (!all.contains(groupVersion)) {
            all.add(groupVersion);
          }
        });
    all.addAll(List.of("/healthz", "/livez", "/readyz", "/version"));
    all.forEach(paths::add);
    return doc.toString();
  }

  /**
   * The discovery documents as of now: built-ins plus the CRDs in the store.
   *
   * @return a snapshot
   */
  Discovery discovery() {
    List<JsonNode> items = listItems(CRDS_PATH);
    StringBuilder key = new StringBuilder();
    for (JsonNode item : items) {
      key.append(item.path("metadata").path("uid").asText()).append('@')
          .append(item.path("metadata").path("resourceVersion").asText()).append(';');
    }
    CachedDiscovery cached = cache;
    if (cached != null && cached.key.contentEquals(key)) {
      return cached.discovery;
    }
    Discovery discovery = new Discovery(mapper, crdsOf(items));
    cache = new CachedDiscovery(key.toString(), discovery);
    return discovery;
  }

  /** The last discovery snapshot, reused while the stored CRDs stay the same (parsing big CRDs is not free). */
  private static final class CachedDiscovery {
    final String key;
    final Discovery discovery;

    CachedDiscovery(String key, Discovery discovery) {
      this.key = key;
      this.discovery = discovery;
    }
  }

  /** Parses stored CRDs, skipping any the typed model cannot read. */
  private List<CustomResourceDefinition> crdsOf(List<JsonNode> items) {
    List<CustomResourceDefinition> result = new ArrayList<>();
    for (JsonNode item : items) {
      try {
        result.add(serialization.unmarshal(item.toString(), CustomResourceDefinition.class));
      } catch (RuntimeException e) {
        LOG.debug("sandbox cluster {}: skipping an unreadable stored CRD ({})", clusterName, e.getClass().getName());
      }
    }
    return result;
  }

  /**
   * Reads a list from the store without going through HTTP, counters or latency.
   *
   * @param path a list path
   * @return the items
   */
  List<JsonNode> listItems(String path) {
    MockResponse response = internal(HttpMethod.GET, path, null);
    List<JsonNode> result = new ArrayList<>();
    if (response == null || response.code() != 200 || response.getBody() == null) {
      return result;
    }
    try {
      JsonNode doc = mapper.readTree(response.getBody().getBytes());
      doc.path("items").forEach(result::add);
    } catch (java.io.IOException e) {
      LOG.debug("sandbox cluster {}: unreadable list at {}", clusterName, path);
    }
    return result;
  }

  /**
   * Sends a request to the store directly: not counted, not delayed, answered while offline.
   *
   * @param method the method
   * @param path the path
   * @param jsonBody the body, or {@code null}
   * @return the store's response
   */
  MockResponse internal(HttpMethod method, String path, String jsonBody) {
    Headers headers = Headers.builder().add("Content-Type", Responses.JSON).build();
    Buffer body = new Buffer(jsonBody == null ? null : jsonBody.getBytes(StandardCharsets.UTF_8));
    return store.dispatch(new RecordedRequest("HTTP/1.1", method, path, headers, body));
  }

  private RecordedRequest withServiceAccountToken(RecordedRequest request, HttpMethod method, String path,
      byte[] body) {
    Matcher secrets = SECRETS.matcher(path);
    if (!secrets.matches() || body.length == 0) {
      return request;
    }
    JsonNode parsed;
    try {
      parsed = mapper.readTree(body);
    } catch (java.io.IOException e) {
      return request; // not JSON (YAML, say): leave it to the store
    }
    if (!(parsed instanceof ObjectNode) || !ServiceAccountTokens.fill((ObjectNode) parsed, secrets.group(1))) {
      return request;
    }
    try {
      return new RecordedRequest(request.getHttpVersion(), method, request.getPath(), request.getHeaders(),
          new Buffer(mapper.writeValueAsBytes(parsed)));
    } catch (JsonProcessingException e) {
      return request;
    }
  }

  private MockResponse unsupportedMediaType(String contentType) {
    String sent = contentType == null || contentType.isBlank() ? "a body that is neither JSON nor YAML"
        : "Content-Type " + contentType.trim();
    return Responses.status(mapper, 415, "UnsupportedMediaType",
        "the fleetfed sandbox API server reads only JSON (or YAML) request bodies, and this request sent " + sent
            + ". Send JSON instead: `kubectl --kubeconfig <the sandbox kubeconfig> apply -f <manifest>` (or create -f,"
            + " replace -f) sends JSON; for a generator such as `kubectl create secret`, which sends protobuf, pipe"
            + " it: `kubectl create secret ... --dry-run=client -o yaml | kubectl --kubeconfig <the sandbox"
            + " kubeconfig> apply -f -`.");
  }

  static boolean readable(String contentType, byte[] body) {
    if (contentType != null && !contentType.isBlank()) {
      String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      return type.endsWith("/json") || type.endsWith("+json") || type.endsWith("/yaml") || type.endsWith("+yaml")
          || type.equals("text/x-yaml") || type.equals("application/x-yaml");
    }
    if (body.length >= PROTOBUF_MAGIC.length && body[0] == PROTOBUF_MAGIC[0] && body[1] == PROTOBUF_MAGIC[1]
        && body[2] == PROTOBUF_MAGIC[2] && body[3] == PROTOBUF_MAGIC[3]) {
      return false;
    }
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
      return text.chars().noneMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t');
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean isUnreadableBody(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof com.fasterxml.jackson.core.JsonProcessingException
          || t.getClass().getName().startsWith("org.snakeyaml.") || t.getClass().getName().startsWith("org.yaml.")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static boolean isHttpWatch(RecordedRequest request) {
    String uri = request.getPath();
    int query = uri == null ? -1 : uri.indexOf('?');
    if (query < 0 || !uri.substring(query + 1).matches("(.*&)?watch=(true|1)(&.*)?")) {
      return false;
    }
    String upgrade = request.getHeader("Upgrade");
    return upgrade == null || !upgrade.toLowerCase(Locale.ROOT).contains("websocket");
  }

  private static boolean isWrite(HttpMethod method) {
    return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH
        || method == HttpMethod.DELETE;
  }

  static String pathOf(String uri) {
    if (uri == null || uri.isEmpty()) {
      return "/";
    }
    int query = uri.indexOf('?');
    return query < 0 ? uri : uri.substring(0, query);
  }

  long requestCount() {
    return requests.get();
  }

  long writeCount() {
    return writes.get();
  }

  void resetCounts() {
    requests.set(0);
    writes.set(0);
  }

  Duration latency() {
    return latency;
  }

  void latency(Duration latency) {
    this.latency = Objects.requireNonNull(latency, "latency");
  }

  /**
   * Answers the next {@code count} requests of {@code method} whose path matches {@code path} with {@code status}
   * (a Kubernetes Status body), without serving them.
   */
  void fail(String method, Pattern path, int status, int count) {
    faults.add(new Fault(method, path, status, new AtomicInteger(count)));
  }

  /** Forgets every fault not yet used up. */
  void clearFaults() {
    faults.clear();
  }

  /** The error response of the first fault that matches this request and is not used up, or null. */
  private MockResponse injectedFault(HttpMethod method, String path) {
    for (Fault f : faults) {
      if (f.method().equalsIgnoreCase(method.name()) && f.path().matcher(path).matches()
          && f.left().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        if (f.left().get() == 0) {
          faults.remove(f);
        }
        return Responses.status(mapper, f.status(), faultReason(f.status()),
            "the sandbox API server was told to fail " + method + " " + path + " (HTTP " + f.status() + ")");
      }
    }
    return null;
  }

  /**
   * The StatusReason of an injected fault's answer.
   *
   * @param status the fault's HTTP status code
   * @return the reason
   */
  static String faultReason(int status) {
    switch (status) {
      case 403: return "Forbidden";
      case 404: return "NotFound";
      case 409: return "Conflict";
      case 422: return "Invalid";
      case 429: return "TooManyRequests";
      case 503: return "ServiceUnavailable";
      case 504: return "Timeout";
      default: return status >= 500 ? "InternalError" : "BadRequest";
    }
  }

  private record Fault(String method, Pattern path, int status, AtomicInteger left) {}

  void afterRequest(Runnable hook) {
    this.afterRequest = Objects.requireNonNull(hook, "hook");
  }

  KubernetesSerialization serialization() {
    return serialization;
  }

  PodLogs podLogs() {
    return podLogs;
  }

  /** Wipes the store (every object and every CRD, without events to open watches) and forgets injected faults. */
  @Override
  public void reset() {
    store.reset();
    podLogs.clear();
    faults.clear();
  }

  // shutdown() and releaseResources() are deliberately not passed on: the store outlives the HTTP server.
}
