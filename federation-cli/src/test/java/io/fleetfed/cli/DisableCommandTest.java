package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.testkit.FleetSandbox;
import java.util.Map;
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
  @DisplayName("a type that is not enabled is named, with the enabled types, and nothing is written")
  void notEnabled() {
    CliSandbox.Run run = cli("disable", "secrets");

    assertThat(run.code()).isEqualTo(Main.INVALID_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("type secrets is not enabled")
        .contains("no FederatedTypeConfig kube-federation-system/secrets");
  }

  @Test
  @DisplayName("a name neither served nor enabled says so")
  void unknown() {
    CliSandbox.Run run = cli("disable", "doohickeys");

    assertThat(run.code()).isEqualTo(Main.INVALID_INPUT);
    assertThat(run.err()).contains("has no resource and no FederatedTypeConfig named \"doohickeys\"");
  }
}
