package io.fleetfed.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.tekton.ChildRunStatus;
import io.fleetfed.tekton.ClusterChoice;
import io.fleetfed.tekton.RunHandle;
import io.fleetfed.tekton.RunListener;
import io.fleetfed.tekton.RunPhase;
import io.fleetfed.tekton.RunStatus;
import io.fleetfed.tekton.StepStatus;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How dispatched runs are shown, for {@code dispatch} and {@code demo}: the choice of cluster and why, one line per
 * status change, the final summary, the YAML/JSON tree of a status, and the exit code of an outcome.
 */
final class RunReport {
  /** Exit code of a run that ended FAILED. */
  static final int FAILED = 4;
  /** Exit code of a run that ended CANCELLED. */
  static final int CANCELLED = 5;
  /** Exit code of a run that ended TIMED_OUT. */
  static final int TIMED_OUT = 6;
  /** Exit code of a run whose cluster was lost after it started. */
  static final int CLUSTER_LOST = 7;

  private RunReport() {}

  /** The exit code of a run that ended in {@code phase}: 0 when it succeeded, 4 to 7 otherwise. */
  static int exitCode(RunPhase phase) {
    switch (phase) {
      case SUCCEEDED:
        return 0;
      case FAILED:
        return FAILED;
      case CANCELLED:
        return CANCELLED;
      case TIMED_OUT:
        return TIMED_OUT;
      case CLUSTER_LOST:
        return CLUSTER_LOST;
      default:
        throw new IllegalArgumentException("a run still " + phase + " has no outcome yet");
    }
  }

  /** {@code TaskRun ci/build-1}. */
  static String run(RunHandle handle) {
    return handle.kind() + " " + handle.namespace() + "/" + handle.name();
  }

  /**
   * The chosen cluster and why, then why each other cluster was passed over:
   * <pre>
   * dispatched TaskRun ci/build-1 to dev2: least loaded: 0 of 10 runs
   *   not dev1: the host cluster runs no pipelines unless the request allows it
   * </pre>
   */
  static void choice(PrintWriter w, String indent, RunHandle handle) {
    ClusterChoice choice = handle.choice();
    w.println(indent + "dispatched " + run(handle) + " to " + choice.cluster() + ": " + choice.reason());
    choice.passedOver().forEach((cluster, why) -> w.println(indent + "  not " + cluster + ": " + why));
    w.flush();
  }

  /**
   * One line for a status: {@code PipelineRun ci/build-1 on dev2: RUNNING (Running: Tasks Completed: 1...);
   * tasks: fetch SUCCEEDED, build RUNNING}.
   */
  static String change(RunStatus s) {
    StringBuilder line = new StringBuilder(s.kind()).append(' ').append(s.namespace()).append('/').append(s.name())
        .append(" on ").append(s.cluster()).append(": ").append(s.phase());
    if (!s.reason().isEmpty()) {
      line.append(" (").append(s.reason()).append(s.message().isEmpty() ? "" : ": " + s.message()).append(')');
    }
    if (!s.children().isEmpty()) {
      List<String> tasks = new ArrayList<>();
      for (ChildRunStatus c : s.children()) {
        tasks.add(c.pipelineTask() + " " + c.phase());
      }
      line.append("; tasks: ").append(String.join(", ", tasks));
    }
    return line.toString().replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }

  /**
   * Prints {@link #change} lines of a handle to {@code w} as they happen: the status now, then a line whenever the
   * line changes (a PipelineRun's TaskRun changing only its reason, pod or steps prints nothing). The handle tells
   * the status now and its changes in order on one thread, so that no older line follows a newer one.
   *
   * @return completes once the line of the run's outcome is printed, so that what follows it comes after it
   */
  static CompletableFuture<Void> follow(RunHandle handle, PrintWriter w, String indent) {
    CompletableFuture<Void> ended = new CompletableFuture<>();
    handle.follow(printer(w, indent, ended));
    return ended;
  }

  /** Prints the {@link #change} line of each status it is told unless it is the line printed last. */
  static RunListener printer(PrintWriter w, String indent, CompletableFuture<Void> ended) {
    Object lock = new Object();
    String[] last = {""};
    return s -> {
      String line = change(s);
      synchronized (lock) {
        if (!line.equals(last[0])) {
          last[0] = line;
          w.println(indent + line);
          w.flush();
        }
      }
      if (s.isDone()) {
        ended.complete(null);
      }
    };
  }

  /** Waits a little for {@code printed} (see {@link #follow}); the outcome is known, only its line may lag. */
  static void awaitPrinted(CompletableFuture<Void> printed) {
    try {
      printed.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // the summary follows anyway
    }
  }

  /** The final status as people read it: its fields, then a table of a PipelineRun's TaskRuns. */
  static void summary(PrintWriter w, String indent, RunStatus s) {
    w.println(indent + s.kind() + " " + s.namespace() + "/" + s.name());
    field(w, indent, "cluster", s.cluster());
    field(w, indent, "phase", s.phase().toString());
    field(w, indent, "reason", s.reason());
    field(w, indent, "message", s.message());
    field(w, indent, "started", s.startTime().map(Instant::toString).orElse(""));
    field(w, indent, "completed", s.completionTime().map(t -> t + took(s.startTime(), Optional.of(t)))
        .orElse(""));
    List<String> results = new ArrayList<>();
    s.results().forEach((k, v) -> results.add(k + "=" + v));
    field(w, indent, "results", String.join(", ", results));
    if (!s.steps().isEmpty()) {
      List<String> steps = new ArrayList<>();
      for (StepStatus step : s.steps()) {
        steps.add(step.name() + step.reason().map(r -> " (" + r + ")").orElse(""));
      }
      field(w, indent, "steps", String.join(", ", steps));
    }
    if (!s.children().isEmpty()) {
      Table table = new Table("PIPELINE-TASK", "TASKRUN", "PHASE", "REASON", "DURATION");
      for (ChildRunStatus c : s.children()) {
        table.row(c.pipelineTask(), c.name(), c.phase(), c.reason(), duration(c.startTime(), c.completionTime()));
      }
      for (String line : table.toString().split("\n")) {
        w.println(indent + "  " + line);
      }
    }
    w.flush();
  }

  private static void field(PrintWriter w, String indent, String name, String value) {
    w.println(indent + "  " + name + ":" + " ".repeat(11 - name.length()) + (value.isEmpty() ? "-"
        : value.replaceAll("\\s*[\\r\\n]+\\s*", " ")));
  }

  private static String took(Optional<Instant> start, Optional<Instant> end) {
    String d = duration(start, end);
    return d.isEmpty() ? "" : " (" + d + ")";
  }

  /**
   * The time between two of Tekton's times, which are whole seconds: {@code <1s}, {@code 12s} or {@code 2m05s};
   * empty unless both are known.
   */
  static String duration(Optional<Instant> start, Optional<Instant> end) {
    if (start.isEmpty() || end.isEmpty()) {
      return "";
    }
    long seconds = Duration.between(start.get(), end.get()).toSeconds();
    if (seconds < 1) {
      return "<1s";
    }
    return seconds < 60 ? seconds + "s" : String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
  }

  /** A status as a tree for {@code -o yaml|json}, with the dispatch key and the choice of cluster. */
  static ObjectNode tree(RunHandle handle, RunStatus s) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("kind", s.kind());
    root.put("namespace", s.namespace());
    root.put("name", s.name());
    root.put("key", handle.key());
    root.put("cluster", s.cluster());
    ObjectNode choice = root.putObject("choice");
    choice.put("cluster", handle.choice().cluster());
    choice.put("reason", handle.choice().reason());
    ObjectNode passed = choice.putObject("passedOver");
    handle.choice().passedOver().forEach(passed::put);
    root.put("phase", s.phase().toString());
    root.put("reason", s.reason());
    root.put("message", s.message());
    s.startTime().ifPresent(t -> root.put("startTime", t.toString()));
    s.completionTime().ifPresent(t -> root.put("completionTime", t.toString()));
    ObjectNode results = root.putObject("results");
    s.results().forEach(results::put);
    s.podName().ifPresent(p -> root.put("podName", p));
    steps(root.putArray("steps"), s.steps());
    ArrayNode children = root.putArray("children");
    for (ChildRunStatus c : s.children()) {
      ObjectNode child = children.addObject();
      child.put("pipelineTask", c.pipelineTask());
      child.put("name", c.name());
      child.put("phase", c.phase().toString());
      child.put("reason", c.reason());
      child.put("message", c.message());
      c.startTime().ifPresent(t -> child.put("startTime", t.toString()));
      c.completionTime().ifPresent(t -> child.put("completionTime", t.toString()));
      c.podName().ifPresent(p -> child.put("podName", p));
      steps(child.putArray("steps"), c.steps());
    }
    return root;
  }

  private static void steps(ArrayNode array, List<StepStatus> steps) {
    for (StepStatus step : steps) {
      ObjectNode o = array.addObject();
      o.put("name", step.name());
      o.put("container", step.container());
      step.exitCode().ifPresent(c -> o.put("exitCode", c));
      step.reason().ifPresent(r -> o.put("reason", r));
    }
  }

  /**
   * An output stream that hands each complete line to {@code w} (prefixed with {@code indent}) and flushes, so
   * that streamed logs interleave line by line with the status lines other threads print.
   */
  static OutputStream lines(PrintWriter w, String indent) {
    return new OutputStream() {
      private final ByteArrayOutputStream line = new ByteArrayOutputStream();

      @Override
      public synchronized void write(int b) {
        if (b == '\n') {
          w.println(indent + line.toString(StandardCharsets.UTF_8));
          w.flush();
          line.reset();
        } else {
          line.write(b);
        }
      }

      @Override
      public synchronized void flush() {
        w.flush();
      }

      @Override
      public synchronized void close() {
        if (line.size() > 0) {
          write('\n');
        }
      }
    };
  }
}
