package io.fleetfed.controller.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** KubeFed's status rules ({@code pkg/controller/sync/status}): when to write, which timestamps move. */
class KubeFedStatusTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T1 = Instant.parse("2026-12-03T10:00:00Z");
  static final Instant T2 = Instant.parse("2026-12-03T10:05:00Z");
  static final List<KubeFedStatus.Cluster> OK = List.of(ok("dev3"), ok("dev2"));

  static KubeFedStatus.Cluster ok(String name) {
    return new KubeFedStatus.Cluster(name, "", Optional.empty());
  }

  static JsonNode first() {
    return KubeFedStatus.next(JSON.missingNode(), 1, "", OK, false, T1).orElseThrow();
  }

  @Test
  void aFirstStatusHasTheConditionBothTimestampsAndTheClustersSorted() throws Exception {
    assertThat(first().toString()).isEqualTo(JSON.readTree("""
        {"observedGeneration":1,
         "conditions":[{"type":"Propagation","status":"True",
                        "lastUpdateTime":"2026-12-03T10:00:00Z","lastTransitionTime":"2026-12-03T10:00:00Z"}],
         "clusters":[{"name":"dev2"},{"name":"dev3"}]}""").toString());
  }

  @Test
  void nothingChangedMeansNoWrite() {
    assertThat(KubeFedStatus.next(first(), 1, "", OK, false, T2)).isEmpty();
  }

  @Test
  void aNewGenerationIsWrittenKeepingTheTimestamps() {
    ObjectNode next = KubeFedStatus.next(first(), 2, "", OK, false, T2).orElseThrow();
    assertThat(next.path("observedGeneration").asLong()).isEqualTo(2);
    assertThat(next.at("/conditions/0/lastUpdateTime").asText()).isEqualTo("2026-12-03T10:00:00Z");
    assertThat(next.at("/conditions/0/lastTransitionTime").asText()).isEqualTo("2026-12-03T10:00:00Z");
  }

  @Test
  void aClusterFailingIsATransitionToCheckClusters() {
    ObjectNode next = KubeFedStatus.next(first(), 1, "", List.of(ok("dev2"),
        new KubeFedStatus.Cluster("dev3", "ClusterNotReady", Optional.empty())), false, T2).orElseThrow();
    assertThat(next.at("/conditions/0/status").asText()).isEqualTo("False");
    assertThat(next.at("/conditions/0/reason").asText()).isEqualTo("CheckClusters");
    assertThat(next.at("/conditions/0/lastTransitionTime").asText()).isEqualTo("2026-12-03T10:05:00Z");
    assertThat(next.at("/clusters/1/status").asText()).isEqualTo("ClusterNotReady");
  }

  @Test
  void clustersChangingWithTheSameConditionMoveOnlyTheUpdateTime() {
    ObjectNode next = KubeFedStatus.next(first(), 1, "", List.of(ok("dev2")), false, T2).orElseThrow();
    assertThat(next.at("/conditions/0/lastUpdateTime").asText()).isEqualTo("2026-12-03T10:05:00Z");
    assertThat(next.at("/conditions/0/lastTransitionTime").asText()).isEqualTo("2026-12-03T10:00:00Z");
  }

  @Test
  void withCollectionOnAClusterWithoutRemoteStatusForcesCheckClusters() throws Exception {
    JsonNode remote = JSON.readTree("{\"readyReplicas\":2}");
    ObjectNode missing = KubeFedStatus.next(JSON.missingNode(), 1, "", List.of(ok("dev2")), true, T1)
        .orElseThrow();
    assertThat(missing.at("/conditions/0/reason").asText()).isEqualTo("CheckClusters");

    ObjectNode present = KubeFedStatus.next(missing, 1, "", List.of(new KubeFedStatus.Cluster("dev2", "",
        Optional.of(remote))), true, T2).orElseThrow();
    assertThat(present.at("/conditions/0/status").asText()).isEqualTo("True");
    assertThat(present.at("/clusters/0/remoteStatus/readyReplicas").asInt()).isEqualTo(2);
  }

  @Test
  void remoteStatusNumbersAreComparedByValue() throws Exception {
    JsonNode asFloat = JSON.readTree("{\"replicas\":2.0}");
    JsonNode asInt = JSON.readTree("{\"replicas\":2}");
    ObjectNode written = KubeFedStatus.next(JSON.missingNode(), 1, "", List.of(new KubeFedStatus.Cluster("dev2", "",
        Optional.of(asFloat))), true, T1).orElseThrow();
    assertThat(KubeFedStatus.next(written, 1, "", List.of(new KubeFedStatus.Cluster("dev2", "",
        Optional.of(asInt))), true, T2)).isEmpty();
  }

  @Test
  void aPlacementFailureIsFalseWithItsReason() {
    ObjectNode next = KubeFedStatus.next(JSON.missingNode(), 1, "ComputePlacementFailed", List.of(), false, T1)
        .orElseThrow();
    assertThat(next.at("/conditions/0/reason").asText()).isEqualTo("ComputePlacementFailed");
    assertThat(next.path("clusters").size()).isZero();
  }
}
