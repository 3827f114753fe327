package io.fleetfed.testkit.internal;

import java.time.Instant;
import java.util.ArrayList;
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
}
