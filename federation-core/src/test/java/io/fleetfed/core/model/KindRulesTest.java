package io.fleetfed.core.model;

import static io.fleetfed.core.model.TestTypes.CLUSTER_ROLES;
import static io.fleetfed.core.model.TestTypes.DEPLOYMENTS;
import static io.fleetfed.core.model.TestTypes.TASK_RUNS;
import static io.fleetfed.core.model.TestTypes.object;
import static io.fleetfed.core.model.TestTypes.reason;
import static io.fleetfed.core.model.TestTypes.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the API server would refuse is refused when a federated object is built, before anything is sent: names
 * by the rule of the target kind, and a Secret's data as base64.
 */
class KindRulesTest {
  static final ResourceType SERVICES = ResourceType.namespaced("", "v1", "Service", "services");
  static final ResourceType JOBS = ResourceType.namespaced("batch", "v1", "Job", "jobs");
  static final ResourceType CRON_JOBS = ResourceType.namespaced("batch", "v1", "CronJob", "cronjobs");
  static final ResourceType ROLE_BINDINGS =
      ResourceType.namespaced("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings");
  static final ResourceType SECRETS = ResourceType.namespaced("", "v1", "Secret", "secrets");

  private static FederatedResource.Builder named(ResourceType type, String name) {
    FederatedResource.Builder b = FederatedResource.builder(type).name(name);
    return type.isNamespaced() ? b.namespace("web") : b;
  }

  private static boolean accepted(ResourceType type, String name) {
    try {
      named(type, name).build();
      return true;
    } catch (ValidationException e) {
      return false;
    }
  }

  @Nested
  class ObjectNames {
    @Test
    @DisplayName("a name with a non-ASCII letter is refused, naming the field, the kind and the letter")
    void nonAsciiName() {
      String reason = reason("metadata.name", () -> named(DEPLOYMENTS, "nginx-фед").build());

      assertThat(reason).startsWith("\"nginx-фед\" is not a valid Deployment name: 'ф' is not allowed")
          .contains("DNS-1123 subdomain");
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource({
        // Deployments and custom resources: DNS-1123 subdomains
        "Deployment, nginx-fed, true", "Deployment, nginx.fed.v1, true", "Deployment, Nginx, false",
        "Deployment, nginx_fed, false", "Deployment, -nginx, false", "Deployment, nginx., false",
        "Deployment, a..b, false", "Deployment, web:1, false", "Deployment, 1web, true",
        "TaskRun, build-1, true", "TaskRun, build.1, true", "TaskRun, Build, false",
        // Services: DNS-1035 labels, starting with a letter, no dots
        "Service, web, true", "Service, 1web, false", "Service, web.example, false", "Service, web-, false",
        // RBAC kinds: path segments
        "ClusterRole, system:aggregate-to-edit, true", "ClusterRole, My_Role, true", "ClusterRole, a/b, false",
        "RoleBinding, Admin:Binding, true", "RoleBinding, .., false",
    })
    @DisplayName("each kind's name follows the API server's rule for it")
    void rulePerKind(String kind, String name, boolean valid) {
      ResourceType type = switch (kind) {
        case "Deployment" -> DEPLOYMENTS;
        case "TaskRun" -> TASK_RUNS;
        case "Service" -> SERVICES;
        case "ClusterRole" -> CLUSTER_ROLES;
        case "RoleBinding" -> ROLE_BINDINGS;
        default -> throw new IllegalArgumentException(kind);
      };
      assertThat(accepted(type, name)).as("%s %s", kind, name).isEqualTo(valid);
    }

    @Test
    @DisplayName("a Service name starting with a digit is refused with the DNS-1035 rule")
    void serviceNameStartsWithALetter() {
      assertThat(reason("metadata.name", () -> named(SERVICES, "1web").build()))
          .contains("\"1web\" is not a valid Service name: must start with a letter, not '1'")
          .contains("DNS-1035 label");
      assertThat(reason("metadata.name", () -> named(SERVICES, "s".repeat(64)).build()))
          .contains("at most 63 characters");
    }

    @Test
    @DisplayName("a Job's name is at most 63 characters, a CronJob's 52; a Deployment's 253")
    void lengthsPerKind() {
      assertThat(accepted(JOBS, "j".repeat(63))).isTrue();
      assertThat(reason("metadata.name", () -> named(JOBS, "j".repeat(64)).build()))
          .contains("must be at most 63 characters for a Job (has 64)");
      assertThat(accepted(CRON_JOBS, "c".repeat(52))).isTrue();
      assertThat(reason("metadata.name", () -> named(CRON_JOBS, "c".repeat(53)).build()))
          .contains("must be at most 52 characters for a CronJob (has 53)");
      assertThat(accepted(DEPLOYMENTS, "d".repeat(253))).isTrue();
      assertThat(accepted(DEPLOYMENTS, "d".repeat(254))).isFalse();
    }
  }

  @Nested
  class SecretValues {
    private FederatedResource.Builder secret(String template) {
      return named(SECRETS, "creds").template(object(template));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "aGVsbG8=", "aGVsbG8h", "aGk=", "YQ==", "aGVs\nbG8h", "aGVs\r\nbG8h\n", "+/+/"})
    @DisplayName("base64 with the standard alphabet and padding is accepted, line breaks anywhere")
    void validBase64(String value) {
      FederatedResource r = named(SECRETS, "creds").template(Map.of("data", Map.of("k", value)))
          .build();
      assertThat(r.template().at("/data/k").asText()).isEqualTo(value);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "not base64!|character 4 is not in the base64 alphabet",
        "aGVsbG8|it has 7 base64 characters, not a multiple of 4",
        "aGk=aGk=|character 5 follows the '=' padding",
        "a===|it ends with 3 '=', and padding is one or two",
        "aGVs bG8h|character 5 is not in the base64 alphabet",
        "aGVsbG8_|character 8 is not in the base64 alphabet",
    })
    @DisplayName("a Secret's data value that is not base64 is refused, naming the key and why, never the value")
    void invalidBase64(String value, String why) {
      ValidationException e = rejected(() -> named(SECRETS, "creds")
          .template(Map.of("data", Map.of("password", value))).build());

      assertThat(e.violations()).singleElement().satisfies(v -> {
        assertThat(v.field()).contains("spec.template.data[password]");
        assertThat(v.reason()).startsWith("is not valid base64: " + why).contains("the value is not shown");
      });
      assertThat(e.getMessage()).doesNotContain(value);
    }

    @Test
    @DisplayName("a number or an object in a Secret's data is refused without printing it; null and stringData pass")
    void nonStrings() {
      ValidationException e = rejected(() -> secret("{\"data\": {\"pin\": 123456, \"nested\": {\"a\": \"b\"},"
          + " \"none\": null}, \"stringData\": {\"clear\": \"not base64 at all!\"}}").build());

      assertThat(e.violations()).extracting(Violation::field).map(f -> f.orElse(""))
          .containsExactly("spec.template.data[pin]", "spec.template.data[nested]");
      assertThat(e.violations().get(0).reason()).isEqualTo("must be a base64-encoded string, not a number"
          + " (quote it)");
      assertThat(e.getMessage()).doesNotContain("123456");
      assertThat(reason("spec.template.data", () -> secret("{\"data\": [\"YQ==\"]}").build()))
          .contains("must be a map of base64-encoded strings, not a list");
    }

    @Test
    @DisplayName("overrides of a Secret's data are base64 too, whole or per key; other paths and kinds are free")
    void overrides() {
      ValidationException e = rejected(() -> secret("{\"data\": {\"k\": \"YQ==\"}}")
          .override("dev1", ClusterOverride.replace("/data/k", "s3cr3t!"), ClusterOverride.add("/data",
              Map.of("k", "YQ==", "j", "nope!")))
          .override("dev2", ClusterOverride.replace("/data/k", "YWJj"), ClusterOverride.replace("/metadata/labels/k",
              "v"), ClusterOverride.remove("/data/j"))
          .build());

      assertThat(e.violations()).extracting(v -> v.field().orElse("")).containsExactly(
          "spec.overrides[0].clusterOverrides[0].value", "spec.overrides[0].clusterOverrides[1].value[j]");
      assertThat(e.getMessage()).doesNotContain("s3cr3t").doesNotContain("nope");
      assertThat(FederatedResource.builder(TestTypes.CONFIG_MAPS).namespace("web").name("cm")
          .template(object("{\"data\": {\"k\": \"not base64!\"}}"))
          .override("dev1", ClusterOverride.replace("/data/k", "still not!")).build().name()).isEqualTo("cm");
    }
  }
}
