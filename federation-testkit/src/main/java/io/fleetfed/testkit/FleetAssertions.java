package io.fleetfed.testkit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * AssertJ entry points for sandbox clusters and the objects they store.
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
}
