package io.fleetfed.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Many runs at once, of every outcome, with every write the simulator sends checked by the server: tagged to run on
 * real API servers too, where a write that is not valid (a pod's spec changed, status sent to the main resource, a
 * stale object re-sent) is refused. Every run must end as scripted exactly once, no write may fail, and each pod
 * must get its final phase (or be deleted, on cancel).
 */
@Tag("real-api-servers")
class TektonSimulatorRealServerTest {

  private static final String NS = "stress";
  private static final String V1 = "v1";

  @Test
  void manyRunsOfEveryOutcomeEndAsScriptedExactlyOnceWithoutARefusedWrite() {
    Map<String, AtomicInteger> finishes = new ConcurrentHashMap<>();
    Map<String, String> reasons = new ConcurrentHashMap<>();
    try (FleetSandbox fleet = FleetSandbox.builder().clusters("stress").start();
        TektonSimulator tekton = TektonSimulator.builder().clusters(fleet.cluster("stress"))
            .defaults(RunScript.succeedsAfter(Duration.ofMillis(100)))
            .onFinished(run -> {
              String key = run.kind() + "/" + run.name();
              finishes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
              reasons.put(key, run.reason());
            })
            .start()) {
      KubernetesClient client = fleet.cluster("stress").client();
      TestSupport.namespace(client, NS);
      Map<String, String> expected = new LinkedHashMap<>();
      List<String> cancelled = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        create(client, Tekton.taskRuns(V1), "ok-" + i, Map.of("taskSpec", steps("build", "test")));
        expected.put("TaskRun/ok-" + i, "Succeeded");
      }
      for (int i = 0; i < 8; i++) {
        tekton.script("fail-" + i, RunScript.failsAfter(Duration.ofMillis(100), "Failed", "as scripted"));
        create(client, Tekton.taskRuns(V1), "fail-" + i, Map.of("taskSpec", steps("check")));
        expected.put("TaskRun/fail-" + i, "Failed");
      }
      for (int i = 0; i < 6; i++) {
        tekton.script("retry-" + i, RunScript.succeedsAfter(Duration.ofMillis(50)).withFailedAttempts(2));
        create(client, Tekton.taskRuns(V1), "retry-" + i, Map.of("retries", 2, "taskSpec", steps("flaky")));
        expected.put("TaskRun/retry-" + i, "Succeeded");
      }
      for (int i = 0; i < 6; i++) {
        tekton.script("cancel-" + i, RunScript.runsForever());
        create(client, Tekton.taskRuns(V1), "cancel-" + i, Map.of("taskSpec", steps("wait")));
        expected.put("TaskRun/cancel-" + i, "TaskRunCancelled");
        cancelled.add("cancel-" + i);
      }
      for (int i = 0; i < 6; i++) {
        create(client, Tekton.pipelineRuns(V1), "pr-" + i, Map.of("pipelineSpec", Map.of("tasks", List.of(
            Map.of("name", "one", "taskSpec", steps("a")),
            Map.of("name", "two", "runAfter", List.of("one"), "taskSpec", steps("b"))))));
        expected.put("PipelineRun/pr-" + i, "Succeeded");
        expected.put("TaskRun/pr-" + i + "-one", "Succeeded");
        expected.put("TaskRun/pr-" + i + "-two", "Succeeded");
      }
      for (String name : cancelled) {
        TestSupport.awaitState(name + " to run", () -> get(client, Tekton.taskRuns(V1), name),
            run -> "Running".equals(Json.succeededReason(run)));
        client.genericKubernetesResources(Tekton.taskRuns(V1)).inNamespace(NS).withName(name)
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"status\":\"TaskRunCancelled\"}}");
      }

      Await.until(Duration.ofSeconds(60), "every run to finish", () -> expected.keySet().stream()
          .allMatch(finishes::containsKey));
      for (Map.Entry<String, String> run : expected.entrySet()) {
        String[] kindAndName = run.getKey().split("/");
        ResourceDefinitionContext context = "TaskRun".equals(kindAndName[0]) ? Tekton.taskRuns(V1)
            : Tekton.pipelineRuns(V1);
        GenericKubernetesResource stored = get(client, context, kindAndName[1]);
        assertThat(Json.succeededReason(stored)).as(run.getKey()).isEqualTo(run.getValue());
        assertThat(reasons.get(run.getKey())).as(run.getKey()).isEqualTo(run.getValue());
      }
      // nothing finishes twice, even a while later
      sleep(Duration.ofMillis(500));
      assertThat(finishes).allSatisfy((run, count) -> assertThat(count.get()).as(run).isEqualTo(1));
      assertThat(finishes.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
      assertThat(tekton.failedWrites()).as("writes the simulator had to send again").isZero();

      for (int i = 0; i < 10; i++) {
        assertThat(phase(client, "ok-" + i + "-pod")).isEqualTo("Succeeded");
      }
      for (int i = 0; i < 8; i++) {
        assertThat(phase(client, "fail-" + i + "-pod")).isEqualTo("Failed");
      }
      for (int i = 0; i < 6; i++) {
        assertThat(phase(client, "retry-" + i + "-pod")).isEqualTo("Failed");
        assertThat(phase(client, "retry-" + i + "-pod-retry1")).isEqualTo("Failed");
        assertThat(phase(client, "retry-" + i + "-pod-retry2")).isEqualTo("Succeeded");
        assertThat(phase(client, "pr-" + i + "-one-pod")).isEqualTo("Succeeded");
        assertThat(phase(client, "pr-" + i + "-two-pod")).isEqualTo("Succeeded");
      }
      for (String name : cancelled) {
        assertThat(client.pods().inNamespace(NS).withName(name + "-pod").get()).as(name + "'s pod").isNull();
      }
      Pod pod = client.pods().inNamespace(NS).withName("ok-0-pod").get();
      assertThat(pod.getSpec().getContainers()).extracting(c -> c.getName()).containsExactly("step-build",
          "step-test");
      assertThat(pod.getStatus().getContainerStatuses()).allSatisfy(status -> assertThat(
          status.getState().getTerminated().getExitCode()).isZero());
    }
  }

  private static Map<String, Object> steps(String... names) {
    List<Object> steps = new ArrayList<>();
    for (String name : names) {
      steps.add(Map.of("name", name, "image", "busybox"));
    }
    return Map.of("steps", steps);
  }

  private static void create(KubernetesClient client, ResourceDefinitionContext context, String name,
      Map<String, Object> spec) {
    client.genericKubernetesResources(context).inNamespace(NS).resource(new GenericKubernetesResourceBuilder()
        .withApiVersion(context.getGroup() + "/" + context.getVersion()).withKind(context.getKind())
        .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .addToAdditionalProperties("spec", spec).build()).create();
  }

  private static GenericKubernetesResource get(KubernetesClient client, ResourceDefinitionContext context,
      String name) {
    return client.genericKubernetesResources(context).inNamespace(NS).withName(name).get();
  }

  private static String phase(KubernetesClient client, String pod) {
    Pod stored = client.pods().inNamespace(NS).withName(pod).get();
    assertThat(stored).as(pod).isNotNull();
    return stored.getStatus().getPhase();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
