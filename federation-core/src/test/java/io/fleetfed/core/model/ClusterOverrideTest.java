package io.fleetfed.core.model;

import static io.fleetfed.core.model.TestTypes.json;
import static io.fleetfed.core.model.TestTypes.reason;
import static io.fleetfed.core.model.TestTypes.rejected;
import static io.fleetfed.core.model.TestTypes.violation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.ValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules of {@link ClusterOverride}, {@link ClusterOverrides} and {@link OverrideOp}. */
class ClusterOverrideTest {

  @Nested
  class Paths {
    @Test
    void pathMustStartWithSlashAndTheMessageSuggestsTheFix() {
      String reason = reason("path", () -> ClusterOverride.replace("spec/replicas", 3));

      assertThat(reason).contains("must start with '/'").contains("got 'spec/replicas'")
          .contains("did you mean '/spec/replicas'?");
    }

    @Test
    void emptyPathIsRejected() {
      assertThat(reason("path", () -> ClusterOverride.replace("", json("{}")))).contains("must not be empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a~2b", "/a~", "/~", "/spec/~x/y", "/a~~0", "/a~/b"})
    void tildeMustBeFollowedByZeroOrOne(String path) {
      String reason = reason("path", () -> ClusterOverride.add(path, 1));

      assertThat(reason).contains("'" + path + "'").contains("not a JSON Pointer")
          .contains("'~' must be followed by 0 or 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a~0b", "/a~1b", "/~0~1", "/metadata/labels/app.kubernetes.io~1name", "/~01", "/"})
    void validEscapesAreAccepted(String path) {
      assertThat(ClusterOverride.add(path, 1).path()).isEqualTo(path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/metadata/name", "/metadata/namespace", "/metadata/generateName", "/kind", "/metadata"})
    void identityPathsAreForbiddenForEveryOp(String path) {
      for (OverrideOp op : OverrideOp.values()) {
        Optional<JsonNode> value = op == OverrideOp.REMOVE ? Optional.empty() : Optional.of(json("'x'"));
        String reason = reason("path", () -> new ClusterOverride(op, path, value));
        assertThat(reason).as(op + " " + path).contains("'" + path + "'").contains("may not be overridden")
            .contains("identity");
      }
      assertThat(ClusterOverride.FORBIDDEN_PATHS).contains(path);
    }

    @Test
    void overridingMetadataAsAWholePointsToLabelsAndAnnotations() {
      assertThat(reason("path", () -> ClusterOverride.replace("/metadata", Map.of("labels", Map.of()))))
          .contains("/metadata/labels").contains("/metadata/annotations");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/apiVersion", "/metadata/labels", "/metadata/annotations", "/Kind", "/kind/x",
        "/spec/metadata/name", "/metadata/labels/name", "/metadata/annotations/a~1b"})
    void pathsNearTheForbiddenOnesAreAllowed(String path) {
      assertThat(ClusterOverride.replace(path, "v").path()).isEqualTo(path);
      assertThat(ClusterOverride.pathProblem(path)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/metadata/finalizers", "/metadata/ownerReferences/0", "/metadata/uid",
        "/metadata/name/x", "/metadata/names", "/metadata/labelsx"})
    void underMetadataOnlyLabelsAndAnnotationsMayBeOverridden(String path) {
      assertThat(reason("path", () -> ClusterOverride.replace(path, "v")))
          .contains("'" + path + "' may not be overridden").contains("only labels and annotations");
    }
  }

  @Nested
  class Values {
    @ParameterizedTest
    @EnumSource(value = OverrideOp.class, names = {"ADD", "REPLACE"})
    void valueIsRequiredForAddAndReplace(OverrideOp op) {
      String reason = reason("value", () -> new ClusterOverride(op, "/spec/x", Optional.empty()));

      assertThat(reason).contains("is required for op " + op.wireName()).contains("use op remove");
    }

    @ParameterizedTest
    @EnumSource(value = OverrideOp.class, names = {"ADD", "REPLACE"})
    void jsonNullIsNotAValue(OverrideOp op) {
      assertThat(reason("value", () -> new ClusterOverride(op, "/spec/x", Optional.of(NullNode.getInstance()))))
          .contains("is required for op " + op.wireName());
      assertThat(reason("value", () -> new ClusterOverride(op, "/spec/x", Optional.of(MissingNode.getInstance()))))
          .contains("is required for op " + op.wireName());
    }

    @Test
    void javaNullThroughTheFactoriesIsJsonNull() {
      assertThat(reason("value", () -> ClusterOverride.add("/spec/x", null))).contains("is required for op add");
      assertThat(reason("value", () -> ClusterOverride.replace("/spec/x", null)))
          .contains("is required for op replace");
    }

    @Test
    void valueMustBeAbsentForRemove() {
      String reason = reason("value", () -> new ClusterOverride(OverrideOp.REMOVE, "/spec/x", Optional.of(json("1"))));

      assertThat(reason).contains("must be absent for op remove");
    }

    @Test
    void aValueJacksonCannotConvertIsAValidationError() {
      assertThat(reason("value", () -> ClusterOverride.add("/spec/x", new Object())))
          .contains("cannot be converted to JSON");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
      ValidationException e = rejected(() -> new ClusterOverride(OverrideOp.ADD, "spec/x", Optional.empty()));

      assertThat(e.violations()).hasSize(2);
      assertThat(violation(e, "path").reason()).contains("must start with '/'");
      assertThat(violation(e, "value").reason()).contains("is required");
    }

    @Test
    void falsyValuesAreValues() {
      for (String value : List.of("0", "false", "''", "{}", "[]")) {
        assertThat(ClusterOverride.replace("/spec/x", json(value)).value()).contains(json(value));
      }
    }

    @Test
    void factoriesConvertJavaValues() {
      assertThat(ClusterOverride.replace("/spec/replicas", 3).value()).contains(json("3"));
      assertThat(ClusterOverride.add("/spec/m", Map.of("a", List.of(1, "b"))).value())
          .contains(json("{'a': [1, 'b']}"));
      ClusterOverride remove = ClusterOverride.remove("/spec/x");
      assertThat(remove.op()).isEqualTo(OverrideOp.REMOVE);
      assertThat(remove.value()).isEmpty();
    }

    @Test
    void valueIsCopiedInAndOut() {
      ObjectNode given = JsonNodeFactory.instance.objectNode().put("a", 1);
      ClusterOverride override = ClusterOverride.add("/spec/x", given);
      given.put("a", 2);
      ((ObjectNode) override.value().orElseThrow()).put("b", 3);

      assertThat(override.value()).contains(json("{'a': 1}"));

      ObjectNode direct = JsonNodeFactory.instance.objectNode().put("a", 1);
      ClusterOverride viaConstructor = new ClusterOverride(OverrideOp.ADD, "/spec/x", Optional.of(direct));
      direct.put("a", 2);
      assertThat(viaConstructor.value()).contains(json("{'a': 1}"));
      assertThat(viaConstructor).isEqualTo(override);
    }

    @Test
    void toStringIsOneLine() {
      assertThat(ClusterOverride.replace("/spec/replicas", 3)).hasToString("replace /spec/replicas (a number)");
      assertThat(ClusterOverride.add("/stringData/password", "hunter2"))
          .hasToString("add /stringData/password (a string)").asString().doesNotContain("hunter2");
      assertThat(ClusterOverride.add("/spec/m", Map.of("a", "b"))).hasToString("add /spec/m (an object)");
      assertThat(ClusterOverride.remove("/spec/x")).hasToString("remove /spec/x");
    }
  }

  @Nested
  class Ops {
    @Test
    void emptyOpIsReplace() {
      assertThat(OverrideOp.parse("")).isEqualTo(OverrideOp.REPLACE);
    }

    @ParameterizedTest
    @EnumSource(OverrideOp.class)
    void wireNamesRoundTrip(OverrideOp op) {
      assertThat(OverrideOp.parse(op.wireName())).isEqualTo(op);
    }

    @ParameterizedTest
    @ValueSource(strings = {"move", "copy", "test", "Add", "REPLACE", " add", "delete", "-"})
    void otherOpsAreRejected(String op) {
      String reason = reason("op", () -> OverrideOp.parse(op));

      assertThat(reason).contains("\"" + op + "\"").contains("not a supported override operation")
          .contains("add, replace or remove");
    }
  }

  @Nested
  class PerCluster {
    @Test
    void samePathTwiceIsRejectedNamingBothIndexesAndTheCluster() {
      ValidationException e = rejected(() -> ClusterOverrides.of("dev2",
          ClusterOverride.replace("/spec/replicas", 2),
          ClusterOverride.add("/spec/paused", true),
          ClusterOverride.remove("/spec/replicas")));

      String reason = violation(e, "clusterOverrides[2].path").reason();
      assertThat(reason).contains("\"/spec/replicas\"").contains("more than once").contains("\"dev2\"")
          .contains("first at clusterOverrides[0]");
      assertThat(e.violations()).hasSize(1);
    }

    @Test
    void everyRepeatIsReported() {
      ValidationException e = rejected(() -> ClusterOverrides.of("dev2",
          ClusterOverride.replace("/a", 1), ClusterOverride.replace("/a", 2), ClusterOverride.replace("/a", 3)));

      assertThat(violation(e, "clusterOverrides[1].path").reason()).contains("first at clusterOverrides[0]");
      assertThat(violation(e, "clusterOverrides[2].path").reason()).contains("first at clusterOverrides[0]");
    }

    @Test
    void pathsThatDifferOnlyByEscapingAreDifferentPaths() {
      ClusterOverrides overrides = ClusterOverrides.of("dev2",
          ClusterOverride.add("/spec/a~1b", 1), ClusterOverride.add("/spec/a/b", 1), ClusterOverride.add("/spec/a~0b", 1));

      assertThat(overrides.clusterOverrides()).hasSize(3);
    }

    @Test
    void clusterNameMustBeValid() {
      assertThat(reason("clusterName", () -> ClusterOverrides.of("kubernetes-admin@kubernetes")))
          .contains("kubernetes-admin@kubernetes").contains("kubernetes-admin-kubernetes");
    }

    @Test
    void listIsCopiedAndImmutable() {
      List<ClusterOverride> given = new ArrayList<>(List.of(ClusterOverride.replace("/a", 1)));
      ClusterOverrides overrides = new ClusterOverrides("dev2", given);
      given.add(ClusterOverride.replace("/b", 1));

      assertThat(overrides.clusterOverrides()).hasSize(1);
      assertThatThrownBy(
          () -> overrides.clusterOverrides().add(ClusterOverride.replace("/c", 1)))
          .isInstanceOf(UnsupportedOperationException.class);
    }
  }
}
