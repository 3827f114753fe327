package io.fleetfed.core.render;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * What one selected cluster gets.
 *
 * @param cluster the cluster's name
 * @param status {@link RenderStatus#RENDERED}, or why the cluster gets nothing
 * @param object the rendered object, present exactly when rendered
 */
public record ClusterRendering(String cluster, RenderStatus status, Optional<ObjectNode> object) {

  /** Checks that an object is present exactly when the status is {@code RENDERED}. */
  public ClusterRendering {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(object, "object");
    if (object.isPresent() != (status == RenderStatus.RENDERED)) {
      throw new IllegalArgumentException("an object is present exactly when the status is RENDERED");
    }
  }

  /** The rendered object as a copy the caller may change; present exactly when rendered. */
  @Override
  public Optional<ObjectNode> object() {
    return object.map(ObjectNode::deepCopy);
  }

  /** The cluster, the status and the object's hash, but not the object, which may hold a Secret's data. */
  @Override
  public String toString() {
    return "ClusterRendering[" + cluster + ", " + status.reason() + hash().map(h -> ", hash " + h).orElse("") + "]";
  }

  /** Whether this cluster gets an object. */
  public boolean isRendered() {
    return status == RenderStatus.RENDERED;
  }

  /** The rendered object's {@value ManagedMetadata#HASH_ANNOTATION} annotation, when rendered. */
  public Optional<String> hash() {
    return object.map(o -> o.path("metadata").path("annotations").path(ManagedMetadata.HASH_ANNOTATION).asText());
  }
}
