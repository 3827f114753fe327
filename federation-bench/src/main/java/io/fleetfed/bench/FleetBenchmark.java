package io.fleetfed.bench;

import io.fleetfed.testkit.FleetSandbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * End-to-end benchmarks of {@link io.fleetfed.core.fleet.ClusterFleet} against in-process sandbox clusters
 * ({@link FleetSandbox}: one fabric8 CRUD mock API server per cluster), each beside its baseline in the same run:
 *
 * <ol type="a">
 *   <li>propagating 1,000 ConfigMaps to 5 clusters, against plain fabric8 {@code createOr(update)} calls with the
 *       same parallelism to the same servers: target at least 0.8x the baseline's throughput
 *       ({@link PropagationBenchmark});
 *   <li>propagating the same 1,000 again unchanged: target zero writes and at least 10x faster than (a);
 *   <li>the time from a member copy's status change to the fleet's status listener firing, p50 and p99 over 200
 *       changes, against a plain fabric8 informer seeing the same change: target p99 at most 50 ms
 *       ({@link StatusLatencyBenchmark}).
 * </ol>
 *
 * <pre>
 * java -jar federation-bench/target/benchmarks.jar fleet            # the full run: 2 warm-up and 6 measured rounds
 * java -jar federation-bench/target/benchmarks.jar fleet --quick    # a smoke run: 1 warm-up and 1 measured round
 * java -jar federation-bench/target/benchmarks.jar fleet --help     # every option
 * </pre>
 *
 * <p>(a) and (b) run in rounds, ours and the baseline alternating which goes first (ours, baseline, baseline, ours,
 * ...: a linear drift hits both alike); each figure is the median over the measured rounds and each ratio is between
 * the two medians printed beside it. Throughput counts copies: objects times clusters per second. The warm-up rounds
 * are there for the JIT: on a cold JVM whichever side runs first is up to twice as slow, and the code paths keep
 * getting faster for a few rounds.
 *
 * <p>Keep in mind what the sandbox measures: the API servers run in the same JVM, on the same CPUs, as the code
 * under test, and fabric8's CRUD mock spends most of the CPU (every request scans the whole store; every watch event
 * is deserialized and serialized again per watcher). Work the fleet causes on the servers, such as its lists, or the
 * watch events of a started fleet's informers, therefore counts against it here even though a real API server would
 * do it elsewhere.
 */
public final class FleetBenchmark {
  private FleetBenchmark() {}

  /** The run's settings. */
  record Options(int clusters, int objects, int concurrency, int warmupRounds, int rounds, int changes,
      int warmupChanges, boolean real) {
    static final String USAGE = String.join("\n",
        "usage: java -jar benchmarks.jar fleet [options]",
        "  --quick            a smoke run: --warmup 1 --rounds 1 --changes 50 (later options still apply)",
        "  --rounds N         measured rounds of (a) and (b) (default 6)",
        "  --warmup N         unmeasured rounds first (default 2)",
        "  --objects N        ConfigMaps per round (default 1000)",
        "  --clusters N       sandbox clusters (default 5)",
        "  --concurrency N    threads for ours (ClusterFleet.concurrency) and the baseline (default 16)",
        "  --changes N        status changes measured for (c) (default 200, after 20 unmeasured)",
        BenchServers.USAGE_REAL);

    static Options defaults() {
      return new Options(5, 1000, 16, 2, 6, 200, 20, false);
    }

    /** Parses the options after {@code fleet}; throws IllegalArgumentException with the usage on bad input. */
    static Options parse(List<String> args) {
      Options o = defaults();
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        if (arg.equals("--quick")) {
          o = new Options(o.clusters, o.objects, o.concurrency, 1, 1, 50, 10, o.real);
          continue;
        }
        if (arg.equals("--real")) {
          o = new Options(o.clusters, o.objects, o.concurrency, o.warmupRounds, o.rounds, o.changes,
              o.warmupChanges, true);
          continue;
        }
        if (arg.equals("--help") || arg.equals("-h")) {
          throw new IllegalArgumentException(USAGE);
        }
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException("missing value after " + arg + "\n" + USAGE);
        }
        int value;
        try {
          value = Integer.parseInt(args.get(++i));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(arg + " needs a whole number, not \"" + args.get(i) + "\"\n" + USAGE);
        }
        int min = arg.equals("--warmup") ? 0 : 1;
        if (value < min) {
          throw new IllegalArgumentException(arg + " must be at least " + min + "\n" + USAGE);
        }
        o = switch (arg) {
          case "--rounds" -> new Options(o.clusters, o.objects, o.concurrency, o.warmupRounds, value, o.changes,
              o.warmupChanges, o.real);
          case "--warmup" -> new Options(o.clusters, o.objects, o.concurrency, value, o.rounds, o.changes,
              o.warmupChanges, o.real);
          case "--objects" -> new Options(o.clusters, value, o.concurrency, o.warmupRounds, o.rounds, o.changes,
              o.warmupChanges, o.real);
          case "--clusters" -> new Options(value, o.objects, o.concurrency, o.warmupRounds, o.rounds, o.changes,
              o.warmupChanges, o.real);
          case "--concurrency" -> new Options(o.clusters, o.objects, value, o.warmupRounds, o.rounds, o.changes,
              o.warmupChanges, o.real);
          case "--changes" -> new Options(o.clusters, o.objects, o.concurrency, o.warmupRounds, o.rounds, value,
              o.warmupChanges, o.real);
          default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
        };
      }
      return o;
    }

    List<String> clusterNames() {
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= clusters; i++) {
        names.add("member-" + i);
      }
      return names;
    }
  }

  /** Runs the fleet benchmarks with the given options (see {@link Options#USAGE}) and prints the report. */
  public static void main(String[] args) throws InterruptedException {
    Optional<Options> parsed = BenchMain.options(args, Options.USAGE, Options::parse);
    if (parsed.isEmpty()) {
      return;
    }
    Options options = parsed.get();
    System.out.println(run(options));
  }

  /** Runs every fleet benchmark and returns the report. */
  static String run(Options o) throws InterruptedException {
    System.out.printf(Locale.ROOT, "fleet benchmarks: %d sandbox clusters, %d ConfigMaps, concurrency %d, "
        + "%d warm-up + %d measured rounds, %d status changes; %d CPUs%n", o.clusters(), o.objects(),
        o.concurrency(), o.warmupRounds(), o.rounds(), o.changes(), Runtime.getRuntime().availableProcessors());
    try (FleetSandbox sandbox = BenchServers.start(FleetSandbox.builder().clusters(o.clusterNames())
        .crd(StatusLatencyBenchmark.crd()), BenchServers.kind(o.real()))) {
      String servers = BenchServers.describe(sandbox);
      System.out.println(servers);
      PropagationBenchmark propagation = new PropagationBenchmark(sandbox, o);
      List<PropagationBenchmark.Round> rounds = new ArrayList<>();
      for (int i = 1; i <= o.warmupRounds() + o.rounds(); i++) {
        boolean warmup = i <= o.warmupRounds();
        PropagationBenchmark.Round r = propagation.round(i, i % 2 == 1);
        System.out.println((warmup ? "warm-up " : "") + describe(r));
        if (!warmup) {
          rounds.add(r);
        }
      }
      StatusLatencyBenchmark.Result status = new StatusLatencyBenchmark(sandbox, o).run();
      System.out.println(describe(status));
      return report(o, rounds, status) + servers + "\n";
    }
  }

  private static String describe(PropagationBenchmark.Round r) {
    return String.format(Locale.ROOT, "round %d (%s first): (a) ours %.3f s = %.0f copies/s [%d writes, %d requests;"
        + " first call %.3f s before], baseline %.3f s = %.0f copies/s [%d writes, %d requests],"
        + " ours/baseline %.2fx; (b) ours %.1f ms [%d writes, %d requests], (a)/(b) %.1fx",
        r.number(), r.oursFirst() ? "ours" : "baseline", r.ours(), r.oursThroughput(), r.oursWrites(),
        r.oursRequests(), r.informerStart(), r.baseline(), r.baselineThroughput(), r.baselineWrites(),
        r.baselineRequests(), r.oursThroughput() / r.baselineThroughput(), r.unchanged() * 1000,
        r.unchangedWrites(), r.unchangedRequests(), r.ours() / r.unchanged());
  }

  private static String describe(StatusLatencyBenchmark.Result s) {
    return String.format(Locale.ROOT, "status changes: %d recorded of %d; ours p50 %.2f ms, p99 %.2f ms, max %.2f ms"
        + " (%d missed); baseline p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d missed); the editStatus call itself"
        + " p50 %.2f ms; %d writes (%d by the fleet)", s.ours().size(), s.changes(),
        Stats.median(s.ours()), Stats.percentile(s.ours(), 99), Stats.max(s.ours()), s.oursMissed(),
        Stats.median(s.baseline()), Stats.percentile(s.baseline(), 99), Stats.max(s.baseline()), s.baselineMissed(),
        Stats.median(s.statusWrite()), s.writes(), s.writes() - s.changes());
  }

  static String report(Options o, List<PropagationBenchmark.Round> rounds, StatusLatencyBenchmark.Result s) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%nfleetfed fleet benchmarks: ours vs"
        + " baseline, same run (%d clusters, %d objects, concurrency %d; (a)/(b): medians of %d interleaved rounds;"
        + " (c): %d changes)%n", o.clusters(), o.objects(), o.concurrency(), rounds.size(), s.ours().size()));
    out.append(String.format(Locale.ROOT, "%-20s ratio: (a) ours/baseline throughput and (b) (a)/(b): higher is"
        + " better; (c) ours/baseline time: lower is better%n", ""));
    double oursA = median(rounds, PropagationBenchmark.Round::oursThroughput);
    double baseA = median(rounds, PropagationBenchmark.Round::baselineThroughput);
    double ratioA = oursA / baseA;
    out.append(row("(a) propagate", oursA, baseA, "copies/s", ratioA, ">= 0.80x", ratioA >= 0.8));

    double oursB = median(rounds, PropagationBenchmark.Round::unchanged) * 1000;
    double baseB = median(rounds, PropagationBenchmark.Round::ours) * 1000;
    long maxWritesB = rounds.stream().mapToLong(PropagationBenchmark.Round::unchangedWrites).max().orElse(0);
    double ratioB = baseB / oursB;
    out.append(row("(b) again unchanged", oursB, baseB, "ms", ratioB, "(a)/(b) >= 10x, 0 writes",
        ratioB >= 10 && maxWritesB == 0));
    out.append(String.format(Locale.ROOT, "%-20s baseline is (a)'s time; writes during (b): %s%n", "",
        rounds.stream().map(r -> Long.toString(r.unchangedWrites())).toList()));

    double p99 = Stats.percentile(s.ours(), 99);
    double baseP99 = Stats.percentile(s.baseline(), 99);
    out.append(row("(c) status p50", Stats.median(s.ours()), Stats.median(s.baseline()), "ms",
        Stats.median(s.ours()) / Stats.median(s.baseline()), "-", null));
    out.append(row("(c) status p99", p99, baseP99, "ms", p99 / baseP99, "p99 <= 50 ms", p99 <= 50));
    out.append(row("(c) status max", Stats.max(s.ours()), Stats.max(s.baseline()), "ms",
        Stats.max(s.ours()) / Stats.max(s.baseline()), "-", null));
    out.append(String.format(Locale.ROOT, "%-20s baseline is a plain fabric8 informer on the same change; missed"
        + " (counted as 5 s): ours %d, baseline %d%n", "", s.oursMissed(), s.baselineMissed()));
    return out.toString();
  }

  private static double median(List<PropagationBenchmark.Round> rounds,
      ToDoubleFunction<PropagationBenchmark.Round> figure) {
    return Stats.median(rounds.stream().map(r -> figure.applyAsDouble(r)).toList());
  }

  private static String row(String name, double ours, double baseline, String unit, double ratio, String target,
      Boolean pass) {
    return String.format(Locale.ROOT, "%-20s ours %10.2f %-8s baseline %10.2f %-8s ratio %7.2fx   target %-26s %s%n",
        name, ours, unit, baseline, unit, ratio, target, pass == null ? "" : pass ? "PASS" : "MISS");
  }
}
