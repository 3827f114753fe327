package io.fleetfed.core.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.internal.Json;
import io.fleetfed.core.model.ClusterOverride;
import io.fleetfed.core.model.FederatedResource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The {@value ManagedMetadata#HASH_ANNOTATION} value: SHA-256 over everything an object is rendered from.
 *
 * <p>A rendered object is a function of the render format, the target type, the federated object's identity,
 * its template and the cluster's overrides, so digesting those identifies the object exactly. The template,
 * the bulk of it, is digested once per federated object; each cluster adds only its overrides.
 */
final class RenderDigest {
  /** Bump when rendering changes what it produces from the same input, so that every object is rewritten. */
  private static final String FORMAT = "fleetfed-render/1";

  private final MessageDigest prefix;

  RenderDigest(FederatedResource resource, ObjectNode template) {
    prefix = sha256();
    field(FORMAT);
    field(resource.type().apiVersion());
    field(resource.type().kind());
    field(resource.namespace());
    field(resource.name());
    field(resource.federatedKind());
    prefix.update(Json.canonicalBytes(template));
    prefix.update((byte) 0);
  }

  /** The hex digest for a cluster with {@code overrides}. */
  String forCluster(List<ClusterOverride> overrides) {
    MessageDigest digest;
    try {
      digest = (MessageDigest) prefix.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digests of this JRE cannot be cloned", e);
    }
    if (!overrides.isEmpty()) {
      ArrayNode ops = JsonNodeFactory.instance.arrayNode();
      for (ClusterOverride override : overrides) {
        ObjectNode op = ops.addObject().put("op", override.op().wireName()).put("path", override.path());
        override.value().ifPresent(v -> op.set("value", v));
      }
      digest.update(Json.canonicalBytes(ops));
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private void field(String value) {
    prefix.update(value.getBytes(StandardCharsets.UTF_8));
    prefix.update((byte) 0);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
