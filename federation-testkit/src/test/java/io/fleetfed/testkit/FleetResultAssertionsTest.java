package io.fleetfed.testkit;

import static io.fleetfed.testkit.FleetAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.PropagationCondition;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.PropagationStatus;
import io.fleetfed.core.status.ResourceKey;
import io.fleetfed.tekton.ChildRunStatus;
import io.fleetfed.tekton.RunPhase;
import io.fleetfed.tekton.RunStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The assertions on propagation results and run statuses: what passes, and what each failure says. */
class FleetResultAssertionsTest {
  private static final ResourceKey KEY = new ResourceKey("FederatedConfigMap", Optional.of("team"), "settings");

  private static PropagationResult result(ClusterOutcome... outcomes) {
    Map<String, ClusterOutcome> byCluster = new java.util.HashMap<>();
    for (ClusterOutcome o : outcomes) {
      byCluster.put(o.cluster(), o);
    }
    return new PropagationResult(KEY, PropagationCondition.of(byCluster.values().stream()
        .map(ClusterOutcome::status).toList()), byCluster, Optional.empty());
  }

  private static RunStatus run(RunPhase phase, String reason, Map<String, String> results,
      List<ChildRunStatus> children) {
    return new RunStatus("PipelineRun", "ci", "build-1", "dev2", phase, reason, "", Optional.empty(),
        Optional.empty(), results, Optional.empty(), List.of(), children);
  }

  private static ChildRunStatus child(String task) {
    return new ChildRunStatus(task, "build-1-" + task, RunPhase.SUCCEEDED, "Succeeded", "", Optional.empty(),
        Optional.empty(), Optional.empty(), List.of());
  }

  @Test
  void aResultPassesWhatItDidAndFailsNamingTheCluster() {
    PropagationResult ok = result(ClusterOutcome.ok("dev1", ClusterAction.CREATED),
        ClusterOutcome.ok("dev2", ClusterAction.UNCHANGED));
    assertThat(ok).isSuccess().hasClusters("dev1", "dev2").hasAction("dev1", ClusterAction.CREATED)
        .hasStatus("dev2", PropagationStatus.OK);

    PropagationResult clash = result(ClusterOutcome.ok("dev1", ClusterAction.CREATED),
        ClusterOutcome.failed("dev2", PropagationStatus.ALREADY_EXISTS, "someone else's"));
    assertThat(clash).isFailure().hasStatus("dev2", PropagationStatus.ALREADY_EXISTS);
    assertThatThrownBy(() -> assertThat(clash).isSuccess()).isInstanceOf(AssertionError.class)
        .hasMessageContaining("team/settings").hasMessageContaining("dev2").hasMessageContaining("AlreadyExists");
    assertThatThrownBy(() -> assertThat(ok).isFailure()).isInstanceOf(AssertionError.class)
        .hasMessageContaining("succeeded");
    assertThatThrownBy(() -> assertThat(ok).hasAction("dev1", ClusterAction.UPDATED))
        .isInstanceOf(AssertionError.class).hasMessageContaining("to be UPDATED").hasMessageContaining("CREATED");
    assertThatThrownBy(() -> assertThat(ok).hasAction("dev3", ClusterAction.CREATED))
        .isInstanceOf(AssertionError.class).hasMessageContaining("list cluster dev3");
    assertThatThrownBy(() -> assertThat(ok).hasClusters("dev1")).isInstanceOf(AssertionError.class)
        .hasMessageContaining("[dev1]").hasMessageContaining("[dev1, dev2]");
    assertThatThrownBy(() -> assertThat(clash).hasStatus("dev2", PropagationStatus.OK))
        .isInstanceOf(AssertionError.class).hasMessageContaining("to end OK");
  }

  @Test
  void aRunStatusPassesWhatTheRunDidAndFailsSayingWhatItIs() {
    RunStatus done = run(RunPhase.SUCCEEDED, "Succeeded", Map.of("digest", "sha256:1"),
        List.of(child("fetch"), child("build")));
    assertThat(done).succeeded().isDone().ranOn("dev2").hasReason("Succeeded").hasResult("digest", "sha256:1")
        .hasChildren("fetch", "build");

    RunStatus running = run(RunPhase.RUNNING, "Running", Map.of(), List.of());
    assertThatThrownBy(() -> assertThat(running).succeeded()).isInstanceOf(AssertionError.class)
        .hasMessageContaining("PipelineRun ci/build-1").hasMessageContaining("SUCCEEDED").hasMessageContaining("RUNNING");
    assertThatThrownBy(() -> assertThat(running).isDone()).isInstanceOf(AssertionError.class)
        .hasMessageContaining("to have ended");
    assertThatThrownBy(() -> assertThat(done).ranOn("dev3")).isInstanceOf(AssertionError.class)
        .hasMessageContaining("run on dev3");
    assertThatThrownBy(() -> assertThat(done).hasReason("Completed")).isInstanceOf(AssertionError.class)
        .hasMessageContaining("reason Completed");
    assertThatThrownBy(() -> assertThat(done).hasResult("digest", "sha256:2")).isInstanceOf(AssertionError.class)
        .hasMessageContaining("digest=sha256:2").hasMessageContaining("sha256:1");
    assertThatThrownBy(() -> assertThat(done).hasChildren("build", "fetch")).isInstanceOf(AssertionError.class)
        .hasMessageContaining("[fetch, build]");
  }
}
