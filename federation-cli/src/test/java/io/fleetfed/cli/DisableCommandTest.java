package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.core.cluster.ResourceContexts;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.testkit.Await;
import io.fleetfed.testkit.FleetSandbox;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code fleetfed disable TYPE}: propagation Disabled, and with --delete the FTC and federated CRD gone. */
class DisableCommandTest {
  static FleetSandbox sandbox;
  static String kubeconfig;
  static KubernetesClient host;

  @BeforeAll
  static void start() {
    sandbox = CliSandbox.host(CliSandbox.crd("example.com", "Gadget", "gadgets", "gadget", "gd"));
    kubeconfig = sandbox.kubeconfig().toString();
    host = sandbox.cluster("host").client();
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  private static CliSandbox.Run cli(String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(new String[] {"--kubeconfig", kubeconfig, "--context", "host"}, 0, all, args.length, 4);
    return CliSandbox.run(all);
  }

  @SuppressWarnings("unchecked")
  private static String propagation(String ftc) {
    GenericKubernetesResource o = host.genericKubernetesResources(EnableClusterTest.TYPE_CONFIGS)
        .inNamespace("kube-federation-system").withName(ftc).get();
    return o == null ? null : (String) ((Map<String, Object>) o.getAdditionalProperties().get("spec"))
        .get("propagation");
  }

  @Test
  @DisplayName("disable sets propagation to Disabled (by short name); again, it is already disabled")
  void disable() {
    assertThat(cli("enable", "configmaps", "--apply").code()).isZero();

    CliSandbox.Run run = cli("disable", "cm");
    assertThat(run.code()).as("%s", run).isZero();
    assertThat(run.out()).contains("federatedtypeconfigs.core.kubefed.io/configmaps propagation disabled");
    assertThat(propagation("configmaps")).isEqualTo("Disabled");
    assertThat(host.apiextensions().v1().customResourceDefinitions()
        .withName("federatedconfigmaps.types.kubefed.io").get()).isNotNull();

    CliSandbox.Run again = cli("disable", "configmaps");
    assertThat(again.code()).as("%s", again).isZero();
    assertThat(again.out()).contains("propagation already disabled");
  }

  @Test
  @DisplayName("disable --delete removes the FederatedTypeConfig and the federated CRD")
  void disableAndDelete() {
    assertThat(cli("enable", "gadgets", "--apply").code()).isZero();

    CliSandbox.Run run = cli("disable", "gadgets.example.com", "--delete");
    assertThat(run.code()).as("%s", run).isZero();
    assertThat(run.out()).contains("gadgets.example.com propagation disabled")
        .contains("federatedtypeconfigs.core.kubefed.io/gadgets.example.com deleted")
        .contains("customresourcedefinitions.apiextensions.k8s.io/federatedgadgets.types.kubefed.io deleted");
    assertThat(propagation("gadgets.example.com")).isNull();
    assertThat(host.apiextensions().v1().customResourceDefinitions()
        .withName("federatedgadgets.types.kubefed.io").get()).isNull();
  }

  @Test
  @DisplayName("a served type without a FederatedTypeConfig is reported, as kubefedctl does, and is no error")
  void notEnabled() {
    CliSandbox.Run run = cli("disable", "secrets");

    assertThat(run.code()).as("%s", run).isZero();
    assertThat(run.out()).contains("kube-federation-system federatedtypeconfigs.core.kubefed.io/secrets does not exist");
  }

  @Test
  @DisplayName("--delete is refused while federated objects of the type exist, and nothing is written")
  void deleteRefusedWithInstances() {
    assertThat(cli("enable", "services", "--apply").code()).isZero();
    ResourceDefinitionContext federated = ResourceContexts.of(ResourceType.namespaced("types.kubefed.io",
        "v1beta1", "FederatedService", "federatedservices"));
    GenericKubernetesResource object = new GenericKubernetesResource();
    object.setApiVersion("types.kubefed.io/v1beta1");
    object.setKind("FederatedService");
    object.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace("shop").build());
    object.setAdditionalProperty("spec", Map.of("template", Map.of()));
    host.genericKubernetesResources(federated).inNamespace("shop").resource(object).create();

    CliSandbox.Run run = cli("disable", "services", "--delete");

    assertThat(run.code()).isEqualTo(Main.INVALID_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("cannot delete the CRD of FederatedService while 1 of its objects exist (shop/web)");
    assertThat(propagation("services")).isEqualTo("Enabled");
    assertThat(host.apiextensions().v1().customResourceDefinitions()
        .withName("federatedservices.types.kubefed.io").get()).isNotNull();
  }

  @Test
  @DisplayName("with a controller reporting the type Running, disable waits for it to report NotRunning")
  void waitsForTheController() throws Exception {
    assertThat(cli("enable", "jobs", "--apply").code()).isZero();
    var ftc = host.genericKubernetesResources(EnableClusterTest.TYPE_CONFIGS).inNamespace("kube-federation-system")
        .withName("jobs.batch");
    ftc.editStatus(o -> {
      o.setAdditionalProperty("status", Map.of("propagationController", "Running"));
      return o;
    });

    CompletableFuture<CliSandbox.Run> disabling = CompletableFuture.supplyAsync(() -> cli("disable", "jobs"));
    Await.until(Duration.ofSeconds(10), "jobs.batch disabled", () -> "Disabled".equals(propagation("jobs.batch")));
    assertThat(disabling).isNotDone();
    ftc.editStatus(o -> {
      o.setAdditionalProperty("status", Map.of("propagationController", "NotRunning"));
      return o;
    });

    CliSandbox.Run run = disabling.get(10, TimeUnit.SECONDS);
    assertThat(run.code()).as("%s", run).isZero();
    assertThat(run.out()).contains("jobs.batch propagation disabled")
        .contains("jobs.batch propagation controller stopped");
  }

  @Test
  @DisplayName("a name neither served nor enabled says so")
  void unknown() {
    CliSandbox.Run run = cli("disable", "doohickeys");

    assertThat(run.code()).isEqualTo(Main.INVALID_INPUT);
    assertThat(run.err()).contains("has no resource and no FederatedTypeConfig named \"doohickeys\"");
  }
}
