package io.fleetfed.tekton;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Dispatch records: named by the key, noting how the run ended, expiring after the retention. */
class RecordsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Arguments> names() {
    String hash = RunDispatcher.keyHash("CI/build #4711");
    return Stream.of(
        Arguments.of("ci/build-1", "build-1"),                        // namespace/name (the default key): name
        Arguments.of("build-4711", "build-4711"),                     // a valid name: the key itself
        Arguments.of("release.v1.2", "release.v1.2"),                 // subdomains may have dots
        Arguments.of("CI/build #4711", "ci-build-4711-" + hash),      // else a readable prefix and a hash
        Arguments.of("other/build-1", "other-build-1-" + RunDispatcher.keyHash("other/build-1")),
        Arguments.of("ci/Build", "ci-build-" + RunDispatcher.keyHash("ci/Build")),
        Arguments.of("-lead", "lead-" + RunDispatcher.keyHash("-lead")),
        Arguments.of("#!", "dispatch-" + RunDispatcher.keyHash("#!")),
        Arguments.of("x".repeat(254), "x".repeat(40) + "-" + RunDispatcher.keyHash("x".repeat(254))));
  }

  @ParameterizedTest(name = "key \"{0}\" in namespace ci: record {1}")
  @MethodSource("names")
  void recordNames(String key, String expected) {
    String name = Records.name(key, "ci");
    assertThat(name).isEqualTo(expected).hasSizeLessThanOrEqualTo(253).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
  }

  @ParameterizedTest(name = "retention {0}: checked every {1}")
  @MethodSource("periods")
  void sweepPeriod(Duration retention, Duration every) {
    assertThat(RunDispatcher.sweepPeriod(retention)).isEqualTo(every);
  }

  static Stream<Arguments> periods() {
    return Stream.of(
        Arguments.of(Duration.ZERO, Duration.ofSeconds(1)),
        Arguments.of(Duration.ofSeconds(2), Duration.ofSeconds(1)),
        Arguments.of(Duration.ofMinutes(8), Duration.ofMinutes(2)),
        Arguments.of(Duration.ofHours(24), Duration.ofMinutes(10)));
  }

  private static ObjectNode run(String name) {
    ObjectNode run = JSON.createObjectNode().put("apiVersion", "tekton.dev/v1").put("kind", "TaskRun");
    run.putObject("metadata").put("name", name).put("namespace", "ci");
    return run;
  }

  @Test
  @DisplayName("a record notes how its run ended when that run is pruned from its cluster; never another's")
  void notedWhenPruned() {
    Records records = new Records.InMemory();
    records.create(TektonTypes.TASK_RUN, Records.record(JSON, TektonTypes.TASK_RUN, run("a"), "ka", "dev2", "why"));
    Instant t = Instant.parse("2026-12-02T10:00:00Z");
    Records.Outcome failed = new Records.Outcome(RunPhase.FAILED, "Failed", "step \"x\" exited 1");
    records.notePruned(TektonTypes.TASK_RUN, "ci", "ka", "dev3", "a", t, failed);   // a copy left on dev3
    records.notePruned(TektonTypes.TASK_RUN, "ci", "ka", "dev2", "b", t, failed);   // another run of that name
    assertThat(records.get(TektonTypes.TASK_RUN, "ci", "ka").orElseThrow().ended()).isEmpty();

    records.notePruned(TektonTypes.TASK_RUN, "ci", "ka", "dev2", "a", t, failed);
    records.notePruned(TektonTypes.TASK_RUN, "ci", "ka", "dev2", "a", t.plusSeconds(9),
        new Records.Outcome(RunPhase.SUCCEEDED, "Succeeded", ""));   // noted once: the first note stays
    Records.Record a = records.get(TektonTypes.TASK_RUN, "ci", "ka").orElseThrow();
    assertThat(a.run()).isEqualTo("a");
    assertThat(a.ended()).contains(t);
    assertThat(a.created()).isPresent();
    assertThat(Records.outcome(JSON, a.object())).isEqualTo(failed);
  }

  @Test
  @DisplayName("records expire when their run ended before the cutoff, as the dispatcher tells; others stay")
  void expiry() {
    Records records = new Records.InMemory();
    for (String k : List.of("ka", "kb", "kc")) {
      records.create(TektonTypes.TASK_RUN, Records.record(JSON, TektonTypes.TASK_RUN, run(k), k, "dev2", "why"));
    }
    Instant t = Instant.parse("2026-12-02T10:00:00Z");
    Map<String, Optional<Instant>> ended = Map.of("ka", Optional.of(t), "kb", Optional.of(t.plusSeconds(60)),
        "kc", Optional.empty());
    assertThat(records.expire(TektonTypes.TASK_RUN, t.plusSeconds(30), r -> ended.get(r.key()))).isEqualTo(1);
    assertThat(records.get(TektonTypes.TASK_RUN, "ci", "ka")).isEmpty();
    assertThat(records.get(TektonTypes.TASK_RUN, "ci", "kb")).isPresent();
    assertThat(records.expire(TektonTypes.PIPELINE_RUN, t.plusSeconds(3600), r -> Optional.of(t))).isZero();
    assertThat(records.expire(TektonTypes.TASK_RUN, t.plusSeconds(3600), r -> ended.get(r.key()))).isEqualTo(1);
    assertThat(records.get(TektonTypes.TASK_RUN, "ci", "kc")).isPresent();   // still running
  }

  @Test
  @DisplayName("a long message is cut when noted; an unreadable outcome is a failure saying so")
  void outcomeEdges() {
    ObjectNode r = Records.record(JSON, TektonTypes.TASK_RUN, run("a"), "ka", "dev2", "why");
    ((ObjectNode) r.path("metadata").path("annotations"))
        .setAll(Records.endedAnnotations(JSON, Instant.EPOCH,
            new Records.Outcome(RunPhase.FAILED, "Failed", "m".repeat(5000))));
    assertThat(Records.outcome(JSON, r).message()).hasSize(1025).endsWith("…");
    ((ObjectNode) r.path("metadata").path("annotations")).put(Records.OUTCOME, "{not json");
    assertThat(Records.outcome(JSON, r).reason()).isEqualTo("OutcomeUnknown");
  }
}
