package io.fleetfed.core.kubefed;

import static io.fleetfed.core.kubefed.Fixtures.ISTIO_OPERATORS;
import static io.fleetfed.core.kubefed.Fixtures.TASK_RUNS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.model.Scope;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The type registry: KubeFed's built-in types, kubefedctl's name lookup, and provider discovery. */
class TypeRegistryTest {

  @Test
  @DisplayName("the built-ins are exactly KubeFed's ten default types, with their groups, versions and scopes")
  void builtIns() {
    assertThat(TypeRegistry.builtIn().all()).extracting(c -> c.name() + " " + c.target().apiVersion() + " "
        + c.target().kind() + " " + c.target().scope().wireName()).containsExactly(
            "clusterroles.rbac.authorization.k8s.io rbac.authorization.k8s.io/v1 ClusterRole Cluster",
            "configmaps v1 ConfigMap Namespaced",
            "deployments.apps apps/v1 Deployment Namespaced",
            "ingresses.networking.k8s.io networking.k8s.io/v1 Ingress Namespaced",
            "jobs.batch batch/v1 Job Namespaced",
            "namespaces v1 Namespace Cluster",
            "replicasets.apps apps/v1 ReplicaSet Namespaced",
            "secrets v1 Secret Namespaced",
            "serviceaccounts v1 ServiceAccount Namespaced",
            "services v1 Service Namespaced");
    assertThat(TypeRegistry.builtIn().all()).extracting(FederatedTypeConfig::target)
        .containsExactlyElementsOf(BuiltInTypes.ALL);
  }

  @Test
  @DisplayName("each built-in is federated the kubefedctl way; FederatedNamespace is namespaced")
  void builtInsAreConventional() {
    assertThat(TypeRegistry.builtIn().all()).allSatisfy(c -> {
      assertThat(c).isEqualTo(FederatedTypeConfig.forTarget(c.target()));
      assertThat(c.federated().apiVersion()).isEqualTo("types.kubefed.io/v1beta1");
      assertThat(c.federated().kind()).isEqualTo("Federated" + c.target().kind());
    });
    assertThat(TypeRegistry.builtIn().lookup("namespaces").federated().scope()).isEqualTo(Scope.NAMESPACED);
    assertThat(TypeRegistry.builtIn().lookup("clusterroles").federated().scope()).isEqualTo(Scope.CLUSTER);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "deployments, deployments.apps", "deployment, deployments.apps", "Deployment, deployments.apps",
      "DEPLOYMENT, deployments.apps", "Deployments, deployments.apps", "deploy, deployments.apps",
      "deployments.apps, deployments.apps",
      "configmaps, configmaps", "ConfigMap, configmaps", "cm, configmaps", "CM, configmaps",
      "ingress, ingresses.networking.k8s.io", "ing, ingresses.networking.k8s.io",
      "ingresses.networking.k8s.io, ingresses.networking.k8s.io",
      "clusterrole, clusterroles.rbac.authorization.k8s.io",
      "clusterroles.rbac.authorization.k8s.io, clusterroles.rbac.authorization.k8s.io",
      "ns, namespaces", "Namespace, namespaces", "rs, replicasets.apps", "sa, serviceaccounts",
      "svc, services", "service, services", "job, jobs.batch", "jobs.batch, jobs.batch", "secret, secrets"})
  @DisplayName("lookup accepts plural, singular, kind in any case, short name and plural.group")
  void lookup(String name, String expected) {
    assertThat(TypeRegistry.builtIn().lookup(name).name()).isEqualTo(expected);
  }

  @Test
  @DisplayName("when a core type and another share a name, the core type wins, as in kubefedctl")
  void coreGroupWins() {
    ResourceType sandboxes = ResourceType.namespaced("example.com", "v1", "Sandbox", "sandboxes")
        .withShortNames("svc", "secret");
    TypeRegistry registry = TypeRegistry.builtIn().with(sandboxes);

    assertThat(registry.lookup("svc").name()).isEqualTo("services");
    assertThat(registry.lookup("secret").name()).isEqualTo("secrets");
    assertThat(registry.lookup("sandbox").name()).isEqualTo("sandboxes.example.com");
  }

  @Test
  @DisplayName("when several non-core types share a name, lookup fails with kubefedctl's message and the choices")
  void ambiguousNonCoreNames() {
    TypeRegistry registry = TypeRegistry.builtIn()
        .with(ResourceType.namespaced("cert-manager.io", "v1", "Certificate", "certificates").withShortNames("cert"))
        .with(ResourceType.namespaced("networking.gke.io", "v1", "ManagedCertificate", "managedcertificates")
            .withShortNames("cert"));

    ValidationException e = catchThrowableOfType(ValidationException.class, () -> registry.lookup("cert"));

    assertThat(e.violations()).singleElement().satisfies(v -> assertThat(v.reason()).isEqualTo(
        "multiple resources are matched by \"cert\": certificates.cert-manager.io,"
            + " managedcertificates.networking.gke.io; use the qualified name (plural.group)"));
    assertThat(registry.lookup("certificates.cert-manager.io").target().kind()).isEqualTo("Certificate");
    assertThat(registry.lookup("certificate").target().group()).isEqualTo("cert-manager.io");
  }

  @Test
  @DisplayName("the same plural in two non-core groups is ambiguous; plural.group is not")
  void samePluralInTwoGroups() {
    TypeRegistry registry = TypeRegistry.builtIn()
        .with(ResourceType.namespaced("policy.example.com", "v1", "Rule", "rules"))
        .with(ResourceType.namespaced("alerts.example.com", "v1", "AlertRule", "rules"));

    ValidationException e = catchThrowableOfType(ValidationException.class, () -> registry.lookup("rules"));

    assertThat(e.getMessage()).contains("multiple resources are matched by \"rules\"",
        "rules.policy.example.com", "rules.alerts.example.com");
    assertThat(registry.lookup("rules.alerts.example.com").target().kind()).isEqualTo("AlertRule");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"widgets", "taskruns", "deploymentz", "deployments.extensions", "", "pods"})
  @DisplayName("an unknown name fails, listing the known types")
  void unknownName(String name) {
    ValidationException e = catchThrowableOfType(ValidationException.class,
        () -> TypeRegistry.builtIn().lookup(name));

    assertThat(e.violations()).singleElement().satisfies(v -> {
      assertThat(v.reason()).startsWith("no federated type is named \"" + name + "\"; known types: ");
      assertThat(v.reason()).contains("clusterroles.rbac.authorization.k8s.io, configmaps, deployments.apps,"
          + " ingresses.networking.k8s.io, jobs.batch, namespaces, replicasets.apps, secrets, serviceaccounts,"
          + " services");
    });
  }

  @Test
  @DisplayName("registering a target whose federated kind another target already uses fails")
  void conflictingFederatedKind() {
    ResourceType otherDeployments = ResourceType.namespaced("example.com", "v1", "Deployment", "deployments");

    ValidationException e = catchThrowableOfType(ValidationException.class,
        () -> TypeRegistry.builtIn().with(otherDeployments));

    assertThat(e.violations()).singleElement().satisfies(v -> {
      assertThat(v.field()).contains("spec.federatedType.kind");
      assertThat(v.reason()).isEqualTo("FederatedDeployment already federates deployments.apps; it cannot also"
          + " federate deployments.example.com");
    });
  }

  @Test
  @DisplayName("registering the same target again replaces its configuration in place; registries are immutable")
  void withReplacesAndIsImmutable() {
    TypeRegistry builtIn = TypeRegistry.builtIn();
    ResourceType v2 = BuiltInTypes.DEPLOYMENTS.withVersion("v2");

    TypeRegistry changed = builtIn.with(v2).with(TASK_RUNS);

    assertThat(changed.lookup("deploy").target()).isEqualTo(v2);
    assertThat(changed.all()).hasSize(11);
    assertThat(changed.all().get(2).target()).isEqualTo(v2);
    assertThat(changed.all().get(10).target()).isEqualTo(TASK_RUNS);
    assertThat(builtIn.lookup("deploy").target()).isEqualTo(BuiltInTypes.DEPLOYMENTS);
    assertThat(builtIn.byName("taskruns.tekton.dev")).isEmpty();
    assertThat(builtIn.withAll(List.of(TASK_RUNS, ISTIO_OPERATORS)).lookup("iop").target())
        .isEqualTo(ISTIO_OPERATORS);
  }

  @Test
  @DisplayName("forFederated and forTarget find a configuration by federated apiVersion and kind, or target group"
      + " and kind")
  void findByFederatedAndTarget() {
    TypeRegistry registry = TypeRegistry.builtIn().with(TASK_RUNS);

    assertThat(registry.forFederated("types.kubefed.io/v1beta1", "FederatedTaskRun").map(FederatedTypeConfig::name))
        .contains("taskruns.tekton.dev");
    assertThat(registry.forFederated("types.kubefed.io/v1alpha1", "FederatedTaskRun")).isEmpty();
    assertThat(registry.forFederated("types.kubefed.io/v1beta1", "FederatedPod")).isEmpty();
    assertThat(registry.forTarget("tekton.dev", "TaskRun").map(FederatedTypeConfig::name))
        .contains("taskruns.tekton.dev");
    assertThat(registry.forTarget("", "ConfigMap").map(FederatedTypeConfig::name)).contains("configmaps");
    assertThat(registry.forTarget("apps", "ConfigMap")).isEmpty();
    assertThat(registry.byName("deployments")).isEmpty();
    assertThat(registry.byName("deployments.apps")).isPresent();
  }

  @Test
  @DisplayName("standard() adds the types of every FederatedTypeProvider found by ServiceLoader; builtIn() does not")
  void standardDiscoversProviders() {
    TypeRegistry standard = TypeRegistry.standard();

    assertThat(standard.byName("widgets.widgets.fleetfed-test.io")).map(FederatedTypeConfig::target)
        .contains(WidgetTypeProvider.WIDGETS);
    assertThat(standard.lookup("wdg").federated().kind()).isEqualTo("FederatedWidget");
    assertThat(standard.lookup("gizmo").federated().scope()).isEqualTo(Scope.CLUSTER);
    assertThat(standard.all()).extracting(FederatedTypeConfig::target).containsAll(BuiltInTypes.ALL);
    assertThat(TypeRegistry.builtIn().byName("widgets.widgets.fleetfed-test.io")).isEmpty();
    assertThat(TypeRegistry.builtIn().forFederated("types.kubefed.io/v1beta1", "FederatedWidget"))
        .isEqualTo(Optional.empty());
  }

  @Test
  @DisplayName("objects of provided types read with standard() and are rejected with builtIn()")
  void providedTypesAreReadable() {
    String yaml = """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedWidget
        metadata: {name: gear, namespace: ci}
        spec: {template: {spec: {teeth: 12}}}
        """;

    assertThat(KubeFedYaml.read("w.yaml", yaml, TypeRegistry.standard()).resources()).singleElement()
        .satisfies(r -> assertThat(r.type()).isEqualTo(WidgetTypeProvider.WIDGETS));
    assertThat(catchThrowableOfType(ValidationException.class,
        () -> KubeFedYaml.read("w.yaml", yaml, TypeRegistry.builtIn()))).isNotNull();
  }

  @Test
  @DisplayName("toString lists the registered names")
  void toStringListsNames() {
    assertThat(TypeRegistry.builtIn().toString()).startsWith("TypeRegistry[clusterroles.rbac.authorization.k8s.io,"
        + " configmaps, deployments.apps").endsWith("services]");
  }
}
