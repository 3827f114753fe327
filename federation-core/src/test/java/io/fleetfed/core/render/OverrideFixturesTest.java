package io.fleetfed.core.render;

import static io.fleetfed.core.model.TestTypes.DEPLOYMENTS;
import static io.fleetfed.core.model.TestTypes.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.ClusterOverride;
import io.fleetfed.core.model.ClusterOverrides;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.OverrideOp;
import io.fleetfed.core.model.Placement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven override cases: {@code overrides/ops.json} (each case renders, and the result is compared) and
 * {@code overrides/errors.json} (each case is refused, by the model or by the renderer).
 *
 * <p>Every case renders a Deployment {@code web/app} placed on {@code dev1} and {@code dev2}; the case's
 * overrides are {@code dev2}'s, and {@code dev1} has none.
 */
class OverrideFixturesTest {
  static final String CLUSTER = "dev2";
  static final List<Cluster> CLUSTERS = List.of(Cluster.ready("dev1"), Cluster.ready(CLUSTER));

  static Stream<Arguments> ops() {
    return load("/overrides/ops.json");
  }

  static Stream<Arguments> errors() {
    return load("/overrides/errors.json");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ops")
  void overridesApply(JsonNode testCase) {
    ObjectNode input = (ObjectNode) testCase.get("template");
    ObjectNode inputCopy = input.deepCopy();
    FederatedResource resource = resource(input, overrides(testCase.get("overrides")));
    ObjectNode templateBefore = resource.template();

    ResourceRendering rendering = Renderer.render(resource, CLUSTERS);

    ObjectNode rendered = rendering.cluster(CLUSTER).orElseThrow().object().orElseThrow();
    if (testCase.has("expectSpec")) {
      assertThat(rendered.get("spec")).as("spec").isEqualTo(testCase.get("expectSpec"));
    }
    if (testCase.has("expectObject")) {
      assertThat(withoutManagedMetadata(rendered)).as("rendered object").isEqualTo(testCase.get("expectObject"));
    }
    if (testCase.has("expectPointers")) {
      for (Map.Entry<String, JsonNode> e : testCase.get("expectPointers").properties()) {
        assertThat(rendered.at(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
      }
    }
    assertThat(testCase.has("expectSpec") || testCase.has("expectObject") || testCase.has("expectPointers"))
        .as("the case states what to expect").isTrue();

    // Identity and managed metadata hold whatever the overrides did.
    assertThat(rendered.at("/kind").asText()).isEqualTo("Deployment");
    assertThat(rendered.at("/metadata/name").asText()).isEqualTo("app");
    assertThat(rendered.at("/metadata/namespace").asText()).isEqualTo("web");
    assertThat(rendered.at("/metadata/labels/fleetfed.io~1managed").asText()).isEqualTo("true");
    assertThat(rendered.at("/metadata/annotations/fleetfed.io~1source").asText())
        .isEqualTo("FederatedDeployment/web/app");
    assertThat(rendered.at("/metadata/annotations/fleetfed.io~1hash").asText()).matches("[0-9a-f]{64}");

    // dev1 has no overrides: it gets the template, whatever dev2's overrides did.
    ObjectNode onDev1 = withoutManagedMetadata(rendering.cluster("dev1").orElseThrow().object().orElseThrow());
    ObjectNode plain = withoutManagedMetadata(Renderer.renderFor(resource.toBuilder().overrides(List.of()).build(),
        "dev1"));
    assertThat(onDev1).isEqualTo(plain);

    // Nothing the caller gave, nor the resource's template, was changed.
    assertThat(input).isEqualTo(inputCopy);
    assertThat(resource.template()).isEqualTo(templateBefore);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void overridesAreRefused(JsonNode testCase) {
    JsonNode error = testCase.get("error");
    ObjectNode input = (ObjectNode) testCase.get("template");
    ObjectNode inputCopy = input.deepCopy();
    JsonNode overrides = testCase.get("overrides");
    List<String> contains = new ArrayList<>();
    error.get("contains").forEach(c -> contains.add(c.asText()));

    if (error.get("stage").asText().equals("model")) {
      Throwable thrown = catchThrowable(() -> resource(input, overrides(overrides)));
      assertThat(thrown).isInstanceOf(ValidationException.class).isNotInstanceOf(OverrideException.class);
      ValidationException e = (ValidationException) thrown;
      assertThat(e.violations()).hasSize(1);
      Violation v = e.violations().get(0);
      assertThat(v.field()).contains(error.get("field").asText());
      assertThat(v.reason()).contains(contains);
      assertThat(e.getMessage()).contains(contains);
      return;
    }

    int index = error.get("index").asInt();
    String path = overrides.get(index).get("path").asText();
    FederatedResource resource = resource(input, overrides(overrides));
    Throwable thrown = catchThrowable(() -> Renderer.render(resource, CLUSTERS));

    assertThat(thrown).isInstanceOf(OverrideException.class);
    OverrideException e = (OverrideException) thrown;
    assertThat(e.cluster()).isEqualTo(CLUSTER);
    assertThat(e.index()).isEqualTo(index);
    assertThat(e.path()).isEqualTo(path);
    assertThat(e.getMessage())
        .contains("cluster \"" + CLUSTER + "\"")
        .contains("override " + index + " (")
        .contains(path)
        .contains("FederatedDeployment web/app")
        .contains(contains);
    assertThat(e.violations()).singleElement().satisfies(v -> {
      assertThat(v.field()).contains("spec.overrides[0].clusterOverrides[" + index + "]");
      assertThat(v.object()).contains("FederatedDeployment web/app");
    });
    // renderFor fails the same way; the caller's input is untouched.
    assertThat(catchThrowable(() -> Renderer.renderFor(resource, CLUSTER)))
        .isInstanceOf(OverrideException.class).hasMessage(e.getMessage());
    assertThat(input).isEqualTo(inputCopy);
  }

  static FederatedResource resource(ObjectNode template, List<ClusterOverride> overrides) {
    return FederatedResource.builder(DEPLOYMENTS).namespace("web").name("app").template(template)
        .placement(Placement.clusters("dev1", CLUSTER))
        .overrides(List.of(new ClusterOverrides(CLUSTER, overrides)))
        .build();
  }

  /** Reads {@code [{op?, path, value?}]} the way the YAML codec does: absent op is "", absent value is empty. */
  static List<ClusterOverride> overrides(JsonNode list) {
    List<ClusterOverride> result = new ArrayList<>();
    for (JsonNode entry : list) {
      OverrideOp op = OverrideOp.parse(entry.has("op") ? entry.get("op").asText() : "");
      Optional<JsonNode> value = entry.has("value") ? Optional.of(entry.get("value")) : Optional.empty();
      result.add(new ClusterOverride(op, entry.get("path").asText(), value));
    }
    return result;
  }

  /** {@code object} without the fleetfed.io/ labels and annotations (and without maps left empty). */
  static ObjectNode withoutManagedMetadata(ObjectNode object) {
    ObjectNode copy = object.deepCopy();
    ObjectNode metadata = (ObjectNode) copy.get("metadata");
    for (String map : List.of("labels", "annotations")) {
      JsonNode values = metadata.get(map);
      if (values instanceof ObjectNode) {
        Iterator<String> names = values.fieldNames();
        while (names.hasNext()) {
          if (names.next().startsWith("fleetfed.io/")) {
            names.remove();
          }
        }
        if (values.isEmpty()) {
          metadata.remove(map);
        }
      }
    }
    return copy;
  }

  private static Stream<Arguments> load(String resource) {
    JsonNode cases;
    try (InputStream in = OverrideFixturesTest.class.getResourceAsStream(resource)) {
      cases = MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(cases.isArray() && cases.size() > 0).as(resource + " holds cases").isTrue();
    return StreamSupport.stream(cases.spliterator(), false)
        .map(c -> Arguments.of(Named.of(c.get("name").asText(), c)));
  }
}
