package io.fleetfed.core.model;

import static io.fleetfed.core.model.TestTypes.reason;
import static io.fleetfed.core.model.TestTypes.rejected;
import static io.fleetfed.core.model.TestTypes.violation;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.core.ValidationException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link LabelSelector}, {@link SelectorRequirement} and {@link SelectorOperator}: semantics and validation. */
class LabelSelectorTest {
  static final Map<String, String> HIGH_DEV = Map.of("security", "high", "env", "dev");
  static final Map<String, String> LOW_PROD = Map.of("security", "low", "env", "prod");
  static final Map<String, String> NONE = Map.of();

  @Nested
  class Semantics {
    @Test
    void in() {
      SelectorRequirement r = SelectorRequirement.in("security", "high", "medium");
      assertThat(r.matches(HIGH_DEV)).isTrue();
      assertThat(r.matches(Map.of("security", "medium"))).isTrue();
      assertThat(r.matches(LOW_PROD)).isFalse();
      assertThat(r.matches(NONE)).as("missing key").isFalse();
      assertThat(r.matches(Map.of("security", ""))).isFalse();
    }

    @Test
    void notInMatchesAMissingKey() {
      SelectorRequirement r = SelectorRequirement.notIn("env", "prod");
      assertThat(r.matches(HIGH_DEV)).isTrue();
      assertThat(r.matches(LOW_PROD)).isFalse();
      assertThat(r.matches(NONE)).as("missing key").isTrue();
      assertThat(r.matches(Map.of("other", "prod"))).isTrue();
    }

    @Test
    void existsAndDoesNotExistLookAtTheKeyOnly() {
      assertThat(SelectorRequirement.exists("env").matches(HIGH_DEV)).isTrue();
      assertThat(SelectorRequirement.exists("env").matches(Map.of("env", ""))).isTrue();
      assertThat(SelectorRequirement.exists("gpu").matches(HIGH_DEV)).isFalse();
      assertThat(SelectorRequirement.doesNotExist("gpu").matches(HIGH_DEV)).isTrue();
      assertThat(SelectorRequirement.doesNotExist("env").matches(Map.of("env", ""))).isFalse();
      assertThat(SelectorRequirement.doesNotExist("env").matches(NONE)).isTrue();
    }

    @Test
    void matchLabelsAndExpressionsMustAllHold() {
      LabelSelector s = LabelSelector.matchLabels(Map.of("security", "high"))
          .and(SelectorRequirement.notIn("env", "prod"))
          .and(SelectorRequirement.exists("pipelines"));

      assertThat(s.matches(Map.of("security", "high", "env", "dev", "pipelines", "true"))).isTrue();
      assertThat(s.matches(Map.of("security", "high", "pipelines", "true"))).isTrue();
      assertThat(s.matches(Map.of("security", "high", "env", "prod", "pipelines", "true")))
          .as("expression fails").isFalse();
      assertThat(s.matches(Map.of("security", "low", "env", "dev", "pipelines", "true")))
          .as("matchLabels fails").isFalse();
      assertThat(s.matches(Map.of("security", "high", "env", "dev"))).as("second expression fails").isFalse();
      assertThat(s.matches(Map.of("env", "dev", "pipelines", "true"))).as("matchLabels key missing").isFalse();
    }

    @Test
    void matchLabelsAloneNeedsEveryLabel() {
      LabelSelector s = LabelSelector.matchLabels(Map.of("security", "high", "env", "dev"));
      assertThat(s.matches(HIGH_DEV)).isTrue();
      assertThat(s.matches(Map.of("security", "high"))).isFalse();
      assertThat(s.matches(Map.of("security", "high", "env", "dev", "extra", "x"))).isTrue();
    }

    @Test
    void emptyValueMatchesOnlyAnEmptyLabel() {
      LabelSelector s = LabelSelector.matchLabels(Map.of("flag", ""));
      assertThat(s.matches(Map.of("flag", ""))).isTrue();
      assertThat(s.matches(NONE)).isFalse();
    }

    @Test
    void emptySelectorMatchesEverything() {
      LabelSelector all = LabelSelector.everything();
      assertThat(all.isEmpty()).isTrue();
      assertThat(all.matches(NONE)).isTrue();
      assertThat(all.matches(HIGH_DEV)).isTrue();
      assertThat(new LabelSelector(Map.of(), List.of())).isEqualTo(all);
      assertThat(LabelSelector.matchLabels(Map.of()).isEmpty()).isTrue();
      assertThat(all.and(SelectorRequirement.exists("a")).isEmpty()).isFalse();
      assertThat(LabelSelector.matchLabels(Map.of("a", "b")).isEmpty()).isFalse();
    }

    @Test
    void andReturnsANewSelector() {
      LabelSelector base = LabelSelector.matchLabels(Map.of("a", "b"));
      LabelSelector more = base.and(SelectorRequirement.exists("c"));
      assertThat(base.matchExpressions()).isEmpty();
      assertThat(more.matchExpressions()).hasSize(1);
    }

    @Test
    void placementUsesTheSelectorOnlyWithoutAList() {
      Cluster high = Cluster.ready("dev2").withLabels(HIGH_DEV);
      Cluster low = Cluster.ready("dev3").withLabels(LOW_PROD);
      Placement bySelector = Placement.selector(LabelSelector.matchLabels(Map.of("security", "high")));
      assertThat(bySelector.selects(high)).isTrue();
      assertThat(bySelector.selects(low)).isFalse();

      Placement listAndSelector = new Placement(Optional.of(List.of("dev3")), Optional.of(LabelSelector.everything()));
      assertThat(listAndSelector.selects(low)).isTrue();
      assertThat(listAndSelector.selects(high)).as("the list wins over a selector that matches").isFalse();

      Placement emptyList = new Placement(Optional.of(List.of()), Optional.of(LabelSelector.everything()));
      assertThat(emptyList.selects(high)).as("an empty list selects nothing").isFalse();
      assertThat(Placement.none().selects(high)).isFalse();
      assertThat(Placement.allClusters().selects(low)).isTrue();
    }
  }

  @Nested
  class Validation {
    @ParameterizedTest
    @EnumSource(value = SelectorOperator.class, names = {"IN", "NOT_IN"})
    void inAndNotInNeedValues(SelectorOperator op) {
      assertThat(reason("values", () -> new SelectorRequirement("env", op, List.of())))
          .contains("must not be empty for operator " + op.wireName());
      assertThat(op.takesValues()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = SelectorOperator.class, names = {"EXISTS", "DOES_NOT_EXIST"})
    void existsAndDoesNotExistTakeNoValues(SelectorOperator op) {
      assertThat(reason("values", () -> new SelectorRequirement("env", op, List.of("dev"))))
          .contains("must be empty for operator " + op.wireName());
      assertThat(op.takesValues()).isFalse();
    }

    @Test
    void keysAndValuesMustBeLabelKeysAndValues() {
      ValidationException e = rejected(() -> new SelectorRequirement("bad key", SelectorOperator.IN,
          List.of("ok", "not ok")));

      assertThat(violation(e, "key").reason()).contains("\"bad key\" is not a label key");
      assertThat(violation(e, "values[1]").reason()).contains("\"not ok\"");
      assertThat(e.violations()).hasSize(2);
      assertThat(SelectorRequirement.in("app.kubernetes.io/name", "web").key()).isEqualTo("app.kubernetes.io/name");
    }

    @Test
    void matchLabelsAreValidated() {
      assertThat(reason("matchLabels[env]", () -> LabelSelector.matchLabels(Map.of("env", "not valid"))))
          .contains("label value \"not valid\"");
      assertThat(reason("matchLabels", () -> LabelSelector.matchLabels(Map.of("-env", "dev"))))
          .contains("label key \"-env\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"in", "IN", "Equals", "=", "!=", "Gt", "", "notin", "Exist"})
    void badOperatorNamesTheOperatorAndTheValidOnes(String op) {
      String reason = reason("operator", () -> SelectorOperator.parse(op));

      assertThat(reason).contains("\"" + op + "\" is not a valid label selector operator")
          .contains("In, NotIn, Exists or DoesNotExist");
    }

    @ParameterizedTest
    @EnumSource(SelectorOperator.class)
    void operatorsRoundTrip(SelectorOperator op) {
      assertThat(SelectorOperator.parse(op.wireName())).isEqualTo(op);
    }
  }
}
