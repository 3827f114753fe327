package io.fleetfed.bench;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.ClusterOverride;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.render.Renderer;
import io.fleetfed.core.render.ResourceRendering;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Rendering a ~2 KB PipelineRun template with three overrides for {@value #CLUSTERS} clusters.
 *
 * <ul>
 *   <li>{@code ours}: {@link Renderer#render} of the federated PipelineRun: per cluster a copy of the template,
 *       identity and metadata, the three overrides through json-patch, the managed label and the source and
 *       hash annotations.
 *   <li>{@code baseline}: per cluster, {@code deepCopy()} of the template and the same three values set
 *       directly at their {@link JsonPointer}s: the least any renderer must do.
 * </ul>
 *
 * <p>Target: {@code ours} costs at most 2x {@code baseline} per cluster. Both figures are per operation (all
 * clusters); {@link BenchMain} prints them per cluster with the ratio.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RenderBenchmark {
  /** How many clusters each operation renders for. */
  public static final int CLUSTERS = 100;

  static final ResourceType PIPELINE_RUNS = ResourceType.namespaced("tekton.dev", "v1", "PipelineRun", "pipelineruns");

  private static final JsonPointer REVISION = JsonPointer.compile("/spec/params/1/value");
  private static final JsonPointer TIMEOUT = JsonPointer.compile("/spec/timeouts/pipeline");
  private static final JsonPointer CLUSTER_LABEL = JsonPointer.compile("/metadata/labels/ci.example.com~1cluster");

  private FederatedResource resource;
  private List<Cluster> clusters;
  private ObjectNode template;
  private List<String> names;

  /** Builds the federated PipelineRun and the baseline's template. */
  @Setup
  public void setUp() {
    template = loadTemplate();
    names = new ArrayList<>();
    clusters = new ArrayList<>();
    FederatedResource.Builder builder = FederatedResource.builder(PIPELINE_RUNS).namespace("ci").name("build-1234")
        .template(template);
    for (int i = 0; i < CLUSTERS; i++) {
      String name = "member-" + i;
      names.add(name);
      clusters.add(Cluster.ready(name));
      builder.override(name,
          ClusterOverride.replace(REVISION.toString(), "release-" + i),
          ClusterOverride.replace(TIMEOUT.toString(), "2h0m0s"),
          ClusterOverride.add(CLUSTER_LABEL.toString(), name));
    }
    resource = builder.placement(Placement.clusters(names)).build();
  }

  /** fleetfed's render of the federated PipelineRun for every cluster. */
  @Benchmark
  public ResourceRendering ours() {
    return Renderer.render(resource, clusters);
  }

  /** Per cluster: deep copy, then the three values set through Jackson's JsonPointer. */
  @Benchmark
  public void baseline(Blackhole sink) {
    for (int i = 0; i < CLUSTERS; i++) {
      ObjectNode copy = template.deepCopy();
      set(copy, REVISION, TextNode.valueOf("release-" + i));
      set(copy, TIMEOUT, TextNode.valueOf("2h0m0s"));
      set(copy, CLUSTER_LABEL, TextNode.valueOf(names.get(i)));
      sink.consume(copy);
    }
  }

  private static void set(ObjectNode doc, JsonPointer pointer, JsonNode value) {
    JsonNode parent = doc.at(pointer.head());
    String last = pointer.last().getMatchingProperty();
    if (parent.isArray()) {
      ((ArrayNode) parent).set(pointer.last().getMatchingIndex(), value);
    } else {
      ((ObjectNode) parent).set(last, value);
    }
  }

  static ObjectNode loadTemplate() {
    try (InputStream in = RenderBenchmark.class.getResourceAsStream("/pipelinerun-template.json")) {
      return (ObjectNode) new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
