package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.ServerKind;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleetfed install}, run as a process on the shaded jar and given to {@code kubectl apply -f -} against a
 * sandbox host, as the README says: apply, wait for the CRDs, apply again. On real API servers the CRDs' schemas,
 * the RBAC and the Deployment are checked by a kube-apiserver, the CRDs become established, and the controller's
 * grants are asked of its authorizer.
 */
@Tag("real-api-servers")
@EnableFleetSandbox(clusters = "host", resetBetweenTests = true)
class InstallCommandIT {
  private static final String PART_OF = "app.kubernetes.io/part-of=fleetfed";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> DEFAULT_TYPES = List.of("clusterroles.rbac.authorization.k8s.io", "configmaps",
      "deployments.apps", "ingresses.networking.k8s.io", "jobs.batch", "namespaces", "replicasets.apps", "secrets",
      "serviceaccounts", "services");

  /** A directory per test: kubectl's discovery cache in it must not remember the CRDs of a test before a reset. */
  @TempDir
  Path dir;

  /** Started for the class by {@code @EnableFleetSandbox}, and reset per test. */
  static FleetSandbox sandbox;

  @BeforeAll
  static void findKubectl() {
    Assumptions.assumeTrue(Kubectl.path().isPresent(), "kubectl is not on the PATH");
  }

  private static boolean real() {
    return sandbox.servers() == ServerKind.REAL;
  }

  /** Runs kubectl against the sandbox with {@code stdin}, its discovery cached in the test's directory. */
  private FleetfedJar.Result kubectlWithStdin(String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of("--cache-dir", dir.resolve("kubectl-cache").toString()));
    all.addAll(List.of(args));
    return Kubectl.run(sandbox.kubeconfig(), stdin, Duration.ofSeconds(90), all.toArray(String[]::new));
  }

  private FleetfedJar.Result kubectl(String... args) {
    return kubectlWithStdin("", args);
  }

  private String install(String... args) {
    List<String> all = new ArrayList<>(List.of("install"));
    all.addAll(List.of(args));
    FleetfedJar.Result install = FleetfedJar.run(dir, all.toArray(String[]::new));
    assertThat(install.exitCode()).as(install.stderr()).isZero();
    assertThat(install.stderr()).isEmpty();
    return install.stdout();
  }

  /** The README's steps: apply, wait until the CRDs are established (real servers set that), apply again. */
  private void applyTwice(String manifest, String namespace) {
    long documents = manifest.lines().filter(l -> l.equals("---")).count();
    FleetfedJar.Result first = kubectlWithStdin(manifest, "apply", "-f", "-");

    // kubectl maps every document before it creates any, so the custom objects of the new CRDs are refused...
    assertThat(first.exitCode()).as(first.stderr()).isEqualTo(1);
    List<String> refused = new ArrayList<>();
    refused.add("resource mapping not found for name: \"kubefed\" namespace: \"" + namespace + "\" from \"STDIN\": no"
        + " matches for kind \"KubeFedConfig\" in version \"core.kubefed.io/v1beta1\"");
    DEFAULT_TYPES.forEach(type -> refused.add("resource mapping not found for name: \"" + type + "\" namespace: \""
        + namespace + "\" from \"STDIN\": no matches for kind \"FederatedTypeConfig\" in version"
        + " \"core.kubefed.io/v1beta1\""));
    assertThat(first.stderr().lines().filter(l -> !l.equals("ensure CRDs are installed first")))
        .containsExactlyElementsOf(refused);
    // ...and every other one is created
    assertThat(first.stdout().lines()).hasSize((int) documents - refused.size()).allMatch(l -> l.endsWith(" created"))
        .contains("namespace/" + namespace + " created",
            "customresourcedefinition.apiextensions.k8s.io/kubefedconfigs.core.kubefed.io created",
            "customresourcedefinition.apiextensions.k8s.io/federatedconfigmaps.types.kubefed.io created",
            "deployment.apps/fleetfed-controller created", "service/fleetfed-controller-metrics created");

    if (real()) {
      FleetfedJar.Result established = kubectl("wait", "--for", "condition=established", "crd", "-l", PART_OF,
          "--timeout", "60s");
      assertThat(established.exitCode()).as(established.stderr()).isZero();
      assertThat(established.stdout().lines()).hasSize(17).allMatch(l -> l.endsWith(" condition met"));
    }
    FleetfedJar.Result second = kubectlWithStdin(manifest, "apply", "-f", "-");

    assertThat(second.exitCode()).as(second.stderr()).isZero();
    assertThat(second.stdout().lines()).hasSize((int) documents).filteredOn(l -> l.endsWith(" created"))
        .hasSize(refused.size()).contains("kubefedconfig.core.kubefed.io/kubefed created",
            "federatedtypeconfig.core.kubefed.io/deployments.apps created");
  }

  private List<String> names(String... args) {
    FleetfedJar.Result get = kubectl(args);
    assertThat(get.exitCode()).as(get.stderr()).isZero();
    return get.stdout().lines().sorted().toList();
  }

  private JsonNode getJson(String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-o", "json"));
    FleetfedJar.Result get = kubectl(all.toArray(String[]::new));
    assertThat(get.exitCode()).as(get.stderr()).isZero();
    return JSON.readTree(get.stdout());
  }

  @Test
  @DisplayName("install | kubectl apply -f -, twice with kubectl wait between, creates the CRDs (established on real"
      + " servers), the KubeFedConfig, the ten FederatedTypeConfigs, RBAC and the controller at the jar's version; a"
      + " FederatedConfigMap is then accepted whole")
  void installedAsTheReadmeSays() throws IOException {
    FleetfedJar.Result version = FleetfedJar.run(dir, "--version");
    String manifest = install();

    applyTwice(manifest, "kube-federation-system");

    assertThat(names("get", "crd", "-l", PART_OF, "-o", "name")).hasSize(17)
        .contains("customresourcedefinition.apiextensions.k8s.io/kubefedclusters.core.kubefed.io",
            "customresourcedefinition.apiextensions.k8s.io/replicaschedulingpreferences.scheduling.kubefed.io",
            "customresourcedefinition.apiextensions.k8s.io/federatedservices.types.kubefed.io");
    assertThat(names("get", "ftc", "-n", "kube-federation-system", "-o", "name")).containsExactlyElementsOf(
        DEFAULT_TYPES.stream().map(t -> "federatedtypeconfig.core.kubefed.io/" + t).sorted().toList());
    assertThat(names("get", "-n", "kube-federation-system", "-o", "name", "serviceaccount/fleetfed-controller",
        "role/fleetfed-controller-config", "rolebinding/fleetfed-controller-config",
        "service/fleetfed-controller-metrics", "kubefedconfig/kubefed")).hasSize(5);
    assertThat(names("get", "clusterrole,clusterrolebinding", "-l", PART_OF, "-o", "name")).containsExactly(
        "clusterrole.rbac.authorization.k8s.io/fleetfed-controller:kube-federation-system",
        "clusterrolebinding.rbac.authorization.k8s.io/fleetfed-controller:kube-federation-system");
    JsonNode config = getJson("get", "kubefedconfig", "kubefed", "-n", "kube-federation-system");
    assertThat(config.at("/spec/scope").asText()).isEqualTo("Cluster");
    assertThat(config.at("/spec/featureGates")).hasSize(3);   // kept whole by the CRD's schema
    JsonNode deployment = getJson("get", "deployment", "fleetfed-controller", "-n", "kube-federation-system");
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(deployment.at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo("ghcr.io/fleetfed/fleetfed:" + version.stdout().strip().substring("fleetfed ".length()))
        .doesNotContain("development");

    FleetfedJar.Result federated = kubectlWithStdin("""
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedConfigMap
        metadata:
          name: settings
          namespace: default
        spec:
          template:
            data:
              color: blue
          placement:
            clusters:
            - name: dev1
          overrides:
          - clusterName: dev1
            clusterOverrides:
            - path: /data/color
              value: red
        """, "apply", "-f", "-");
    assertThat(federated.exitCode()).as(federated.stderr()).isZero();
    assertThat(federated.stdout()).isEqualTo("federatedconfigmap.types.kubefed.io/settings created\n");
    JsonNode settings = getJson("get", "federatedconfigmap", "settings", "-n", "default");
    assertThat(settings.get("spec")).isEqualTo(JSON.readTree("{\"template\":{\"data\":{\"color\":\"blue\"}},"
        + "\"placement\":{\"clusters\":[{\"name\":\"dev1\"}]},\"overrides\":[{\"clusterName\":\"dev1\","
        + "\"clusterOverrides\":[{\"path\":\"/data/color\",\"value\":\"red\"}]}]}"));
  }

  @Test
  @DisplayName("--scope Namespaced in another namespace: a Role there; on real servers the controller's account may"
      + " do what it needs there and nothing elsewhere, and the KubeFedConfig's scope cannot change")
  void namespacedScope() throws IOException {
    String manifest = install("--scope", "Namespaced", "--kubefed-namespace", "fleet", "--replicas", "1",
        "--image", "registry.example.com/fleetfed:test");

    applyTwice(manifest, "fleet");

    assertThat(names("get", "-n", "fleet", "-o", "name", "role,rolebinding")).containsExactly(
        "role.rbac.authorization.k8s.io/fleetfed-controller",
        "role.rbac.authorization.k8s.io/fleetfed-controller-config",
        "rolebinding.rbac.authorization.k8s.io/fleetfed-controller",
        "rolebinding.rbac.authorization.k8s.io/fleetfed-controller-config");
    JsonNode deployment = getJson("get", "deployment", "fleetfed-controller", "-n", "fleet");
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(deployment.at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo("registry.example.com/fleetfed:test");
    if (!real()) {
      return;   // the mock neither authorizes nor validates
    }
    String account = "system:serviceaccount:fleet:fleetfed-controller";
    List<String> allowed = List.of("watch federateddeployments.types.kubefed.io -n fleet",
        "patch federateddeployments.types.kubefed.io --subresource=status -n fleet",
        "update kubefedclusters --subresource=status -n fleet",
        "watch secrets -n fleet", "get configmaps/kubefed-controller-manager -n fleet", "create leases -n fleet",
        "update leases/fleetfed-controller -n fleet", "create events -n fleet", "list customresourcedefinitions");
    List<String> denied = List.of("watch federateddeployments.types.kubefed.io -n default",
        "delete federateddeployments.types.kubefed.io -n fleet", "delete kubefedclusters -n fleet",
        "get secrets -n default", "get configmaps/other -n fleet", "update leases/other -n fleet", "list namespaces");
    for (String request : allowed) {
      assertThat(canI(account, request)).as(request).isEqualTo("yes");
    }
    for (String request : denied) {
      assertThat(canI(account, request)).as(request).isEqualTo("no");
    }
    FleetfedJar.Result rescope = kubectl("patch", "kubefedconfig", "kubefed", "-n", "fleet", "--type", "merge", "-p",
        "{\"spec\":{\"scope\":\"Cluster\"}}");
    assertThat(rescope.exitCode()).isEqualTo(1);
    assertThat(rescope.stderr()).contains("spec.scope", "scope cannot be changed");
  }

  /** kubectl auth can-i's answer, {@code yes} or {@code no}, for {@code account}. */
  private String canI(String account, String request) {
    List<String> args = new ArrayList<>(List.of("auth", "can-i", "--as", account));
    args.addAll(List.of(request.split(" ")));
    FleetfedJar.Result answer = kubectl(args.toArray(String[]::new));
    return answer.stdout().strip();
  }
}
