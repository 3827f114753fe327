package io.fleetfed.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives every test of the class a fresh {@link io.fleetfed.core.fleet.ClusterFleet} over the class's
 * {@link EnableFleetSandbox} sandbox, and a {@link io.fleetfed.tekton.RunDispatcher} over it, as parameters of test
 * and {@code @BeforeEach}/{@code @AfterEach} methods. Both are made when a method of the test first asks for them
 * (after the sandbox's reset between tests), with every member READY, and closed after the test.
 *
 * <pre>{@code
 * @EnableFleetSandbox(clusters = {"dev1", "dev2", "dev3"}, resetBetweenTests = true)
 * @EnableFleet(host = "dev1", members = {"dev2:security=low", "dev3:security=high"})
 * class DispatchTest {
 *   @Test
 *   void goesToTheLowSecurityMember(RunDispatcher dispatcher, FleetSandbox sandbox) {
 *     RunHandle handle = dispatcher.dispatch(request);
 *     assertThat(handle.await(Duration.ofSeconds(30))).succeeded().ranOn("dev2");
 *   }
 * }
 * }</pre>
 *
 * <p>The fleet reacts quickly, as {@link SandboxFleet} makes it by default. For a fleet configured otherwise, build
 * it in the test with {@code sandbox.fleet()}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(FleetExtension.class)
public @interface EnableFleet {

  /**
   * The sandbox cluster that is the fleet's host (membership, dispatch records), or {@code ""} for none.
   *
   * @return the host's name
   */
  String host() default "";

  /**
   * The members, each {@code name} or {@code name:key=value,key=value} (its placement labels). Empty: with a host,
   * the members the host records (none until joined); without one, every sandbox cluster.
   *
   * @return the members
   */
  String[] members() default {};
}
