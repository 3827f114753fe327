package io.fleetfed.testkit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.tekton.RunStatus;

/**
 * AssertJ entry points for sandbox clusters and the objects they store, for what a fleet's propagation did, and
 * for what a dispatched run did.
 *
 * <pre>{@code
 * import static io.fleetfed.testkit.FleetAssertions.assertThat;
 *
 * assertThat(fleet.cluster("dev2"))
 *     .within(Duration.ofSeconds(10))                       // poll until it holds, or fail after 10 s
 *     .hasObject("apps/v1", "Deployment", "testing-fed", "nginx-fed")
 *     .hasLabel("fleetfed.io/managed", "true")
 *     .hasFieldAt("/spec/replicas", 3);
 * assertThat(fleet.cluster("dev1")).doesNotHaveObject("v1", "ConfigMap", "ci", "leftover");
 * assertThat(fleet.cluster("dev1")).hasClusterObject("v1", "Namespace", "testing-fed");
 * assertThat(fleet.cluster("dev3")).hasNoWrites();
 * assertThat(clusterFleet.propagate(nginx)).isSuccess().hasAction("dev2", ClusterAction.CREATED);
 * assertThat(handle.await(Duration.ofSeconds(30))).succeeded().ranOn("dev2");
 * }</pre>
 *
 * <p>These entry points coexist with {@code org.assertj.core.api.Assertions.assertThat} when both are imported
 * statically.
 */
public final class FleetAssertions {

  private FleetAssertions() {
  }

  /**
   * Assertions on what a sandbox cluster stores. They read its store directly: they work while it is offline, are
   * not delayed by its latency and are not counted as requests.
   *
   * @param cluster the cluster
   * @return the assertion
   */
  public static ClusterAssert assertThat(SandboxCluster cluster) {
    return new ClusterAssert(cluster, java.time.Duration.ZERO);
  }

  /**
   * Assertions on one Kubernetes object.
   *
   * @param object the object
   * @return the assertion
   */
  public static ClusterObjectAssert assertThat(GenericKubernetesResource object) {
    return new ClusterObjectAssert(object, null, java.time.Duration.ZERO);
  }

  /**
   * Assertions on what one propagation or deletion did, cluster by cluster.
   *
   * @param result the result
   * @return the assertion
   */
  public static PropagationResultAssert assertThat(PropagationResult result) {
    return new PropagationResultAssert(result);
  }

  /**
   * Assertions on a dispatched run's status or outcome.
   *
   * @param status the status
   * @return the assertion
   */
  public static RunStatusAssert assertThat(RunStatus status) {
    return new RunStatusAssert(status);
  }
}
