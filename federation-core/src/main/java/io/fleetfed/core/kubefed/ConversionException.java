package io.fleetfed.core.kubefed;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetfed.core.FederationException;
import java.util.Objects;

/**
 * An object cannot be converted to another API version: a field it holds has no equivalent there, or no
 * {@link VersionConverter} converts its kind between the two versions. The message names the object, both
 * versions, the field and the reason, such as {@code cannot convert TaskRun ci/build from tekton.dev/v1 to
 * v1beta1: spec.managedBy has no equivalent in v1beta1}.
 */
public class ConversionException extends FederationException {
  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * @param object the object being converted (its kind, namespace, name and apiVersion name it in the message)
   * @param toVersion the version it was being converted to
   * @param field the field that cannot be converted, as a dotted path such as {@code spec.managedBy}; {@code ""}
   *     when the whole object cannot be
   * @param reason why, such as {@code has no equivalent in v1beta1}
   */
  public ConversionException(JsonNode object, String toVersion, String field, String reason) {
    super(describe(object, toVersion, field, reason));
    this.field = Objects.requireNonNull(field, "field");
  }

  /** The field that cannot be converted, such as {@code spec.managedBy}; {@code ""} for the object as a whole. */
  public String field() {
    return field;
  }

  private static String describe(JsonNode object, String toVersion, String field, String reason) {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(toVersion, "toVersion");
    Objects.requireNonNull(reason, "reason");
    JsonNode metadata = object.path("metadata");
    String namespace = metadata.path("namespace").asText("");
    String name = metadata.path("name").asText("");
    String id = namespace.isEmpty() ? name : namespace + "/" + name;
    return "cannot convert " + object.path("kind").asText("object") + (id.isEmpty() ? "" : " " + id) + " from "
        + object.path("apiVersion").asText("?") + " to " + toVersion + ": "
        + (field.isEmpty() ? reason : field + " " + reason);
  }
}
