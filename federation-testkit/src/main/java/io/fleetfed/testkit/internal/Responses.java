package io.fleetfed.testkit.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;

/** The responses the sandbox writes itself rather than taking from the CRUD store. */
final class Responses {

  static final String JSON = "application/json";

  private Responses() {
  }

  static MockResponse json(int code, String body) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", JSON).setBody(body);
  }

  static MockResponse text(int code, String body) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "text/plain; charset=utf-8")
        .setBody(body);
  }

  /**
   * A Kubernetes {@code Status} failure.
   *
   * @param mapper the JSON mapper
   * @param code the HTTP status code
   * @param reason the StatusReason, such as {@code NotFound}
   * @param message the message; it must never hold a request's content
   * @return the response
   */
  static MockResponse status(ObjectMapper mapper, int code, String reason, String message) {
    return json(code, statusBody(mapper, code, reason, message));
  }

  static String statusBody(ObjectMapper mapper, int code, String reason, String message) {
    ObjectNode doc = mapper.createObjectNode();
    doc.put("kind", "Status");
    doc.put("apiVersion", "v1");
    doc.putObject("metadata");
    doc.put("status", "Failure");
    doc.put("message", message);
    doc.put("reason", reason);
    doc.put("code", code);
    return doc.toString();
  }

  /**
   * The StatusReason Kubernetes uses for an HTTP code.
   *
   * @param code an HTTP status code of 400 or more
   * @return the reason
   */
  static String reasonFor(int code) {
    switch (code) {
      case 400:
        return "BadRequest";
      case 401:
        return "Unauthorized";
      case 403:
        return "Forbidden";
      case 404:
        return "NotFound";
      case 405:
        return "MethodNotAllowed";
      case 409:
        return "Conflict";
      case 410:
        return "Expired";
      case 415:
        return "UnsupportedMediaType";
      case 422:
        return "Invalid";
      case 429:
        return "TooManyRequests";
      case 503:
        return "ServiceUnavailable";
      case 504:
        return "Timeout";
      default:
        return code >= 500 ? "InternalError" : "";
    }
  }
}
