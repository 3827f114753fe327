package io.fleetfed.testkit;

import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.PropagationStatus;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on what one {@code propagate} or {@code delete} did, cluster by cluster; failures print the whole
 * result. Made by {@link FleetAssertions#assertThat(PropagationResult)}.
 *
 * <pre>{@code
 * assertThat(fleet.propagate(nginx)).isSuccess()
 *     .hasAction("dev1", ClusterAction.CREATED)
 *     .hasAction("dev2", ClusterAction.CREATED)
 *     .hasClusters("dev1", "dev2");
 * assertThat(fleet.propagate(clash)).hasStatus("dev2", PropagationStatus.ALREADY_EXISTS);
 * }</pre>
 */
public final class PropagationResultAssert extends AbstractAssert<PropagationResultAssert, PropagationResult> {

  PropagationResultAssert(PropagationResult actual) {
    super(actual, PropagationResultAssert.class);
  }

  /**
   * Checks that every listed cluster ended as it should be.
   *
   * @return this assertion
   */
  public PropagationResultAssert isSuccess() {
    isNotNull();
    if (!actual.isSuccess()) {
      failWithMessage("expected %s to succeed on every cluster, but these failed: %s", actual.key(),
          actual.failures());
    }
    return this;
  }

  /**
   * Checks that some listed cluster did not end as it should be.
   *
   * @return this assertion
   */
  public PropagationResultAssert isFailure() {
    isNotNull();
    if (actual.isSuccess()) {
      failWithMessage("expected %s to fail on some cluster, but it succeeded: %s", actual.key(), actual);
    }
    return this;
  }

  /**
   * Checks that exactly these clusters are listed.
   *
   * @param clusters the cluster names
   * @return this assertion
   */
  public PropagationResultAssert hasClusters(String... clusters) {
    isNotNull();
    Set<String> expected = new TreeSet<>(Arrays.asList(clusters));
    if (!actual.clusters().keySet().equals(expected)) {
      failWithMessage("expected %s to list clusters %s, but it lists %s", actual.key(), expected,
          actual.clusters().keySet());
    }
    return this;
  }

  /**
   * Checks what was done on {@code cluster}.
   *
   * @param cluster the cluster's name
   * @param action the action
   * @return this assertion
   */
  public PropagationResultAssert hasAction(String cluster, ClusterAction action) {
    ClusterOutcome o = outcome(cluster);
    if (o.action() != action) {
      failWithMessage("expected %s on %s to be %s, but it was %s", actual.key(), cluster, action, o);
    }
    return this;
  }

  /**
   * Checks the status {@code cluster} ended with (its KubeFed reason).
   *
   * @param cluster the cluster's name
   * @param status the status
   * @return this assertion
   */
  public PropagationResultAssert hasStatus(String cluster, PropagationStatus status) {
    ClusterOutcome o = outcome(cluster);
    if (o.status() != status) {
      failWithMessage("expected %s on %s to end %s, but it was %s", actual.key(), cluster,
          status == PropagationStatus.OK ? "OK" : status.reason(), o);
    }
    return this;
  }

  private ClusterOutcome outcome(String cluster) {
    isNotNull();
    ClusterOutcome o = actual.clusters().get(cluster);
    if (o == null) {
      failWithMessage("expected %s to list cluster %s, but it lists %s", actual.key(), cluster,
          actual.clusters().keySet());
    }
    return o;
  }
}
