package io.fleetfed.core.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.internal.Json;
import io.fleetfed.core.model.ClusterOverride;
import io.fleetfed.core.model.FederatedResource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

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
      throw new FederationException("SHA-256 digests of this JRE cannot be cloned", e);
    }
    for (ClusterOverride override : overrides) {
      update(digest, override.op().wireName());
      update(digest, override.path());
      Optional<JsonNode> value = override.value();
      if (value.isPresent() && value.get().isTextual()) {
        digest.update((byte) 's');
        update(digest, value.get().textValue());
      } else if (value.isPresent()) {
        digest.update((byte) 'j');
        digest.update(Json.canonicalBytes(value.get()));
        digest.update((byte) 0);
      } else {
        digest.update((byte) '-');
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private void field(String value) {
    update(prefix, value);
  }

  /**
   * Adds {@code value} prefixed with its length in bytes. A separator would not do: override paths, string
   * values and some object names may contain any character, NUL included, and could imitate a separator and
   * the fields after it.
   */
  private static void update(MessageDigest digest, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
    digest.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new FederationException("this Java runtime has no SHA-256, which every runtime must provide", e);
    }
  }
}
