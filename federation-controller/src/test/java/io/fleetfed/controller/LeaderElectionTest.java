package io.fleetfed.controller;

import static io.fleetfed.controller.ControllerHost.NS;
import static io.fleetfed.controller.ControllerHost.await;
import static io.fleetfed.controller.HostPropagationTest.FEDERATED_CONFIG_MAPS;
import static io.fleetfed.controller.HostPropagationTest.TYPE_CONFIGS;
import static io.fleetfed.controller.HostPropagationTest.federatedConfigMap;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.testkit.FleetSandbox;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Replicas on one host elect one leader on the Lease: only it writes, a released Lease passes at once, a leader that
 * cannot renew stops writing before another can take over, and none leads while KubeFed's manager holds its lock.
 */
@Tag("real-api-servers")
class LeaderElectionTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String LEASE_PATH = ".*/namespaces/" + NS + "/leases/" + LeaderElection.DEFAULT_LEASE_NAME;

  static FleetSandbox sandbox;
  static KubernetesClient host;
  final List<FederationController> controllers = new ArrayList<>();

  @BeforeAll
  static void startSandbox() {
    sandbox = FleetSandbox.builder().clusters("dev1", "dev2").crds(ControllerHost.crds("configmaps")).start();
    host = sandbox.cluster("dev1").client();
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  @BeforeEach
  void setUp() {
    ControllerHost.prepare(sandbox, List.of("dev2"), "configmaps");
  }

  @AfterEach
  void tearDown() {
    sandbox.cluster("dev1").clearFaults();
    controllers.forEach(FederationController::close);
  }

  FederationController start(String identity) {
    FederationController c = FederationController.builder().kubeconfig(sandbox.kubeconfig(), "dev1")
        .identity(identity).leaderElection(ControllerHost.FAST).build();
    controllers.add(c);
    return c.start();
  }

  /** The one leading and running configmaps, once exactly one of {@code a} and {@code b} does. */
  static FederationController awaitOneLeader(FederationController a, FederationController b) {
    await("exactly one leader running configmaps", WAIT, () -> (a.state().leading() != b.state().leading())
        && (a.state().leading() ? a : b).state().typesRunning().equals(List.of("configmaps")));
    return a.state().leading() ? a : b;
  }

  static ConfigMap copy(String name) {
    return sandbox.cluster("dev2").client().configMaps().inNamespace("demo").withName(name).get();
  }

  static void createFederated(String name) {
    host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo")
        .resource(federatedConfigMap(name, List.of("dev2"), "v1")).create();
  }

  /** How many times a copy of {@code name} was created on dev2, by the CreateInCluster events in the host. */
  static long creations(String name) {
    return host.v1().events().inNamespace("demo").list().getItems().stream()
        .filter(e -> "CreateInCluster".equals(e.getReason()) && name.equals(e.getInvolvedObject().getName()))
        .count();
  }

  @Test
  void exactlyOneLeadsTheOtherKnowsItAndAnObjectIsPropagatedOnce() {
    FederationController a = start("replica-a");
    FederationController b = start("replica-b");
    FederationController leader = awaitOneLeader(a, b);
    FederationController follower = leader == a ? b : a;
    await("the follower to know the leader", WAIT,
        () -> follower.state().leader().equals(Optional.of(leader.state().identity())));
    assertThat(follower.state().typesRunning()).as("a follower runs nothing").isEmpty();
    assertThat(follower.state().members()).as("a follower holds no fleet").isEmpty();

    createFederated("once");
    await("the copy on dev2", WAIT, () -> copy("once") != null);
    ConfigMap first = copy("once");
    await("the leader to settle", WAIT, leader::isIdle);

    ConfigMap now = copy("once");
    assertThat(now.getMetadata().getUid()).isEqualTo(first.getMetadata().getUid());
    assertThat(now.getMetadata().getResourceVersion()).as("nothing rewrote the copy")
        .isEqualTo(first.getMetadata().getResourceVersion());
    assertThat(sandbox.cluster("dev2").client().configMaps().inNamespace("demo")
        .withLabel("fleetfed.io/managed").list().getItems()).hasSize(1);
    assertThat(creations("once")).as("created once").isEqualTo(1);
    assertThat(a.state().leading() && b.state().leading()).as("never two leaders").isFalse();
  }

  @Test
  void closingTheLeaderReleasesTheLeaseAndTheOtherLeadsPromptly() {
    FederationController a = start("replica-a");
    FederationController b = start("replica-b");
    FederationController leader = awaitOneLeader(a, b);
    FederationController other = leader == a ? b : a;
    createFederated("before");
    await("the copy of before", WAIT, () -> copy("before") != null);
    await("the leader to settle", WAIT, leader::isIdle);

    long closed = System.nanoTime();
    leader.close();
    await("the other to lead", WAIT, () -> other.state().leading()
        && other.state().typesRunning().equals(List.of("configmaps")));
    Duration took = Duration.ofNanos(System.nanoTime() - closed);
    assertThat(took).as("a released Lease is taken without waiting out its duration")
        .isLessThan(ControllerHost.FAST.leaseDuration());

    createFederated("after");
    await("the new leader propagates a new object", WAIT, () -> copy("after") != null);
    await("the new leader to settle", WAIT, other::isIdle);
    assertThat(creations("before")).as("the old object is not created again").isEqualTo(1);
    assertThat(creations("after")).isEqualTo(1);
  }

  @Test
  void aLeaderThatCannotRenewStopsWritingAndTheOtherTakesOverOnceTheLeaseExpires() {
    FederationController a = start("replica-a");
    FederationController b = start("replica-b");
    FederationController leader = awaitOneLeader(a, b);
    FederationController other = leader == a ? b : a;
    createFederated("before");
    await("the copy of before", WAIT, () -> copy("before") != null);
    await("the leader to settle", WAIT, leader::isIdle);

    // the host refuses every update of the Lease: the leader's renewals fail (and so would any takeover); fabric8's
    // lock renews with a PATCH carrying the resourceVersion, a PUT is refused as well in case that changes
    sandbox.cluster("dev1").failRequests("PATCH", LEASE_PATH, 503, 100_000);
    sandbox.cluster("dev1").failRequests("PUT", LEASE_PATH, 503, 100_000);
    long refused = System.nanoTime();
    await("the leader to give up", WAIT, () -> !leader.state().leading());
    Duration gaveUp = Duration.ofNanos(System.nanoTime() - refused);
    assertThat(gaveUp).as("it stops within renewDeadline (and a watchdog tick)")
        .isLessThan(ControllerHost.FAST.renewDeadline().plusMillis(500));
    assertThat(other.state().leading()).as("no one can take the Lease while its updates are refused").isFalse();

    createFederated("during");
    // no one writes: the object gets neither a copy nor a finalizer until someone leads; the lost leader is stopped
    // (as KubeFed's manager exits when it loses its lock), so only the other can take the Lease once it expires
    leader.close();
    assertThat(copy("during")).isNull();
    sandbox.cluster("dev1").clearFaults();

    await("the other to lead", WAIT, () -> other.state().leading()
        && other.state().typesRunning().equals(List.of("configmaps")));
    Duration tookOver = Duration.ofNanos(System.nanoTime() - refused);
    // the last renewal was at most one retryPeriod before the refusal; the Lease holds leaseDuration after it
    assertThat(tookOver).as("not before the Lease expired")
        .isGreaterThanOrEqualTo(ControllerHost.FAST.leaseDuration().minus(ControllerHost.FAST.retryPeriod()));
    await("the new leader propagates what came meanwhile", WAIT, () -> copy("during") != null);
    await("the new leader to settle", WAIT, other::isIdle);
    assertThat(creations("before")).as("no object created twice").isEqualTo(1);
    assertThat(creations("during")).isEqualTo(1);
  }

  static ConfigMap kubefedLock(Instant renewed) {
    String record = "{\"holderIdentity\":\"kubefed-abc\",\"leaseDurationSeconds\":15,\"acquireTime\":\""
        + renewed.minusSeconds(60).truncatedTo(ChronoUnit.SECONDS) + "\",\"renewTime\":\""
        + renewed.truncatedTo(ChronoUnit.SECONDS) + "\",\"leaderTransitions\":0}";
    return new ConfigMapBuilder().withNewMetadata().withName("kubefed-controller-manager").withNamespace(NS)
        .withAnnotations(Map.of("control-plane.alpha.kubernetes.io/leader", record)).endMetadata().build();
  }

  @Test
  void noReplicaLeadsWhileKubeFedsManagerHoldsItsLock() {
    host.configMaps().inNamespace(NS).resource(kubefedLock(Instant.now())).create();
    List<ControllerEvent> events = new CopyOnWriteArrayList<>();
    FederationController a = start("replica-a");
    a.addListener(events::add);
    FederationController b = start("replica-b");

    await("both to say why they do not lead", WAIT, () -> a.state().notLeadingBecause().isPresent()
        && b.state().notLeadingBecause().isPresent());
    assertThat(a.state().notLeadingBecause().get()).contains("kubefed-abc").contains("kubefed-controller-manager");
    createFederated("held");
    // several retry periods go by with the lock held: no replica leads, nothing is written
    long until = System.nanoTime() + ControllerHost.FAST.retryPeriod().multipliedBy(4).toNanos();
    await("four retry periods", WAIT, () -> {
      assertThat(a.state().leading() || b.state().leading()).as("no replica leads").isFalse();
      return System.nanoTime() > until;
    });
    assertThat(copy("held")).isNull();
    assertThat(host.genericKubernetesResources(FEDERATED_CONFIG_MAPS).inNamespace("demo").withName("held").get()
        .getMetadata().getFinalizers()).isNullOrEmpty();

    // KubeFed's manager scaled to 0: its record stops being renewed and expires
    host.configMaps().inNamespace(NS).withName("kubefed-controller-manager").edit(c -> {
      c.getMetadata().setAnnotations(kubefedLock(Instant.now().minusSeconds(60)).getMetadata().getAnnotations());
      return c;
    });
    FederationController leader = awaitOneLeader(a, b);
    assertThat(leader.state().notLeadingBecause()).isEmpty();
    await("the held object propagated", WAIT, () -> copy("held") != null);
  }

  @Test
  void aReplicaLeadsOnceKubeFedsLockAnnotationIsRemoved() {
    host.configMaps().inNamespace(NS).resource(kubefedLock(Instant.now())).create();
    FederationController a = start("replica-a");
    await("a to say why it does not lead", WAIT, () -> a.state().notLeadingBecause().isPresent());
    assertThat(a.state().leading()).isFalse();

    host.configMaps().inNamespace(NS).withName("kubefed-controller-manager").edit(c -> {
      c.getMetadata().setAnnotations(Map.of());
      return c;
    });
    await("a to lead", WAIT, () -> a.state().leading());
    assertThat(a.state().notLeadingBecause()).isEmpty();
  }
}
