package io.fleetfed.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * What a real cluster's token controller does to a service-account token Secret: fills {@code data.token},
 * {@code data.namespace} and {@code data.ca.crt}. The service account itself need not exist.
 */
final class ServiceAccountTokens {

  static final String TYPE = "kubernetes.io/service-account-token";
  static final String NAME_ANNOTATION = "kubernetes.io/service-account.name";

  /** A placeholder certificate: the sandbox serves plain http, so no client ever verifies it. */
  private static final String CA_CRT = "-----BEGIN CERTIFICATE-----\n"
      + "ZmxlZXRmZWQgc2FuZGJveCBwbGFjZWhvbGRlciBDQSwgbm90IGEgcmVhbCBjZXJ0aWZpY2F0ZQ==\n"
      + "-----END CERTIFICATE-----\n";

  private static final SecureRandom RANDOM = new SecureRandom();

  private ServiceAccountTokens() {
  }

  /**
   * Fills the token data of a service-account token Secret that has none.
   *
   * @param secret the Secret being stored
   * @param namespace the namespace from the request path
   * @return whether the Secret was changed
   */
  static boolean fill(ObjectNode secret, String namespace) {
    if (!TYPE.equals(secret.path("type").asText())) {
      return false;
    }
    String account = secret.path("metadata").path("annotations").path(NAME_ANNOTATION).asText("");
    if (account.isEmpty()) {
      return false;
    }
    JsonNode existing = secret.get("data");
    ObjectNode data;
    if (existing instanceof ObjectNode) {
      data = (ObjectNode) existing;
    } else {
      data = secret.putObject("data");
    }
    if (!data.path("token").asText("").isEmpty()) {
      return false;
    }
    Base64.Encoder b64 = Base64.getEncoder();
    data.put("token", b64.encodeToString(newToken().getBytes(StandardCharsets.UTF_8)));
    data.put("namespace", b64.encodeToString(namespace.getBytes(StandardCharsets.UTF_8)));
    data.put("ca.crt", b64.encodeToString(CA_CRT.getBytes(StandardCharsets.UTF_8)));
    return true;
  }

  /**
   * A random bearer token.
   *
   * @return 48 hexadecimal digits
   */
  static String newToken() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
