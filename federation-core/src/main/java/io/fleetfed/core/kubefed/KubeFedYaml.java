package io.fleetfed.core.kubefed;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.internal.Json;
import io.fleetfed.core.internal.Nulls;
import io.fleetfed.core.internal.Problems;
import io.fleetfed.core.model.ClusterNames;
import io.fleetfed.core.model.ClusterOverride;
import io.fleetfed.core.model.ClusterOverrides;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.LabelSelector;
import io.fleetfed.core.model.OverrideOp;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.model.Scope;
import io.fleetfed.core.model.SelectorOperator;
import io.fleetfed.core.model.SelectorRequirement;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads and writes KubeFed YAML: {@code Federated<Kind>} objects of any registered kind,
 * {@code FederatedTypeConfig}s and {@code KubeFedCluster}s, in multi-document files (and {@code v1 List}s of
 * them, as {@code kubectl get -o yaml} prints).
 *
 * <pre>{@code
 * YamlSource source;
 * try (InputStream in = Files.newInputStream(path)) {
 *   source = YamlSource.read(path.toString(), in, InputLimits.DEFAULT);   // bounded, strict UTF-8
 * }
 * KubeFedBundle bundle = KubeFedYaml.read(List.of(source), TypeRegistry.standard());
 * List<FederatedResource> resources = bundle.resources();
 * String yaml = KubeFedYaml.write(bundle.documents(), bundle.registry());
 * }</pre>
 *
 * <p>Reading is strict, so that a typo is an error rather than an object silently propagated nowhere: unknown
 * fields are rejected (with a suggestion), as are values of the wrong type, unknown kinds and everything the
 * model refuses. Every problem in every document is reported at once, each naming the source, the document's
 * position and line, the object, the field and the reason. FederatedTypeConfigs in the input register their
 * types before the federated objects are read, whatever the order. Empty documents are skipped, and so are
 * CustomResourceDefinitions (type definitions, such as the federated CRDs {@code fleetfed enable} prints next to
 * their FederatedTypeConfigs: the FederatedTypeConfig defines the type for the codec); an empty
 * value ({@code key:}) is null, as for kubectl.
 *
 * <p>Reading is bounded by {@link InputLimits} ({@link InputLimits#DEFAULT} unless given): a source's size, its
 * number of documents, the length of a value and of a line, and nesting are checked while the source is read, in
 * one pass, so that a hostile input is refused in time proportional to the limits, not to its size.
 *
 * <p>Writing what was read gives the same content back. What is not kept: fields the API server fills in
 * ({@code metadata.uid}, {@code resourceVersion}, {@code generation}, {@code creationTimestamp},
 * {@code managedFields}…), the {@code status} of federated objects, and a KubeFedCluster's {@code status.region}
 * and {@code status.zones} (KubeFed no longer sets them); what is normalised: an override's
 * {@code op} is left out when it is {@code replace} (KubeFed's default), empty lists and maps are left out,
 * labels and annotations are sorted by key.
 */
public final class KubeFedYaml {
  /** The API version of FederatedTypeConfig and KubeFedCluster. */
  public static final String CORE_API_VERSION = "core.kubefed.io/v1beta1";

  private static final Set<String> SERVER_METADATA = Set.of("uid", "resourceVersion", "generation",
      "creationTimestamp", "managedFields", "selfLink", "finalizers", "ownerReferences", "deletionTimestamp",
      "deletionGracePeriodSeconds");
  private static final Set<String> METADATA = Set.of("name", "namespace", "labels", "annotations");
  private static final Set<String> TOP_LEVEL = Set.of("apiVersion", "kind", "metadata", "spec");
  private static final Set<String> STATUS = Set.of("status");

  /** U+0085 NEXT LINE, a line break in YAML 1.1 that SnakeYAML writes raw in plain and block scalars. */
  private static final char NEL = '\u0085';

  private static final YAMLFactory FACTORY = new NelSafeYamlFactory(YAMLFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .stringQuotingChecker(new Yaml11QuotingChecker()));
  private static final YAMLMapper MAPPER = new YAMLMapper(FACTORY);

  private KubeFedYaml() {}

  /**
   * Reads one source.
   *
   * @throws ValidationException listing every problem in the source
   */
  public static KubeFedBundle read(String sourceName, String yaml, TypeRegistry registry) {
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(yaml, "yaml");
    Objects.requireNonNull(registry, "registry");
    return read(List.of(new YamlSource(sourceName, yaml)), registry, InputLimits.DEFAULT);
  }

  /**
   * Reads one source within {@code limits}.
   *
   * @throws ValidationException listing every problem in the source, a limit it goes past included
   */
  public static KubeFedBundle read(String sourceName, String yaml, TypeRegistry registry, InputLimits limits) {
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(yaml, "yaml");
    return read(List.of(new YamlSource(sourceName, yaml)), registry, limits);
  }

  /**
   * Reads several sources as one input: FederatedTypeConfigs anywhere in them register their types for all.
   *
   * @throws ValidationException listing every problem in every source
   */
  public static KubeFedBundle read(List<YamlSource> sources, TypeRegistry registry) {
    return read(sources, registry, InputLimits.DEFAULT);
  }

  /**
   * Reads several sources as one input, each within {@code limits}.
   *
   * @throws ValidationException listing every problem in every source, the limits they go past included
   */
  public static KubeFedBundle read(List<YamlSource> sources, TypeRegistry registry, InputLimits limits) {
    Nulls.noNulls(sources, "sources");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(limits, "limits");
    Problems problems = new Problems();
    List<RawDocument> raw = new ArrayList<>();
    for (YamlSource source : sources) {
      parse(source, limits, raw, problems);
    }
    TypeRegistry types = registry;
    Map<String, String> typeConfigPositions = new HashMap<>();
    for (RawDocument doc : raw) {
      if (doc.is(CORE_API_VERSION, "FederatedTypeConfig")) {
        Optional<FederatedTypeConfig> config = doc.read(problems, fields -> readTypeConfig(doc.node, fields));
        String first = config.map(c -> typeConfigPositions.putIfAbsent(c.name(), doc.position)).orElse(null);
        if (first != null) {
          doc.fail(problems, "metadata.name", "a FederatedTypeConfig named " + config.get().name()
              + " is already in the input (" + first + "); give each type one");
        } else if (config.isPresent()) {
          try {
            types = types.with(config.get());
          } catch (ValidationException e) {
            problems.addAll(e.map(v -> v.withObject(doc.describe()).withSource(doc.position)));
          }
        }
      }
    }
    List<KubeFedDocument> documents = new ArrayList<>();
    List<String> positions = new ArrayList<>();
    for (RawDocument doc : raw) {
      Optional<? extends KubeFedDocument> read = readDocument(doc, types, problems);
      if (read.isPresent()) {
        documents.add(read.get());
        positions.add(doc.position);
      }
    }
    problems.throwIfAny();
    return new KubeFedBundle(types, documents, positions);
  }

  /** Writes documents as multi-document YAML, federated objects with the federated types of {@code registry}. */
  public static String write(List<? extends KubeFedDocument> documents, TypeRegistry registry) {
    Nulls.noNulls(documents, "documents");
    Objects.requireNonNull(registry, "registry");
    List<JsonNode> trees = new ArrayList<>();
    for (KubeFedDocument document : documents) {
      trees.add(toTree(document, registry));
    }
    return writeYaml(trees);
  }

  /** Writes documents as multi-document YAML, federated objects with the standard registry's federated types. */
  public static String write(List<? extends KubeFedDocument> documents) {
    return write(documents, TypeRegistry.standard());
  }

  /** The document as a JSON tree, exactly as {@link #write} writes it. */
  public static ObjectNode toTree(KubeFedDocument document, TypeRegistry registry) {
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(registry, "registry");
    if (document instanceof FederatedObject) {
      FederatedResource resource = ((FederatedObject) document).resource();
      FederatedTypeConfig config = registry.forTarget(resource.type().group(), resource.type().kind())
          .orElseGet(() -> FederatedTypeConfig.forTarget(resource.type()));
      return federatedTree(resource, config);
    }
    if (document instanceof FederatedTypeConfig) {
      return typeConfigTree((FederatedTypeConfig) document);
    }
    return clusterTree((KubeFedCluster) document);
  }

  /**
   * Writes JSON trees (any Kubernetes objects) as multi-document YAML, each document after a {@code ---} line,
   * quoting strings that YAML would otherwise read as numbers, booleans or null.
   */
  public static String writeYaml(List<? extends JsonNode> trees) {
    Nulls.noNulls(trees, "trees");
    StringBuilder out = new StringBuilder();
    for (JsonNode tree : trees) {
      out.append("---\n").append(writeYaml(tree));
    }
    return out.toString();
  }

  /** Writes one JSON tree as a YAML document (without a {@code ---} line). */
  public static String writeYaml(JsonNode tree) {
    Objects.requireNonNull(tree, "tree");
    try {
      return MAPPER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new FederationException("cannot write YAML: " + e.getOriginalMessage(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------- parsing

  private static void parse(YamlSource source, InputLimits limits, List<RawDocument> out, Problems problems) {
    if (YamlSource.utf8LongerThan(source.content(), limits.maxSourceBytes())) {
      problems.addAll(new ValidationException("", YamlSource.tooLarge(limits)).map(v -> v.withSource(source.name())));
      return;
    }
    List<RawDocument> read = new ArrayList<>();
    List<Violation> found = new ArrayList<>();
    BoundedYaml.Parser parser = null;
    int index = 0;
    int line = 0;
    int listItems = 0;
    boolean inDocument = false;
    try (BoundedYaml.Parser p = BoundedYaml.open(source.content(), limits)) {
      parser = p;
      JsonToken token;
      while ((token = p.nextToken()) != null) {
        index++;
        inDocument = true;
        line = p.currentTokenLocation().getLineNr();
        JsonNode node = MAPPER.readTree(p);
        inDocument = false;
        String position = position(source, index, line);
        if (token == JsonToken.VALUE_NULL || node == null || node.isNull() || node.isMissingNode()) {
          continue;
        }
        if (!node.isObject()) {
          found.add(Violation.of("", "a document must be a mapping (apiVersion, kind, …), not "
              + Json.describeType(node)).withSource(position));
          continue;
        }
        addDocument(position, (ObjectNode) node, read, found);
        if (isList(node) && node.path("items").size() > 1) {
          listItems += node.path("items").size() - 1;
        }
        if (p.documents() + listItems > limits.maxDocuments()) {
          found.add(Violation.of("", BoundedYaml.tooManyDocuments(limits)).withSource(position));
          break;
        }
      }
    } catch (IOException e) {
      Optional<String> longLine = parser == null ? Optional.empty() : parser.lineProblem();
      if (!(e instanceof JsonProcessingException) && longLine.isEmpty()) {
        throw new FederationException("cannot read " + source.name() + ": " + e.getMessage(), e);
      }
      // The document being read, or else the next one, whose start could not be parsed.
      JsonLocation location = e instanceof JsonProcessingException ? ((JsonProcessingException) e).getLocation()
          : null;
      int errorLine = location == null ? 0 : location.getLineNr();
      String position = inDocument ? position(source, index, line)
          : errorLine > 0 ? position(source, index + 1, errorLine) : source.name() + ", document " + (index + 1);
      Violation problem;
      if (longLine.isPresent()) {
        problem = Violation.of("", longLine.get());
      } else {
        JsonProcessingException syntax = (JsonProcessingException) e;
        String where = errorLine <= 0 ? "" : " at line " + errorLine + ", column " + location.getColumnNr();
        String field = syntax.getProcessor() instanceof JsonParser
            ? fieldPath(((JsonParser) syntax.getProcessor()).getParsingContext()) : "";
        problem = e instanceof BoundedYaml.LimitException ? Violation.of(field, syntax.getOriginalMessage())
            : Violation.of(field, "not valid YAML" + where + ": " + syntaxProblem(syntax));
      }
      found.add(problem.withSource(position));
    }
    List<BoundedYaml.Unsupported> unsupported = parser == null ? List.of() : parser.unsupported();
    if (!unsupported.isEmpty()) {
      // Aliases would be read as plain strings: report them alone, and nothing of the source.
      for (BoundedYaml.Unsupported u : unsupported) {
        problems.addAll(new ValidationException("", u.reason()).map(v -> v.withSource(source.name() + ", document "
            + u.document() + " (line " + u.line() + ")")));
      }
      return;
    }
    if (!found.isEmpty()) {
      problems.addAll(new ValidationException(found));
    }
    out.addAll(read);
  }

  /**
   * What is wrong, without the copy of the offending line that SnakeYAML puts in its messages: that line may
   * hold a secret's value.
   */
  private static String syntaxProblem(JsonProcessingException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MarkedYAMLException) {
        MarkedYAMLException marked = (MarkedYAMLException) t;
        String problem = marked.getProblem() == null ? "syntax error" : marked.getProblem();
        Mark context = marked.getContextMark();
        return marked.getContext() == null || context == null ? problem
            : problem + " (" + marked.getContext() + " at line " + (context.getLine() + 1) + ", column "
                + (context.getColumn() + 1) + ")";
      }
    }
    return e.getOriginalMessage();
  }

  private static String position(YamlSource source, int index, int line) {
    return source.name() + ", document " + index + " (line " + line + ")";
  }

  /** Where a parser stopped, as a field path such as {@code metadata.labels} or {@code spec.items[2]}. */
  private static String fieldPath(JsonStreamContext context) {
    List<String> segments = new ArrayList<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject() && c.getCurrentName() != null) {
        segments.add(0, "." + c.getCurrentName());
      } else if (c.inArray() && c.getCurrentIndex() >= 0) {
        segments.add(0, "[" + c.getCurrentIndex() + "]");
      }
    }
    String path = String.join("", segments);
    return path.startsWith(".") ? path.substring(1) : path;
  }

  private static boolean isList(JsonNode node) {
    return "v1".equals(node.path("apiVersion").asText()) && "List".equals(node.path("kind").asText());
  }

  private static void addDocument(String position, ObjectNode node, List<RawDocument> out, List<Violation> problems) {
    if (isList(node)) {
      JsonNode items = node.path("items");
      if (!items.isArray()) {
        problems.add(Violation.of("items", "a v1 List needs a list of items, not " + Json.describeType(items))
            .withObject("List").withSource(position));
        return;
      }
      for (int i = 0; i < items.size(); i++) {
        JsonNode item = items.get(i);
        String itemPosition = position + ", items[" + i + "]";
        if (item.isObject()) {
          out.add(new RawDocument(itemPosition, (ObjectNode) item));
        } else {
          problems.add(Violation.of("", "a List item must be an object, not " + Json.describeType(item))
              .withSource(itemPosition));
        }
      }
      return;
    }
    out.add(new RawDocument(position, node));
  }

  private static Optional<? extends KubeFedDocument> readDocument(RawDocument doc, TypeRegistry types,
      Problems problems) {
    if (doc.apiVersion.isEmpty() || doc.kind.isEmpty()) {
      doc.fail(problems, "", "apiVersion and kind are required");
      return Optional.empty();
    }
    if (doc.is(CORE_API_VERSION, "FederatedTypeConfig")) {
      // Already read (and registered) above; read again, without reporting its problems twice.
      return doc.read(new Problems(), fields -> readTypeConfig(doc.node, fields));
    }
    if (doc.is(CORE_API_VERSION, "KubeFedCluster")) {
      return doc.read(problems, fields -> readCluster(doc.node, fields));
    }
    if (ResourceType.groupOf(doc.apiVersion).equals("apiextensions.k8s.io")
        && doc.kind.equals("CustomResourceDefinition")) {
      // A type definition, such as the federated CRD fleetfed enable prints before its FederatedTypeConfig: it
      // defines no object to federate, and the FederatedTypeConfig is what tells the codec about the type.
      return Optional.empty();
    }
    Optional<FederatedTypeConfig> config = types.forFederated(doc.apiVersion, doc.kind);
    if (config.isPresent()) {
      return doc.read(problems, fields -> readFederated(doc.node, config.get(), fields));
    }
    if (doc.kind.startsWith("Federated") || ResourceType.groupOf(doc.apiVersion).equals(FederatedTypeConfig.FEDERATED_GROUP)) {
      doc.fail(problems, "kind", "unknown federated kind " + doc.kind + " (" + doc.apiVersion + "): no"
          + " FederatedTypeConfig federates it; add its FederatedTypeConfig to the input (fleetfed enable"
          + " --group G --version V --kind K --plural P prints one)");
    } else {
      doc.fail(problems, "kind", doc.apiVersion + " " + doc.kind + " is not a KubeFed document: wrap it in a"
          + " Federated" + doc.kind + " (as spec.template) to federate it");
    }
    return Optional.empty();
  }

  // ------------------------------------------------------------------------------------ federated objects

  private static FederatedObject readFederated(ObjectNode node, FederatedTypeConfig config, Fields fields) {
    fields.rejectUnknown(node, "", TOP_LEVEL, STATUS);
    FederatedResource.Builder builder = FederatedResource.builder(config.target());
    ObjectNode metadata = fields.object(node, "metadata", "metadata").orElse(Json.object());
    fields.rejectUnknown(metadata, "metadata", METADATA, SERVER_METADATA);
    builder.name(fields.requiredString(metadata, "name", "metadata.name"));
    fields.string(metadata, "namespace", "metadata.namespace").ifPresent(builder::namespace);
    builder.labels(fields.stringMap(metadata, "labels", "metadata.labels"));
    builder.annotations(fields.stringMap(metadata, "annotations", "metadata.annotations"));

    Optional<ObjectNode> spec = fields.object(node, "spec", "spec");
    if (spec.isEmpty()) {
      if (Fields.member(node, "spec").isEmpty()) {
        fields.problems().add("spec", "is required");
      }
    } else {
      ObjectNode s = spec.get();
      fields.rejectUnknown(s, "spec", Set.of("template", "placement", "overrides", "retainReplicas"), Set.of());
      fields.object(s, "template", "spec.template").ifPresent(builder::template);
      fields.object(s, "placement", "spec.placement").map(p -> readPlacement(p, fields)).ifPresent(builder::placement);
      builder.overrides(readOverrides(s, fields));
      fields.bool(s, "retainReplicas", "spec.retainReplicas").ifPresent(builder::retainReplicas);
    }
    if (!fields.problems().isEmpty()) {
      // Report the model's own findings too, except on fields whose shape is already reported, and on overrides:
      // they were checked while reading, and the model's indices skip the entries that could not be read.
      fields.capture("", builder::build, v -> v.field().orElse("").startsWith("spec.overrides"));
      return null;
    }
    return new FederatedObject(builder.build());
  }

  private static Placement readPlacement(ObjectNode node, Fields fields) {
    Problems problems = fields.problems();
    fields.rejectUnknown(node, "spec.placement", Set.of("clusters", "clusterSelector"), Set.of());
    Optional<List<String>> clusters = fields.list(node, "clusters", "spec.placement.clusters").map(items -> {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        String field = "spec.placement.clusters[" + i + "]";
        JsonNode item = items.get(i);
        if (!item.isObject()) {
          problems.add(field, "must be an object with a name, not " + Json.describeType(item));
          continue;
        }
        fields.rejectUnknown(item, field, Set.of("name"), Set.of());
        Optional<String> name = fields.string(item, "name", field + ".name");
        if (name.isEmpty() && Fields.member(item, "name").isEmpty()) {
          problems.add(field + ".name", "is required");
        }
        // Checked here, where the index is the document's: Placement would count only the names kept.
        name.flatMap(ClusterNames::problem).ifPresentOrElse(p -> problems.add(field + ".name", p),
            () -> name.ifPresent(names::add));
      }
      return names;
    });
    Optional<LabelSelector> selector = fields.object(node, "clusterSelector", "spec.placement.clusterSelector")
        .flatMap(s -> readSelector(s, "spec.placement.clusterSelector", fields));
    return problems.capture("spec.placement", () -> new Placement(clusters, selector)).orElse(Placement.none());
  }

  private static Optional<LabelSelector> readSelector(ObjectNode node, String field, Fields fields) {
    Problems problems = fields.problems();
    fields.rejectUnknown(node, field, Set.of("matchLabels", "matchExpressions"), Set.of());
    Map<String, String> matchLabels = fields.stringMap(node, "matchLabels", field + ".matchLabels");
    List<SelectorRequirement> expressions = new ArrayList<>();
    List<JsonNode> items = fields.list(node, "matchExpressions", field + ".matchExpressions").orElse(List.of());
    for (int i = 0; i < items.size(); i++) {
      String itemField = field + ".matchExpressions[" + i + "]";
      JsonNode item = items.get(i);
      if (!item.isObject()) {
        problems.add(itemField, "must be an object, not " + Json.describeType(item));
        continue;
      }
      fields.rejectUnknown(item, itemField, Set.of("key", "operator", "values"), Set.of());
      String key = fields.requiredString(item, "key", itemField + ".key");
      String operator = fields.requiredString(item, "operator", itemField + ".operator");
      List<String> values = fields.stringList(item, "values", itemField + ".values");
      if (!operator.isEmpty()) {
        fields.capture(itemField, () -> new SelectorRequirement(key, SelectorOperator.parse(operator), values))
            .ifPresent(expressions::add);
      }
    }
    return problems.capture(field, () -> new LabelSelector(matchLabels, expressions));
  }

  private static List<ClusterOverrides> readOverrides(ObjectNode spec, Fields fields) {
    Problems problems = fields.problems();
    List<ClusterOverrides> result = new ArrayList<>();
    List<JsonNode> entries = fields.list(spec, "overrides", "spec.overrides").orElse(List.of());
    Map<String, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      String field = "spec.overrides[" + i + "]";
      JsonNode entry = entries.get(i);
      if (!entry.isObject()) {
        problems.add(field, "must be an object with clusterName and clusterOverrides, not "
            + Json.describeType(entry));
        continue;
      }
      fields.rejectUnknown(entry, field, Set.of("clusterName", "clusterOverrides"), Set.of());
      String cluster = fields.requiredString(entry, "clusterName", field + ".clusterName");
      // Checked here, where the index is the document's: the model would count only the entries kept.
      Integer first = cluster.isEmpty() ? null : firstIndex.putIfAbsent(cluster, i);
      if (first != null) {
        problems.add(field + ".clusterName", "cluster \"" + cluster + "\" appears more than once (first at"
            + " spec.overrides[" + first + "]); put all its overrides in one entry");
      }
      List<ClusterOverride> overrides = new ArrayList<>();
      Map<String, Integer> firstPath = new HashMap<>();
      List<JsonNode> items = fields.list(entry, "clusterOverrides", field + ".clusterOverrides").orElse(List.of());
      for (int j = 0; j < items.size(); j++) {
        String itemField = field + ".clusterOverrides[" + j + "]";
        JsonNode item = items.get(j);
        if (!item.isObject()) {
          problems.add(itemField, "must be an object with op, path and value, not " + Json.describeType(item));
          continue;
        }
        fields.rejectUnknown(item, itemField, Set.of("op", "path", "value"), Set.of());
        String op = fields.string(item, "op", itemField + ".op").orElse("");
        String path = fields.requiredString(item, "path", itemField + ".path");
        Integer firstAt = path.isEmpty() ? null : firstPath.putIfAbsent(path, j);
        if (firstAt != null) {
          problems.add(itemField + ".path", "path \"" + path + "\" appears more than once for cluster \"" + cluster
              + "\" (first at clusterOverrides[" + firstAt + "])");
        }
        Optional<JsonNode> value = Fields.member(item, "value");
        fields.capture(itemField, () -> new ClusterOverride(OverrideOp.parse(op), path, value))
            .ifPresent(overrides::add);
      }
      // Duplicate paths were checked above with the document's indices; the model counts only the items kept.
      fields.capture(field, () -> new ClusterOverrides(cluster, overrides),
          v -> v.field().orElse("").startsWith(field + ".clusterOverrides[")).ifPresent(result::add);
    }
    return result;
  }

  private static ObjectNode federatedTree(FederatedResource resource, FederatedTypeConfig config) {
    ObjectNode root = Json.object();
    root.put("apiVersion", config.federated().apiVersion());
    root.put("kind", config.federated().kind());
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("name", resource.name());
    if (!resource.namespace().isEmpty()) {
      metadata.put("namespace", resource.namespace());
    }
    putStringMap(metadata, "labels", resource.labels());
    putStringMap(metadata, "annotations", resource.annotations());
    ObjectNode spec = root.putObject("spec");
    ObjectNode template = resource.template();
    if (!template.isEmpty()) {
      spec.set("template", template);
    }
    Placement placement = resource.placement();
    if (placement.clusters().isPresent() || placement.clusterSelector().isPresent()) {
      ObjectNode p = spec.putObject("placement");
      placement.clusters().ifPresent(names -> {
        ArrayNode list = p.putArray("clusters");
        names.forEach(name -> list.addObject().put("name", name));
      });
      placement.clusterSelector().ifPresent(selector -> p.set("clusterSelector", selectorTree(selector)));
    }
    if (!resource.overrides().isEmpty()) {
      ArrayNode overrides = spec.putArray("overrides");
      for (ClusterOverrides entry : resource.overrides()) {
        ObjectNode e = overrides.addObject().put("clusterName", entry.clusterName());
        ArrayNode ops = e.putArray("clusterOverrides");
        for (ClusterOverride override : entry.clusterOverrides()) {
          ObjectNode op = ops.addObject();
          if (override.op() != OverrideOp.REPLACE) {
            op.put("op", override.op().wireName());
          }
          op.put("path", override.path());
          override.value().ifPresent(v -> op.set("value", v));
        }
      }
    }
    if (resource.retainReplicas()) {
      spec.put("retainReplicas", true);
    }
    return root;
  }

  private static ObjectNode selectorTree(LabelSelector selector) {
    ObjectNode node = Json.object();
    putStringMap(node, "matchLabels", selector.matchLabels());
    if (!selector.matchExpressions().isEmpty()) {
      ArrayNode expressions = node.putArray("matchExpressions");
      for (SelectorRequirement r : selector.matchExpressions()) {
        ObjectNode e = expressions.addObject().put("key", r.key()).put("operator", r.operator().wireName());
        if (!r.values().isEmpty()) {
          ArrayNode values = e.putArray("values");
          r.values().forEach(values::add);
        }
      }
    }
    return node;
  }

  // --------------------------------------------------------------------------------- type configurations

  private static FederatedTypeConfig readTypeConfig(ObjectNode node, Fields fields) {
    Problems problems = fields.problems();
    fields.rejectUnknown(node, "", TOP_LEVEL, STATUS);
    ObjectNode metadata = fields.object(node, "metadata", "metadata").orElse(Json.object());
    fields.rejectUnknown(metadata, "metadata", METADATA, SERVER_METADATA);
    String name = fields.requiredString(metadata, "name", "metadata.name");
    String namespace = fields.string(metadata, "namespace", "metadata.namespace")
        .orElse(FederatedTypeConfig.DEFAULT_NAMESPACE);
    ObjectNode spec = fields.object(node, "spec", "spec").orElse(Json.object());
    fields.rejectUnknown(spec, "spec",
        Set.of("targetType", "federatedType", "propagation", "statusType", "statusCollection"), Set.of());
    int dot = name.indexOf('.');
    String namePlural = dot < 0 ? name : name.substring(0, dot);
    String nameGroup = dot < 0 ? "" : name.substring(dot + 1);
    Optional<ResourceType> target = fields.object(spec, "targetType", "spec.targetType")
        .flatMap(t -> readApiResource(t, "spec.targetType", nameGroup, namePlural, fields));
    if (Fields.member(spec, "targetType").isEmpty()) {
      problems.add("spec.targetType", "is required");
    }
    Optional<ResourceType> federated = fields.object(spec, "federatedType", "spec.federatedType")
        .flatMap(t -> readApiResource(t, "spec.federatedType", "", "", fields));
    if (Fields.member(spec, "federatedType").isEmpty()) {
      problems.add("spec.federatedType", "is required");
    }
    boolean propagation = enabled(fields, spec, "propagation", true);
    boolean statusCollection = enabled(fields, spec, "statusCollection", false);
    Optional<String> statusType = fields.string(spec, "statusType", "spec.statusType");
    if (target.isPresent() && !target.get().qualifiedName().equals(name)) {
      problems.add("metadata.name", "name must be 'TARGET_PLURAL_NAME(.TARGET_GROUP_NAME)': expected \""
          + target.get().qualifiedName() + "\" for target " + target.get().kind() + " (got \"" + name + "\")");
    }
    if (target.isEmpty() || federated.isEmpty() || !problems.isEmpty()) {
      return null;
    }
    return problems.capture("", () -> new FederatedTypeConfig(namespace, target.get(), federated.get(),
        propagation, statusCollection, statusType)).orElse(null);
  }

  private static boolean enabled(Fields fields, ObjectNode spec, String key, boolean byDefault) {
    Optional<String> value = fields.string(spec, key, "spec." + key);
    if (value.isEmpty()) {
      return byDefault;
    }
    if (!value.get().equals("Enabled") && !value.get().equals("Disabled")) {
      fields.problems().add("spec." + key, "must be Enabled or Disabled (got \"" + value.get() + "\")");
    }
    return value.get().equals("Enabled");
  }

  private static Optional<ResourceType> readApiResource(ObjectNode node, String field, String defaultGroup,
      String defaultPlural, Fields fields) {
    fields.rejectUnknown(node, field, Set.of("group", "version", "kind", "pluralName", "scope"), Set.of());
    String group = fields.string(node, "group", field + ".group").orElse(defaultGroup);
    String version = fields.requiredString(node, "version", field + ".version");
    String kind = fields.requiredString(node, "kind", field + ".kind");
    String plural = fields.string(node, "pluralName", field + ".pluralName")
        .orElse(defaultPlural.isEmpty() && !kind.isEmpty() ? Plurals.of(kind) : defaultPlural);
    String scope = fields.requiredString(node, "scope", field + ".scope");
    if (version.isEmpty() || kind.isEmpty() || scope.isEmpty()) {
      return Optional.empty();
    }
    Problems problems = fields.problems();
    return problems.capture(field, () -> new ResourceType(group, version, kind, plural,
        readScope(scope), List.of()));
  }

  private static Scope readScope(String scope) {
    try {
      return Scope.parse(scope);
    } catch (ValidationException e) {
      throw e.map(v -> v.withFieldPrefix("scope"));
    }
  }

  static ObjectNode typeConfigTree(FederatedTypeConfig config) {
    ObjectNode root = Json.object();
    root.put("apiVersion", CORE_API_VERSION);
    root.put("kind", "FederatedTypeConfig");
    root.putObject("metadata").put("name", config.name()).put("namespace", config.namespace());
    ObjectNode spec = root.putObject("spec");
    spec.set("federatedType", apiResourceTree(config.federated()));
    spec.put("propagation", config.propagationEnabled() ? "Enabled" : "Disabled");
    spec.set("targetType", apiResourceTree(config.target()));
    if (config.statusCollectionEnabled()) {
      spec.put("statusCollection", "Enabled");
    }
    config.statusType().ifPresent(t -> spec.put("statusType", t));
    return root;
  }

  private static ObjectNode apiResourceTree(ResourceType type) {
    ObjectNode node = Json.object();
    if (!type.group().isEmpty()) {
      node.put("group", type.group());
    }
    return node.put("kind", type.kind()).put("pluralName", type.plural()).put("scope", type.scope().wireName())
        .put("version", type.version());
  }

  // ------------------------------------------------------------------------------------------ clusters

  private static KubeFedCluster readCluster(ObjectNode node, Fields fields) {
    Problems problems = fields.problems();
    fields.rejectUnknown(node, "", TOP_LEVEL, STATUS);
    ObjectNode metadata = fields.object(node, "metadata", "metadata").orElse(Json.object());
    fields.rejectUnknown(metadata, "metadata", METADATA, SERVER_METADATA);
    String name = fields.requiredString(metadata, "name", "metadata.name");
    String namespace = fields.string(metadata, "namespace", "metadata.namespace")
        .orElse(FederatedTypeConfig.DEFAULT_NAMESPACE);
    Map<String, String> labels = fields.stringMap(metadata, "labels", "metadata.labels");
    ObjectNode spec = fields.object(node, "spec", "spec").orElse(Json.object());
    fields.rejectUnknown(spec, "spec",
        Set.of("apiEndpoint", "caBundle", "secretRef", "disabledTLSValidations", "proxyURL"), Set.of());
    Optional<String> apiEndpoint = fields.string(spec, "apiEndpoint", "spec.apiEndpoint");
    Optional<String> caBundle = fields.string(spec, "caBundle", "spec.caBundle");
    Optional<String> secretName = fields.object(spec, "secretRef", "spec.secretRef").flatMap(ref -> {
      fields.rejectUnknown(ref, "spec.secretRef", Set.of("name"), Set.of());
      return fields.string(ref, "name", "spec.secretRef.name");
    });
    List<String> disabledTls = fields.stringList(spec, "disabledTLSValidations", "spec.disabledTLSValidations");
    Optional<String> proxyUrl = fields.string(spec, "proxyURL", "spec.proxyURL");
    Optional<ObjectNode> status = fields.object(node, "status", "status");
    List<ClusterCondition> conditions = new ArrayList<>();
    Optional<String> kubernetesVersion = Optional.empty();
    if (status.isPresent()) {
      fields.rejectUnknown(status.get(), "status", Set.of("conditions", "kubernetesVersion", "region", "zones"),
          Set.of());
      kubernetesVersion = fields.string(status.get(), "kubernetesVersion", "status.kubernetesVersion");
      List<JsonNode> items = fields.list(status.get(), "conditions", "status.conditions").orElse(List.of());
      for (int i = 0; i < items.size(); i++) {
        String field = "status.conditions[" + i + "]";
        JsonNode item = items.get(i);
        if (!item.isObject()) {
          problems.add(field, "must be an object, not " + Json.describeType(item));
          continue;
        }
        fields.rejectUnknown(item, field,
            Set.of("type", "status", "reason", "message", "lastProbeTime", "lastTransitionTime"), Set.of());
        String type = fields.requiredString(item, "type", field + ".type");
        String value = fields.requiredString(item, "status", field + ".status");
        if (!type.isEmpty() && !value.isEmpty()) {
          conditions.add(new ClusterCondition(type, value, fields.string(item, "reason", field + ".reason"),
              fields.string(item, "message", field + ".message"),
              fields.string(item, "lastProbeTime", field + ".lastProbeTime"),
              fields.string(item, "lastTransitionTime", field + ".lastTransitionTime")));
        }
      }
    }
    Optional<String> version = kubernetesVersion;
    return fields.capture("", () -> new KubeFedCluster(name, namespace, labels, apiEndpoint, caBundle, secretName,
        disabledTls, proxyUrl, conditions, version, status.isPresent())).orElse(null);
  }

  private static ObjectNode clusterTree(KubeFedCluster cluster) {
    ObjectNode root = Json.object();
    root.put("apiVersion", CORE_API_VERSION);
    root.put("kind", "KubeFedCluster");
    ObjectNode metadata = root.putObject("metadata").put("name", cluster.name()).put("namespace", cluster.namespace());
    putStringMap(metadata, "labels", cluster.labels());
    ObjectNode spec = root.putObject("spec");
    cluster.apiEndpoint().ifPresent(v -> spec.put("apiEndpoint", v));
    cluster.caBundle().ifPresent(v -> spec.put("caBundle", v));
    cluster.secretName().ifPresent(v -> spec.putObject("secretRef").put("name", v));
    if (!cluster.disabledTlsValidations().isEmpty()) {
      ArrayNode list = spec.putArray("disabledTLSValidations");
      cluster.disabledTlsValidations().forEach(list::add);
    }
    cluster.proxyUrl().ifPresent(v -> spec.put("proxyURL", v));
    if (spec.isEmpty()) {
      root.remove("spec");
    }
    if (cluster.hasStatus()) {
      ObjectNode status = root.putObject("status");
      if (!cluster.conditions().isEmpty()) {
        ArrayNode conditions = status.putArray("conditions");
        for (ClusterCondition c : cluster.conditions()) {
          ObjectNode condition = conditions.addObject();
          c.lastProbeTime().ifPresent(v -> condition.put("lastProbeTime", v));
          c.lastTransitionTime().ifPresent(v -> condition.put("lastTransitionTime", v));
          c.message().ifPresent(v -> condition.put("message", v));
          c.reason().ifPresent(v -> condition.put("reason", v));
          condition.put("status", c.status());
          condition.put("type", c.type());
        }
      }
      cluster.kubernetesVersion().ifPresent(v -> status.put("kubernetesVersion", v));
    }
    return root;
  }

  private static void putStringMap(ObjectNode parent, String key, Map<String, String> map) {
    if (!map.isEmpty()) {
      ObjectNode node = parent.putObject(key);
      map.forEach(node::put);
    }
  }

  // ------------------------------------------------------------------------------------------ documents

  /**
   * Quotes, besides what Jackson quotes, every string that a YAML 1.1 reader (kubectl's, SnakeYAML's, this
   * codec's) would resolve to something other than a string if written plain: {@code 0x1F}, {@code 1_000},
   * {@code 1e3}, {@code .inf}, {@code 2001-12-14}, {@code <<}… Jackson's own check misses these, so a
   * ConfigMap value {@code "0x1F"} came back as a number, and {@code ".inf"} could not be read back at all.
   */
  private static final class Yaml11QuotingChecker extends StringQuotingChecker.Default {
    private static final long serialVersionUID = 1L;
    private static final Resolver YAML11 = new Resolver();

    @Override
    public boolean needToQuoteName(String name) {
      return super.needToQuoteName(name) || !isPlainString(name);
    }

    @Override
    public boolean needToQuoteValue(String value) {
      return super.needToQuoteValue(value) || !isPlainString(value);
    }

    private static boolean isPlainString(String text) {
      return text.indexOf(NEL) < 0 && YAML11.resolve(NodeId.scalar, text, true).equals(Tag.STR);
    }
  }

  /**
   * Writes strings holding U+0085 double-quoted (as {@code \N}). Jackson writes any multi-line string as a
   * literal block, where SnakeYAML leaves U+0085 raw and every reader turns it into a line feed.
   */
  private static final class NelSafeYamlFactory extends YAMLFactory {
    private static final long serialVersionUID = 1L;

    NelSafeYamlFactory(YAMLFactoryBuilder builder) {
      super(builder);
    }

    @Override
    protected YAMLGenerator _createGenerator(Writer out, IOContext context) throws IOException {
      return new YAMLGenerator(context, _generatorFeatures, _yamlGeneratorFeatures, _quotingChecker, _objectCodec,
          out, _version) {
        @Override
        public void writeString(String text) throws IOException {
          if (text != null && text.indexOf(NEL) >= 0) {
            _verifyValueWrite("write String value");
            _writeScalar(text, "string", DumperOptions.ScalarStyle.DOUBLE_QUOTED);
          } else {
            super.writeString(text);
          }
        }
      };
    }
  }

  /** One parsed document and where it came from. */
  private static final class RawDocument {
    final String position;
    final ObjectNode node;
    final String apiVersion;
    final String kind;

    RawDocument(String position, ObjectNode node) {
      this.position = position;
      this.node = node;
      this.apiVersion = node.path("apiVersion").isTextual() ? node.path("apiVersion").asText() : "";
      this.kind = node.path("kind").isTextual() ? node.path("kind").asText() : "";
    }

    boolean is(String apiVersion, String kind) {
      return this.apiVersion.equals(apiVersion) && this.kind.equals(kind);
    }

    /** {@code Kind namespace/name} as far as the document says. */
    String describe() {
      JsonNode metadata = node.path("metadata");
      String name = metadata.path("name").asText("");
      String namespace = metadata.path("namespace").asText("");
      String id = namespace.isEmpty() ? name : namespace + "/" + name;
      return (kind + " " + id).trim();
    }

    void fail(Problems problems, String field, String reason) {
      problems.addAll(new ValidationException(field, reason).map(v -> v.withObject(describe()).withSource(position)));
    }

    /** Runs a reader, attributing whatever it finds to this document. */
    <T> Optional<T> read(Problems problems, Function<Fields, T> reader) {
      Problems own = new Problems();
      T value = null;
      try {
        value = reader.apply(new Fields(own));
      } catch (ValidationException e) {
        own.addAll(e);
      }
      for (Violation v : own.violations()) {
        problems.addAll(new ValidationException(List.of(v.withObject(describe()).withSource(position))));
      }
      return own.isEmpty() ? Optional.ofNullable(value) : Optional.empty();
    }
  }
}
