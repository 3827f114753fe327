package io.fleetfed.core.render;

import static io.fleetfed.core.model.TestTypes.DEPLOYMENTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.fge.jackson.jsonpointer.JsonPointer;
import com.github.fge.jsonpatch.AddOperation;
import com.github.fge.jsonpatch.JsonPatchException;
import com.github.fge.jsonpatch.JsonPatchOperation;
import com.github.fge.jsonpatch.RemoveOperation;
import com.github.fge.jsonpatch.ReplaceOperation;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.ClusterOverride;
import io.fleetfed.core.model.ClusterOverrides;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.JsonArbitraries;
import io.fleetfed.core.model.JsonArbitraries.RawOverride;
import io.fleetfed.core.model.LabelSelector;
import io.fleetfed.core.model.OverrideOp;
import io.fleetfed.core.model.Placement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Random templates and random overrides: rendering never changes its input, fails only with an
 * {@link OverrideException}, always marks objects managed, and applies each override exactly as json-patch does
 * on the whole document (with KubeFed's replace-adds-a-missing-member).
 */
class RenderPropertiesTest {
  static final List<String> CLUSTER_NAMES = List.of("dev1", "dev2", "dev3", "dev4");
  /** dev3 is not Ready; dev4 is not registered. */
  static final List<Cluster> FLEET = List.of(Cluster.ready("dev1"),
      Cluster.ready("dev2").withLabels(Map.of("pipelines", "true")),
      new Cluster("dev3", Map.of("pipelines", "true"), false));

  record Case(ObjectNode template, Placement placement, List<List<RawOverride>> overrides) {
    @Override
    public String toString() {
      return "template " + template + ", placement " + placement + ", overrides " + overrides;
    }
  }

  @Property(tries = 300)
  void renderingFailsOnlyWithOverrideExceptionsAndNeverChangesItsInput(@ForAll("cases") Case c) {
    // The generators must exercise both outcomes, or the property proves little.
    Statistics.coverage(checker -> {
      checker.check("rendered with overrides").percentage(p -> p >= 10);
      checker.check("override refused").percentage(p -> p >= 10);
      checker.check("invalid template").percentage(p -> p <= 55);
    });
    ObjectNode input = c.template();
    ObjectNode inputCopy = input.deepCopy();
    Optional<FederatedResource> built = build(c);
    assertThat(input).as("the builder does not change its input").isEqualTo(inputCopy);
    if (built.isEmpty()) {
      Statistics.collect("invalid template");
      return;
    }
    FederatedResource resource = built.get();
    ObjectNode templateBefore = resource.template();

    ResourceRendering rendering = null;
    try {
      rendering = Renderer.render(resource, FLEET);
      Statistics.collect(resource.overrides().stream().allMatch(o -> o.clusterOverrides().isEmpty())
          ? "rendered without overrides" : "rendered with overrides");
    } catch (OverrideException e) {
      Statistics.collect("override refused");
      assertThat(CLUSTER_NAMES).contains(e.cluster());
      assertThat(e.index()).isBetween(0, resource.overridesFor(e.cluster()).size() - 1);
      assertThat(e.path()).isEqualTo(resource.overridesFor(e.cluster()).get(e.index()).path());
      assertThat(e.getMessage()).contains("cluster \"" + e.cluster() + "\"").contains(e.path())
          .contains("override " + e.index());
    } catch (RuntimeException e) {
      fail("rendering threw " + e + " instead of an OverrideException", e);
    }

    assertThat(resource.template()).as("rendering does not change the template").isEqualTo(templateBefore);
    assertThat(resource.template()).isEqualTo(inputCopy);
    assertThat(input).isEqualTo(inputCopy);
    if (rendering == null) {
      return;
    }
    Set<String> selected = Placements.select(resource.placement(), FLEET);
    assertThat(rendering.clusters().keySet()).isEqualTo(selected);
    for (ClusterRendering cluster : rendering.clusters().values()) {
      assertThat(cluster.isRendered()).isEqualTo(!cluster.cluster().equals("dev3"));
      cluster.object().ifPresent(o -> assertManaged(o, resource));
    }
  }

  @Property(tries = 200)
  void theManagedLabelAlwaysEndsUpTrue(@ForAll("labelCases") Case c) {
    Optional<FederatedResource> built = build(c);
    if (built.isEmpty()) {
      return;
    }
    for (String cluster : CLUSTER_NAMES) {
      try {
        assertManaged(Renderer.renderFor(built.get(), cluster), built.get());
      } catch (OverrideException expected) {
        assertThat(expected.cluster()).isEqualTo(cluster);
      }
    }
  }

  @Property(tries = 400)
  void eachOverrideActsAsJsonPatchOnTheWholeDocument(@ForAll("documentsAndOverrides")
      Tuple2<ObjectNode, RawOverride> input) {
    ClusterOverride override;
    FederatedResource plain;
    try {
      override = input.get2().toOverride();
      plain = FederatedResource.builder(DEPLOYMENTS).namespace("web").name("app").template(input.get1()).build();
    } catch (ValidationException e) {
      Statistics.collect("invalid input");
      return;
    }
    Statistics.collect(override.op().wireName());
    Statistics.label("outcome").coverage(checker -> {
      checker.check("applied").percentage(p -> p >= 20);
      checker.check("json-patch error").percentage(p -> p >= 10);
    });
    FederatedResource overridden = plain.toBuilder().override("dev2", override).build();
    ObjectNode skeleton = skeleton(plain);
    JsonNode expected;
    String expectedError;
    try {
      expected = reference(skeleton, override);
      expectedError = null;
    } catch (JsonPatchException e) {
      expected = null;
      expectedError = e.getMessage();
    }

    ObjectNode actual;
    try {
      actual = Renderer.renderFor(overridden, "dev2");
    } catch (OverrideException e) {
      Statistics.label("outcome").collect(expectedError != null ? "json-patch error" : "result refused");
      if (expectedError != null) {
        assertThat(e.reason()).as(override + " on " + skeleton).isEqualTo(expectedError);
      } else {
        assertThat(e.reason()).as("json-patch applies " + override + " on " + skeleton
            + "; only a check of the result may refuse it").startsWith("leaves");
        assertThat(breaksMetadataRules(expected)).as(e.reason() + ", but the result " + expected + " is fine")
            .isTrue();
      }
      return;
    }
    Statistics.label("outcome").collect("applied");
    assertThat(expectedError).as(override + " on " + skeleton + " succeeded, but json-patch fails").isNull();
    assertThat(breaksMetadataRules(actual)).as(override + " on " + skeleton + " left " + actual).isFalse();
    ObjectNode managed = ((ObjectNode) expected).deepCopy();
    ObjectNode metadata = (ObjectNode) managed.get("metadata");
    metadata.withObjectProperty("labels").put(ManagedMetadata.MANAGED_LABEL, "true");
    metadata.withObjectProperty("annotations")
        .put(ManagedMetadata.SOURCE_ANNOTATION, "FederatedDeployment/web/app")
        .put(ManagedMetadata.HASH_ANNOTATION, actual.at("/metadata/annotations/fleetfed.io~1hash").asText());
    assertThat(actual).as(override + " on " + skeleton).isEqualTo(managed);
  }

  /** Whether {@code doc} has no apiVersion string, or labels or annotations the model would refuse. */
  static boolean breaksMetadataRules(JsonNode doc) {
    if (!doc.path("apiVersion").isTextual() || DEPLOYMENTS.apiVersionProblem(doc.path("apiVersion").asText()).isPresent()) {
      return true;
    }
    ObjectNode maps = JsonNodeFactory.instance.objectNode();
    for (String map : List.of("labels", "annotations")) {
      JsonNode value = doc.path("metadata").get(map);
      if (value != null) {
        maps.set(map, value);
      }
    }
    ObjectNode template = JsonNodeFactory.instance.objectNode();
    template.set("metadata", maps);
    try {
      FederatedResource.builder(DEPLOYMENTS).namespace("web").name("app").template(template).build();
      return false;
    } catch (ValidationException e) {
      return true;
    }
  }

  /** What overrides apply to: the rendered object before the managed label and annotations are added. */
  static ObjectNode skeleton(FederatedResource plain) {
    ObjectNode skeleton = Renderer.renderFor(plain, "dev1");
    ObjectNode metadata = (ObjectNode) skeleton.get("metadata");
    for (String map : List.of("labels", "annotations")) {
      JsonNode own = plain.template().path("metadata").path(map);
      if (own.isObject()) {
        metadata.set(map, own);
      } else {
        metadata.remove(map);
      }
    }
    return skeleton;
  }

  @Property(tries = 150)
  void theHashAndObjectDoNotDependOnMemberOrder(@ForAll("cases") Case c, @ForAll long seed) {
    Optional<FederatedResource> built = build(c);
    if (built.isEmpty()) {
      return;
    }
    FederatedResource resource = built.get();
    FederatedResource shuffled = resource.toBuilder().template(shuffle(resource.template(), new Random(seed)))
        .build();
    Map<String, ObjectNode> byHash = new HashMap<>();
    for (String cluster : CLUSTER_NAMES) {
      ObjectNode a;
      try {
        a = Renderer.renderFor(resource, cluster);
      } catch (OverrideException e) {
        continue;
      }
      ObjectNode b = Renderer.renderFor(shuffled, cluster);
      assertThat(b).isEqualTo(a);
      assertThat(b.at("/metadata/annotations/fleetfed.io~1hash").asText())
          .isEqualTo(a.at("/metadata/annotations/fleetfed.io~1hash").asText());
      assertThat(Renderer.renderFor(resource, cluster)).as("rendering is deterministic").isEqualTo(a);
      ObjectNode same = byHash.putIfAbsent(a.at("/metadata/annotations/fleetfed.io~1hash").asText(), a);
      if (same != null) {
        assertThat(a).as("equal hashes mean equal objects").isEqualTo(same);
      }
    }
  }

  static void assertManaged(ObjectNode o, FederatedResource resource) {
    assertThat(o.at("/metadata/labels/fleetfed.io~1managed").asText()).isEqualTo("true");
    assertThat(o.at("/metadata/labels/fleetfed.io~1managed").isTextual()).isTrue();
    assertThat(o.at("/metadata/annotations/fleetfed.io~1source").asText()).isEqualTo("FederatedDeployment/web/app");
    assertThat(o.at("/metadata/annotations/fleetfed.io~1hash").asText()).matches("[0-9a-f]{64}");
    assertThat(o.at("/kind").asText()).isEqualTo("Deployment");
    assertThat(o.at("/metadata/name").asText()).isEqualTo(resource.name());
    assertThat(o.at("/metadata/namespace").asText()).isEqualTo(resource.namespace());
    assertThat(o.get("apiVersion").isTextual()).isTrue();
    for (String map : List.of("labels", "annotations")) {
      JsonNode values = o.get("metadata").get(map);
      assertThat(values.isObject()).as(map).isTrue();
      values.properties().forEach(e -> assertThat(e.getValue().isTextual()).as(map + " " + e.getKey()).isTrue());
    }
    assertThat(breaksMetadataRules(o)).as("valid labels and annotations in " + o).isFalse();
  }

  /** The resource of a case, keeping only the overrides the model accepts (the first of each path). */
  static Optional<FederatedResource> build(Case c) {
    List<ClusterOverrides> entries = new ArrayList<>();
    for (int i = 0; i < c.overrides().size(); i++) {
      List<ClusterOverride> valid = new ArrayList<>();
      Set<String> paths = new HashSet<>();
      for (RawOverride raw : c.overrides().get(i)) {
        try {
          ClusterOverride o = raw.toOverride();
          if (paths.add(o.path())) {
            valid.add(o);
          }
        } catch (ValidationException e) {
          // refused by the model: ModelPropertiesTest covers that
        }
      }
      entries.add(new ClusterOverrides(CLUSTER_NAMES.get(i), valid));
    }
    try {
      return Optional.of(FederatedResource.builder(DEPLOYMENTS).namespace("web").name("app").template(c.template())
          .placement(c.placement()).overrides(entries).build());
    } catch (ValidationException e) {
      return Optional.empty();
    }
  }

  /** json-patch applied to the whole document, except that replace of a missing object member adds it. */
  static JsonNode reference(ObjectNode doc, ClusterOverride override) throws JsonPatchException {
    JsonPointer pointer;
    try {
      pointer = new JsonPointer(override.path());
    } catch (com.github.fge.jackson.jsonpointer.JsonPointerException e) {
      throw new AssertionError("the model let through a bad pointer " + override.path(), e);
    }
    String last = override.path().substring(override.path().lastIndexOf('/') + 1)
        .replace("~1", "/").replace("~0", "~");
    JsonNode parent = pointer.parent().path(doc);
    OverrideOp op = override.op();
    if (op == OverrideOp.REPLACE && parent.isObject() && !parent.has(last)) {
      op = OverrideOp.ADD;
    }
    JsonNode value = override.value().orElse(null);
    JsonPatchOperation operation;
    switch (op) {
      case ADD:
        operation = new AddOperation(pointer, value);
        break;
      case REPLACE:
        operation = new ReplaceOperation(pointer, value);
        break;
      default:
        operation = new RemoveOperation(pointer);
    }
    return operation.apply(doc);
  }

  static JsonNode shuffle(JsonNode node, Random random) {
    if (node.isObject()) {
      List<Map.Entry<String, JsonNode>> members = new ArrayList<>();
      node.properties().forEach(members::add);
      Collections.shuffle(members, random);
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      members.forEach(e -> copy.set(e.getKey(), shuffle(e.getValue(), random)));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(e -> copy.add(shuffle(e, random)));
      return copy;
    }
    return node;
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<Placement> placements = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(Placement.allClusters())),
        Tuple.of(2, Arbitraries.just(Placement.clusters("dev2", "dev3", "dev4"))),
        Tuple.of(1, Arbitraries.just(Placement.selector(
            LabelSelector.matchLabels(Map.of("pipelines", "true"))))),
        Tuple.of(1, Arbitraries.just(Placement.none())));
    return JsonArbitraries.templates(1).flatMap(template -> {
      Arbitrary<List<RawOverride>> list = JsonArbitraries.overrides(template, 1).list().ofMaxSize(3);
      return Combinators.combine(placements, list.list().ofSize(CLUSTER_NAMES.size()))
          .as((placement, overrides) -> new Case(template, placement, overrides));
    });
  }

  /** Cases whose overrides all aim at labels, the managed label above all. */
  @Provide
  Arbitrary<Case> labelCases() {
    Arbitrary<String> paths = Arbitraries.of("/metadata/labels/fleetfed.io~1managed", "/metadata/labels",
        "/metadata/labels/app", "/metadata/labels/fleetfed.io~1managed/x", "/metadata/labels/tier");
    Arbitrary<JsonNode> values = Arbitraries.oneOf(
        Arbitraries.of("false", "true", "", "x").map(v -> (JsonNode) JsonNodeFactory.instance.textNode(v)),
        Arbitraries.just(JsonNodeFactory.instance.objectNode().put("fleetfed.io/managed", "false")),
        Arbitraries.just(JsonNodeFactory.instance.objectNode()),
        JsonArbitraries.values(1));
    Arbitrary<RawOverride> override = Combinators.combine(Arbitraries.of("add", "replace", "remove", ""), paths,
        values).as((op, path, value) -> new RawOverride(op, path, op.equals("remove") ? null : value));
    return JsonArbitraries.templates(1).flatMap(template -> override.list().ofMaxSize(4).list()
        .ofSize(CLUSTER_NAMES.size()).map(o -> new Case(template, Placement.allClusters(), o)));
  }

  /** A template and an override often aimed inside it. */
  @Provide
  Arbitrary<Tuple2<ObjectNode, RawOverride>> documentsAndOverrides() {
    return JsonArbitraries.templates(1).flatMap(doc -> JsonArbitraries.overrides(doc, 1).map(o -> Tuple.of(doc, o)));
  }
}
