package io.fleetfed.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A snapshot of one real cluster's etcd keys (everything under its prefix, e.g. {@code /dev1/}) that puts the cluster
 * back as it was in milliseconds, without restarting its API server: {@link #restore()} deletes every key the
 * snapshot lacks and puts back every key whose value changed, in a few etcd transactions through etcd's JSON gRPC
 * gateway ({@code POST <etcd>/v3/kv/range} and {@code /v3/kv/txn}).
 *
 * <p>Keys the API server itself keeps up to date are never touched, neither recorded nor deleted nor put back
 * ({@link #SYSTEM_MAINTAINED}): fighting the server over them would undo its own bookkeeping (leases it renews,
 * allocator bitmaps, the priority-and-fairness and aggregation objects it reconciles).
 *
 * <pre>{@code
 * EtcdSnapshot start = EtcdSnapshot.take(servers.etcdUrl(), "/" + dev1.name());   // after the start CRDs serve
 * ... a test ...
 * start.restore(client, Duration.ofSeconds(10));   // etcd back as it was, and the API server showing it
 * }</pre>
 *
 * <p>Internal: the testkit's sandbox will reset real clusters through it (issue 13). Thread-safe: restores are
 * serialised.
 */
public final class EtcdSnapshot {
  /**
   * Key prefixes (below the cluster's prefix) whose keys the API server writes by itself, found by listing a fresh
   * API server's keys with their mod revisions right after it served and again 30 s later (kube-apiserver 1.34.4,
   * etcd 3.6.4, no controller-manager):
   * <ul>
   *   <li>{@code leases/kube-system/}: its identity lease {@code apiserver-<id>}, renewed every 10 s (seen: mod
   *       revision changed between the two listings);
   *   <li>{@code masterleases/}: the endpoint reconciler's lease of this server's address, with an etcd TTL (seen
   *       renewed);
   *   <li>{@code ranges/}: the Service cluster-IP and node-port allocator bitmaps, rewritten by the repair loops;
   *   <li>{@code events/kube-system/}: events of its own there, if any (none were seen; events a test or the code
   *       under test records anywhere else are reset like any object);
   *   <li>{@code flowschemas/}, {@code prioritylevelconfigurations/}: the API Priority and Fairness bootstrap
   *       objects, which the server re-applies and whose status it updates;
   *   <li>{@code apiregistration.k8s.io/}: the APIServices of the built-in groups, which the autoregistration
   *       controller reconciles (and whose availability status it writes);
   *   <li>{@code configmaps/kube-system/}: {@code extension-apiserver-authentication} and the legacy
   *       service-account token tracking ConfigMap, which it writes at start and keeps up to date.
   * </ul>
   */
  public static final List<String> SYSTEM_MAINTAINED = List.of("leases/kube-system/", "masterleases/", "ranges/",
      "events/kube-system/", "flowschemas/", "prioritylevelconfigurations/", "apiregistration.k8s.io/",
      "configmaps/kube-system/");
  /** etcd's default {@code --max-txn-ops}. */
  private static final int MAX_TXN_OPS = 128;
  /** Under etcd's default {@code --max-request-bytes} (1.5 MiB), with room for the JSON around the values. */
  private static final int MAX_TXN_BYTES = 1_000_000;
  private static final int RANGE_PAGE = 2_000;
  private static final String CRDS = "apiextensions.k8s.io/customresourcedefinitions/";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder UNB64 = Base64.getDecoder();

  private final HttpClient http;
  private final String etcdUrl;
  private final String prefix;
  /** Key (bytes as ISO-8859-1 text) to its recorded mod revision and base64 value. */
  private final Map<String, Kv> keys;

  private record Kv(long modRevision, String value) {}

  /**
   * What a restore did.
   *
   * @param revision etcd's revision after the restore (the revision the API server must reach to show it)
   * @param deleted how many keys it deleted
   * @param restored how many keys it put back
   * @param transactions how many etcd transactions it took
   * @param nanos how long it took, including waiting for the API server if it did
   * @param crdsPutBack the CRDs it put back (changed or deleted since the snapshot), by name; empty when it did not
   *     look (without a client)
   */
  public record Restored(long revision, int deleted, int restored, int transactions, long nanos,
      List<String> crdsPutBack) {
    /** Copies the list. */
    public Restored {
      crdsPutBack = List.copyOf(crdsPutBack);
    }
  }

  private EtcdSnapshot(HttpClient http, String etcdUrl, String prefix, Map<String, Kv> keys) {
    this.http = http;
    this.etcdUrl = etcdUrl;
    this.prefix = prefix;
    this.keys = keys;
  }

  /**
   * Records every key under {@code prefix} (a cluster's {@code --etcd-prefix}, e.g. {@code /dev1}; a trailing slash
   * is added) with its value and mod revision, except the {@link #SYSTEM_MAINTAINED} ones.
   *
   * @param etcdUrl etcd's client URL, e.g. {@code http://127.0.0.1:2379}
   */
  public static EtcdSnapshot take(String etcdUrl, String prefix) {
    Objects.requireNonNull(etcdUrl, "etcdUrl");
    Objects.requireNonNull(prefix, "prefix");
    String p = prefix.endsWith("/") ? prefix : prefix + "/";
    if (!p.startsWith("/") || p.length() < 2) {
      throw new IllegalArgumentException("an etcd prefix such as /dev1, not " + prefix);
    }
    String url = etcdUrl.endsWith("/") ? etcdUrl.substring(0, etcdUrl.length() - 1) : etcdUrl;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    EtcdSnapshot snapshot = new EtcdSnapshot(http, url, p, new TreeMap<>());
    for (JsonNode kv : snapshot.range(true)) {
      String key = key(kv);
      if (!snapshot.systemMaintained(key)) {
        snapshot.keys.put(key, new Kv(kv.path("mod_revision").asLong(), kv.path("value").asText("")));
      }
    }
    return snapshot;
  }

  /**
   * Makes the CRD {@code name}, as stored now, part of the snapshot, so that a restore keeps it (or puts it back).
   *
   * @param name {@code <plural>.<group>}
   * @throws IllegalStateException if etcd does not hold it
   */
  public synchronized void keepCrd(String name) {
    String key = prefix + CRDS + name;
    ObjectNode request = JSON.createObjectNode().put("key", b64(key));
    JsonNode kvs = call("/v3/kv/range", request).path("kvs");
    if (kvs.isEmpty()) {
      throw new IllegalStateException("etcd holds no CRD " + name + " under " + prefix);
    }
    keys.put(key, new Kv(kvs.get(0).path("mod_revision").asLong(), kvs.get(0).path("value").asText("")));
  }

  /**
   * Takes the CRD {@code name} out of the snapshot again (if {@link #keepCrd} put it in), so that the next restore
   * deletes it.
   */
  public synchronized void forgetCrd(String name) {
    keys.remove(prefix + CRDS + name);
  }

  /** The prefix, with its trailing slash. */
  public String prefix() {
    return prefix;
  }

  /** How many keys the snapshot holds. */
  public synchronized int size() {
    return keys.size();
  }

  /** Whether the API server maintains {@code key} (a full key, prefix included) itself. */
  public boolean systemMaintained(String key) {
    if (!key.startsWith(prefix)) {
      return true;   // not this cluster's
    }
    String rest = key.substring(prefix.length());
    return SYSTEM_MAINTAINED.stream().anyMatch(rest::startsWith);
  }

  /**
   * Puts etcd back as recorded: deletes the keys the snapshot lacks, puts back those whose mod revision changed or
   * that are gone (leaving {@link #SYSTEM_MAINTAINED} keys alone), in as few transactions as etcd's limits allow.
   * Returns once etcd has them, not the API server: see {@link #restore(KubernetesClient, Duration)}.
   */
  public synchronized Restored restore() {
    return apply(current());
  }

  private Map<String, Long> current() {
    Map<String, Long> current = new TreeMap<>();
    for (JsonNode kv : range(false)) {
      current.put(key(kv), kv.path("mod_revision").asLong());
    }
    return current;
  }

  private Restored apply(Map<String, Long> current) {
    long start = System.nanoTime();
    List<ObjectNode> ops = new ArrayList<>();
    List<String> put = new ArrayList<>();
    int deleted = 0;
    for (String key : current.keySet()) {
      if (!keys.containsKey(key) && !systemMaintained(key)) {
        ObjectNode op = JSON.createObjectNode();
        op.putObject("request_delete_range").put("key", b64(key));
        ops.add(op);
        deleted++;
      }
    }
    for (Map.Entry<String, Kv> e : keys.entrySet()) {
      Long now = current.get(e.getKey());
      if (now == null || now != e.getValue().modRevision()) {
        ObjectNode op = JSON.createObjectNode();
        op.putObject("request_put").put("key", b64(e.getKey())).put("value", e.getValue().value());
        ops.add(op);
        put.add(e.getKey());
      }
    }
    long revision = 0;
    int transactions = 0;
    int from = 0;
    while (from < ops.size()) {
      int to = from;
      int bytes = 0;
      while (to < ops.size() && to - from < MAX_TXN_OPS
          && (to == from || bytes + size(ops.get(to)) <= MAX_TXN_BYTES)) {
        bytes += size(ops.get(to));
        to++;
      }
      ObjectNode txn = JSON.createObjectNode();
      ArrayNode success = txn.putArray("success");
      ops.subList(from, to).forEach(success::add);
      revision = call("/v3/kv/txn", txn).path("header").path("revision").asLong();
      transactions++;
      // the keys put back now carry this transaction's revision: the next restore must not put them again
      for (ObjectNode op : ops.subList(from, to)) {
        JsonNode p = op.path("request_put");
        if (!p.isMissingNode()) {
          String key = new String(UNB64.decode(p.path("key").asText()), StandardCharsets.ISO_8859_1);
          keys.put(key, new Kv(revision, keys.get(key).value()));
        }
      }
      from = to;
    }
    if (transactions == 0) {
      revision = currentRevision();
    }
    return new Restored(revision, deleted, put.size(), transactions, System.nanoTime() - start, List.of());
  }

  /**
   * {@link #restore()}, then waits until the API server {@code client} shows it: its watch caches of
   * namespaces and CRDs have reached the restore's revision (so a LIST shows the restored state), and every
   * CustomResourceDefinition the restore deleted is gone from discovery and every one it put back is in it.
   *
   * @throws IllegalStateException if the API server does not show it within {@code timeout}
   */
  public synchronized Restored restore(KubernetesClient client, Duration timeout) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    Map<String, Boolean> crds = new LinkedHashMap<>();   // CRD name to whether it must be served after
    Map<String, Long> before = current();
    before.forEach((key, rev) -> {
      if (key.startsWith(prefix + CRDS) && !keys.containsKey(key)) {
        crds.put(key.substring((prefix + CRDS).length()), false);
      }
    });
    keys.forEach((key, kv) -> {
      if (key.startsWith(prefix + CRDS) && !Objects.equals(before.get(key), kv.modRevision())) {
        crds.put(key.substring((prefix + CRDS).length()), true);
      }
    });
    Restored restored = apply(before);
    for (String list : List.of("/api/v1/namespaces", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions")) {
      awaitCache(client, list, restored.revision(), deadline);
    }
    crds.forEach((name, served) -> awaitDiscovery(client, name, served, deadline));
    List<String> putBack = new ArrayList<>();
    crds.forEach((name, served) -> {
      if (served) {
        putBack.add(name);
      }
    });
    return new Restored(restored.revision(), restored.deleted(), restored.restored(), restored.transactions(),
        System.nanoTime() - start, putBack);
  }

  /** A LIST at least as new as {@code revision}: answered once the server's watch cache has reached it. */
  private static void awaitCache(KubernetesClient client, String list, long revision, long deadline) {
    String uri = client.getMasterUrl().toString().replaceAll("/$", "") + list + "?resourceVersion=" + revision
        + "&resourceVersionMatch=NotOlderThan";
    KubernetesClientException last = null;
    do {
      try {
        client.raw(uri);
        return;
      } catch (KubernetesClientException e) {
        last = e;   // 504 "Too large resource version" while the cache catches up (it waits 3 s itself first)
      }
    } while (System.nanoTime() < deadline);
    throw new IllegalStateException("the API server did not reach etcd revision " + revision + " on " + list, last);
  }

  /** Waits until the CRD {@code name} ({@code <plural>.<group>}) is served or not, as discovery says. */
  private static void awaitDiscovery(KubernetesClient client, String name, boolean served, long deadline) {
    int dot = name.indexOf('.');
    String plural = name.substring(0, dot);
    String group = name.substring(dot + 1);
    while (discovered(client, group, plural) != served) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the API server still " + (served ? "does not serve " : "serves ")
            + name + " after the restore");
      }
      pause();
    }
  }

  private static boolean discovered(KubernetesClient client, String group, String plural) {
    try {
      APIGroup g = client.getApiGroup(group);
      if (g == null || g.getVersions() == null) {
        return false;
      }
      for (GroupVersionForDiscovery v : g.getVersions()) {
        APIResourceList resources = client.getApiResources(v.getGroupVersion());
        if (resources != null && resources.getResources() != null
            && resources.getResources().stream().anyMatch(r -> plural.equals(r.getName()))) {
          return true;
        }
      }
      return false;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  private static void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(20);   // polling the API server's controllers: there is no event to wait on
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the API server", e);
    }
  }

  /** Every key under the prefix with its mod revision, and its value if {@code values}, page by page. */
  private List<JsonNode> range(boolean values) {
    List<JsonNode> all = new ArrayList<>();
    String end = b64(rangeEnd(prefix));
    String from = prefix;
    long revision = 0;
    while (true) {
      ObjectNode request = JSON.createObjectNode().put("key", b64(from)).put("range_end", end)
          .put("limit", RANGE_PAGE).put("keys_only", !values);
      if (revision != 0) {
        request.put("revision", revision);   // every page at the first page's revision
      }
      JsonNode response = call("/v3/kv/range", request);
      revision = response.path("header").path("revision").asLong();
      JsonNode kvs = response.path("kvs");
      kvs.forEach(all::add);
      if (!response.path("more").asBoolean(false) || kvs.isEmpty()) {
        return all;
      }
      from = key(kvs.get(kvs.size() - 1)) + '\0';
    }
  }

  private long currentRevision() {
    ObjectNode request = JSON.createObjectNode().put("key", b64(prefix)).put("count_only", true);
    return call("/v3/kv/range", request).path("header").path("revision").asLong();
  }

  private JsonNode call(String path, ObjectNode body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(etcdUrl + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("etcd answered " + path + " with HTTP " + response.statusCode() + ": "
            + abbreviate(response.body()));
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach etcd at " + etcdUrl, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while calling etcd", e);
    }
  }

  private static String abbreviate(String text) {
    return text == null ? "" : text.length() <= 500 ? text : text.substring(0, 500) + "…";
  }

  private static int size(ObjectNode op) {
    JsonNode put = op.path("request_put");
    return 64 + (put.isMissingNode() ? op.path("request_delete_range").path("key").asText().length()
        : put.path("key").asText().length() + put.path("value").asText().length());
  }

  private static String key(JsonNode kv) {
    return new String(UNB64.decode(kv.path("key").asText()), StandardCharsets.ISO_8859_1);
  }

  private static String b64(String key) {
    return B64.encodeToString(key.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** The first key after every key starting with {@code prefix}: its last byte plus one. */
  private static String rangeEnd(String prefix) {
    char last = prefix.charAt(prefix.length() - 1);
    return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
  }
}
