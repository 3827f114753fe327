package io.fleetfed.core.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.internal.Json;
import io.fleetfed.core.internal.Problems;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * How the copies of a federated object are deleted when the federated object is: KubeFed's
 * {@value #ANNOTATION} annotation, the JSON of a Kubernetes {@code DeleteOptions} of which KubeFed uses
 * {@code gracePeriodSeconds}, {@code propagationPolicy} and {@code preconditions}.
 *
 * <pre>{@code
 * // from KubeFed YAML: metadata.annotations: {kubefed.io/deleteoption: '{"propagationPolicy":"Orphan"}'}
 * resource.deleteOptions().propagationPolicy();          // Optional[ORPHAN]
 *
 * // in code
 * FederatedResource nginx = FederatedResource.builder(BuiltInTypes.DEPLOYMENTS)
 *     .namespace("web").name("nginx").template(template).placement(Placement.clusters("dev2"))
 *     .deleteOptions(DeleteOptions.defaults().withPropagationPolicy(DeleteOptions.Propagation.ORPHAN)
 *         .withGracePeriodSeconds(30))
 *     .build();
 * fleet.delete(nginx);   // each copy's DELETE carries propagationPolicy Orphan and gracePeriodSeconds 30
 * }</pre>
 *
 * <p><b>When they apply.</b> As in KubeFed, to the DELETE of each copy when the federated object is deleted
 * ({@code ClusterFleet.delete}, {@code deleteAll}); a copy removed because the object is no longer placed on its
 * cluster, or because the cluster is drained, is deleted as it always was (propagation policy {@code Background},
 * nothing else). A field left out is left to the API server, except the propagation policy, which is then
 * {@code Background}, as fleetfed always sends it. A precondition is checked by each member against its own copy:
 * a {@code uid} matches at most one copy (each copy has its own), so elsewhere the API server refuses the DELETE
 * (409 Conflict, "the UID in the precondition … does not match"), the cluster is reported {@code DeletionFailed}
 * and its copy stays.
 *
 * <p><b>Validation.</b> {@link #parse} and the constructor reject what the API server or KubeFed would not take,
 * each problem naming its field: a value that is not a JSON object, a field of the wrong type, a negative grace
 * period, a propagation policy other than {@code Orphan}, {@code Background} or {@code Foreground} (spelled so),
 * an empty precondition. Fields KubeFed reads but never sends ({@code orphanDependents}, {@code dryRun}) and
 * unknown fields are rejected rather than ignored; {@code kind: DeleteOptions} and {@code apiVersion: v1} (or
 * {@code meta.k8s.io/v1}) are allowed. A {@link FederatedResource} with an invalid annotation cannot be built, so
 * the problem shows when the object is read or built, before anything is sent, not when it is deleted.
 *
 * @param gracePeriodSeconds how long each copy may take to terminate ({@code 0}: at once), when given
 * @param propagationPolicy what happens to each copy's dependents, when given
 * @param uidPrecondition the uid each copy must have to be deleted ({@code preconditions.uid}), when given
 * @param resourceVersionPrecondition the resourceVersion each copy must have to be deleted
 *     ({@code preconditions.resourceVersion}), when given
 */
public record DeleteOptions(OptionalLong gracePeriodSeconds, Optional<Propagation> propagationPolicy,
    Optional<String> uidPrecondition, Optional<String> resourceVersionPrecondition) {

  /** The annotation on a federated object holding its delete options as JSON. */
  public static final String ANNOTATION = "kubefed.io/deleteoption";

  private static final DeleteOptions DEFAULTS = new DeleteOptions(OptionalLong.empty(), Optional.empty(),
      Optional.empty(), Optional.empty());
  private static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final String KNOWN = "gracePeriodSeconds, propagationPolicy and preconditions";

  /** A Kubernetes deletion propagation policy: what happens to the dependents of a deleted object. */
  public enum Propagation {
    /** The dependents are kept, without the owner reference (the object waits for the garbage collector). */
    ORPHAN("Orphan"),
    /** The object goes at once; the garbage collector deletes the dependents afterwards. */
    BACKGROUND("Background"),
    /** The object stays, deleting, until the garbage collector has deleted the dependents that block it. */
    FOREGROUND("Foreground");

    private final String value;

    Propagation(String value) {
      this.value = value;
    }

    /** The value as the API spells it: {@code Orphan}, {@code Background} or {@code Foreground}. */
    public String value() {
      return value;
    }

    /** The policy spelled {@code value} exactly, as the API server requires; empty for anything else. */
    public static Optional<Propagation> ofValue(String value) {
      Objects.requireNonNull(value, "value");
      return Arrays.stream(values()).filter(p -> p.value.equals(value)).findFirst();
    }
  }

  /**
   * Checks that nothing is null, the grace period is not negative and the preconditions are not empty.
   *
   * @throws ValidationException naming {@code gracePeriodSeconds}, {@code preconditions.uid} or
   *     {@code preconditions.resourceVersion}
   */
  public DeleteOptions {
    Objects.requireNonNull(gracePeriodSeconds, "gracePeriodSeconds");
    Objects.requireNonNull(propagationPolicy, "propagationPolicy");
    Objects.requireNonNull(uidPrecondition, "uidPrecondition");
    Objects.requireNonNull(resourceVersionPrecondition, "resourceVersionPrecondition");
    Problems problems = new Problems();
    if (gracePeriodSeconds.isPresent() && gracePeriodSeconds.getAsLong() < 0) {
      problems.add("gracePeriodSeconds", "must be 0 or more, got " + gracePeriodSeconds.getAsLong());
    }
    if (uidPrecondition.filter(String::isEmpty).isPresent()) {
      problems.add("preconditions.uid", "must not be empty; leave it out to delete whatever the uid");
    }
    if (resourceVersionPrecondition.filter(String::isEmpty).isPresent()) {
      problems.add("preconditions.resourceVersion", "must not be empty; leave it out to delete whatever the"
          + " resourceVersion");
    }
    problems.throwIfAny();
  }

  /**
   * No option set: each copy is deleted as fleetfed deletes it without the annotation (propagation policy
   * {@code Background}, the API server's defaults otherwise).
   */
  public static DeleteOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Reads the value of a {@value #ANNOTATION} annotation.
   *
   * <pre>{@code
   * DeleteOptions.parse("{\"propagationPolicy\":\"Orphan\",\"gracePeriodSeconds\":5}");
   * DeleteOptions.parse("{\"preconditions\":{\"resourceVersion\":\"42\"}}");
   * }</pre>
   *
   * @throws ValidationException listing every problem, each naming its field ({@code gracePeriodSeconds},
   *     {@code preconditions.uid}…; no field when the value is not a JSON object)
   */
  public static DeleteOptions parse(String json) {
    Objects.requireNonNull(json, "json");
    JsonNode tree;
    try {
      tree = STRICT.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ValidationException("", "is not valid JSON: " + e.getOriginalMessage());
    }
    if (tree == null || tree.isMissingNode() || !tree.isObject()) {
      throw new ValidationException("", "must be a JSON object of DeleteOptions (" + KNOWN + "), not "
          + (tree == null || tree.isMissingNode() ? "nothing" : Json.describeType(tree)));
    }
    Problems problems = new Problems();
    OptionalLong grace = OptionalLong.empty();
    Optional<Propagation> policy = Optional.empty();
    Optional<String> uid = Optional.empty();
    Optional<String> resourceVersion = Optional.empty();
    for (Map.Entry<String, JsonNode> field : Json.fields(tree)) {
      String name = field.getKey();
      JsonNode value = field.getValue();
      switch (name) {
        case "gracePeriodSeconds":
          grace = wholeSeconds(value, problems);
          break;
        case "propagationPolicy":
          policy = policy(value, problems);
          break;
        case "preconditions":
          if (value.isNull()) {
            break;
          }
          if (!value.isObject()) {
            problems.add("preconditions", "must be an object with uid and/or resourceVersion, not "
                + Json.describeType(value));
            break;
          }
          for (Map.Entry<String, JsonNode> p : Json.fields(value)) {
            switch (p.getKey()) {
              case "uid":
                uid = string(p.getValue(), "preconditions.uid", problems);
                break;
              case "resourceVersion":
                resourceVersion = string(p.getValue(), "preconditions.resourceVersion", problems);
                break;
              default:
                problems.add("preconditions." + p.getKey(), "is not a precondition: a DELETE's preconditions"
                    + " are uid and resourceVersion");
            }
          }
          break;
        case "kind":
          if (!value.isNull() && !"DeleteOptions".equals(value.asText(null))) {
            problems.add("kind", "must be DeleteOptions when given, not " + Json.compact(value));
          }
          break;
        case "apiVersion":
          if (!value.isNull() && !"v1".equals(value.asText(null)) && !"meta.k8s.io/v1".equals(value.asText(null))) {
            problems.add("apiVersion", "must be v1 or meta.k8s.io/v1 when given, not " + Json.compact(value));
          }
          break;
        case "orphanDependents":
          problems.add(name, "is not used: KubeFed and fleetfed send only " + KNOWN + "; write"
              + " \"propagationPolicy\": \"Orphan\" instead");
          break;
        default:
          problems.add(name, "is not used: KubeFed and fleetfed send only " + KNOWN + " of a DeleteOptions");
      }
    }
    problems.throwIfAny();
    return new DeleteOptions(grace, policy, uid, resourceVersion);
  }

  private static OptionalLong wholeSeconds(JsonNode value, Problems problems) {
    if (value.isNull()) {
      return OptionalLong.empty();
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      problems.add("gracePeriodSeconds", "must be a whole number of seconds, not " + Json.compact(value));
      return OptionalLong.empty();
    }
    if (value.asLong() < 0) {
      problems.add("gracePeriodSeconds", "must be 0 or more, got " + value.asLong());
      return OptionalLong.empty();
    }
    return OptionalLong.of(value.asLong());
  }

  private static Optional<Propagation> policy(JsonNode value, Problems problems) {
    if (value.isNull()) {
      return Optional.empty();
    }
    Optional<Propagation> policy = value.isTextual() ? Propagation.ofValue(value.asText()) : Optional.empty();
    if (policy.isEmpty()) {
      problems.add("propagationPolicy", "must be one of " + Arrays.stream(Propagation.values())
          .map(Propagation::value).collect(Collectors.joining(", ")) + " (spelled so), not " + Json.compact(value));
    }
    return policy;
  }

  private static Optional<String> string(JsonNode value, String field, Problems problems) {
    if (value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      problems.add(field, "must be a string, not " + Json.describeType(value));
      return Optional.empty();
    }
    if (value.asText().isEmpty()) {
      problems.add(field, "must not be empty; leave it out to delete whatever the " + field.substring(
          "preconditions.".length()));
      return Optional.empty();
    }
    return Optional.of(value.asText());
  }

  /** These options with {@code gracePeriodSeconds} ({@code 0}: at once). */
  public DeleteOptions withGracePeriodSeconds(long seconds) {
    return new DeleteOptions(OptionalLong.of(seconds), propagationPolicy, uidPrecondition,
        resourceVersionPrecondition);
  }

  /** These options with {@code propagationPolicy}. */
  public DeleteOptions withPropagationPolicy(Propagation policy) {
    return new DeleteOptions(gracePeriodSeconds, Optional.of(Objects.requireNonNull(policy, "policy")),
        uidPrecondition, resourceVersionPrecondition);
  }

  /** These options with the precondition {@code preconditions.uid}. */
  public DeleteOptions withUidPrecondition(String uid) {
    return new DeleteOptions(gracePeriodSeconds, propagationPolicy, Optional.of(Objects.requireNonNull(uid, "uid")),
        resourceVersionPrecondition);
  }

  /** These options with the precondition {@code preconditions.resourceVersion}. */
  public DeleteOptions withResourceVersionPrecondition(String resourceVersion) {
    return new DeleteOptions(gracePeriodSeconds, propagationPolicy, uidPrecondition,
        Optional.of(Objects.requireNonNull(resourceVersion, "resourceVersion")));
  }

  /** Whether no option is set ({@link #defaults()}). */
  public boolean isDefault() {
    return equals(DEFAULTS);
  }

  /**
   * The annotation's value for these options, the JSON {@link #parse} reads back:
   * {@code {"gracePeriodSeconds":5,"propagationPolicy":"Orphan","preconditions":{"uid":"…"}}}, fields left out
   * when not set.
   */
  public String toJson() {
    ObjectNode o = Json.object();
    gracePeriodSeconds.ifPresent(s -> o.put("gracePeriodSeconds", s));
    propagationPolicy.ifPresent(p -> o.put("propagationPolicy", p.value()));
    if (uidPrecondition.isPresent() || resourceVersionPrecondition.isPresent()) {
      ObjectNode pre = o.putObject("preconditions");
      uidPrecondition.ifPresent(u -> pre.put("uid", u));
      resourceVersionPrecondition.ifPresent(v -> pre.put("resourceVersion", v));
    }
    return Json.compact(o);
  }

  @Override
  public String toString() {
    return "DeleteOptions" + toJson();
  }
}
