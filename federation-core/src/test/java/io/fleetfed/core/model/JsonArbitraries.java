package io.fleetfed.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators for JSON trees, templates and raw overrides, shared by the model and render properties.
 *
 * <p>Member names and path tokens come from small pools, so that random paths often hit random templates, and
 * the pools hold the awkward ones: {@code ""}, {@code "-"}, {@code "~"}, {@code "/"}, {@code "01"},
 * {@code "-1"}, a number too large for an int, non-ASCII.
 */
public final class JsonArbitraries {
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Member names used in generated objects. */
  public static final List<String> KEYS = List.of("a", "b", "c", "replicas", "items", "0", "1", "-", "~", "/",
      "a/b", "x~y", "~1", "", " ", "01", "ä", "null", "spec");

  /** Tokens used in generated paths, beyond the member names. */
  public static final List<String> TOKENS = concat(KEYS, List.of("2", "3", "-1", "+1", "99999999999", "1e1",
      "metadata", "labels", "annotations", "apiVersion", "kind", "name", "namespace", "fleetfed.io/managed", "app",
      "finalizers", "uid"));

  static final List<String> LABEL_KEYS = List.of("app", "tier", "app.kubernetes.io/name", "fleetfed.io/managed",
      "example.com/x", "a_b.c");
  static final List<String> LABEL_VALUES = List.of("web", "", "v1.2", "a_b", "true", "false", "x-y");

  private JsonArbitraries() {}

  /** Any JSON value nested at most {@code depth} deep (objects, arrays, strings, numbers, booleans, null). */
  public static Arbitrary<JsonNode> values(int depth) {
    Arbitrary<JsonNode> leaf = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.strings().ofMaxLength(6).map(NODES::textNode)),
        Tuple.of(1, Arbitraries.of(LABEL_VALUES).map(NODES::textNode)),
        Tuple.of(3, Arbitraries.integers().map(NODES::numberNode)),
        Tuple.of(1, Arbitraries.longs().map(NODES::numberNode)),
        Tuple.of(1, Arbitraries.doubles().map(NODES::numberNode)),
        Tuple.of(2, Arbitraries.of(true, false).map(NODES::booleanNode)),
        Tuple.of(1, Arbitraries.just(NODES.nullNode())));
    if (depth <= 0) {
      return leaf;
    }
    return Arbitraries.frequencyOf(Tuple.of(4, leaf), Tuple.of(3, objects(depth)), Tuple.of(2, arrays(depth)));
  }

  /** Objects with members from {@link #KEYS}, nested at most {@code depth} deep. */
  public static Arbitrary<JsonNode> objects(int depth) {
    return Arbitraries.maps(Arbitraries.of(KEYS), values(depth - 1)).ofMaxSize(4).map(JsonArbitraries::object);
  }

  /** Arrays nested at most {@code depth} deep. */
  public static Arbitrary<JsonNode> arrays(int depth) {
    return values(depth - 1).list().ofMaxSize(4).map(list -> {
      ArrayNode array = NODES.arrayNode();
      list.forEach(array::add);
      return array;
    });
  }

  /** Label maps: valid, or with {@code invalid} weight (against 48) holding a value that is not a label value. */
  public static Arbitrary<JsonNode> labels(int invalid) {
    Arbitrary<JsonNode> value = Arbitraries.frequencyOf(
        Tuple.of(96, Arbitraries.of(LABEL_VALUES).map(NODES::textNode)),
        Tuple.of(invalid, Arbitraries.of("has space", "-x").map(NODES::textNode)),
        Tuple.of(invalid, values(0)));
    return Arbitraries.maps(Arbitraries.of(LABEL_KEYS), value).ofMaxSize(3).map(JsonArbitraries::object);
  }

  /** Annotation maps: any text, or with {@code invalid} weight (against 48) a value that is not a string. */
  public static Arbitrary<JsonNode> annotations(int invalid) {
    Arbitrary<JsonNode> value = Arbitraries.frequencyOf(
        Tuple.of(48, Arbitraries.strings().ofMaxLength(10).map(NODES::textNode)),
        Tuple.of(invalid, values(1)));
    return Arbitraries.maps(Arbitraries.of(LABEL_KEYS), value).ofMaxSize(3).map(JsonArbitraries::object);
  }

  /** Templates for a Deployment {@code web/app}, often invalid (see {@link #templates(int)}). */
  public static Arbitrary<ObjectNode> templates() {
    return templates(12);
  }

  /**
   * Templates for a Deployment {@code web/app}: a random spec and random other members, maybe labels,
   * annotations, a repeated identity, {@code creationTimestamp: null}, an apiVersion and a kind. Each of
   * these is invalid with weight {@code invalid} against 48.
   */
  public static Arbitrary<ObjectNode> templates(int invalid) {
    Arbitrary<Optional<JsonNode>> apiVersion = Arbitraries.frequencyOf(
        Tuple.of(32, Arbitraries.just(Optional.empty())),
        Tuple.of(16, Arbitraries.of("apps/v1", "apps/v1beta2").map(v -> Optional.of(NODES.textNode(v)))),
        Tuple.of(invalid, values(1).map(Optional::of)));
    Arbitrary<Optional<JsonNode>> kind = Arbitraries.frequencyOf(
        Tuple.of(32, Arbitraries.just(Optional.empty())),
        Tuple.of(16, Arbitraries.just(Optional.of(NODES.textNode("Deployment")))),
        Tuple.of(invalid, values(0).map(Optional::of)));
    Arbitrary<Optional<JsonNode>> metadata = Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.just(Optional.empty())),
        Tuple.of(40, metadata(invalid).map(Optional::of)),
        Tuple.of(invalid, values(1).map(Optional::of)));
    Arbitrary<JsonNode> spec = objects(3);
    Arbitrary<Map<String, JsonNode>> others = Arbitraries.maps(Arbitraries.of(KEYS), values(2)).ofMaxSize(2);
    return Combinators.combine(apiVersion, kind, metadata, spec, others).as((a, k, m, s, o) -> {
      ObjectNode template = NODES.objectNode();
      o.forEach(template::set);
      a.ifPresent(v -> template.set("apiVersion", v));
      k.ifPresent(v -> template.set("kind", v));
      m.ifPresent(v -> template.set("metadata", v));
      template.set("spec", s);
      return template;
    });
  }

  static Arbitrary<JsonNode> metadata(int invalid) {
    Arbitrary<Optional<JsonNode>> labels = Arbitraries.oneOf(Arbitraries.just(Optional.empty()),
        labels(invalid).map(Optional::of));
    Arbitrary<Optional<JsonNode>> annotations = Arbitraries.oneOf(Arbitraries.just(Optional.empty()),
        annotations(invalid).map(Optional::of));
    Arbitrary<Map<String, JsonNode>> extra = Arbitraries.maps(
        Arbitraries.of("name", "namespace", "creationTimestamp", "uid", "finalizers"),
        Arbitraries.frequencyOf(
            Tuple.of(48, Arbitraries.just(NODES.nullNode())),
            Tuple.of(invalid, Arbitraries.of("app", "web").map(v -> (JsonNode) NODES.textNode(v))),
            Tuple.of(invalid, values(1)))).ofMaxSize(2);
    return Combinators.combine(labels, annotations, extra).as((l, a, e) -> {
      ObjectNode metadata = NODES.objectNode();
      e.forEach(metadata::set);
      l.ifPresent(v -> metadata.set("labels", v));
      a.ifPresent(v -> metadata.set("annotations", v));
      return metadata;
    });
  }

  /**
   * An override as a user writes it: an op ({@code null} when absent), a path and a value ({@code null} when
   * absent). It need not be valid.
   */
  public record RawOverride(String op, String path, JsonNode value) {
    /** The model object, or a {@link io.fleetfed.core.ValidationException} saying why there is none. */
    public ClusterOverride toOverride() {
      return new ClusterOverride(OverrideOp.parse(op == null ? "" : op), path, Optional.ofNullable(value));
    }

    @Override
    public String toString() {
      return (op == null ? "<no op>" : "'" + op + "'") + " '" + path + "'"
          + (value == null ? "" : " " + value);
    }
  }

  /** Overrides whose paths are often pointers into {@code template} (as rendered), often not; often invalid. */
  public static Arbitrary<RawOverride> overrides(ObjectNode template) {
    return overrides(template, 4);
  }

  /**
   * Overrides whose paths are often pointers into {@code template} (as rendered), often not. The op, the value
   * and the path are each valid or not for the model, with weight {@code invalid} against 12 for not.
   */
  public static Arbitrary<RawOverride> overrides(ObjectNode template, int invalid) {
    List<String> pointers = new ArrayList<>(List.of("/apiVersion", "/kind", "/metadata/name",
        "/metadata/namespace", "/metadata/labels", "/metadata/annotations"));
    collectPointers(template, "", pointers);
    Arbitrary<Boolean> consistent = Arbitraries.frequency(Tuple.of(12, true), Tuple.of(invalid, false));
    return Combinators.combine(ops(invalid), paths(pointers, invalid), overrideValues(), consistent)
        .as((op, path, value, fit) -> {
          if (!fit) {
            return new RawOverride(op, path, value);
          }
          if ("remove".equals(op)) {
            return new RawOverride(op, path, null);
          }
          return new RawOverride(op, path, value == null || value.isNull() ? NODES.textNode("x") : value);
        });
  }

  static Arbitrary<String> ops(int invalid) {
    return Arbitraries.frequencyOf(
        Tuple.of(9, Arbitraries.of("add", "replace", "remove")),
        Tuple.of(2, Arbitraries.just("")),
        Tuple.of(1, Arbitraries.just((String) null)),
        Tuple.of(invalid, Arbitraries.of("move", "copy", "test", "Add", " remove")));
  }

  static Arbitrary<JsonNode> overrideValues() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just((JsonNode) null)),
        Tuple.of(1, Arbitraries.just(NODES.nullNode())),
        Tuple.of(2, Arbitraries.of(LABEL_VALUES).map(NODES::textNode)),
        Tuple.of(6, values(2)));
  }

  static Arbitrary<String> paths(List<String> pointers, int invalid) {
    Arbitrary<String> token = Arbitraries.of(TOKENS);
    Arbitrary<String> existing = Arbitraries.of(pointers);
    Arbitrary<String> extended = Combinators.combine(existing, token).as((p, t) -> p + "/" + escape(t));
    Arbitrary<String> escaped = token.list().ofMinSize(1).ofMaxSize(4)
        .map(ts -> ts.stream().map(JsonArbitraries::escape).collect(Collectors.joining("/", "/", "")));
    Arbitrary<String> unescaped = token.list().ofMinSize(1).ofMaxSize(3)
        .map(ts -> String.join("/", ts)).map(p -> p.startsWith("/") ? p : "/" + p);
    Arbitrary<String> special = Arbitraries.of("/metadata/labels/fleetfed.io~1managed", "/metadata/labels",
        "/metadata/annotations", "/metadata/annotations/fleetfed.io~1hash", "/apiVersion", "/metadata/name",
        "/metadata/namespace", "/metadata/generateName", "/kind", "/metadata", "", "spec/a", "/a~2", "/a~", "/",
        "/metadata/", "/metadata/labels/", "//", "/spec//");
    Arbitrary<String> anything = Arbitraries.strings().ofMaxLength(8);
    return Arbitraries.frequencyOf(
        Tuple.of(12, existing), Tuple.of(8, extended), Tuple.of(4, escaped), Tuple.of(invalid, unescaped),
        Tuple.of(invalid, special), Tuple.of(invalid, anything), Tuple.of(invalid, anything.map(s -> "/" + s)));
  }

  /** Every pointer into {@code node} below {@code prefix}, containers and leaves. */
  public static void collectPointers(JsonNode node, String prefix, List<String> into) {
    if (node.isObject()) {
      node.properties().forEach(e -> {
        String pointer = prefix + "/" + escape(e.getKey());
        into.add(pointer);
        collectPointers(e.getValue(), pointer, into);
      });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String pointer = prefix + "/" + i;
        into.add(pointer);
        collectPointers(node.get(i), pointer, into);
      }
      into.add(prefix + "/-");
    }
  }

  /** The RFC 6901 escape of a member name. */
  public static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  static ObjectNode object(Map<String, JsonNode> members) {
    ObjectNode object = NODES.objectNode();
    members.forEach(object::set);
    return object;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }
}
