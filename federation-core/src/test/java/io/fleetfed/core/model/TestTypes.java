package io.fleetfed.core.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * Resource types and JSON helpers shared by the model and render tests. The types are declared here rather
 * than taken from the kubefed package's registry, so that these tests depend on the model alone.
 */
public final class TestTypes {
  /** apps/v1 Deployments (namespaced). */
  public static final ResourceType DEPLOYMENTS = ResourceType.namespaced("apps", "v1", "Deployment", "deployments");
  /** Core v1 ConfigMaps (namespaced, core group). */
  public static final ResourceType CONFIG_MAPS = ResourceType.namespaced("", "v1", "ConfigMap", "configmaps");
  /** Core v1 Namespaces (cluster-scoped, federated specially). */
  public static final ResourceType NAMESPACES = ResourceType.cluster("", "v1", "Namespace", "namespaces");
  /** rbac ClusterRoles (cluster-scoped). */
  public static final ResourceType CLUSTER_ROLES =
      ResourceType.cluster("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles");
  /** Tekton v1 TaskRuns. */
  public static final ResourceType TASK_RUNS = ResourceType.namespaced("tekton.dev", "v1", "TaskRun", "taskruns");

  /** A plain mapper for test fixtures. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private TestTypes() {}

  /** Parses JSON written with single quotes for readability ({@code {'a': 1}}). */
  public static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text.replace('\'', '"'));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link #json(String)} for an object. */
  public static ObjectNode object(String text) {
    return (ObjectNode) json(text);
  }

  /** The {@link ValidationException} that {@code code} throws; fails the test if it throws nothing or else. */
  public static ValidationException rejected(ThrowingCallable code) {
    Throwable thrown = Assertions.catchThrowable(code);
    Assertions.assertThat(thrown).as("expected a ValidationException").isInstanceOf(ValidationException.class);
    return (ValidationException) thrown;
  }

  /** The one violation of {@code e} whose field path is exactly {@code field}; fails the test otherwise. */
  public static Violation violation(ValidationException e, String field) {
    List<Violation> matching = e.violations().stream().filter(v -> v.field().equals(Optional.of(field)))
        .collect(Collectors.toList());
    Assertions.assertThat(matching).as("violations of field %s among%n%s", field, e.getMessage()).hasSize(1);
    return matching.get(0);
  }

  /** The reason of the one violation of {@code field} in what {@code code} throws. */
  public static String reason(String field, ThrowingCallable code) {
    return violation(rejected(code), field).reason();
  }
}
