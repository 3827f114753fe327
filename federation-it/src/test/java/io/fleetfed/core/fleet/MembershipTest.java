package io.fleetfed.core.fleet;

import static io.fleetfed.core.fleet.FleetItSupport.KUBEFED_CLUSTERS;
import static io.fleetfed.core.fleet.FleetItSupport.awaitHealth;
import static io.fleetfed.core.fleet.FleetItSupport.configMap;
import static io.fleetfed.core.fleet.FleetItSupport.hostFleet;
import static io.fleetfed.core.fleet.FleetItSupport.kubeconfig;
import static io.fleetfed.core.fleet.FleetItSupport.quick;
import static io.fleetfed.core.fleet.FleetItSupport.ready;
import static io.fleetfed.core.fleet.FleetItSupport.unique;
import static io.fleetfed.core.fleet.FleetItSupport.usedConfig;
import static io.fleetfed.testkit.FleetAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.cluster.UnjoinResult;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.testkit.FleetSandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** join / unjoin as kubefedctl does them, kept in the host cluster dev1; kubeconfig context rules. */
class MembershipTest {
  /**
   * The tests tagged so also run on real API servers: join, health, unjoin and a second fleet, where the servers'
   * behaviour matters. Of the others, some build kubeconfig files with made-up tokens and no CA, or create
   * KubeFedClusters by hand in a host that may not serve them, which only the mock lets pass; some refuse their
   * input before any request; the rest repeat a join (all pass on real servers, with
   * {@code -Dfleetfed.sandbox.servers=real}) and run on the mock only to keep the build short.
   */
  private static final String REAL = "real-api-servers";
  private static final String NS = ClusterFleet.DEFAULT_FEDERATION_NAMESPACE;
  private static final String ROLE = "kubefed-controller-manager:dev2-dev1";

  static FleetSandbox sandbox;
  static KubernetesClient dev1;
  static KubernetesClient dev2;

  @TempDir
  Path tmp;

  @BeforeAll
  static void startSandbox() {
    sandbox = FleetSandbox.builder().clusters("dev1", "dev2").start();
    dev1 = sandbox.cluster("dev1").client();
    dev2 = sandbox.cluster("dev2").client();
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  @BeforeEach
  void wipe() {
    sandbox.reset();   // membership lives in the clusters: every test starts from empty clusters
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static String decode(String b64) {
    return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8).trim();
  }

  private static GenericKubernetesResource kubeFedCluster(String name) {
    return dev1.genericKubernetesResources(KUBEFED_CLUSTERS).inNamespace(NS).withName(name).get();
  }

  /** The health a KubeFedCluster's status records, as KubeFed's controller writes it: "Ready", "Offline"... */
  private static String recordedHealth(String name) {
    GenericKubernetesResource kfc = kubeFedCluster(name);
    if (kfc == null || !(kfc.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
        || !(status.get("conditions") instanceof List<?> conditions)) {
      return "none";
    }
    Map<Object, Object> byType = new java.util.HashMap<>();
    for (Object c : conditions) {
      Map<?, ?> condition = (Map<?, ?>) c;
      byType.put(condition.get("type"), condition.get("status"));
    }
    if ("True".equals(byType.get("Offline"))) {
      return ClusterHealth.OFFLINE.name();
    }
    return byType.containsKey("Ready") ? ("True".equals(byType.get("Ready")) ? ClusterHealth.READY
        : ClusterHealth.NOT_READY).name() : "none";
  }

  @Test
  @Tag(REAL)
  void aJoinedMembersHealthIsWrittenToItsKubeFedClusterAsKubeFedDoes() {
    try (ClusterFleet fleet = hostFleet(sandbox, "dev1").build()) {
      fleet.join("dev2");
      FleetItSupport.await(FleetItSupport.WAIT, "dev2's KubeFedCluster to say Ready", () -> "READY".equals(recordedHealth("dev2")));
      @SuppressWarnings("unchecked")
      Map<String, Object> ready = ((List<Map<String, Object>>) ((Map<String, Object>) kubeFedCluster("dev2")
          .getAdditionalProperties().get("status")).get("conditions")).get(0);
      assertThat(ready).containsEntry("type", "Ready").containsEntry("status", "True")
          .containsEntry("reason", "ClusterReady").containsKeys("lastProbeTime", "lastTransitionTime");

      sandbox.cluster("dev2").goOffline();
      try {
        FleetItSupport.await(FleetItSupport.WAIT, "dev2's KubeFedCluster to say Offline",
            () -> "OFFLINE".equals(recordedHealth("dev2")));
      } finally {
        sandbox.cluster("dev2").goOnline();
      }
      FleetItSupport.await(FleetItSupport.WAIT, "dev2's KubeFedCluster to say Ready again",
          () -> "READY".equals(recordedHealth("dev2")));
    }
    try (ClusterFleet again = hostFleet(sandbox, "dev1").build()) {
      sandbox.cluster("dev1").resetCounts();
      awaitHealth(again, "dev2", ClusterHealth.READY);
      // the status already says Ready: a fleet that finds it so writes nothing
      assertThat(sandbox.cluster("dev1").writeCount()).isZero();
    }
  }

  @Test
  @Tag(REAL)
  void joinCreatesServiceAccountTokenRbacInTheMemberAndKubeFedClusterInTheHost() {
    try (ClusterFleet fleet = hostFleet(sandbox, "dev1").build()) {
      assertThat(fleet.hostName()).isEqualTo("dev1");
      ClusterState state = fleet.join("dev2");
      assertThat(state.name()).isEqualTo("dev2");
      assertThat(state.joined()).isTrue();
      awaitHealth(fleet, "dev2", ClusterHealth.READY);

      // in the member
      ServiceAccount sa = dev2.serviceAccounts().inNamespace(NS).withName("dev2-dev1").get();
      assertThat(sa).as("ServiceAccount %s/dev2-dev1 on dev2", NS).isNotNull();
      Secret token = dev2.secrets().inNamespace(NS).withName("dev2-dev1").get();
      assertThat(token).as("token Secret on dev2").isNotNull();
      assertThat(token.getType()).isEqualTo("kubernetes.io/service-account-token");
      assertThat(token.getMetadata().getAnnotations()).containsEntry("kubernetes.io/service-account.name",
          "dev2-dev1");
      assertThat(token.getData()).containsKey("token");
      assertThat(dev2.rbac().clusterRoles().withName(ROLE).get()).as("ClusterRole " + ROLE).isNotNull();
      ClusterRoleBinding binding = dev2.rbac().clusterRoleBindings().withName(ROLE).get();
      assertThat(binding).as("ClusterRoleBinding " + ROLE).isNotNull();
      assertThat(binding.getRoleRef().getName()).isEqualTo(ROLE);
      assertThat(binding.getSubjects()).anySatisfy(s -> {
        assertThat(s.getKind()).isEqualTo("ServiceAccount");
        assertThat(s.getName()).isEqualTo("dev2-dev1");
        assertThat(s.getNamespace()).isEqualTo(NS);
      });

      // in the host
      GenericKubernetesResource kfc = kubeFedCluster("dev2");
      assertThat(kfc).as("KubeFedCluster %s/dev2 on dev1", NS).isNotNull();
      assertThat(kfc.getApiVersion()).isEqualTo("core.kubefed.io/v1beta1");
      assertThat(kfc.getKind()).isEqualTo("KubeFedCluster");
      @SuppressWarnings("unchecked")
      Map<String, Object> spec = (Map<String, Object>) kfc.getAdditionalProperties().get("spec");
      assertThat(stripSlash((String) spec.get("apiEndpoint"))).isEqualTo(stripSlash(sandbox.cluster("dev2").url()));
      @SuppressWarnings("unchecked")
      String secretName = (String) ((Map<String, Object>) spec.get("secretRef")).get("name");
      Secret hostSecret = dev1.secrets().inNamespace(NS).withName(secretName).get();
      assertThat(hostSecret).as("host Secret %s/%s", NS, secretName).isNotNull();
      assertThat(decode(hostSecret.getData().get("token"))).isEqualTo(decode(token.getData().get("token")));

      // the fleet lists it
      assertThat(fleet.clusters()).extracting(ClusterState::name).containsExactly("dev2");
      assertThat(fleet.cluster("dev2")).get().extracting(ClusterState::health).isEqualTo(ClusterHealth.READY);
    }
  }

  @Test
  @Tag(REAL)
  void aSecondFleetFromTheSameHostSeesTheMemberAndReachesItWithTheServiceAccountToken() {
    try (ClusterFleet first = hostFleet(sandbox, "dev1").build()) {
      first.join("dev2");
    }
    try (ClusterFleet second = hostFleet(sandbox, "dev1").build()) {
      ClusterState dev2State = second.cluster("dev2").orElseThrow();
      assertThat(dev2State.joined()).isTrue();
      awaitHealth(second, "dev2", ClusterHealth.READY);

      String name = unique("joined");
      PropagationResult result = second.propagate(configMap("team", name, Placement.clusters("dev2"),
          Map.of("k", "v")));
      assertThat(result).hasAction("dev2", ClusterAction.CREATED);
      assertThat(dev2.configMaps().inNamespace("team").withName(name).get()).isNotNull();

      // the fleet's client for dev2 carries the ServiceAccount's token, not the kubeconfig user's
      String saToken = decode(dev2.secrets().inNamespace(NS).withName("dev2-dev1").get().getData().get("token"));
      String usedToken = usedConfig(second, "dev2").getOauthToken();
      assertThat(usedToken).isEqualTo(saToken);
      assertThat(usedToken).isNotEqualTo(sandbox.cluster("dev2").config().getOauthToken());
    }
  }

  @Test
  void joiningTheHostItselfWorksAndUnjoiningItKeepsTheFederationNamespace() {
    try (ClusterFleet fleet = hostFleet(sandbox, "dev1").build()) {
      fleet.join("dev1");
      fleet.join("dev2");
      awaitHealth(fleet, "dev1", ClusterHealth.READY);
      assertThat(dev1.serviceAccounts().inNamespace(NS).withName("dev1-dev1").get()).isNotNull();
      assertThat(kubeFedCluster("dev1")).isNotNull();

      String name = unique("self");
      assertThat(fleet.propagate(configMap("team", name, Placement.clusters("dev1"), Map.of("a", "b")))
          .isSuccess()).isTrue();
      assertThat(dev1.configMaps().inNamespace("team").withName(name).get()).isNotNull();

      assertThat(fleet.unjoin("dev1").leftovers()).isEmpty();
      assertThat(kubeFedCluster("dev1")).isNull();
      assertThat(dev1.serviceAccounts().inNamespace(NS).withName("dev1-dev1").get()).isNull();
      // the host's own federation namespace holds the membership of the other members: it stays
      assertThat(dev1.namespaces().withName(NS).get()).isNotNull();
      assertThat(kubeFedCluster("dev2")).isNotNull();
    }
    try (ClusterFleet again = hostFleet(sandbox, "dev1").build()) {
      assertThat(again.clusters()).extracting(ClusterState::name).containsExactly("dev2");
    }
  }

  @Test
  @Tag(REAL)
  void joiningTwiceFailsWithAClearMessage() {
    try (ClusterFleet fleet = hostFleet(sandbox, "dev1").build()) {
      fleet.join("dev2");
      assertThatThrownBy(() -> fleet.join("dev2")).isInstanceOf(FederationException.class)
          .hasMessageContaining("dev2").hasMessageContaining("already");
    }
    try (ClusterFleet second = hostFleet(sandbox, "dev1").build()) {
      assertThatThrownBy(() -> second.join("dev2")).isInstanceOf(FederationException.class)
          .hasMessageContaining("dev2").hasMessageContaining("already");
    }
  }

  @Test
  void joiningAMemberAnotherFleetJoinedMeanwhileFailsAndChangesNothing() {
    try (ClusterFleet early = hostFleet(sandbox, "dev1").build();
        ClusterFleet other = hostFleet(sandbox, "dev1").build()) {
      other.join("dev2");
      int hostSecrets = dev1.secrets().inNamespace(NS).list().getItems().size();
      assertThatThrownBy(() -> early.join("dev2")).isInstanceOf(FederationException.class)
          .hasMessageContaining("dev2").hasMessageContaining("already exists");
      assertThat(dev1.secrets().inNamespace(NS).list().getItems()).hasSize(hostSecrets);
      assertThat(early.cluster("dev2")).isEmpty();
    }
  }

  @Test
  @Tag(REAL)
  void unjoinRemovesEverythingFromBothClusters() {
    try (ClusterFleet fleet = hostFleet(sandbox, "dev1").build()) {
      fleet.join("dev2");
      GenericKubernetesResource kfc = kubeFedCluster("dev2");
      @SuppressWarnings("unchecked")
      String secretName = (String) ((Map<String, Object>) ((Map<String, Object>) kfc.getAdditionalProperties()
          .get("spec")).get("secretRef")).get("name");

      UnjoinResult result = fleet.unjoin("dev2");
      assertThat(result.isComplete()).isTrue();
      assertThat(result.cluster()).isEqualTo("dev2");

      assertThat(dev2.serviceAccounts().inNamespace(NS).withName("dev2-dev1").get()).isNull();
      assertThat(dev2.secrets().inNamespace(NS).withName("dev2-dev1").get()).isNull();
      assertThat(dev2.rbac().clusterRoles().withName(ROLE).get()).isNull();
      assertThat(dev2.rbac().clusterRoleBindings().withName(ROLE).get()).isNull();
      // deleted; a real cluster's namespace controller removes it once it is empty, a moment later
      FleetItSupport.await(Duration.ofSeconds(20), "dev2's federation namespace is gone",
          () -> dev2.namespaces().withName(NS).get() == null);
      assertThat(kubeFedCluster("dev2")).isNull();
      assertThat(dev1.secrets().inNamespace(NS).withName(secretName).get()).isNull();

      assertThat(fleet.cluster("dev2")).isEmpty();
      assertThat(fleet.clusters()).isEmpty();
    }
    try (ClusterFleet after = hostFleet(sandbox, "dev1").build()) {
      assertThat(after.clusters()).isEmpty();
    }
  }

  @Test
  void aContextNamedLikeKubeadmsDefaultIsRejectedWithTheRenameCommandAndTheFile() {
    String context = "kubernetes-admin@kubernetes";
    Path file = kubeconfig(tmp, "kubeadm.yaml", context, sandbox.cluster("dev1").url(), "t0ken");

    assertThatThrownBy(() -> ClusterFleet.builder().kubeconfig(file).hostContext(context))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("kubectl config rename-context")
        .hasMessageContaining(file.toString())
        .hasMessageNotContaining("t0ken");
    assertThatThrownBy(() -> ClusterFleet.builder().kubeconfig(file).memberContexts(context))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("kubectl config rename-context")
        .hasMessageContaining(file.toString());

    // joining it: rejected before anything is written anywhere
    try (ClusterFleet fleet = quick(ClusterFleet.builder().kubeconfig(sandbox.kubeconfig(), file)
        .hostContext("dev1")).build()) {
      sandbox.cluster("dev1").resetCounts();
      assertThatThrownBy(() -> fleet.join(context))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("kubectl config rename-context")
          .hasMessageContaining(file.toString());
      assertThat(sandbox.cluster("dev1").writeCount()).isZero();
      assertThat(fleet.clusters()).isEmpty();
    }
  }

  @Test
  void anUnknownContextIsRejectedListingTheContexts() {
    assertThatThrownBy(() -> ClusterFleet.builder().kubeconfig(sandbox.kubeconfig()).hostContext("dev9"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("dev9").hasMessageContaining("dev1").hasMessageContaining("dev2");
    try (ClusterFleet fleet = hostFleet(sandbox, "dev1").build()) {
      assertThatThrownBy(() -> fleet.join("dev9"))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("dev9").hasMessageContaining("dev1").hasMessageContaining("dev2");
    }
  }

  @Test
  void twoKubeconfigFilesAreMergedAndBothContextsAreUsable() {
    Path a = kubeconfig(tmp, "a.yaml", "alpha", sandbox.cluster("dev1").url(), "token-a");
    Path b = kubeconfig(tmp, "b.yaml", "beta", sandbox.cluster("dev2").url(), "token-b");
    String name = unique("merged");
    try (ClusterFleet fleet = quick(ClusterFleet.builder().kubeconfig(a, b).memberContexts("alpha", "beta"))
        .build()) {
      assertThat(fleet.clusters()).extracting(ClusterState::name).containsExactly("alpha", "beta");
      ready(fleet);
      PropagationResult result = fleet.propagate(configMap("team", name, Placement.clusters("alpha", "beta"),
          Map.of("x", "y")));
      assertThat(result.isSuccess()).as(result.toString()).isTrue();
    }
    assertThat(dev1.configMaps().inNamespace("team").withName(name).get()).isNotNull();
    assertThat(dev2.configMaps().inNamespace("team").withName(name).get()).isNotNull();

    // and as host plus a joined member
    try (ClusterFleet fleet = quick(ClusterFleet.builder().kubeconfig(a, b).hostContext("alpha")).build()) {
      fleet.join("beta");
      awaitHealth(fleet, "beta", ClusterHealth.READY);
      assertThat(dev2.serviceAccounts().inNamespace(NS).withName("beta-alpha").get()).isNotNull();
    }
  }

  @Test
  void aKubeadmContextCanBeJoinedUnderAnExplicitValidName() {
    String context = "kubernetes-admin@kubernetes";
    Path file = kubeconfig(tmp, "kubeadm.yaml", context, sandbox.cluster("dev2").url(), "t0ken");
    try (ClusterFleet fleet = quick(ClusterFleet.builder().kubeconfig(sandbox.kubeconfig(), file)
        .hostContext("dev1")).build()) {
      ClusterState state = fleet.join(context, "kubeadm", Map.of("pipelines", "true"));
      assertThat(state.name()).isEqualTo("kubeadm");
      assertThat(dev2.serviceAccounts().inNamespace(NS).withName("kubeadm-dev1").get()).isNotNull();
      assertThat(kubeFedCluster("kubeadm")).isNotNull();
      assertThat(kubeFedCluster("kubeadm").getMetadata().getLabels()).containsEntry("pipelines", "true");
      awaitHealth(fleet, "kubeadm", ClusterHealth.READY);
    }
  }

  @Test
  void aJoinedMembersLabelsAreKeptInTheHostAndSelectPlacementsOfAnotherFleet() {
    try (ClusterFleet fleet = hostFleet(sandbox, "dev1").build()) {
      fleet.join("dev1");
      fleet.join("dev2", "dev2", Map.of("pipelines", "true"));
    }
    try (ClusterFleet second = sandbox.fleet().host("dev1").start()) {
      assertThat(second.cluster("dev2").orElseThrow().labels()).containsEntry("pipelines", "true");
      String name = unique("labelled");
      PropagationResult r = second.propagate(configMap("team", name,
          Placement.selector(io.fleetfed.core.model.LabelSelector.matchLabels(Map.of("pipelines", "true"))),
          Map.of()));
      assertThat(r.clusters()).as(r.toString()).containsOnlyKeys("dev2");
      assertThat(dev2.configMaps().inNamespace("team").withName(name).get()).isNotNull();
      assertThat(dev1.configMaps().inNamespace("team").withName(name).get()).isNull();
    }
  }

  @Test
  void unjoiningWithoutAdminCredentialsForTheMemberRemovesTheHostsPartAndSaysWhatWasLeft() {
    try (ClusterFleet fleet = hostFleet(sandbox, "dev1").build()) {
      fleet.join("dev2");
    }
    // a kubeconfig that knows only the host
    Path hostOnly = kubeconfig(tmp, "host-only.yaml", "dev1", sandbox.cluster("dev1").url(), "t");
    try (ClusterFleet fleet = quick(ClusterFleet.builder().kubeconfig(hostOnly).hostContext("dev1")).build()) {
      assertThat(fleet.cluster("dev2")).isPresent();
      UnjoinResult result = fleet.unjoin("dev2");
      assertThat(result.leftovers()).anySatisfy(l -> {
        assertThat(l.cluster()).isEqualTo("dev2");
        assertThat(l.kind()).isEqualTo("ServiceAccount");
        assertThat(l.name()).isEqualTo(NS + "/dev2-dev1");
        assertThat(l.message()).contains("dev2").contains("admin credentials");
      });
      assertThat(kubeFedCluster("dev2")).isNull();
      assertThat(fleet.cluster("dev2")).isEmpty();
    }
    assertThat(dev2.serviceAccounts().inNamespace(NS).withName("dev2-dev1").get()).as("left in the member")
        .isNotNull();
  }

  @Test
  @Tag(REAL)
  void unjoiningKeepsTheCopiesOnTheMemberAndDropsItFromStatuses() {
    String name = unique("stays");
    var cm = configMap("team", name, Placement.clusters("dev1", "dev2"), Map.of("a", "b"));
    try (ClusterFleet fleet = hostFleet(sandbox, "dev1").build()) {
      fleet.join("dev1");
      fleet.join("dev2");
      ready(fleet);
      fleet.propagate(cm).orThrow();
      fleet.unjoin("dev2");
      assertThat(dev2.configMaps().inNamespace("team").withName(name).get()).isNotNull();
      assertThat(fleet.status(cm).orElseThrow().clusters()).containsOnlyKeys("dev1");
      assertThat(fleet.status(cm).orElseThrow().isPropagated()).isTrue();
      assertThat(fleet.propagate(cm).clusters()).containsOnlyKeys("dev1");
    }
  }

  @Test
  void aHostContextWithAColonOrSlashNeedsAnExplicitHostName() {
    Path file = kubeconfig(tmp, "eks.yaml", "arn:aws:eks:eu-west-1:1:cluster/dev1", sandbox.cluster("dev1").url(),
        "t");
    assertThatThrownBy(() -> ClusterFleet.builder().kubeconfig(file).hostContext(
        "arn:aws:eks:eu-west-1:1:cluster/dev1"))
        .isInstanceOf(ValidationException.class).hasMessageContaining("host-cluster-name");
  }

  @Test
  void whenTwoFilesDefineTheSameContextTheFirstWins() {
    Path a = kubeconfig(tmp, "first.yaml", "shared", sandbox.cluster("dev1").url(), "token-1");
    Path b = kubeconfig(tmp, "second.yaml", "shared", sandbox.cluster("dev2").url(), "token-2");
    String name = unique("first-wins");
    try (ClusterFleet fleet = ready(quick(ClusterFleet.builder().kubeconfig(a, b).memberContexts("shared"))
        .build())) {
      fleet.propagate(configMap("team", name, Placement.clusters("shared"), Map.of())).orThrow();
      io.fabric8.kubernetes.client.Config used = usedConfig(fleet, "shared");
      assertThat(used.getOauthToken() != null ? used.getOauthToken() : used.getAutoOAuthToken())
          .isEqualTo("token-1");
    }
    assertThat(dev1.configMaps().inNamespace("team").withName(name).get()).isNotNull();
    assertThat(dev2.configMaps().inNamespace("team").withName(name).get()).isNull();
  }

  @Test
  void aContextMayUseAClusterAndAUserDefinedInAnotherFile() throws Exception {
    Path clusters = kubeconfig(tmp, "clusters.yaml", "alpha", sandbox.cluster("dev2").url(), "token-a");
    Path contexts = tmp.resolve("contexts.yaml");
    java.nio.file.Files.writeString(contexts, """
        apiVersion: v1
        kind: Config
        contexts:
        - name: gamma
          context: {cluster: c-alpha, user: u-alpha, namespace: default}
        current-context: gamma
        """);
    try (ClusterFleet fleet = ready(quick(ClusterFleet.builder().kubeconfig(contexts, clusters)
        .memberContexts("gamma")).build())) {
      String name = unique("cross-file");
      fleet.propagate(configMap("team", name, Placement.clusters("gamma"), Map.of())).orThrow();
      assertThat(dev2.configMaps().inNamespace("team").withName(name).get()).isNotNull();
    }
  }

  /** An API endpoint that answers /healthz with ok and records the Authorization header of every request. */
  private static com.sun.net.httpserver.HttpServer recordingEndpoint(List<String> authorizations)
      throws java.io.IOException {
    var server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      authorizations.add(auth == null ? "<none>" : auth);
      byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (var out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    return server;
  }

  private static void registerKubeFedCluster(String name, String endpoint, Map<String, Object> extraSpec) {
    if (dev1.namespaces().withName(NS).get() == null) {
      dev1.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
          .withName(NS).endMetadata().build()).create();
    }
    Map<String, Object> spec = new java.util.LinkedHashMap<>(extraSpec);
    spec.put("apiEndpoint", endpoint);
    dev1.genericKubernetesResources(KUBEFED_CLUSTERS).inNamespace(NS).resource(
        new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
            .withApiVersion("core.kubefed.io/v1beta1").withKind("KubeFedCluster")
            .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
            .addToAdditionalProperties("spec", spec).build()).create();
  }

  @Test
  void aJoinedMemberIsSentItsOwnTokenAndNeverTheHostsCredentials() throws Exception {
    List<String> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    var endpoint = recordingEndpoint(seen);
    try {
      String url = "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/";
      dev1.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
          .withName(NS).endMetadata().build()).create();
      dev1.secrets().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
          .withName("remote-token").withNamespace(NS).endMetadata()
          .addToData("token", Base64.getEncoder().encodeToString("member-sa-token".getBytes(StandardCharsets.UTF_8)))
          .build()).create();
      registerKubeFedCluster("remote", url, Map.of("secretRef", Map.of("name", "remote-token")));
      try (ClusterFleet fleet = hostFleet(sandbox, "dev1").build()) {
        awaitHealth(fleet, "remote", ClusterHealth.READY);
      }
      assertThat(seen).isNotEmpty().allSatisfy(a -> assertThat(a).isEqualTo("Bearer member-sa-token"));
    } finally {
      endpoint.stop(0);
    }
  }

  @Test
  void aKubeFedClusterWithoutSecretRefIsNotSentTheHostsToken() throws Exception {
    List<String> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    var endpoint = recordingEndpoint(seen);
    try {
      String url = "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/";
      registerKubeFedCluster("tokenless", url, Map.of());
      try (ClusterFleet fleet = hostFleet(sandbox, "dev1").build()) {
        // without its own token the member is skipped: no other credential may be sent to its endpoint
        assertThat(fleet.cluster("tokenless")).isEmpty();
        fleet.unjoin("tokenless");
      }
      assertThat(seen).as("requests sent to the tokenless member").isEmpty();
      assertThat(kubeFedCluster("tokenless")).isNull();
    } finally {
      endpoint.stop(0);
    }
  }

  @Test
  @Tag(REAL)
  void joiningAnUnreachableClusterFailsNamingItAndLeavesNothingInTheHost() {
    try (ClusterFleet fleet = hostFleet(sandbox, "dev1").build()) {
      sandbox.cluster("dev2").goOffline();
      try {
        assertThatThrownBy(() -> fleet.join("dev2")).isInstanceOf(FederationException.class)
            .hasMessageContaining("dev2");
      } finally {
        sandbox.cluster("dev2").goOnline();
      }
      assertThat(kubeFedCluster("dev2")).isNull();
      assertThat(fleet.cluster("dev2")).isEmpty();
      // and it can be joined once reachable
      fleet.join("dev2");
      awaitHealth(fleet, "dev2", ClusterHealth.READY);
    }
  }

  @Test
  void aMissingKubeconfigFileIsRejectedNamingIt() {
    Path missing = tmp.resolve("no-such-kubeconfig");
    assertThatThrownBy(() -> ClusterFleet.builder().kubeconfig(sandbox.kubeconfig(), missing))
        .isInstanceOf(ValidationException.class).hasMessageContaining(missing.toString());
  }
}
