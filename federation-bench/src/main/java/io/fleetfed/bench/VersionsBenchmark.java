package io.fleetfed.bench;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.tekton.TektonTypes;
import io.fleetfed.testkit.FleetSandbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The API-version benchmark of issue 15: what writing a member the version it serves costs. Two members in one
 * fleet: {@code current} serves Tekton's Tasks at {@code v1} (and {@code v1beta1}), {@code old} only at
 * {@code v1beta1}, as Tekton 0.24 did. The same {@code tekton.dev/v1} Tasks (steps with {@code computeResources}, a
 * {@code stepTemplate}, params and results) are propagated, in the same round, to each:
 *
 * <ul>
 *   <li><b>converted</b> (ours): to {@code old}, through discovery and {@code TektonConversions};</li>
 *   <li><b>native</b> (the baseline): to {@code current}, written as rendered.</li>
 * </ul>
 *
 * <p>Each round measures the first propagation (every copy created), a second one of the same objects (nothing to
 * write: the hash of the rendered object identifies an unchanged converted copy) and counts the writes that second
 * one sent to each member (target: none). The order of the two members alternates between rounds.
 *
 * <pre>
 * java -jar federation-bench/target/benchmarks.jar versions            # 1 warm-up and 3 measured rounds
 * java -jar federation-bench/target/benchmarks.jar versions --quick    # 1 measured round, no warm-up
 * </pre>
 */
public final class VersionsBenchmark {
  private static final String CURRENT = "current";
  private static final String OLD = "old";

  private VersionsBenchmark() {}

  /** The run's settings. */
  record Options(int objects, int warmup, int rounds) {
    static final String USAGE = String.join("\n",
        "usage: java -jar benchmarks.jar versions [options]",
        "  --quick         one measured round, no warm-up",
        "  --rounds N      measured rounds (default 3)",
        "  --warmup N      unmeasured rounds first (default 1)",
        "  --objects N     Tasks per member and round (default 500)");

    static Options parse(List<String> args) {
      Options o = new Options(500, 1, 3);
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        if (arg.equals("--quick")) {
          o = new Options(o.objects, 0, 1);
          continue;
        }
        int value = BenchMain.wholeNumberAfter(args, i++, arg.equals("--warmup") ? 0 : 1, USAGE);
        o = switch (arg) {
          case "--rounds" -> new Options(o.objects, o.warmup, value);
          case "--warmup" -> new Options(o.objects, value, o.rounds);
          case "--objects" -> new Options(value, o.warmup, o.rounds);
          default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
        };
      }
      return o;
    }
  }

  /** One member's figures in one round: seconds to create, seconds to find unchanged, writes of the second. */
  record Figures(double create, double unchanged, long rewrites) {}

  /** Runs the benchmark with {@code args} (see {@link Options#USAGE}) and prints the report. */
  public static void main(String[] args) throws InterruptedException {
    Optional<Options> parsed = BenchMain.options(args, Options.USAGE, Options::parse);
    if (parsed.isEmpty()) {
      return;
    }
    Options o = parsed.get();
    System.out.printf(Locale.ROOT, "versions benchmark: %d tekton.dev/v1 Tasks per member, written as v1 on %s and"
        + " converted to v1beta1 on %s; %d warm-up + %d measured rounds; %d CPUs%n", o.objects(), CURRENT, OLD,
        o.warmup(), o.rounds(), Runtime.getRuntime().availableProcessors());
    List<Figures> converted = new ArrayList<>();
    List<Figures> nativ = new ArrayList<>();
    try (FleetSandbox sandbox = FleetSandbox.builder().clusters(CURRENT, OLD).start()) {
      sandbox.cluster(CURRENT).registerCrds(List.of(tasks("v1beta1", "v1")));
      sandbox.cluster(OLD).registerCrds(List.of(tasks("v1beta1")));
      try (ClusterFleet fleet = sandbox.fleet().members(CURRENT, OLD).libraryTimings().build()) {
        for (int i = 1; i <= o.warmup() + o.rounds(); i++) {
          List<String> order = i % 2 == 1 ? List.of(OLD, CURRENT) : List.of(CURRENT, OLD);
          for (String member : order) {
            Figures f = round(sandbox, fleet, member, "r" + i + "-" + member, o.objects());
            System.out.printf(Locale.ROOT, "%sround %d %-7s create %.3f s, unchanged %.3f s, rewrites %d%n",
                i <= o.warmup() ? "warm-up " : "", i, member, f.create(), f.unchanged(), f.rewrites());
            if (i > o.warmup()) {
              (member.equals(OLD) ? converted : nativ).add(f);
            }
          }
        }
      }
    }
    System.out.println(report(converted, nativ));
  }

  private static Figures round(FleetSandbox sandbox, ClusterFleet fleet, String member, String ns, int count)
      throws InterruptedException {
    fleet.propagate(FederatedResource.builder(BuiltInTypes.NAMESPACES).namespace(ns).name(ns)
        .placement(Placement.clusters(member)).template(Map.of()).build()).orThrow();
    List<FederatedResource> tasks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tasks.add(task(ns, "build-" + i, member));
    }
    long start = System.nanoTime();
    List<PropagationResult> created = fleet.propagateAll(tasks, r -> { });
    double create = seconds(start);
    check(created, member, ClusterAction.CREATED);
    sandbox.cluster(member).resetCounts();
    start = System.nanoTime();
    List<PropagationResult> again = fleet.propagateAll(tasks, r -> { });
    double unchanged = seconds(start);
    check(again, member, ClusterAction.UNCHANGED);
    return new Figures(create, unchanged, sandbox.cluster(member).writeCount());
  }

  private static void check(List<PropagationResult> results, String member, ClusterAction expected) {
    for (PropagationResult r : results) {
      var outcome = r.cluster(member).orElseThrow();
      if (!outcome.isOk() || outcome.action() != expected) {
        throw new IllegalStateException(r.key() + " on " + member + ": " + outcome + ", not " + expected);
      }
    }
  }

  /** A Task as a CI server keeps them: two steps with resources, a step template, params and a result. */
  static FederatedResource task(String ns, String name, String member) {
    Map<String, Object> spec = Map.of(
        "params", List.of(Map.of("name", "revision", "type", "string", "default", "main")),
        "results", List.of(Map.of("name", "digest", "type", "string")),
        "stepTemplate", Map.of("env", List.of(Map.of("name", "CI", "value", "true")),
            "computeResources", Map.of("requests", Map.of("cpu", "100m"))),
        "steps", List.of(
            Map.of("name", "compile", "image", "golang:1.22", "script", "go build ./...",
                "computeResources", Map.of("limits", Map.of("memory", "1Gi"))),
            Map.of("name", "push", "image", "gcr.io/kaniko-project/executor:v1.23.0",
                "args", List.of("--destination=registry.example/" + name))));
    return FederatedResource.builder(TektonTypes.TASK).namespace(ns).name(name)
        .placement(Placement.clusters(member)).template(Map.of("spec", spec)).build();
  }

  /** Tekton's Task CRD serving exactly {@code versions} (the last one stored). */
  static CustomResourceDefinition tasks(String... versions) {
    List<CustomResourceDefinitionVersion> served = new ArrayList<>();
    for (int i = 0; i < versions.length; i++) {
      served.add(new CustomResourceDefinitionVersionBuilder().withName(versions[i]).withServed(true)
          .withStorage(i == versions.length - 1)
          .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
          .endOpenAPIV3Schema().endSchema().build());
    }
    return new CustomResourceDefinitionBuilder().withNewMetadata().withName("tasks.tekton.dev").endMetadata()
        .withNewSpec().withGroup("tekton.dev").withScope("Namespaced")
        .withNewNames().withKind("Task").withListKind("TaskList").withPlural("tasks").withSingular("task").endNames()
        .withVersions(served).endSpec().build();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  static String report(List<Figures> converted, List<Figures> nativ) {
    double createOurs = Stats.median(converted.stream().map(Figures::create).toList());
    double createBase = Stats.median(nativ.stream().map(Figures::create).toList());
    double sameOurs = Stats.median(converted.stream().map(Figures::unchanged).toList());
    double sameBase = Stats.median(nativ.stream().map(Figures::unchanged).toList());
    long rewritesOurs = converted.stream().mapToLong(Figures::rewrites).sum();
    long rewritesBase = nativ.stream().mapToLong(Figures::rewrites).sum();
    return String.format(Locale.ROOT, "%nversions (median of %d rounds): ours = converted to v1beta1, baseline ="
        + " written as v1%n"
        + "  create     ours %7.3f s   baseline %7.3f s   ratio %.2fx%n"
        + "  unchanged  ours %7.3f s   baseline %7.3f s   ratio %.2fx%n"
        + "  writes sent by the unchanged propagations: ours %d, baseline %d (target: 0)%n",
        converted.size(), createOurs, createBase, createOurs / createBase, sameOurs, sameBase, sameOurs / sameBase,
        rewritesOurs, rewritesBase);
  }
}
