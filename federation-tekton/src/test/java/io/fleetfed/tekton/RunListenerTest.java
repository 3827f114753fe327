package io.fleetfed.tekton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.VersionChoice;
import io.fleetfed.core.model.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What run listeners are told: a status only when it differs in something they can see, and the phase changes
 * alone for a phase listener. Driven as the dispatcher drives a handle, with the listener called at once.
 */
class RunListenerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Delivers on the caller's thread, so that what a listener was told is known when observe returns. */
  private static final RunHandle.Control AT_ONCE = new RunHandle.Control() {
    @Override
    public ClusterClient client(String cluster) {
      throw new UnsupportedOperationException("no cluster in this test");
    }

    @Override
    public VersionChoice versionOn(String cluster, ResourceType type) {
      throw new UnsupportedOperationException("no cluster in this test");
    }

    @Override
    public void deliver(RunHandle handle, RunListener listener, RunStatus status) {
      listener.onStatus(status);
    }

    @Override
    public void ended(RunHandle handle) {}
  };

  private final RunHandle handle = new RunHandle(AT_ONCE, "ci/ship-1", TektonTypes.PIPELINE_RUN,
      run("PipelineRun", "ship-1"), null, null, new ClusterChoice("dev2", "least loaded", Map.of()));

  private static ObjectNode run(String kind, String name) {
    ObjectNode run = JSON.createObjectNode().put("apiVersion", "tekton.dev/v1").put("kind", kind);
    run.putObject("metadata").put("name", name).put("namespace", "ci");
    return run;
  }

  /** A run with a {@code Succeeded} condition ({@code status} Unknown, True or False) and childReferences. */
  private static ObjectNode withCondition(ObjectNode run, String status, String reason, String message,
      String... childReferences) {
    ObjectNode st = run.putObject("status").put("startTime", "2026-01-01T10:00:00Z");
    st.putArray("conditions").addObject().put("type", "Succeeded").put("status", status).put("reason", reason)
        .put("message", message);
    ArrayNode refs = st.putArray("childReferences");
    for (String ref : childReferences) {
      refs.addObject().put("name", ref).put("pipelineTaskName", ref.substring(ref.lastIndexOf('-') + 1));
    }
    return run;
  }

  private static ObjectNode pipelineRun(String status, String reason, String message, String... childReferences) {
    return withCondition(run("PipelineRun", "ship-1"), status, reason, message, childReferences);
  }

  /** TaskRun {@code ship-1-<task>} of the PipelineRun, with a pod and its steps once running. */
  private static ObjectNode child(String task, String status, String reason, String... stepsDone) {
    ObjectNode tr = withCondition(run("TaskRun", "ship-1-" + task), status, reason, "");
    ((ObjectNode) tr.path("metadata")).putObject("labels").put("tekton.dev/pipelineTask", task)
        .put("tekton.dev/pipelineRun", "ship-1");
    if (!reason.equals("Started")) {
      ObjectNode st = (ObjectNode) tr.path("status");
      st.put("podName", "ship-1-" + task + "-pod");
      ArrayNode steps = st.putArray("steps");
      for (String step : List.of("clone", "check")) {
        ObjectNode s = steps.addObject().put("name", step).put("container", "step-" + step);
        if (List.of(stepsDone).contains(step)) {
          s.putObject("terminated").put("exitCode", 0).put("reason", "Completed");
        }
      }
    }
    return tr;
  }

  private void observe(ObjectNode pipelineRun, ObjectNode... children) {
    handle.observe("dev2", pipelineRun, false, List.of(children));
  }

  /** A PipelineRun of three parallel TaskRuns, from start to end, as the watches tell it, with its repeats. */
  private void runThreeTasks() {
    String running = "Tasks Completed: 0 (Failed: 0, Cancelled 0), Incomplete: 3, Skipped: 0";
    observe(pipelineRun("Unknown", "Started", ""));
    observe(pipelineRun("Unknown", "Started", ""));                                   // a repeat: resync
    // the TaskRuns' watch lists them before the PipelineRun references them: listed by name
    observe(pipelineRun("Unknown", "Running", running), child("b", "Unknown", "Started"),
        child("a", "Unknown", "Started"), child("c", "Unknown", "Started"));
    // ... then referenced, in the PipelineRun's order: the same TaskRuns in another order is no news
    observe(pipelineRun("Unknown", "Running", running, "ship-1-c", "ship-1-a", "ship-1-b"),
        child("a", "Unknown", "Started"), child("b", "Unknown", "Started"), child("c", "Unknown", "Started"));
    ObjectNode refs = pipelineRun("Unknown", "Running", running, "ship-1-c", "ship-1-a", "ship-1-b");
    observe(refs, child("a", "Unknown", "Running"), child("b", "Unknown", "Started"),
        child("c", "Unknown", "Started"));                                            // a's pod and steps
    observe(refs, child("a", "Unknown", "Running", "clone"), child("b", "Unknown", "Started"),
        child("c", "Unknown", "Started"));                                            // a step of a ended
    observe(refs, child("a", "Unknown", "Running", "clone"), child("b", "Unknown", "Started"),
        child("c", "Unknown", "Started"));                                            // a repeat
    observe(refs, child("a", "True", "Succeeded", "clone", "check"), child("b", "Unknown", "Running"),
        child("c", "Unknown", "Running"));
    ObjectNode one = pipelineRun("Unknown", "Running",
        "Tasks Completed: 1 (Failed: 0, Cancelled 0), Incomplete: 2, Skipped: 0", "ship-1-c", "ship-1-a", "ship-1-b");
    observe(one, child("a", "True", "Succeeded", "clone", "check"), child("b", "Unknown", "Running"),
        child("c", "Unknown", "Running"));                                            // the message
    observe(one, child("a", "True", "Succeeded", "clone", "check"), child("b", "True", "Succeeded", "clone", "check"),
        child("c", "True", "Succeeded", "clone", "check"));
    ObjectNode done = pipelineRun("True", "Succeeded", "Tasks Completed: 3 (Failed: 0, Cancelled 0), Skipped: 0",
        "ship-1-c", "ship-1-a", "ship-1-b");
    ((ObjectNode) done.path("status")).put("completionTime", "2026-01-01T10:01:00Z");
    ObjectNode[] finished = {child("a", "True", "Succeeded", "clone", "check"),
        child("b", "True", "Succeeded", "clone", "check"), child("c", "True", "Succeeded", "clone", "check")};
    observe(done, finished);
    observe(done, finished);                                                          // after the end
  }

  @Test
  @DisplayName("a listener is told each change once: not repeats, not the same TaskRuns in another order")
  void eachChangeOnce() {
    List<RunStatus> told = new ArrayList<>();
    handle.addListener(told::add);

    runThreeTasks();

    // Started; Running with 3 TaskRuns; a's pod; a's first step; a done, b and c running; 1 completed; all done; end
    assertThat(told).hasSize(8).doesNotHaveDuplicates();
    assertThat(told).extracting(RunStatus::phase).containsExactly(RunPhase.RUNNING, RunPhase.RUNNING,
        RunPhase.RUNNING, RunPhase.RUNNING, RunPhase.RUNNING, RunPhase.RUNNING, RunPhase.RUNNING,
        RunPhase.SUCCEEDED);
    for (int i = 1; i < told.size(); i++) {
      assertThat(RunHandle.sameButForChildOrder(told.get(i - 1), told.get(i))).as("status %d is news", i).isFalse();
    }
    // unreferenced TaskRuns by name, then in the PipelineRun's order once it references them (told with the next news)
    assertThat(told.get(1).children()).extracting(ChildRunStatus::name)
        .containsExactly("ship-1-a", "ship-1-b", "ship-1-c");
    assertThat(told.get(2).children()).extracting(ChildRunStatus::name)
        .containsExactly("ship-1-c", "ship-1-a", "ship-1-b");
    assertThat(told.get(2).children().get(1).podName()).contains("ship-1-a-pod");
    assertThat(handle.status()).isEqualTo(told.get(told.size() - 1));
  }

  @Test
  @DisplayName("a phase listener is told exactly the phase changes: RUNNING once for all the TaskRuns, then the end")
  void phaseChangesOnly() {
    List<RunStatus> phases = new ArrayList<>();
    List<RunStatus> fromTheFirst = new ArrayList<>();
    handle.addPhaseListener(phases::add);   // the handle is PENDING (Dispatched) now
    handle.follow(RunListener.onPhaseChange(fromTheFirst::add));

    runThreeTasks();

    assertThat(phases).extracting(RunStatus::phase).containsExactly(RunPhase.RUNNING, RunPhase.SUCCEEDED);
    assertThat(phases.get(0).reason()).isEqualTo("Started");
    assertThat(phases.get(1).reason()).isEqualTo("Succeeded");
    assertThat(fromTheFirst).extracting(RunStatus::phase)
        .containsExactly(RunPhase.PENDING, RunPhase.RUNNING, RunPhase.SUCCEEDED);
    assertThat(fromTheFirst.get(0).reason()).isEqualTo("Dispatched");
  }

  @Test
  @DisplayName("a phase listener added while RUNNING is not told RUNNING again, only the end")
  void phaseListenerAddedLater() {
    observe(pipelineRun("Unknown", "Running", "Tasks Completed: 0"), child("a", "Unknown", "Started"));
    List<RunStatus> phases = new ArrayList<>();
    handle.addPhaseListener(phases::add);

    observe(pipelineRun("Unknown", "Running", "Tasks Completed: 0"), child("a", "Unknown", "Running"));
    observe(pipelineRun("False", "Failed", "Tasks Completed: 1 (Failed: 1)"), child("a", "False", "Failed"));

    assertThat(phases).extracting(RunStatus::phase).containsExactly(RunPhase.FAILED);
  }

  @Test
  @DisplayName("follow tells the status now, then the changes; removeListener stops any kind of listener")
  void followAndRemove() {
    List<RunStatus> followed = new ArrayList<>();
    List<RunStatus> phases = new ArrayList<>();
    RunListener follower = followed::add;
    RunListener phaseOnly = phases::add;
    handle.follow(follower);
    handle.addPhaseListener(phaseOnly);
    observe(pipelineRun("Unknown", "Started", ""));

    handle.removeListener(follower);
    handle.removeListener(phaseOnly);
    observe(pipelineRun("True", "Succeeded", "Tasks Completed: 0"));

    assertThat(followed).extracting(RunStatus::phase).containsExactly(RunPhase.PENDING, RunPhase.RUNNING);
    assertThat(phases).extracting(RunStatus::phase).containsExactly(RunPhase.RUNNING);
  }

  @Test
  @DisplayName("null listeners are refused, naming the parameter")
  void nulls() {
    assertThatThrownBy(() -> RunListener.onPhaseChange(null)).hasMessage("listener");
    assertThatThrownBy(() -> handle.addPhaseListener(null)).hasMessage("listener");
    assertThatThrownBy(() -> handle.follow(null)).hasMessage("listener");
    assertThatThrownBy(() -> handle.addListener(null)).hasMessage("listener");
  }
}
