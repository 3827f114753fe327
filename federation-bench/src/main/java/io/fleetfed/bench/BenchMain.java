package io.fleetfed.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the benchmarks and prints each target beside its baseline from the same run, with the ratio.
 *
 * <pre>
 * mvn -B -ntp -pl federation-bench -am package -DskipTests
 * java -jar federation-bench/target/benchmarks.jar                   # everything: JMH, then the fleet benchmarks
 * java -jar federation-bench/target/benchmarks.jar Render -f 2       # JMH only: a subset, any JMH option
 * java -jar federation-bench/target/benchmarks.jar fleet             # the fleet benchmarks only (FleetBenchmark)
 * java -jar federation-bench/target/benchmarks.jar fleet --quick     # a smoke run of them
 * java -jar federation-bench/target/benchmarks.jar dispatch          # the Tekton dispatch benchmark
 * java -jar federation-bench/target/benchmarks.jar faults            # a slow member against a refusing one
 * java -jar federation-bench/target/benchmarks.jar controller        # the host controller beside propagateAll
 * java -jar federation-bench/target/benchmarks.jar versions          # copies converted for an older member
 * java -jar federation-bench/target/benchmarks.jar fleet --real      # fleet, on real kube-apiservers
 * java -jar federation-bench/target/benchmarks.jar dispatch --real   # dispatch, on real kube-apiservers
 * java -jar federation-bench/target/benchmarks.jar sandbox          # real API servers' start, reset, memory
 * java -jar federation-bench/target/benchmarks.jar --help            # this usage, then JMH's options
 * </pre>
 *
 * <p>{@code --real} runs the same comparisons, same workload and baselines, with the sandbox on real
 * {@code kube-apiserver} processes ({@link io.fleetfed.testkit.ServerKind#REAL}) instead of fabric8's mock; without
 * their binaries it exits 1 with the sandbox's message saying where it looked and how to build them.
 *
 * <p>Each JMH benchmark class has a {@code ours} method and a {@code baseline} method; the ratio is ours divided by
 * baseline (lower is better for times). The fleet benchmarks print their own report ({@link FleetBenchmark}).
 */
public final class BenchMain {
  private BenchMain() {}

  /**
   * With {@code fleet} first, runs {@link FleetBenchmark} with the options after it; with no argument, runs JMH and
   * then the fleet benchmarks; otherwise runs JMH with the given JMH command-line options. Then prints the
   * comparison.
   */
  public static void main(String[] args) throws RunnerException, CommandLineOptionException, InterruptedException {
    try {
      dispatch(args);
    } catch (BenchServers.Unavailable e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }

  static final String USAGE = String.join("\n",
      "usage: java -jar benchmarks.jar [fleet|dispatch|faults|controller|versions|sandbox] [options]",
      "       (each with --help for its options)",
      "       java -jar benchmarks.jar [JMH options]                       (no argument: JMH, then fleet)",
      "  fleet [--quick] [--real]      propagation and status latency against sandbox clusters",
      "  dispatch [--quick] [--real]   Tekton dispatch across sandbox members",
      "  faults                        a slow member against a refusing one",
      "  controller [--objects N] [--real]  the host controller beside ClusterFleet.propagateAll",
      "  versions [--objects N]        Tasks converted to v1beta1 for an older member beside written as v1",
      "  sandbox [--clusters N]        start and reset of real kube-apiservers beside the mock; their memory",
      "  --real                        fleet, dispatch and controller on real kube-apiservers, not the mock",
      "                                (binaries from KUBEBUILDER_ASSETS or testkit-apiserver/build.sh)",
      "JMH options:");

  private static void dispatch(String[] args) throws RunnerException, CommandLineOptionException,
      InterruptedException {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help"))) {
      System.out.println(USAGE);
      try {
        new CommandLineOptions("-h").showHelp();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return;
    }
    if (args.length > 0 && args[0].equals("fleet")) {
      FleetBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 0 && args[0].equals("dispatch")) {
      try {
        DispatchBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
      } catch (BenchServers.Unavailable e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("the dispatch benchmark failed", e);
      }
      return;
    }
    if (args.length > 0 && args[0].equals("sandbox")) {
      SandboxStartBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 0 && args[0].equals("controller")) {
      ControllerBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 0 && args[0].equals("versions")) {
      VersionsBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 0 && args[0].equals("faults")) {
      FaultBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Options options = new OptionsBuilder().parent(new CommandLineOptions(args)).build();
    Collection<RunResult> results = new Runner(options).run();
    System.out.println();
    System.out.println(report(results));
    if (args.length == 0) {
      FleetBenchmark.main(new String[0]);
    }
  }

  /**
   * The options {@code parse} makes of {@code args}; empty after printing {@code usage} for {@code --help}. Bad
   * options print the parser's message and exit with 2.
   */
  static <T> Optional<T> options(String[] args, String usage, Function<List<String>, T> parse) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.println(usage);
      return Optional.empty();
    }
    try {
      return Optional.of(parse.apply(List.of(args)));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return Optional.empty();
    }
  }

  /**
   * The whole number that follows option {@code args[i]}, at least {@code min}; otherwise an
   * {@link IllegalArgumentException} naming the option, followed by {@code usage}.
   */
  static int wholeNumberAfter(List<String> args, int i, int min, String usage) {
    String arg = args.get(i);
    if (i + 1 >= args.size()) {
      throw new IllegalArgumentException("missing value after " + arg + "\n" + usage);
    }
    int value;
    try {
      value = Integer.parseInt(args.get(i + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(arg + " needs a whole number, not \"" + args.get(i + 1) + "\"\n" + usage);
    }
    if (value < min) {
      throw new IllegalArgumentException(arg + " is too small: " + value + "\n" + usage);
    }
    return value;
  }

  static String report(Collection<RunResult> results) {
    Map<String, Map<String, RunResult>> byClass = new TreeMap<>();
    for (RunResult result : results) {
      String benchmark = result.getParams().getBenchmark();
      int dot = benchmark.lastIndexOf('.');
      byClass.computeIfAbsent(benchmark.substring(0, dot), k -> new TreeMap<>()).put(benchmark.substring(dot + 1), result);
    }
    StringBuilder out = new StringBuilder("fleetfed benchmarks: ours vs baseline, same run\n");
    for (Map.Entry<String, Map<String, RunResult>> entry : byClass.entrySet()) {
      RunResult ours = entry.getValue().get("ours");
      RunResult baseline = entry.getValue().get("baseline");
      if (ours == null || baseline == null) {
        continue;
      }
      String name = entry.getKey().substring(entry.getKey().lastIndexOf('.') + 1);
      double o = ours.getPrimaryResult().getScore();
      double b = baseline.getPrimaryResult().getScore();
      String unit = ours.getPrimaryResult().getScoreUnit();
      out.append(String.format(Locale.ROOT, "%-18s ours %10.3f %s (±%.3f)   baseline %10.3f %s (±%.3f)   ratio %.2fx%n",
          name, o, unit, ours.getPrimaryResult().getScoreError(), b, unit,
          baseline.getPrimaryResult().getScoreError(), o / b));
      if (name.equals("RenderBenchmark")) {
        out.append(String.format(Locale.ROOT, "%-18s per cluster: ours %.3f %s, baseline %.3f %s (%d clusters);"
            + " target ratio <= 2.00x%n", "", o / RenderBenchmark.CLUSTERS, unit, b / RenderBenchmark.CLUSTERS, unit,
            RenderBenchmark.CLUSTERS));
      }
    }
    return out.toString();
  }
}
