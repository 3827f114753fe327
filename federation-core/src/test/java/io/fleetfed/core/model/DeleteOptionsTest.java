package io.fleetfed.core.model;

import static io.fleetfed.core.model.TestTypes.DEPLOYMENTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.model.DeleteOptions.Propagation;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** KubeFed's {@code kubefed.io/deleteoption} annotation: what is read from it, and what is refused, naming the field. */
class DeleteOptionsTest {

  private static String field(ValidationException e) {
    assertThat(e.violations()).hasSize(1);
    return e.violations().get(0).field().orElse("");
  }

  @Nested
  class Parsing {
    @Test
    void readsEachOptionKubeFedSends() {
      DeleteOptions o = DeleteOptions.parse("""
          {"gracePeriodSeconds": 5, "propagationPolicy": "Orphan",
           "preconditions": {"uid": "0b7a-uid", "resourceVersion": "42"}}""");
      assertThat(o.gracePeriodSeconds()).isEqualTo(OptionalLong.of(5));
      assertThat(o.propagationPolicy()).contains(Propagation.ORPHAN);
      assertThat(o.uidPrecondition()).contains("0b7a-uid");
      assertThat(o.resourceVersionPrecondition()).contains("42");
      assertThat(o.isDefault()).isFalse();
    }

    @Test
    void kubeFedsOwnTestValuesReadAsItReadsThem() {
      assertThat(DeleteOptions.parse("{\"propagationPolicy\":\"Orphan\"}"))
          .isEqualTo(DeleteOptions.defaults().withPropagationPolicy(Propagation.ORPHAN));
      assertThat(DeleteOptions.parse("{\"gracePeriodSeconds\":5}"))
          .isEqualTo(DeleteOptions.defaults().withGracePeriodSeconds(5));
      assertThat(DeleteOptions.parse("{\"propagationPolicy\":\"Orphan\",\"gracePeriodSeconds\":5}"))
          .isEqualTo(DeleteOptions.defaults().withPropagationPolicy(Propagation.ORPHAN).withGracePeriodSeconds(5));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"Orphan|ORPHAN", "Background|BACKGROUND", "Foreground|FOREGROUND"})
    void eachPolicyAsTheApiSpellsIt(String spelled, Propagation policy) {
      assertThat(DeleteOptions.parse("{\"propagationPolicy\":\"" + spelled + "\"}").propagationPolicy())
          .contains(policy);
      assertThat(policy.value()).isEqualTo(spelled);
    }

    @Test
    void anEmptyObjectNullsAndTheTypeFieldsMeanNoOption() {
      assertThat(DeleteOptions.parse("{}").isDefault()).isTrue();
      assertThat(DeleteOptions.parse("{\"gracePeriodSeconds\":null,\"propagationPolicy\":null,"
          + "\"preconditions\":null}").isDefault()).isTrue();
      assertThat(DeleteOptions.parse("{\"preconditions\":{\"uid\":null}}").isDefault()).isTrue();
      assertThat(DeleteOptions.parse("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\"}").isDefault()).isTrue();
      assertThat(DeleteOptions.parse("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"meta.k8s.io/v1\","
          + "\"gracePeriodSeconds\":0}").gracePeriodSeconds()).isEqualTo(OptionalLong.of(0));
    }

    @Test
    void whatToJsonWritesParsesBackEqual() {
      DeleteOptions all = DeleteOptions.defaults().withGracePeriodSeconds(30)
          .withPropagationPolicy(Propagation.FOREGROUND).withUidPrecondition("u-1")
          .withResourceVersionPrecondition("7");
      assertThat(all.toJson()).isEqualTo("{\"gracePeriodSeconds\":30,\"propagationPolicy\":\"Foreground\","
          + "\"preconditions\":{\"uid\":\"u-1\",\"resourceVersion\":\"7\"}}");
      assertThat(DeleteOptions.parse(all.toJson())).isEqualTo(all);
      assertThat(DeleteOptions.defaults().toJson()).isEqualTo("{}");
    }
  }

  @Nested
  class Refusing {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"gracePeriodSeconds\": -1}|gracePeriodSeconds|must be 0 or more, got -1",
        "{\"gracePeriodSeconds\": 2.5}|gracePeriodSeconds|must be a whole number of seconds, not 2.5",
        "{\"gracePeriodSeconds\": \"5\"}|gracePeriodSeconds|must be a whole number of seconds, not \"5\"",
        "{\"gracePeriodSeconds\": 99999999999999999999}|gracePeriodSeconds|must be a whole number of seconds",
        "{\"propagationPolicy\": \"orphan\"}|propagationPolicy|must be one of Orphan, Background, Foreground"
            + " (spelled so), not \"orphan\"",
        "{\"propagationPolicy\": true}|propagationPolicy|must be one of Orphan, Background, Foreground",
        "{\"preconditions\": \"uid\"}|preconditions|must be an object with uid and/or resourceVersion, not a string",
        "{\"preconditions\": {\"uid\": 7}}|preconditions.uid|must be a string, not a number",
        "{\"preconditions\": {\"uid\": \"\"}}|preconditions.uid|must not be empty",
        "{\"preconditions\": {\"resourceVersion\": \"\"}}|preconditions.resourceVersion|must not be empty",
        "{\"preconditions\": {\"generation\": \"1\"}}|preconditions.generation|is not a precondition",
        "{\"orphanDependents\": true}|orphanDependents|write \"propagationPolicy\": \"Orphan\" instead",
        "{\"dryRun\": [\"All\"]}|dryRun|is not used: KubeFed and fleetfed send only gracePeriodSeconds,"
            + " propagationPolicy and preconditions",
        "{\"gracePeriod\": 5}|gracePeriod|is not used",
        "{\"kind\": \"Deployment\"}|kind|must be DeleteOptions when given",
        "{\"apiVersion\": \"apps/v1\"}|apiVersion|must be v1 or meta.k8s.io/v1 when given",
    })
    void aWrongFieldIsNamed(String json, String field, String reason) {
      ValidationException e = catchThrowableOfType(ValidationException.class, () -> DeleteOptions.parse(json));
      assertThat(e).as(json).isNotNull();
      assertThat(field(e)).isEqualTo(field);
      assertThat(e.violations().get(0).reason()).contains(reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"propagationPolicy\": \"Orphan\"|is not valid JSON",
        "propagationPolicy: Orphan|is not valid JSON",
        "{\"gracePeriodSeconds\": 1, \"gracePeriodSeconds\": 2}|is not valid JSON: Duplicate field"
            + " 'gracePeriodSeconds'",
        "{} {}|is not valid JSON",
        "''|must be a JSON object of DeleteOptions (gracePeriodSeconds, propagationPolicy and preconditions), not"
            + " nothing",
        "[]|must be a JSON object of DeleteOptions",
        "null|must be a JSON object of DeleteOptions",
        "\"Orphan\"|not a string",
    })
    void aValueThatIsNotAJsonObjectIsRefusedAsAWhole(String json, String reason) {
      ValidationException e = catchThrowableOfType(ValidationException.class, () -> DeleteOptions.parse(json));
      assertThat(e).as(json).isNotNull();
      assertThat(field(e)).isEmpty();
      assertThat(e.violations().get(0).reason()).contains(reason);
    }

    @Test
    void everyProblemIsListedNotOnlyTheFirst() {
      ValidationException e = catchThrowableOfType(ValidationException.class, () -> DeleteOptions.parse(
          "{\"gracePeriodSeconds\": -5, \"propagationPolicy\": \"Never\", \"preconditions\": {\"uid\": \"\"}}"));
      assertThat(e.violations()).extracting(v -> v.field().orElse(""))
          .containsExactly("gracePeriodSeconds", "propagationPolicy", "preconditions.uid");
    }

    @Test
    void valuesBuiltInCodeAreCheckedToo() {
      assertThatThrownBy(() -> DeleteOptions.defaults().withGracePeriodSeconds(-1))
          .isInstanceOf(ValidationException.class).hasMessageContaining("gracePeriodSeconds: must be 0 or more");
      assertThatThrownBy(() -> DeleteOptions.defaults().withUidPrecondition(""))
          .isInstanceOf(ValidationException.class).hasMessageContaining("preconditions.uid: must not be empty");
      assertThatThrownBy(() -> new DeleteOptions(OptionalLong.empty(), null, Optional.empty(), Optional.empty()))
          .isInstanceOf(NullPointerException.class).hasMessage("propagationPolicy");
    }
  }

  @Nested
  class OnAFederatedObject {
    private FederatedResource.Builder nginx() {
      return FederatedResource.builder(DEPLOYMENTS).namespace("web").name("nginx");
    }

    @Test
    void withoutTheAnnotationThereAreNoOptions() {
      assertThat(nginx().build().deleteOptions()).isEqualTo(DeleteOptions.defaults());
    }

    @Test
    void theAnnotationIsReadWhenTheObjectIsBuilt() {
      FederatedResource r = nginx().annotations(Map.of(DeleteOptions.ANNOTATION,
          "{\"propagationPolicy\":\"Foreground\",\"gracePeriodSeconds\":10}", "team", "web")).build();
      assertThat(r.deleteOptions()).isEqualTo(DeleteOptions.defaults().withPropagationPolicy(Propagation.FOREGROUND)
          .withGracePeriodSeconds(10));
      assertThat(r.annotations()).containsEntry("team", "web");
    }

    @Test
    void anInvalidAnnotationRefusesTheObjectNamingItTheAnnotationAndTheField() {
      ValidationException e = catchThrowableOfType(ValidationException.class, () -> nginx().annotations(Map.of(
          DeleteOptions.ANNOTATION, "{\"propagationPolicy\":\"Orphans\"}")).build());
      Violation v = e.violations().get(0);
      assertThat(e.violations()).hasSize(1);
      assertThat(v.object()).contains("FederatedDeployment web/nginx");
      assertThat(v.field()).contains("metadata.annotations[kubefed.io/deleteoption].propagationPolicy");
      assertThat(e).hasMessageContaining("FederatedDeployment web/nginx: "
          + "metadata.annotations[kubefed.io/deleteoption].propagationPolicy: must be one of Orphan");
    }

    @Test
    void anAnnotationThatIsNotJsonIsNamedAsAWhole() {
      ValidationException e = catchThrowableOfType(ValidationException.class, () -> nginx().annotations(Map.of(
          DeleteOptions.ANNOTATION, "Orphan")).build());
      assertThat(e.violations()).singleElement().satisfies(v -> {
        assertThat(v.field()).contains("metadata.annotations[kubefed.io/deleteoption]");
        assertThat(v.reason()).startsWith("is not valid JSON");
      });
    }

    @Test
    void theBuilderSetsAndRemovesTheAnnotationKeepingTheOthers() {
      DeleteOptions orphan = DeleteOptions.defaults().withPropagationPolicy(Propagation.ORPHAN);
      FederatedResource r = nginx().annotations(Map.of("team", "web")).deleteOptions(orphan).build();
      assertThat(r.deleteOptions()).isEqualTo(orphan);
      assertThat(r.annotations()).containsExactly(Map.entry(DeleteOptions.ANNOTATION,
          "{\"propagationPolicy\":\"Orphan\"}"), Map.entry("team", "web"));
      FederatedResource back = r.toBuilder().deleteOptions(DeleteOptions.defaults()).build();
      assertThat(back.annotations()).containsExactly(Map.entry("team", "web"));
      assertThat(back.deleteOptions().isDefault()).isTrue();
    }
  }
}
