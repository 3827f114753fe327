package io.fleetfed.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts one {@link FleetSandbox} for the annotated test class (before all its tests, closed after them, shared by
 * its {@code @Nested} classes) and injects it into every field of type {@code FleetSandbox}, static or not, and
 * into test and lifecycle method parameters of that type.
 *
 * <pre>{@code
 * @EnableFleetSandbox(clusters = {"dev1", "dev2"}, crds = "crds/taskruns.yaml")
 * class PropagationTest {
 *   static FleetSandbox fleet;
 *
 *   @Test
 *   void propagates() {
 *     ...
 *     assertThat(fleet.cluster("dev2")).within(Duration.ofSeconds(10))
 *         .hasObject("apps/v1", "Deployment", "testing-fed", "nginx-fed")
 *         .hasFieldAt("/spec/replicas", 3);
 *   }
 *
 *   @Test
 *   void parameter(FleetSandbox sandbox) { ... }
 * }
 * }</pre>
 *
 * <p>Nothing is reset between tests unless {@link #resetBetweenTests()} says so. For a sandbox configured in code,
 * use {@link FleetSandboxExtension#builder()} with {@code @RegisterExtension} instead; use one or the other in a
 * class, not both.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(FleetSandboxExtension.class)
public @interface EnableFleetSandbox {

  /**
   * The cluster names: distinct DNS-1123 labels, at least one. The first is the kubeconfig's current context.
   *
   * @return the names
   */
  String[] clusters();

  /**
   * Classpath resources of CRD YAML (multi-document allowed), registered on every cluster.
   *
   * @return resource paths such as {@code crds/tekton.yaml}
   */
  String[] crds() default {};

  /**
   * The Tekton release some clusters play, as {@code CLUSTER=RELEASE} (such as {@code "dev2=0.24"},
   * {@code "dev3=current"}; a release as {@link TektonRelease#parse} reads it): that release's CRDs are registered
   * on that cluster (see {@link FleetSandbox.Builder#tektonCrds}), so it serves the Tekton kinds at that release's
   * versions only. The extension starts no simulator: start one with
   * {@code TektonSimulator.builder().clusters(fleet.clusters()).release("dev2", TektonRelease.V0_24).start()}.
   * A malformed entry, an unknown release or cluster, or a cluster given twice fails the class with an
   * {@code ExtensionConfigurationException} naming this attribute.
   *
   * @return entries such as {@code dev2=0.24}
   */
  String[] tekton() default {};

  /**
   * Whether to {@link FleetSandbox#reset()} the sandbox before each test (after the first set-up): every store
   * wiped and the CRDs registered again, every cluster online with the default latency, counters at zero. Objects
   * created in {@code @BeforeAll} are wiped too; create per-test fixtures in {@code @BeforeEach}.
   *
   * @return whether to reset between tests
   */
  boolean resetBetweenTests() default false;

  /**
   * The latency every cluster starts with, in milliseconds.
   *
   * @return zero or more
   */
  long latencyMillis() default 0;

  /**
   * What backs the clusters: by default the kind {@code -Dfleetfed.sandbox.servers} names, else fabric8's mock;
   * {@link ServerKind#REAL} for real {@code kube-apiserver}s (the test is skipped, with the reason, where their
   * binaries are not built).
   *
   * @return the kind
   */
  ServerKind servers() default ServerKind.DEFAULT;
}
