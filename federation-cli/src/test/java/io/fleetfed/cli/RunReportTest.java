package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.model.LabelSelector;
import io.fleetfed.tekton.ChildRunStatus;
import io.fleetfed.tekton.RunPhase;
import io.fleetfed.tekton.RunStatus;
import io.fleetfed.tekton.StepStatus;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How dispatch shows runs and reads its options, without clusters. */
class RunReportTest {
  private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  @DisplayName("each outcome has its exit code, listed by dispatch --help and fleetfed --help")
  void exitCodes() {
    assertThat(RunReport.exitCode(RunPhase.SUCCEEDED)).isZero();
    assertThat(RunReport.exitCode(RunPhase.FAILED)).isEqualTo(4);
    assertThat(RunReport.exitCode(RunPhase.CANCELLED)).isEqualTo(5);
    assertThat(RunReport.exitCode(RunPhase.TIMED_OUT)).isEqualTo(6);
    assertThat(RunReport.exitCode(RunPhase.CLUSTER_LOST)).isEqualTo(7);
    assertThatThrownBy(() -> RunReport.exitCode(RunPhase.RUNNING)).isInstanceOf(IllegalArgumentException.class);

    for (Class<?> command : List.of(DispatchCommand.class, Main.class)) {
      List<String> codes = Arrays.stream(command.getAnnotation(CommandLine.Command.class).exitCodeList())
          .map(line -> line.substring(0, line.indexOf(':'))).toList();
      assertThat(codes).as(command.getSimpleName()).contains("0", "2", "3", "4", "5", "6", "7");
    }
  }

  @Test
  @DisplayName("--selector takes key=value pairs (== too); anything else names the option and the pair")
  void selector() {
    assertThat(DispatchCommand.selector("security=high, zone==eu"))
        .isEqualTo(LabelSelector.matchLabels(Map.of("security", "high", "zone", "eu")));
    assertThat(DispatchCommand.selector("empty=")).isEqualTo(LabelSelector.matchLabels(Map.of("empty", "")));

    assertThatThrownBy(() -> DispatchCommand.selector("a!=b,,c"))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(Violation::toString).containsExactly(
                "--selector: \"a!=b\" is not key=value (only equality is supported)",
                "--selector: has an empty requirement in \"a!=b,,c\"; write key=value,key2=value2",
                "--selector: \"c\" is not key=value (only equality is supported)"));
    assertThatThrownBy(() -> DispatchCommand.selector("bad key=x"))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .allSatisfy(v -> assertThat(v.field()).contains("--selector")));
  }

  @Test
  @DisplayName("a status change is one line, with a PipelineRun's tasks")
  void change() {
    assertThat(RunReport.change(pipelineRun(RunPhase.RUNNING, "Running", "Tasks Completed: 1\n(Failed: 0)")))
        .isEqualTo("PipelineRun ci/build-1 on dev2: RUNNING (Running: Tasks Completed: 1 (Failed: 0)); tasks:"
            + " fetch SUCCEEDED, test RUNNING");
    assertThat(RunReport.change(taskRun(RunPhase.PENDING, ""))).isEqualTo("TaskRun ci/clone-1 on dev3: PENDING");
  }

  @Test
  @DisplayName("the summary: fields, then the TaskRuns of a PipelineRun as a table")
  void summary() {
    StringWriter text = new StringWriter();
    RunReport.summary(new PrintWriter(text), "", pipelineRun(RunPhase.SUCCEEDED, "Succeeded", "All done"));

    assertThat(text.toString()).isEqualTo("""
        PipelineRun ci/build-1
          cluster:    dev2
          phase:      SUCCEEDED
          reason:     Succeeded
          message:    All done
          started:    2026-11-25T10:00:00Z
          completed:  2026-11-25T10:01:05Z (1m05s)
          results:    digest=sha256:1
          PIPELINE-TASK   TASKRUN         PHASE       REASON      DURATION
          fetch           build-1-fetch   SUCCEEDED   Succeeded   <1s
          test            build-1-test    RUNNING     Running     -
        """);

    StringWriter task = new StringWriter();
    RunReport.summary(new PrintWriter(task), "", taskRun(RunPhase.FAILED, "Failed"));
    assertThat(task.toString()).contains("  steps:      clone (Error)\n").contains("  results:    -\n");
  }

  @Test
  @DisplayName("streamed log bytes reach the writer line by line, multi-byte characters intact")
  void lines() throws Exception {
    StringWriter text = new StringWriter();
    OutputStream lines = RunReport.lines(new PrintWriter(text), "> ");
    lines.write("[build] héllo\n[build] wor".getBytes(StandardCharsets.UTF_8));
    assertThat(text.toString()).isEqualTo("> [build] héllo" + System.lineSeparator());
    lines.write("ld\nlast".getBytes(StandardCharsets.UTF_8));
    lines.close();
    assertThat(text.toString()).isEqualTo("> [build] héllo" + System.lineSeparator() + "> [build] world"
        + System.lineSeparator() + "> last" + System.lineSeparator());
  }

  @Test
  @DisplayName("following a run prints a line only when the line changes, not for a TaskRun's reason, pod or steps")
  void printsChangedLinesOnly() {
    StringWriter text = new StringWriter();
    java.util.concurrent.CompletableFuture<Void> ended = new java.util.concurrent.CompletableFuture<>();
    io.fleetfed.tekton.RunListener printer = RunReport.printer(new PrintWriter(text), "  ", ended);
    ChildRunStatus started = new ChildRunStatus("test", "build-1-test", RunPhase.RUNNING, "Started", "",
        Optional.of(START), Optional.empty(), Optional.empty(), List.of());
    ChildRunStatus withPod = new ChildRunStatus("test", "build-1-test", RunPhase.RUNNING, "Running", "",
        Optional.of(START), Optional.empty(), Optional.of("build-1-test-pod"),
        List.of(new StepStatus("unit", "step-unit", Optional.empty(), Optional.empty())));
    ChildRunStatus stepDone = new ChildRunStatus("test", "build-1-test", RunPhase.RUNNING, "Running", "",
        Optional.of(START), Optional.empty(), Optional.of("build-1-test-pod"),
        List.of(new StepStatus("unit", "step-unit", Optional.of(0), Optional.of("Completed"))));
    ChildRunStatus passed = new ChildRunStatus("test", "build-1-test", RunPhase.SUCCEEDED, "Succeeded", "",
        Optional.of(START), Optional.of(START), Optional.of("build-1-test-pod"), stepDone.steps());

    for (ChildRunStatus child : List.of(started, withPod, stepDone)) {   // RUNNING Running each time
      printer.onStatus(withChild(RunPhase.RUNNING, "Running", child));
    }
    printer.onStatus(withChild(RunPhase.RUNNING, "Running", passed));
    assertThat(ended).isNotDone();
    printer.onStatus(withChild(RunPhase.SUCCEEDED, "Succeeded", passed));

    String n = System.lineSeparator();
    assertThat(text.toString()).isEqualTo(
        "  PipelineRun ci/build-1 on dev2: RUNNING (Running); tasks: test RUNNING" + n
            + "  PipelineRun ci/build-1 on dev2: RUNNING (Running); tasks: test SUCCEEDED" + n
            + "  PipelineRun ci/build-1 on dev2: SUCCEEDED (Succeeded); tasks: test SUCCEEDED" + n);
    assertThat(ended).isDone();
  }

  private static RunStatus withChild(RunPhase phase, String reason, ChildRunStatus child) {
    return new RunStatus("PipelineRun", "ci", "build-1", "dev2", phase, reason, "", Optional.of(START),
        Optional.empty(), Map.of(), Optional.empty(), List.of(), List.of(child));
  }

  private static RunStatus pipelineRun(RunPhase phase, String reason, String message) {
    return new RunStatus("PipelineRun", "ci", "build-1", "dev2", phase, reason, message, Optional.of(START),
        Optional.of(START.plusSeconds(65)), Map.of("digest", "sha256:1"), Optional.empty(), List.of(),
        List.of(new ChildRunStatus("fetch", "build-1-fetch", RunPhase.SUCCEEDED, "Succeeded", "", Optional.of(START),
                Optional.of(START), Optional.of("build-1-fetch-pod"), List.of()),
            new ChildRunStatus("test", "build-1-test", RunPhase.RUNNING, "Running", "", Optional.of(START),
                Optional.empty(), Optional.empty(), List.of())));
  }

  private static RunStatus taskRun(RunPhase phase, String reason) {
    return new RunStatus("TaskRun", "ci", "clone-1", "dev3", phase, reason, "", Optional.empty(), Optional.empty(),
        Map.of(), Optional.of("clone-1-pod"), List.of(new StepStatus("clone", "step-clone", Optional.of(1),
            Optional.of("Error"))), List.of());
  }
}
