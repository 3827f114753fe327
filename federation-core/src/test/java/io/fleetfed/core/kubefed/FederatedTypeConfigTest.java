package io.fleetfed.core.kubefed;

import static io.fleetfed.core.kubefed.Fixtures.TASK_RUNS;
import static io.fleetfed.core.kubefed.Fixtures.fields;
import static io.fleetfed.core.kubefed.Fixtures.onlyViolationOf;
import static io.fleetfed.core.kubefed.Fixtures.readFails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.model.Scope;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** FederatedTypeConfig: KubeFed's conventions, its validation, and how reading one registers its type. */
class FederatedTypeConfigTest {
  private static final ResourceType WIDGETS = ResourceType.namespaced("example.com", "v1", "Widget", "widgets");

  /** A FederatedTypeConfig document for widgets, with {@code name} and the given target and federated types. */
  private static String widgetConfig(String name, String targetType, String federatedType) {
    return """
        apiVersion: core.kubefed.io/v1beta1
        kind: FederatedTypeConfig
        metadata:
          name: %s
        spec:
          targetType: %s
          federatedType: %s
        """.formatted(name, targetType, federatedType);
  }

  private static final String WIDGET_TARGET = "{group: example.com, version: v1, kind: Widget, pluralName: widgets,"
      + " scope: Namespaced}";
  private static final String WIDGET_FEDERATED = "{group: types.kubefed.io, version: v1beta1, kind: FederatedWidget,"
      + " pluralName: federatedwidgets, scope: Namespaced}";
  private static final String WIDGET_OBJECT = """
      apiVersion: types.kubefed.io/v1beta1
      kind: FederatedWidget
      metadata: {name: gear, namespace: ci}
      spec:
        template: {spec: {teeth: 12}}
        placement: {clusters: [{name: dev2}]}
      """;

  // ---------------------------------------------------------------------------------- conventions

  @Test
  @DisplayName("forTarget makes what kubefedctl enable makes: Federated<Kind> in types.kubefed.io/v1beta1")
  void forTargetFollowsKubefedctl() {
    FederatedTypeConfig config = FederatedTypeConfig.forTarget(TASK_RUNS);

    assertThat(config.name()).isEqualTo("taskruns.tekton.dev");
    assertThat(config.crdName()).isEqualTo("federatedtaskruns.types.kubefed.io");
    assertThat(config.namespace()).isEqualTo("kube-federation-system");
    assertThat(config.target()).isEqualTo(TASK_RUNS);
    assertThat(config.federated()).isEqualTo(new ResourceType("types.kubefed.io", "v1beta1", "FederatedTaskRun",
        "federatedtaskruns", Scope.NAMESPACED, List.of()));
    assertThat(config.federated().apiVersion()).isEqualTo("types.kubefed.io/v1beta1");
    assertThat(config.propagationEnabled()).isTrue();
    assertThat(config.statusCollectionEnabled()).isFalse();
    assertThat(config.statusType()).isEmpty();
  }

  @Test
  @DisplayName("federated short names are f<short>; Namespaces federate as a namespaced type, ClusterRoles as"
      + " cluster-scoped")
  void forTargetShortNamesAndScope() {
    assertThat(FederatedTypeConfig.forTarget(BuiltInTypes.DEPLOYMENTS).federated().shortNames())
        .containsExactly("fdeploy");
    assertThat(FederatedTypeConfig.forTarget(BuiltInTypes.NAMESPACES).federated().scope())
        .isEqualTo(Scope.NAMESPACED);
    assertThat(FederatedTypeConfig.forTarget(BuiltInTypes.CLUSTER_ROLES).federated().scope())
        .isEqualTo(Scope.CLUSTER);
    assertThat(FederatedTypeConfig.forTarget(BuiltInTypes.CONFIG_MAPS).name()).isEqualTo("configmaps");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"Deployment, deployments", "Ingress, ingresses", "Box, boxes", "Match, matches", "Mesh, meshes",
      "Quiz, quizes", "Echo, echoes", "Policy, policies", "Gateway, gatewaies", "TaskRun, taskruns",
      "FederatedIngress, federatedingresses", "FederatedNetworkPolicy, federatednetworkpolicies"})
  @DisplayName("the default plural is KubeFed's: es after s, x, ch, sh, z, o; a final y becomes ies; else s")
  void defaultPlurals(String kind, String plural) {
    assertThat(Plurals.of(kind)).isEqualTo(plural);
  }

  @Test
  @DisplayName("the constructor enforces the federated group dot, the Federated<Kind> name and the scope")
  void constructorValidates() {
    ResourceType bad = new ResourceType("types", "v1beta1", "FedWidget", "fedwidgets", Scope.CLUSTER, List.of());

    ValidationException e = catchThrowableOfType(ValidationException.class,
        () -> new FederatedTypeConfig("kube-federation-system", WIDGETS, bad, true, false, Optional.empty()));

    assertThat(fields(e)).containsExactlyInAnyOrder("spec.federatedType.group", "spec.federatedType.kind",
        "spec.federatedType.scope");
    assertThat(onlyViolationOf(e, "spec.federatedType.group").reason())
        .isEqualTo("\"types\" should be a domain with at least one dot");
    assertThat(onlyViolationOf(e, "spec.federatedType.kind").reason())
        .isEqualTo("must be FederatedWidget (got FedWidget)");
    assertThat(onlyViolationOf(e, "spec.federatedType.scope").reason()).isEqualTo("must be Namespaced for target"
        + " Widget");
  }

  // -------------------------------------------------------------------------------------- reading

  @Test
  @DisplayName("the name must be <target plural>[.<target group>]")
  void nameMustBePluralDotGroup() {
    ValidationException e = readFails("ftc.yaml", widgetConfig("widgets", WIDGET_TARGET, WIDGET_FEDERATED));

    Violation v = onlyViolationOf(e, "metadata.name");
    assertThat(v.source()).contains("ftc.yaml, document 1 (line 1)");
    assertThat(v.object()).contains("FederatedTypeConfig widgets");
    assertThat(v.reason()).isEqualTo("name must be 'TARGET_PLURAL_NAME(.TARGET_GROUP_NAME)': expected"
        + " \"widgets.example.com\" for target Widget (got \"widgets\")");
    assertThat(e.violations()).hasSize(1);
  }

  @Test
  @DisplayName("the federated group must have a dot, as KubeFed's webhook says")
  void federatedGroupNeedsADot() {
    ValidationException e = readFails("ftc.yaml", widgetConfig("widgets.example.com", WIDGET_TARGET,
        "{group: kubefed, version: v1beta1, kind: FederatedWidget, scope: Namespaced}"));

    Violation v = onlyViolationOf(e, "spec.federatedType.group");
    assertThat(v.object()).contains("FederatedTypeConfig widgets.example.com");
    assertThat(v.reason()).isEqualTo("\"kubefed\" should be a domain with at least one dot");
    assertThat(e.violations()).hasSize(1);
  }

  @Test
  @DisplayName("target group and plural default from the name; the federated plural from the kind; the namespace,"
      + " propagation and status collection from KubeFed")
  void defaults() {
    KubeFedBundle bundle = KubeFedYaml.read("ftc.yaml", widgetConfig("widgets.example.com",
        "{version: v1, kind: Widget, scope: Namespaced}",
        "{group: types.kubefed.io, version: v1beta1, kind: FederatedWidget, scope: Namespaced}"),
        TypeRegistry.builtIn());

    FederatedTypeConfig config = bundle.typeConfigs().get(0);
    assertThat(config.target()).isEqualTo(WIDGETS);
    assertThat(config.federated().plural()).isEqualTo("federatedwidgets");
    assertThat(config.namespace()).isEqualTo("kube-federation-system");
    assertThat(config.propagationEnabled()).isTrue();
    assertThat(config.statusCollectionEnabled()).isFalse();
    assertThat(config).isEqualTo(FederatedTypeConfig.forTarget(WIDGETS));
  }

  @Test
  @DisplayName("a core target's name has no group: configmaps, with the group defaulting to the core group")
  void coreTargetDefaults() {
    KubeFedBundle bundle = KubeFedYaml.read("ftc.yaml", widgetConfig("configmaps",
        "{version: v1, kind: ConfigMap, scope: Namespaced}",
        "{group: types.kubefed.io, version: v1beta1, kind: FederatedConfigMap, scope: Namespaced}"),
        TypeRegistry.builtIn());

    assertThat(bundle.typeConfigs().get(0).target()).isEqualTo(ResourceType.namespaced("", "v1", "ConfigMap",
        "configmaps"));
  }

  @Test
  @DisplayName("malformed FederatedTypeConfigs are rejected field by field, and each problem is reported once")
  void malformedConfigs() {
    ValidationException e = readFails("ftc.yaml", """
        apiVersion: core.kubefed.io/v1beta1
        kind: FederatedTypeConfig
        metadata: {name: widgets.example.com}
        spec:
          targetType: {version: v1, kind: Widget, scope: namespaced, pluralname: widgets}
          federatedType: {group: types.kubefed.io, kind: FederatedWidget, scope: Namespaced}
          propagation: "On"
        ---
        apiVersion: core.kubefed.io/v1beta1
        kind: FederatedTypeConfig
        metadata: {name: gadgets.example.com}
        spec:
          statusCollection: true
        """);

    assertThat(e.violations()).extracting(v -> v.source().orElseThrow().substring(0, 20) + " "
        + v.field().orElse("")).containsExactlyInAnyOrder(
            "ftc.yaml, document 1 spec.targetType.pluralname",
            "ftc.yaml, document 1 spec.targetType.scope",
            "ftc.yaml, document 1 spec.federatedType.version",
            "ftc.yaml, document 1 spec.propagation",
            "ftc.yaml, document 2 spec.targetType",
            "ftc.yaml, document 2 spec.federatedType",
            "ftc.yaml, document 2 spec.statusCollection");
    assertThat(onlyViolationOf(e, "spec.targetType.pluralname").reason()).contains("did you mean pluralName?");
    assertThat(onlyViolationOf(e, "spec.targetType.scope").reason()).contains("\"namespaced\" is not valid: use"
        + " Namespaced or Cluster");
    assertThat(onlyViolationOf(e, "spec.propagation").reason()).isEqualTo("must be Enabled or Disabled (got \"On\")");
    assertThat(onlyViolationOf(e, "spec.targetType").reason()).isEqualTo("is required");
    assertThat(onlyViolationOf(e, "spec.statusCollection").reason()).isEqualTo("must be a string, not a boolean");
  }

  @Test
  @DisplayName("a FederatedTypeConfig's status (written by KubeFed) is accepted and not kept")
  void statusIsIgnored() {
    String yaml = widgetConfig("widgets.example.com", WIDGET_TARGET, WIDGET_FEDERATED)
        + "status: {observedGeneration: 2, propagationController: Running}\n";

    KubeFedBundle bundle = KubeFedYaml.read("ftc.yaml", yaml, TypeRegistry.builtIn());

    assertThat(KubeFedYaml.toTree(bundle.documents().get(0), bundle.registry()).has("status")).isFalse();
  }

  // --------------------------------------------------------------------------------- registration

  @Test
  @DisplayName("a FederatedTypeConfig registers its type for objects before and after it in the same source")
  void registersForTheWholeSource() {
    String yaml = WIDGET_OBJECT + "---\n" + widgetConfig("widgets.example.com", WIDGET_TARGET, WIDGET_FEDERATED)
        + "---\n" + WIDGET_OBJECT.replace("gear", "cog");

    KubeFedBundle bundle = KubeFedYaml.read("widgets.yaml", yaml, TypeRegistry.builtIn());

    assertThat(bundle.resources()).extracting(FederatedResource::name).containsExactly("gear", "cog");
    assertThat(bundle.resources()).allSatisfy(r -> assertThat(r.type()).isEqualTo(WIDGETS));
    assertThat(bundle.resources().get(0).template().at("/spec/teeth").asInt()).isEqualTo(12);
    assertThat(bundle.documents()).hasSize(3);
    assertThat(bundle.documents().get(1)).isInstanceOf(FederatedTypeConfig.class);
    assertThat(bundle.registry().forFederated("types.kubefed.io/v1beta1", "FederatedWidget")).isPresent();
    assertThat(TypeRegistry.builtIn().forFederated("types.kubefed.io/v1beta1", "FederatedWidget")).isEmpty();
  }

  @Test
  @DisplayName("a FederatedTypeConfig in one source registers its type for every source of the same read")
  void registersAcrossSources() {
    List<YamlSource> sources = List.of(new YamlSource("objects.yaml", WIDGET_OBJECT),
        new YamlSource("types.yaml", widgetConfig("widgets.example.com", WIDGET_TARGET, WIDGET_FEDERATED)));

    KubeFedBundle bundle = KubeFedYaml.read(sources, TypeRegistry.builtIn());

    assertThat(bundle.resources()).singleElement().satisfies(r -> assertThat(r.type()).isEqualTo(WIDGETS));
    assertThat(bundle.documents().get(0)).isInstanceOf(FederatedObject.class);
    assertThat(bundle.typeConfigs()).hasSize(1);
  }

  @Test
  @DisplayName("two FederatedTypeConfigs for one type in one input are refused, naming where the first is")
  void duplicateConfigIsRefused() {
    String config = widgetConfig("widgets.example.com", WIDGET_TARGET, WIDGET_FEDERATED);

    ValidationException e = readFails("types.yaml", config + "---\n" + config);

    assertThat(onlyViolationOf(e, "metadata.name").reason())
        .contains("a FederatedTypeConfig named widgets.example.com is already in the input (types.yaml, document 1");
  }

  @Test
  @DisplayName("a FederatedTypeConfig replacing a built-in keeps its short names, which FTCs cannot carry")
  void replacingKeepsShortNames() {
    String deployments = widgetConfig("deployments.apps",
        "{group: apps, version: v1, kind: Deployment, pluralName: deployments, scope: Namespaced}",
        "{group: types.kubefed.io, version: v1beta1, kind: FederatedDeployment, pluralName: federateddeployments,"
            + " scope: Namespaced}");

    KubeFedBundle bundle = KubeFedYaml.read("types.yaml", deployments, TypeRegistry.builtIn());

    assertThat(bundle.registry().lookup("deploy").name()).isEqualTo("deployments.apps");
  }

  @Test
  @DisplayName("separate reads do not share registrations")
  void separateReadsDoNotShare() {
    KubeFedYaml.read("types.yaml", widgetConfig("widgets.example.com", WIDGET_TARGET, WIDGET_FEDERATED),
        TypeRegistry.builtIn());

    ValidationException e = readFails("objects.yaml", WIDGET_OBJECT);

    assertThat(onlyViolationOf(e, "kind").reason()).contains("unknown federated kind FederatedWidget");
  }

  @Test
  @DisplayName("an invalid FederatedTypeConfig registers nothing: its problems and its objects' are reported")
  void invalidConfigRegistersNothing() {
    String yaml = widgetConfig("widgets", WIDGET_TARGET, WIDGET_FEDERATED) + "---\n" + WIDGET_OBJECT;

    ValidationException e = readFails("widgets.yaml", yaml);

    assertThat(e.violations()).extracting(v -> v.object().orElse("") + " " + v.field().orElse(""))
        .containsExactly("FederatedTypeConfig widgets metadata.name", "FederatedWidget ci/gear kind");
  }

  @Test
  @DisplayName("a FederatedTypeConfig for a built-in target replaces the built-in configuration")
  void replacesABuiltIn() {
    String yaml = """
        apiVersion: core.kubefed.io/v1beta1
        kind: FederatedTypeConfig
        metadata: {name: deployments.apps, namespace: federation}
        spec:
          targetType: {group: apps, version: v1beta2, kind: Deployment, pluralName: deployments, scope: Namespaced}
          federatedType: {group: types.kubefed.io, version: v1beta1, kind: FederatedDeployment,
            pluralName: federateddeployments, scope: Namespaced}
          propagation: Disabled
          statusCollection: Enabled
        ---
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedDeployment
        metadata: {name: nginx, namespace: web}
        spec: {template: {spec: {replicas: 1}}}
        """;

    KubeFedBundle bundle = KubeFedYaml.read("deployments.yaml", yaml, TypeRegistry.builtIn());

    FederatedTypeConfig config = bundle.typeConfigs().get(0);
    assertThat(bundle.registry().byName("deployments.apps")).contains(config);
    assertThat(bundle.registry().all()).hasSameSizeAs(TypeRegistry.builtIn().all());
    assertThat(bundle.registry().all().indexOf(config))
        .isEqualTo(TypeRegistry.builtIn().all().indexOf(TypeRegistry.builtIn().byName("deployments.apps")
            .orElseThrow()));
    assertThat(config.namespace()).isEqualTo("federation");
    assertThat(config.propagationEnabled()).isFalse();
    assertThat(config.statusCollectionEnabled()).isTrue();
    assertThat(bundle.resources().get(0).type().version()).isEqualTo("v1beta2");
    assertThat(TypeRegistry.builtIn().byName("deployments.apps").orElseThrow().target().version()).isEqualTo("v1");
  }

  @Test
  @DisplayName("a FederatedTypeConfig whose federated kind already federates another target is rejected")
  void conflictingFederatedKind() {
    ValidationException e = readFails("ftc.yaml", widgetConfig("deployments.example.com",
        "{group: example.com, version: v1, kind: Deployment, pluralName: deployments, scope: Namespaced}",
        "{group: types.kubefed.io, version: v1beta1, kind: FederatedDeployment, scope: Namespaced}"));

    Violation v = onlyViolationOf(e, "spec.federatedType.kind");
    assertThat(v.source()).contains("ftc.yaml, document 1 (line 1)");
    assertThat(v.object()).contains("FederatedTypeConfig deployments.example.com");
    assertThat(v.reason()).isEqualTo("FederatedDeployment already federates deployments.apps; it cannot also"
        + " federate deployments.example.com");
    assertThat(e.violations()).hasSize(1);
  }

  @Test
  @DisplayName("a FederatedTypeConfig reads back from what it writes")
  void roundTrip() {
    FederatedTypeConfig config = new FederatedTypeConfig("federation", TASK_RUNS,
        FederatedTypeConfig.forTarget(TASK_RUNS).federated(), false, true, Optional.of("TaskRunStatus"));

    String yaml = KubeFedYaml.write(List.of(config), TypeRegistry.builtIn());

    assertThat(KubeFedYaml.read("ftc.yaml", yaml, TypeRegistry.builtIn()).typeConfigs()).containsExactly(config);
  }
}
