package io.fleetfed.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.model.JsonArbitraries.RawOverride;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Whatever the input, constructing a model object either succeeds or throws a {@link ValidationException}
 * that names a field: never another exception, never a half-valid object.
 */
class ModelPropertiesTest {
  static final List<String> NAMES = List.of("dev2", "app", "web", "", "Dev2", "a@b", "kubernetes-admin@kubernetes",
      "a/b", "..", "x".repeat(64), "a.b", "a_b", "-a", "ä");

  @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
  void overridesAreValidOrRefusedWithAViolation(@ForAll("rawOverrides") RawOverride raw) {
    Optional<ClusterOverride> built = constructs(raw::toOverride);

    built.ifPresent(o -> {
      assertThat(o.path()).startsWith("/");
      assertThat(ClusterOverride.pathProblem(o.path())).isEmpty();
      assertThat(ClusterOverride.FORBIDDEN_PATHS).doesNotContain(o.path());
      assertThat(o.value().isPresent()).isEqualTo(o.op() != OverrideOp.REMOVE);
      o.value().ifPresent(v -> assertThat(v.isNull()).isFalse());
      assertThat(o.toString()).startsWith(o.op().wireName() + " " + o.path());
    });
  }

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void overrideListsAreValidOrRefused(@ForAll("overrideLists") List<RawOverride> raws,
      @ForAll("names") String cluster) {
    List<ClusterOverride> valid = new ArrayList<>();
    for (RawOverride raw : raws) {
      constructs(raw::toOverride).ifPresent(valid::add);
    }
    constructs(() -> new ClusterOverrides(cluster, valid)).ifPresent(entry -> {
      assertThat(ClusterNames.isValid(cluster)).isTrue();
      assertThat(entry.clusterOverrides().stream().map(ClusterOverride::path).distinct().count())
          .isEqualTo(entry.clusterOverrides().size());
    });
  }

  @Property(tries = 400, edgeCases = EdgeCasesMode.NONE)
  void federatedResourcesAreValidOrRefused(@ForAll("resourceInputs") ResourceInput input) {
    JsonNode inputCopy = input.template().deepCopy();

    Optional<FederatedResource> built = constructs(() -> {
      FederatedResource.Builder b = FederatedResource.builder(input.type()).name(input.name())
          .namespace(input.namespace()).template(input.template()).labels(input.labels());
      for (Map.Entry<String, List<RawOverride>> e : input.overrides()) {
        List<ClusterOverride> list = new ArrayList<>();
        for (RawOverride raw : e.getValue()) {
          list.add(raw.toOverride());
        }
        b.override(e.getKey(), list.toArray(new ClusterOverride[0]));
      }
      return b.build();
    });

    assertThat(input.template()).as("the input template is never changed").isEqualTo(inputCopy);
    built.ifPresent(r -> {
      assertThat(r.template()).isEqualTo(inputCopy);
      assertThat(r.toBuilder().build()).isEqualTo(r);
      if (r.type().isNamespace()) {
        assertThat(r.namespace()).isEqualTo(r.name());
      } else if (r.type().isNamespaced()) {
        assertThat(r.namespace()).isNotEmpty();
      } else {
        assertThat(r.namespace()).isEmpty();
      }
      JsonNode labels = r.template().path("metadata").path("labels");
      labels.properties().forEach(e -> assertThat(e.getValue().isTextual()).as(e.getKey()).isTrue());
    });
  }

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void clustersSelectorsAndTypesAreValidOrRefused(@ForAll("names") String name, @ForAll("names") String other,
      @ForAll("labelMaps") Map<String, String> labels, @ForAll("operators") String operator) {
    constructs(() -> new Cluster(name, labels, true))
        .ifPresent(c -> assertThat(ClusterNames.isValid(c.name())).isTrue());
    constructs(() -> ClusterNames.requireValid(name));
    constructs(() -> Placement.clusters(name, other));
    constructs(() -> LabelSelector.matchLabels(labels));
    constructs(() -> new SelectorRequirement(name, SelectorOperator.parse(operator), List.copyOf(labels.values())))
        .ifPresent(r -> r.matches(labels));
    constructs(() -> ResourceType.namespaced(other, name, operator, name));
    constructs(() -> Scope.parse(operator));
  }

  /** Runs {@code step}: its value, or empty when it threw a ValidationException whose violations are sound. */
  static <T> Optional<T> constructs(Supplier<T> step) {
    try {
      return Optional.of(step.get());
    } catch (ValidationException e) {
      assertThat(e.violations()).isNotEmpty();
      assertThat(e.violations()).allSatisfy(v -> assertThat(v.reason()).isNotBlank());
      assertThat(e.getMessage()).isNotBlank();
      return Optional.empty();
    }
  }

  record ResourceInput(ResourceType type, String name, String namespace, ObjectNode template,
      Map<String, String> labels, List<Map.Entry<String, List<RawOverride>>> overrides) {}

  @Provide
  Arbitrary<RawOverride> rawOverrides() {
    return JsonArbitraries.templates().flatMap(JsonArbitraries::overrides);
  }

  @Provide
  Arbitrary<List<RawOverride>> overrideLists() {
    return JsonArbitraries.templates().flatMap(t -> JsonArbitraries.overrides(t).list().ofMaxSize(6));
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.oneOf(Arbitraries.of(NAMES), Arbitraries.strings().ofMaxLength(10));
  }

  @Provide
  Arbitrary<String> operators() {
    return Arbitraries.oneOf(Arbitraries.of("In", "NotIn", "Exists", "DoesNotExist", "Namespaced", "Cluster",
        "Deployment"), Arbitraries.strings().ofMaxLength(6));
  }

  @Provide
  Arbitrary<Map<String, String>> labelMaps() {
    return Arbitraries.maps(Arbitraries.oneOf(Arbitraries.of(JsonArbitraries.LABEL_KEYS),
        Arbitraries.strings().ofMaxLength(5)), Arbitraries.oneOf(Arbitraries.of(JsonArbitraries.LABEL_VALUES),
        Arbitraries.strings().ofMaxLength(5))).ofMaxSize(3);
  }

  @Provide
  Arbitrary<ResourceInput> resourceInputs() {
    Arbitrary<ResourceType> types = Arbitraries.of(TestTypes.DEPLOYMENTS, TestTypes.CONFIG_MAPS,
        TestTypes.NAMESPACES, TestTypes.CLUSTER_ROLES, TestTypes.TASK_RUNS);
    Arbitrary<String> names = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of("app", "web")), Tuple.of(1, names()));
    Arbitrary<String> namespaces = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of("web", "")), Tuple.of(1, names()));
    Arbitrary<ObjectNode> templates = JsonArbitraries.templates();
    return templates.flatMap(template -> {
      Arbitrary<List<Map.Entry<String, List<RawOverride>>>> overrides = Combinators.combine(
          Arbitraries.of("dev1", "dev2", "dev2", "Dev3"), JsonArbitraries.overrides(template).list().ofMaxSize(3))
          .as(Map::entry).list().ofMaxSize(3);
      return Combinators.combine(types, names, namespaces, labelMaps(), overrides)
          .as((type, name, namespace, labels, o) -> new ResourceInput(type, name, namespace, template, labels, o));
    });
  }
}
