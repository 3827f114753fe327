package io.fleetfed.core.kubefed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.model.ResourceType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Shared helpers of the kubefed tests: fixtures, plain YAML parsing, and finding violations. */
final class Fixtures {
  /** A plain Jackson YAML mapper, independent of the codec under test. */
  static final YAMLMapper YAML = new YAMLMapper();

  /** Tekton's TaskRun, a CRD whose schema is only x-kubernetes-preserve-unknown-fields. */
  static final ResourceType TASK_RUNS = ResourceType.namespaced("tekton.dev", "v1", "TaskRun", "taskruns");

  /** Istio's IstioOperator, the CRD of kubefed #1418 (schema: preserve-unknown-fields only). */
  static final ResourceType ISTIO_OPERATORS =
      ResourceType.namespaced("install.istio.io", "v1alpha1", "IstioOperator", "istiooperators").withShortNames("iop");

  private Fixtures() {}

  /** The text of a test resource, such as {@code "/kubefed/roundtrip/deployment.yaml"}. */
  static String resource(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The non-empty documents of a multi-document YAML text, parsed by plain Jackson. */
  static List<JsonNode> documents(String yaml) {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode node = it.next();
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          documents.add(node);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return documents;
  }

  /** Reads {@code yaml}, expecting it to be rejected. */
  static ValidationException readFails(String sourceName, String yaml, TypeRegistry registry) {
    ValidationException e = catchThrowableOfType(ValidationException.class,
        () -> KubeFedYaml.read(sourceName, yaml, registry));
    assertThat(e).as("reading %s should fail", sourceName).isNotNull();
    return e;
  }

  /** Reads {@code yaml} with the built-in types, expecting it to be rejected. */
  static ValidationException readFails(String sourceName, String yaml) {
    return readFails(sourceName, yaml, TypeRegistry.builtIn());
  }

  /** The one violation of {@code e} about {@code field}; fails if there is not exactly one. */
  static Violation onlyViolationOf(ValidationException e, String field) {
    List<Violation> matching = e.violations().stream().filter(v -> v.field().equals(Optional.of(field)))
        .collect(Collectors.toList());
    assertThat(matching).as("violations of %s among:\n%s", field, e.getMessage()).hasSize(1);
    return matching.get(0);
  }

  /** The fields of all violations, in order, for compact assertions. */
  static List<String> fields(ValidationException e) {
    return e.violations().stream().map(v -> v.field().orElse("")).collect(Collectors.toList());
  }
}
