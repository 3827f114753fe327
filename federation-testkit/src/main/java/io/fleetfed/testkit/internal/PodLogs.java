package io.fleetfed.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The container logs one sandbox API server serves at {@code GET /api/v1/namespaces/<ns>/pods/<pod>/log}, kept
 * per namespace, pod and container, each line with the time it was written. A log is served only while its pod is
 * stored; what is kept here for a pod that does not exist is never shown.
 *
 * <p>Internal: filled by {@code io.fleetfed.testkit.TektonSimulator}. Thread-safe.
 */
public final class PodLogs {

  /**
   * One line of a log.
   *
   * @param time when it was written
   * @param text the line, with its {@code \n} unless it is an unfinished last line
   */
  public record Line(Instant time, String text) {
    /** Checks that neither field is null. */
    public Line {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * What a log request gets, as the kubelet would answer it through the API server: the log (code 200) or a
   * failure to answer with a Kubernetes {@code Status} of this code, reason and message.
   *
   * @param code the HTTP status code
   * @param log the log's bytes if the code is 200, else empty
   * @param reason the Status reason if the code is not 200, else empty
   * @param message the Status message if the code is not 200, else empty; never holds a request's content
   */
  record Served(int code, byte[] log, String reason, String message) {
    static Served failure(int code, String reason, String message) {
      return new Served(code, new byte[0], reason, message);
    }
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Map<String, List<Line>> logs = new ConcurrentHashMap<>();

  PodLogs() {
  }

  private static String key(String namespace, String pod, String container) {
    return namespace + '/' + pod + '/' + container;
  }

  private static String podPrefix(String namespace, String pod) {
    return namespace + '/' + pod + '/';
  }

  /**
   * Appends text to a container's log, one line per {@code \n}, stamped now.
   *
   * @param namespace the pod's namespace
   * @param pod the pod's name
   * @param container the container's name
   * @param text the text
   */
  public void append(String namespace, String pod, String container, String text) {
    Objects.requireNonNull(text, "text");
    Instant now = Instant.now();
    List<Line> lines = new ArrayList<>();
    int from = 0;
    while (from < text.length()) {
      int newline = text.indexOf('\n', from);
      int end = newline < 0 ? text.length() : newline + 1;
      lines.add(new Line(now, text.substring(from, end)));
      from = end;
    }
    logs.compute(key(namespace, pod, container), (k, old) -> {
      List<Line> merged = old == null ? new ArrayList<>() : new ArrayList<>(old);
      merged.addAll(lines);
      return List.copyOf(merged);
    });
  }

  /**
   * The lines of a container's log.
   *
   * @param namespace the pod's namespace
   * @param pod the pod's name
   * @param container the container's name
   * @return the lines, empty if none were written
   */
  public List<Line> lines(String namespace, String pod, String container) {
    return logs.getOrDefault(key(namespace, pod, container), List.of());
  }

  /**
   * Forgets the logs of every container of a pod.
   *
   * @param namespace the pod's namespace
   * @param pod the pod's name
   */
  public void clear(String namespace, String pod) {
    String prefix = podPrefix(namespace, pod);
    logs.keySet().removeIf(k -> k.startsWith(prefix));
  }

  /** Forgets every log. */
  public void clear() {
    logs.clear();
  }

  /**
   * A container's log as the kubelet would serve it through the API server, for a pod the API server holds: the
   * one place both the mock API server ({@code SandboxDispatcher}) and the proxy in front of a real one
   * ({@code FrontProxy}) answer {@code GET /api/v1/namespaces/<ns>/pods/<pod>/log} from. Honours
   * {@code container}, {@code tailLines}, {@code timestamps}, {@code sinceTime}, {@code sinceSeconds} and
   * {@code limitBytes}; {@code follow} returns what there is and ends.
   *
   * @param namespace the pod's namespace
   * @param pod the pod's name
   * @param storedPod the pod as the API server returns it (JSON), or {@code null} if it has no such pod
   * @param query the request's query parameters, see {@link #queryOf(String)}
   * @return the log, or the failure to answer with
   */
  Served serve(String namespace, String pod, byte[] storedPod, Map<String, String> query) {
    if (storedPod == null || storedPod.length == 0) {
      return Served.failure(404, "NotFound", "pods \"" + pod + "\" not found");
    }
    List<String> containers = new ArrayList<>();
    List<String> initContainers = new ArrayList<>();
    try {
      JsonNode spec = MAPPER.readTree(storedPod).path("spec");
      spec.path("containers").forEach(c -> containers.add(c.path("name").asText()));
      spec.path("initContainers").forEach(c -> initContainers.add(c.path("name").asText()));
    } catch (IOException e) {
      return Served.failure(500, "InternalError", "the stored pod " + pod + " is not readable");
    }
    String container = query.getOrDefault("container", "");
    if (container.isEmpty()) {
      if (containers.size() != 1) {
        String message = containers.isEmpty()
            ? "pod " + pod + " has no containers"
            : "a container name must be specified for pod " + pod + ", choose one of: ["
                + String.join(" ", containers) + "]"
                + (initContainers.isEmpty() ? "" : " or one of the init containers: ["
                    + String.join(" ", initContainers) + "]");
        return Served.failure(400, "BadRequest", message);
      }
      container = containers.get(0);
    } else if (!containers.contains(container) && !initContainers.contains(container)) {
      return Served.failure(400, "BadRequest", "container " + container + " is not valid for pod " + pod);
    }
    List<Line> lines = new ArrayList<>(lines(namespace, pod, container));
    try {
      String sinceTime = query.get("sinceTime");
      if (sinceTime != null && !sinceTime.isEmpty()) {
        Instant since = OffsetDateTime.parse(sinceTime).toInstant();
        lines.removeIf(line -> line.time().isBefore(since));
      }
      String sinceSeconds = query.get("sinceSeconds");
      if (sinceSeconds != null && !sinceSeconds.isEmpty()) {
        Instant since = Instant.now().minusSeconds(Long.parseLong(sinceSeconds));
        lines.removeIf(line -> line.time().isBefore(since));
      }
      String tail = query.get("tailLines");
      if (tail != null && !tail.isEmpty()) {
        int keep = Math.max(0, Integer.parseInt(tail));
        if (lines.size() > keep) {
          lines = new ArrayList<>(lines.subList(lines.size() - keep, lines.size()));
        }
      }
    } catch (RuntimeException e) {
      return Served.failure(400, "BadRequest",
          "the log query of pod " + pod + " has an unreadable sinceTime, sinceSeconds or tailLines");
    }
    boolean timestamps = "true".equalsIgnoreCase(query.get("timestamps"));
    StringBuilder text = new StringBuilder();
    for (Line line : lines) {
      if (timestamps) {
        text.append(line.time()).append(' ');
      }
      text.append(line.text());
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    String limit = query.get("limitBytes");
    if (limit != null && limit.matches("[0-9]{1,18}") && Long.parseLong(limit) < bytes.length) {
      bytes = Arrays.copyOf(bytes, (int) Long.parseLong(limit));
    }
    return new Served(200, bytes, "", "");
  }

  /**
   * The query parameters of a request URI, URL-decoded; the first value of a repeated parameter wins.
   *
   * @param uri a path with its query, or {@code null}
   * @return the parameters, empty if none
   */
  static Map<String, String> queryOf(String uri) {
    Map<String, String> query = new HashMap<>();
    int start = uri == null ? -1 : uri.indexOf('?');
    if (start < 0) {
      return query;
    }
    for (String pair : uri.substring(start + 1).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      query.putIfAbsent(key, value);
    }
    return query;
  }
}
