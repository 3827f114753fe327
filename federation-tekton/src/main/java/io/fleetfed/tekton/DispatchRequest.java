package io.fleetfed.tekton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.model.LabelSelector;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TaskRun or PipelineRun to dispatch, with where it may go and what it may use.
 *
 * <pre>{@code
 * DispatchRequest request = DispatchRequest.builder(taskRunYaml)         // an ObjectNode, or read(...) YAML
 *     .key("build-4711")                                 // a retry with this key never makes a second run
 *     .selector(LabelSelector.matchLabels(Map.of("security", "high")))
 *     .timeout(Duration.ofMinutes(20))
 *     .build();
 * RunHandle handle = dispatcher.dispatch(request);
 * }</pre>
 *
 * <p>The run needs a namespace, and a name or a {@code generateName}. With a {@code generateName} the name is the
 * prefix plus a hash of the dispatch key, so the same key always names the same run. Without a key, a named run's
 * key is {@code namespace/name} and a generated one gets a fresh random key (each dispatch is a new run).
 *
 * <p>Read from a file, the request names each document's position in errors ({@code build.yaml, document 3}), and
 * ignores, with a warning in {@link #ignored()}, the documents that no run can use (a ClusterRoleBinding, an object
 * without a name): dispatch propagates only what runs read, the rest is the cluster admin's.
 *
 * <pre>{@code
 * DispatchRequest request = DispatchRequest.read("pipelinerun.yaml", yaml).build();
 * request.ignored().forEach(log::warn);   // "pipelinerun.yaml, document 1: ClusterRoleBinding ...: ignored: ..."
 * }</pre>
 *
 * @param run the run: {@code tekton.dev/v1} or {@code tekton.dev/v1beta1} TaskRun or PipelineRun
 * @param source where the run came from (a file name and the run's document, such as
 *     {@code build.yaml, document 3}, or {@code request}), named in errors
 * @param key the dispatch key, when given
 * @param clusters only these member clusters may run it; empty for any
 * @param selector only members whose labels match it may run it
 * @param timeout Tekton's timeout for the run ({@code spec.timeout}, or {@code spec.timeouts.pipeline} for a
 *     v1 PipelineRun), overriding the run's own
 * @param allowHost whether the host cluster may run it when it is also a member (by default it never does)
 * @param rerunOnClusterLoss whether a run whose cluster is lost after it started is run again elsewhere
 *     (by default it ends {@link RunPhase#CLUSTER_LOST})
 * @param sourceCluster the cluster its dependencies are read from; empty for the fleet's host
 * @param dependencies objects that the run needs, given here rather than read from the source cluster
 * @param dependencySources where each of {@code dependencies} came from, in the same order, named in errors (such
 *     as {@code build.yaml, document 2}, or {@code request, dependencies[0]})
 * @param ignored the documents of the source that were not used, each naming the document and why (empty for a
 *     request built in code)
 */
public record DispatchRequest(ObjectNode run, String source, Optional<String> key, Set<String> clusters,
    LabelSelector selector, Optional<Duration> timeout, boolean allowHost, boolean rerunOnClusterLoss,
    Optional<String> sourceCluster, List<ObjectNode> dependencies, List<String> dependencySources,
    List<String> ignored) {

  private static final Logger LOG = LoggerFactory.getLogger(DispatchRequest.class);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** The kinds a run can need from a file: what {@code Closure} looks for, by {@code group/kind}. */
  private static final Set<String> USABLE = Set.of("tekton.dev/Task", "tekton.dev/ClusterTask",
      "tekton.dev/Pipeline", "tekton.dev/StepAction", "/ServiceAccount", "/Secret", "/ConfigMap",
      "/PersistentVolumeClaim");

  /**
   * As the canonical constructor, the dependencies' sources named after their position in the list
   * ({@code request, dependencies[0]}) and nothing ignored.
   */
  public DispatchRequest(ObjectNode run, String source, Optional<String> key, Set<String> clusters,
      LabelSelector selector, Optional<Duration> timeout, boolean allowHost, boolean rerunOnClusterLoss,
      Optional<String> sourceCluster, List<ObjectNode> dependencies) {
    this(run, source, key, clusters, selector, timeout, allowHost, rerunOnClusterLoss, sourceCluster, dependencies,
        positions(source, dependencies.size()), List.of());
  }

  private static List<String> positions(String source, int count) {
    List<String> positions = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      positions.add(source + ", dependencies[" + i + "]");
    }
    return positions;
  }

  /**
   * Validates and copies; see {@link Builder#build()}.
   *
   * @throws IllegalArgumentException if {@code dependencySources} does not have one entry per dependency
   */
  public DispatchRequest {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(key, "key");
    clusters = Set.copyOf(new LinkedHashSet<>(Arguments.noNulls(clusters, "clusters")));
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(sourceCluster, "sourceCluster");
    run = run.deepCopy();
    dependencies = Arguments.noNulls(dependencies, "dependencies").stream().map(ObjectNode::deepCopy).toList();
    dependencySources = List.copyOf(Arguments.noNulls(dependencySources, "dependencySources"));
    ignored = List.copyOf(Arguments.noNulls(ignored, "ignored"));
    if (dependencySources.size() != dependencies.size()) {
      throw new IllegalArgumentException("dependencySources has " + dependencySources.size() + " entries for "
          + dependencies.size() + " dependencies");
    }
    List<Violation> problems = validate(run, source, key, timeout, dependencies, dependencySources);
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
  }

  private static List<Violation> validate(ObjectNode run, String source, Optional<String> key,
      Optional<Duration> timeout, List<ObjectNode> dependencies, List<String> sources) {
    List<Violation> problems = new ArrayList<>();
    RunKind.validate(source, run, problems);
    key.filter(String::isBlank).ifPresent(k -> problems.add(violation(source, run, "key", "is blank")));
    timeout.filter(t -> t.isNegative() || t.isZero())
        .ifPresent(t -> problems.add(violation(source, run, "timeout", "must be positive, not " + t)));
    for (int i = 0; i < dependencies.size(); i++) {
      ObjectNode d = dependencies.get(i);
      for (String field : List.of("apiVersion", "kind", "metadata.name")) {
        JsonNode value = field.startsWith("metadata.") ? d.path("metadata").path("name") : d.path(field);
        if (!value.isTextual() || value.asText().isEmpty()) {
          problems.add(new Violation(Optional.of(sources.get(i)), Optional.of(describe(d)), Optional.of(field),
              "is required" + (field.equals("metadata.name") ? ": a run names what it needs"
                  + (d.path("metadata").has("generateName") ? " (generateName cannot be named)" : "") : "")));
        }
      }
    }
    return problems;
  }

  /** {@code Kind namespace/name} of a document, as far as it says ({@code generateName} ending in {@code *}). */
  private static String describe(JsonNode o) {
    JsonNode meta = o.path("metadata");
    String name = meta.path("name").asText();
    if (name.isEmpty()) {
      name = meta.path("generateName").asText().isEmpty() ? "(no name)" : meta.path("generateName").asText() + "*";
    }
    String ns = meta.path("namespace").asText();
    return o.path("kind").asText("(no kind)") + " " + (ns.isEmpty() ? "" : ns + "/") + name;
  }

  private static Violation violation(String source, ObjectNode run, String field, String reason) {
    return new Violation(Optional.of(source), Optional.of(RunKind.describe(run)), Optional.of(field), reason);
  }

  /** A builder for dispatching {@code run} (a TaskRun or PipelineRun as JSON). */
  public static Builder builder(ObjectNode run) {
    return new Builder(run.deepCopy(), "request");
  }

  /**
   * A builder for the run in {@code yaml}, a YAML stream of one TaskRun or PipelineRun and, optionally, objects it
   * needs (Tasks, a Pipeline, Secrets...), which are then used rather than the source cluster's. Documents that no
   * run can use (other kinds, such as a ClusterRoleBinding; objects without a name) are ignored, each with a
   * warning in {@link DispatchRequest#ignored()} (and logged).
   *
   * @param source the file name, named in errors with the document's position ({@code build.yaml, document 2})
   * @throws ValidationException naming {@code source}, the document, its kind and name, and the reason, if the YAML
   *     cannot be read, a document is not a Kubernetes object, or it does not hold exactly one run
   */
  public static Builder read(String source, String yaml) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(yaml, "yaml");
    List<ObjectNode> runs = new ArrayList<>();
    List<String> runPositions = new ArrayList<>();
    List<ObjectNode> others = new ArrayList<>();
    List<String> otherPositions = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    List<Violation> problems = new ArrayList<>();
    try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(yaml)) {
      int index = 0;
      while (parser.nextToken() != null) {
        JsonNode doc = YAML.readTree(parser);
        index++;
        String position = source + ", document " + index;
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        if (!doc.isObject()) {
          problems.add(new Violation(Optional.of(position), Optional.empty(), Optional.empty(),
              "is not a mapping (apiVersion, kind, metadata...)"));
          continue;
        }
        ObjectNode o = (ObjectNode) doc;
        if (RunKind.isRun(o)) {
          runs.add(o);
          runPositions.add(position);
          continue;
        }
        for (String field : List.of("apiVersion", "kind")) {
          if (!o.path(field).isTextual() || o.path(field).asText().isEmpty()) {
            problems.add(new Violation(Optional.of(position), Optional.of(describe(o)), Optional.of(field),
                "is required: a document must be a Kubernetes object"));
          }
        }
        String apiVersion = o.path("apiVersion").asText();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        if (apiVersion.isEmpty() || o.path("kind").asText().isEmpty()) {
          continue;
        }
        if (!USABLE.contains(group + "/" + o.path("kind").asText())) {
          ignored.add(position + ": " + describe(o) + ": ignored: a run does not read a " + o.path("kind").asText()
              + " (dispatch propagates only Tekton definitions, ServiceAccounts, Secrets, ConfigMaps and"
              + " PersistentVolumeClaims); create it on the members yourself if the run needs it");
        } else if (o.path("metadata").path("name").asText().isEmpty()) {
          ignored.add(position + ": " + describe(o) + ": ignored: it has no metadata.name, so no run can name it");
        } else {
          others.add(o);
          otherPositions.add(position);
        }
      }
    } catch (IOException e) {
      throw new ValidationException(List.of(new Violation(Optional.of(source), Optional.empty(), Optional.empty(),
          "is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""))));
    }
    if (runs.size() != 1) {
      problems.add(new Violation(Optional.of(source), Optional.empty(), Optional.of("kind"),
          runs.isEmpty() ? "holds no TaskRun or PipelineRun (tekton.dev/v1 or v1beta1)"
              : "holds " + runs.size() + " runs (" + String.join("; ", describeAll(runs, runPositions))
                  + "); dispatch one at a time"));
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
    ignored.forEach(w -> LOG.warn("{}", w));
    Builder b = new Builder(runs.get(0), runPositions.get(0));
    for (int i = 0; i < others.size(); i++) {
      b.dependency(others.get(i), otherPositions.get(i));
    }
    b.ignored.addAll(ignored);
    return b;
  }

  private static List<String> describeAll(List<ObjectNode> objects, List<String> positions) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < objects.size(); i++) {
      out.add(positions.get(i).substring(positions.get(i).lastIndexOf(", ") + 2) + ": " + describe(objects.get(i)));
    }
    return out;
  }

  /** The run, as a copy the caller may change. */
  @Override
  public ObjectNode run() {
    return run.deepCopy();
  }

  /** The objects given as dependencies, as copies the caller may change; see {@link #dependencySources()}. */
  @Override
  public List<ObjectNode> dependencies() {
    return dependencies.stream().map(ObjectNode::deepCopy).toList();
  }

  /** Names the run, its key and its options; never the objects' contents (dependencies may be Secrets). */
  @Override
  public String toString() {
    return "DispatchRequest[" + RunKind.describe(run) + " from " + source + key.map(k -> ", key " + k).orElse("")
        + (clusters.isEmpty() ? "" : ", clusters " + new java.util.TreeSet<>(clusters))
        + (selector.isEmpty() ? "" : ", selector " + ClusterChooser.describe(selector))
        + timeout.map(t -> ", timeout " + t).orElse("") + (allowHost ? ", host allowed" : "")
        + (rerunOnClusterLoss ? ", re-run on cluster loss" : "") + sourceCluster.map(c -> ", source " + c).orElse("")
        + ", " + dependencies.size() + " dependencies given" + (ignored.isEmpty() ? "" : ", " + ignored.size()
        + " documents ignored") + "]";
  }

  /** The run's kind, {@code TaskRun} or {@code PipelineRun}. */
  public String kind() {
    return run.path("kind").asText();
  }

  /** The run's namespace ({@code default} when it names none). */
  public String namespace() {
    return RunKind.namespace(run);
  }

  /** A builder holding this request's values. */
  public Builder toBuilder() {
    Builder b = new Builder(run.deepCopy(), source);
    b.key = key;
    b.clusters.addAll(clusters);
    b.selector = selector;
    b.timeout = timeout;
    b.allowHost = allowHost;
    b.rerunOnClusterLoss = rerunOnClusterLoss;
    b.sourceCluster = sourceCluster;
    for (int i = 0; i < dependencies.size(); i++) {
      b.dependency(dependencies.get(i), dependencySources.get(i));
    }
    b.ignored.addAll(ignored);
    return b;
  }

  /** Builds a {@link DispatchRequest}; every setter replaces what it sets. */
  public static final class Builder {
    private final ObjectNode run;
    private final String source;
    private Optional<String> key = Optional.empty();
    private final Set<String> clusters = new LinkedHashSet<>();
    private LabelSelector selector = LabelSelector.everything();
    private Optional<Duration> timeout = Optional.empty();
    private boolean allowHost;
    private boolean rerunOnClusterLoss;
    private Optional<String> sourceCluster = Optional.empty();
    private final List<ObjectNode> dependencies = new ArrayList<>();
    private final List<String> dependencySources = new ArrayList<>();
    private final List<String> ignored = new ArrayList<>();

    private Builder(ObjectNode run, String source) {
      this.run = run;
      this.source = source;
    }

    /** The dispatch key: every dispatch with this key yields the same single run. */
    public Builder key(String key) {
      this.key = Optional.of(Objects.requireNonNull(key, "key"));
      return this;
    }

    /** Only these member clusters may run it (replaces earlier ones). */
    public Builder clusters(String... names) {
      return clusters(List.of(Arguments.noNulls(names, "names")));
    }

    /** Only these member clusters may run it (replaces earlier ones). */
    public Builder clusters(java.util.Collection<String> names) {
      Arguments.noNulls(names, "names");
      clusters.clear();
      clusters.addAll(names);
      return this;
    }

    /** Only members whose labels match {@code selector} may run it. */
    public Builder selector(LabelSelector selector) {
      this.selector = Objects.requireNonNull(selector, "selector");
      return this;
    }

    /** Tekton's timeout for the run, replacing the run's own. */
    public Builder timeout(Duration timeout) {
      this.timeout = Optional.of(Objects.requireNonNull(timeout, "timeout"));
      return this;
    }

    /** Whether the host cluster may run it when it is a member too (default {@code false}). */
    public Builder allowHost(boolean allow) {
      this.allowHost = allow;
      return this;
    }

    /** Whether a run whose cluster is lost after it started runs again elsewhere (default {@code false}). */
    public Builder rerunOnClusterLoss(boolean rerun) {
      this.rerunOnClusterLoss = rerun;
      return this;
    }

    /** Reads the run's dependencies from this member rather than from the fleet's host cluster. */
    public Builder sourceCluster(String cluster) {
      this.sourceCluster = Optional.of(Objects.requireNonNull(cluster, "cluster"));
      return this;
    }

    /** An object the run needs, used rather than the source cluster's copy (a Task, a Secret...). */
    public Builder dependency(ObjectNode object) {
      return dependency(object, source + ", dependencies[" + dependencies.size() + "]");
    }

    private Builder dependency(ObjectNode object, String origin) {
      dependencies.add(Objects.requireNonNull(object, "object").deepCopy());
      dependencySources.add(origin);
      return this;
    }

    /**
     * Builds the request.
     *
     * @throws ValidationException naming the source, the run, the field and the reason, if the run is not a
     *     {@code tekton.dev} TaskRun or PipelineRun with a name (or generateName), or an option is invalid
     */
    public DispatchRequest build() {
      return new DispatchRequest(run, source, key, clusters, selector, timeout, allowHost, rerunOnClusterLoss,
          sourceCluster, dependencies, dependencySources, ignored);
    }
  }
}
