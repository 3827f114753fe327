package io.fleetfed.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts of the simulated PipelineRun: CEL comparisons, matrix fan-out, step result literals. */
class SimHelpersTest {

  // ---- CEL ----

  @Test
  void celComparesLiteralsAndCombinesThem() {
    assertThat(SimCel.evaluate("'main' == 'main'", "w")).isTrue();
    assertThat(SimCel.evaluate("'main' != 'main'", "w")).isFalse();
    assertThat(SimCel.evaluate("\"a\" == 'a' && 'b' != 'c'", "w")).isTrue();
    assertThat(SimCel.evaluate("'a' == 'b' || 'c' == 'c'", "w")).isTrue();
    assertThat(SimCel.evaluate("'a' == 'b' || 'c' == 'd'", "w")).isFalse();
    assertThat(SimCel.evaluate("!('a' == 'b') && true", "w")).isTrue();
    assertThat(SimCel.evaluate("1 == 1.0", "w")).isTrue();
    assertThat(SimCel.evaluate("false || 'x' == 'x' && 'y' == 'z'", "w")).as("&& binds tighter").isFalse();
    assertThat(SimCel.evaluate("'it\\'s' == \"it's\"", "w")).isTrue();
  }

  @Test
  void celBeyondPlainComparisonsIsRefusedNamingTheField() {
    for (String expression : List.of("'a'.matches('a')", "'a' in ['a']", "1 < 2", "x == 'a'", "'a'", "", "'a' ==",
        "'a' == 1", "('a' == 'a'", "'unterminated")) {
      assertThatThrownBy(() -> SimCel.evaluate(expression, "spec.tasks[0].when[0].cel"))
          .as(expression).isInstanceOf(SimUnsupported.class)
          .hasMessageContaining("spec.tasks[0].when[0].cel").hasMessageContaining(expression);
    }
  }

  // ---- matrix ----

  private static Map<String, List<String>> params(Object... nameAndValues) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (int i = 0; i < nameAndValues.length; i += 2) {
      @SuppressWarnings("unchecked")
      List<String> values = (List<String>) nameAndValues[i + 1];
      params.put((String) nameAndValues[i], values);
    }
    return params;
  }

  @Test
  void aMatrixFansOutTheFirstParamFastest() {
    assertThat(SimMatrix.combinations(params("platform", List.of("linux", "mac"), "browser",
        List.of("chrome", "firefox", "safari")), List.of())).containsExactly(
            Map.of("platform", "linux", "browser", "chrome"), Map.of("platform", "mac", "browser", "chrome"),
            Map.of("platform", "linux", "browser", "firefox"), Map.of("platform", "mac", "browser", "firefox"),
            Map.of("platform", "linux", "browser", "safari"), Map.of("platform", "mac", "browser", "safari"));
  }

  @Test
  void includeAddsParamsToMatchingCombinationsAndNewCombinationsOtherwise() {
    // Tekton's docs example (docs/matrix.md): GOARCH x version, with include
    List<Map<String, String>> combinations = SimMatrix.combinations(
        params("GOARCH", List.of("linux/amd64", "linux/ppc64le", "linux/s390x"),
            "version", List.of("go1.17", "go1.18.1")),
        List.of(Map.of("GOARCH", "linux/amd64", "flags", "-race"),
            Map.of("version", "go1.17", "context", "path/to/go117/context"),
            Map.of("GOARCH", "I-do-not-exist"),
            Map.of("package", "path/to/common/package/")));
    assertThat(combinations).hasSize(7);
    assertThat(combinations.get(0)).containsExactly(Map.entry("GOARCH", "linux/amd64"),
        Map.entry("context", "path/to/go117/context"), Map.entry("flags", "-race"),
        Map.entry("package", "path/to/common/package/"), Map.entry("version", "go1.17"));
    assertThat(combinations.get(1)).isEqualTo(Map.of("GOARCH", "linux/ppc64le", "version", "go1.17",
        "context", "path/to/go117/context", "package", "path/to/common/package/"));
    assertThat(combinations.get(3)).isEqualTo(Map.of("GOARCH", "linux/amd64", "version", "go1.18.1",
        "flags", "-race", "package", "path/to/common/package/"));
    assertThat(combinations.get(6)).isEqualTo(Map.of("GOARCH", "I-do-not-exist"));
    assertThat(SimMatrix.asParams(combinations.get(6))).containsExactly(
        Map.of("name", "GOARCH", "value", "I-do-not-exist"));
  }

  @Test
  void includeOnlyGivesItsCombinations() {
    assertThat(SimMatrix.combinations(Map.of(), List.of(Map.of("a", "1", "b", "2"), Map.of("a", "3"))))
        .containsExactly(Map.of("a", "1", "b", "2"), Map.of("a", "3"));
  }

  // ---- step results ----

  private static List<Object> steps(String... scripts) {
    List<Object> steps = new java.util.ArrayList<>();
    for (int i = 0; i < scripts.length; i++) {
      steps.add(Map.of("name", "s" + i, "script", scripts[i]));
    }
    return steps;
  }

  @Test
  void aLiteralWrittenToTheResultPathIsItsValue() {
    assertThat(SimStepResults.of(steps("#!/bin/sh\necho -n \"sha256:0123\" > $(results.digest.path)\n"),
        "digest", Map.of())).isEqualTo(new SimStepResults.Value(true, true, "sha256:0123", ""));
    assertThat(SimStepResults.of(steps("echo yes > $(results.ok.path)"), "ok", Map.of()).text())
        .as("echo adds a newline").isEqualTo("yes\n");
    assertThat(SimStepResults.of(steps("printf 'a\\nb' > $(results.r.path)"), "r", Map.of()).text())
        .isEqualTo("a\nb");
    assertThat(SimStepResults.of(steps("echo -n one > $(results.r.path)", "echo -n ' two' >> $(results.r.path)"),
        "r", Map.of()).text()).isEqualTo("one two");
    assertThat(SimStepResults.of(steps("echo -n \"$(params.tag)\" | tee $(results.r.path)"), "r",
        Map.of("tag", "v1")).text()).isEqualTo("v1");
    assertThat(SimStepResults.of(steps("echo hello"), "r", Map.of()).written()).isFalse();
  }

  @Test
  void anyOtherWriteIsUnknownAndNamesTheStep() {
    for (String script : List.of("date > $(results.r.path)", "echo -n \"$HOME\" > $(results.r.path)",
        "printf '%s' x > $(results.r.path)", "cat <<EOF > $(results.r.path)\nx\nEOF",
        "echo -n `date` > $(results.r.path)", "echo -n \"$(params.unknown)\" > $(results.r.path)")) {
      SimStepResults.Value value = SimStepResults.of(steps("echo first", script), "r", Map.of());
      assertThat(value.written()).as(script).isTrue();
      assertThat(value.known()).as(script).isFalse();
      assertThat(value.step()).isEqualTo("spec.steps[1] (s1).script");
    }
  }
}
