package io.fleetfed.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyTest {

  @Test
  void latencyDelaysOnlyThatClustersResponses() throws Exception {
    try (FleetSandbox fleet = FleetSandbox.builder().clusters("slow", "fast").start()) {
      SandboxCluster slow = fleet.cluster("slow");
      SandboxCluster fast = fleet.cluster("fast");
      // warm both up, so that the comparison below is about latency only
      TestSupport.get(slow, "/api/v1");
      TestSupport.get(fast, "/api/v1");
      Duration latency = Duration.ofMillis(800);
      slow.latency(latency);
      assertThat(slow.latency()).isEqualTo(latency);
      assertThat(fast.latency()).isZero();

      List<String> finished = new CopyOnWriteArrayList<>();
      long started = System.nanoTime();
      CompletableFuture<Long> slowDone = send(slow, "/api/v1").thenApply(r -> {
        finished.add("slow");
        return System.nanoTime() - started;
      });
      CompletableFuture<Long> fastDone = send(fast, "/api/v1").thenApply(r -> {
        finished.add("fast");
        return System.nanoTime() - started;
      });
      CompletableFuture.allOf(slowDone, fastDone).get(20, TimeUnit.SECONDS);

      assertThat(finished).containsExactly("fast", "slow");
      assertThat(Duration.ofNanos(slowDone.get())).isGreaterThanOrEqualTo(latency);
    }
  }

  @Test
  void aDelayedResponseDoesNotHoldUpOtherRequestsToTheSameCluster() throws Exception {
    try (FleetSandbox fleet = FleetSandbox.builder().clusters("dev1").start()) {
      SandboxCluster dev1 = fleet.cluster("dev1");
      TestSupport.get(dev1, "/healthz");
      dev1.resetCounts();
      dev1.latency(Duration.ofSeconds(3));
      List<String> finished = new CopyOnWriteArrayList<>();
      CompletableFuture<HttpResponse<String>> delayed = send(dev1, "/healthz")
          .whenComplete((r, e) -> finished.add("delayed"));
      TestSupport.await("the first request reached the server", () -> dev1.requestCount() == 1);
      dev1.latency(Duration.ZERO);

      CompletableFuture<HttpResponse<String>> prompt = send(dev1, "/version")
          .whenComplete((r, e) -> finished.add("prompt"));
      CompletableFuture.allOf(delayed, prompt).get(20, TimeUnit.SECONDS);

      // had the server slept on its one event loop, the second answer would have waited for the first
      assertThat(finished).containsExactly("prompt", "delayed");
      assertThat(delayed.get().body()).isEqualTo("ok");
      assertThat(prompt.get().body()).contains("v1.30.0");
    }
  }

  @Test
  void latencyAppliesToClientCallsAndCanBeRemoved() {
    try (FleetSandbox fleet = FleetSandbox.builder().clusters("dev1").latency(Duration.ofMillis(300)).start()) {
      SandboxCluster dev1 = fleet.cluster("dev1");
      assertThat(dev1.latency()).isEqualTo(Duration.ofMillis(300));
      long started = System.nanoTime();
      dev1.client().configMaps().inNamespace("ci").list();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
      dev1.latency(Duration.ZERO);
      assertThat(dev1.latency()).isZero();
    }
  }

  private static CompletableFuture<HttpResponse<String>> send(SandboxCluster cluster, String path) {
    return TestSupport.HTTP.sendAsync(HttpRequest.newBuilder(TestSupport.uri(cluster, path))
        .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
