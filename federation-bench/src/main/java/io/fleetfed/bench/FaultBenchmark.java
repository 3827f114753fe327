package io.fleetfed.bench;

import io.fleetfed.core.cluster.DrainResult;
import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.LabelSelector;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.render.ManagedMetadata;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.CopyReport;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.SandboxCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

/**
 * The fault benchmark of issue 14: one of 4 members fails while the fleet applies, inspects, drains and deletes 301
 * objects (a FederatedNamespace and 300 FederatedConfigMaps placed on every member), in two ways, in the same run:
 *
 * <ul>
 *   <li><b>slow</b> (ours under the fault): the member accepts connections and answers each request after 120 s,
 *       the sandbox's latency injection; the fleet's request timeout is 10 s, as the CLI's;</li>
 *   <li><b>refused</b> (the baseline): the member refuses connections, the cheapest outage there is.</li>
 * </ul>
 *
 * <p>For each operation it prints when the three healthy members were done (they hold all 301 copies, or none
 * after the delete: observed by polling them every 20 ms) and when the call returned, and what the failing member
 * was reported as. Target (issue 14): the healthy members of a slow-member apply done in at most 1.5x the time of
 * the refused one. A slow member costs each call one request timeout, not one per object: the calls return about
 * 10 s after the refused ones, not 301 x 10 s.
 *
 * <pre>
 * java -jar federation-bench/target/benchmarks.jar faults            # 1 warm-up and 3 measured rounds
 * java -jar federation-bench/target/benchmarks.jar faults --quick    # 1 measured round, no warm-up
 * </pre>
 */
public final class FaultBenchmark {
  private static final List<String> MEMBERS = List.of("member-1", "member-2", "member-3", "member-4");
  private static final String FAILING = "member-4";
  private static final String DRAINED = "member-1";
  private static final Duration SLOW = Duration.ofSeconds(120);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final long POLL_MILLIS = 20;

  private FaultBenchmark() {}

  /** How the failing member fails. */
  enum Fault { REFUSED, SLOW }

  /** The run's settings. */
  record Options(int objects, int warmup, int rounds, Duration latency) {
    static final String USAGE = String.join("\n",
        "usage: java -jar benchmarks.jar faults [options]",
        "  --quick         one measured round, no warm-up",
        "  --rounds N      measured rounds, each with both faults (default 3)",
        "  --warmup N      unmeasured rounds first (default 1)",
        "  --objects N     ConfigMaps, besides their FederatedNamespace (default 300)",
        "  --latency MS    every healthy member's latency per request (default 5)");

    static Options parse(List<String> args) {
      Options o = new Options(300, 1, 3, Duration.ofMillis(5));
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        if (arg.equals("--quick")) {
          o = new Options(o.objects, 0, 1, o.latency);
          continue;
        }
        int min = arg.equals("--warmup") || arg.equals("--latency") ? 0 : 1;
        int value = BenchMain.wholeNumberAfter(args, i++, min, USAGE);
        o = switch (arg) {
          case "--rounds" -> new Options(o.objects, o.warmup, value, o.latency);
          case "--warmup" -> new Options(o.objects, value, o.rounds, o.latency);
          case "--objects" -> new Options(value, o.warmup, o.rounds, o.latency);
          case "--latency" -> new Options(o.objects, o.warmup, o.rounds, Duration.ofMillis(value));
          default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
        };
      }
      return o;
    }
  }

  /** One operation's figures: seconds until the healthy members were done, until the call returned; the report. */
  record Phase(double healthyDone, double returned, String failing) {}

  /** One round of one fault: apply, status, drain and delete. */
  record Round(Fault fault, Phase apply, Phase status, Phase drain, Phase delete) {
    Phase phase(String name) {
      return switch (name) {
        case "apply" -> apply;
        case "status" -> status;
        case "drain" -> drain;
        default -> delete;
      };
    }
  }

  /** Runs the benchmark with {@code args} (see {@link Options#USAGE}) and prints the report. */
  public static void main(String[] args) throws InterruptedException {
    Optional<Options> parsed = BenchMain.options(args, Options.USAGE, Options::parse);
    if (parsed.isEmpty()) {
      return;
    }
    Options o = parsed.get();
    System.out.printf(Locale.ROOT, "fault benchmark: %d objects on %d sandbox members (latency %d ms), %s failing;"
        + " request timeout %d s; %d warm-up + %d measured rounds; %d CPUs%n", o.objects() + 1, MEMBERS.size(),
        o.latency().toMillis(), FAILING, REQUEST_TIMEOUT.toSeconds(), o.warmup(), o.rounds(),
        Runtime.getRuntime().availableProcessors());
    List<Round> rounds = new ArrayList<>();
    try (FleetSandbox sandbox = FleetSandbox.builder().clusters(MEMBERS).latency(o.latency()).start()) {
      for (int i = 1; i <= o.warmup() + o.rounds(); i++) {
        // alternate which fault goes first, so that a drift hits both alike
        List<Fault> order = i % 2 == 1 ? List.of(Fault.REFUSED, Fault.SLOW) : List.of(Fault.SLOW, Fault.REFUSED);
        for (Fault fault : order) {
          Round r = round(sandbox, o, fault, "r" + i + "-" + fault.name().toLowerCase(Locale.ROOT));
          System.out.println((i <= o.warmup() ? "warm-up " : "") + "round " + i + " " + describe(r));
          if (i > o.warmup()) {
            rounds.add(r);
          }
        }
      }
    }
    System.out.println(report(rounds));
  }

  private static Round round(FleetSandbox sandbox, Options o, Fault fault, String ns) throws InterruptedException {
    sandbox.reset();
    sandbox.clusters().forEach(c -> c.latency(o.latency()));
    List<FederatedResource> objects = objects(ns, o.objects());
    try (ClusterFleet fleet = sandbox.fleet().members(MEMBERS.toArray(String[]::new)).libraryTimings()
        .configure(b -> b.requestTimeout(REQUEST_TIMEOUT)).start()) {
      SandboxCluster failing = sandbox.cluster(FAILING);
      if (fault == Fault.SLOW) {
        failing.latency(SLOW);
      } else {
        failing.goOffline();
      }
      int copies = o.objects();

      Phase apply = timed(sandbox, ns, n -> n == copies, MEMBERS, () -> summary(
          fleet.propagateAll(objects, r -> { }).stream().map(r -> r.cluster(FAILING)).toList()));
      Phase status = timed(sandbox, ns, n -> true, List.of(), () -> presence(fleet.inspectAll(objects)));
      Phase drain = timed(sandbox, ns, n -> true, List.of(), () -> drained(fleet.drain(DRAINED)));
      Phase delete = timed(sandbox, ns, n -> n == 0, MEMBERS.subList(1, 3), () -> summary(
          fleet.deleteAll(objects, false, r -> { }).stream().map(r -> r.cluster(FAILING)).toList()));
      return new Round(fault, apply, status, drain, delete);
    } finally {
      sandbox.cluster(FAILING).goOnline();
      sandbox.cluster(FAILING).latency(o.latency());
    }
  }

  /** The FederatedNamespace {@code ns} and {@code count} ConfigMaps in it, all placed on every member. */
  static List<FederatedResource> objects(String ns, int count) {
    Placement everywhere = Placement.selector(LabelSelector.everything());
    List<FederatedResource> objects = new ArrayList<>();
    objects.add(FederatedResource.builder(BuiltInTypes.NAMESPACES).namespace(ns).name(ns).placement(everywhere)
        .template(Map.of()).build());
    for (int i = 0; i < count; i++) {
      objects.add(FederatedResource.builder(BuiltInTypes.CONFIG_MAPS).namespace(ns).name("cm-" + i)
          .placement(everywhere).template(Map.of("data", Map.of("i", Integer.toString(i)))).build());
    }
    return objects;
  }

  /** The operation's result reduced to what the failing member was reported as. */
  private interface Operation {
    String run() throws InterruptedException;
  }

  /**
   * Runs {@code operation}, timing it and (when {@code healthy} names members) the moment each of them holds a
   * number of copies that {@code done} accepts.
   */
  private static Phase timed(FleetSandbox sandbox, String ns, IntPredicate done, List<String> healthy,
      Operation operation) throws InterruptedException {
    List<String> watched = healthy.stream().filter(m -> !m.equals(FAILING)).toList();
    AtomicLong doneAt = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    long start = System.nanoTime();
    Thread poller = new Thread(() -> {
      while (!stop.get() && !watched.isEmpty()) {
        boolean all = true;
        for (String m : watched) {
          int n = sandbox.cluster(m).client().configMaps().inNamespace(ns)
              .withLabel(ManagedMetadata.MANAGED_LABEL, "true").list().getItems().size();
          all &= done.test(n);
        }
        if (all) {
          doneAt.set(System.nanoTime());
          return;
        }
        try {
          Thread.sleep(POLL_MILLIS);   // a measuring probe's period, not synchronisation
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "fault-benchmark-poller");
    poller.start();
    String failing;
    long returned;
    try {
      failing = operation.run();
      returned = System.nanoTime();
      poller.join(Duration.ofSeconds(5).toMillis());
    } finally {
      stop.set(true);
      poller.interrupt();
      poller.join();
    }
    double total = (returned - start) / 1e9;
    double healthyDone = watched.isEmpty() ? total : doneAt.get() == 0 ? Double.NaN : (doneAt.get() - start) / 1e9;
    return new Phase(healthyDone, total, failing);
  }

  private static String summary(List<Optional<ClusterOutcome>> outcomes) {
    Map<String, Long> counts = new TreeMap<>(outcomes.stream().collect(Collectors.groupingBy(
        o -> o.map(c -> c.status().reason()).orElse("not placed"), Collectors.counting())));
    return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
  }

  private static String presence(Map<?, List<CopyReport>> reports) {
    Map<String, Long> counts = new TreeMap<>(reports.values().stream().flatMap(List::stream)
        .filter(r -> r.cluster().equals(FAILING))
        .collect(Collectors.groupingBy(r -> r.presence().name(), Collectors.counting())));
    return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
  }

  private static String drained(DrainResult result) {
    Map<String, Long> reasons = new TreeMap<>(result.problems().stream().filter(p -> p.message().contains(FAILING))
        .collect(Collectors.groupingBy(p -> p.reason().name(), Collectors.counting())));
    return result.removed() + " removed from " + DRAINED + "; " + (reasons.isEmpty() ? "no problem named " + FAILING
        : reasons.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")));
  }

  private static String describe(Round r) {
    StringBuilder out = new StringBuilder(r.fault().name().toLowerCase(Locale.ROOT) + ":");
    for (String name : List.of("apply", "status", "drain", "delete")) {
      Phase p = r.phase(name);
      out.append(String.format(Locale.ROOT, " %s healthy %.2f s, returned %.2f s [%s];", name, p.healthyDone(),
          p.returned(), p.failing()));
    }
    return out.toString();
  }

  static String report(List<Round> rounds) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%nfleetfed fault benchmark: %s answering"
        + " after %d s (ours) vs refusing connections (baseline), same run; medians of %d rounds; lower is better%n",
        FAILING, SLOW.toSeconds(), rounds.size() / 2));
    for (String name : List.of("apply", "status", "drain", "delete")) {
      double slowDone = median(rounds, Fault.SLOW, name, true);
      double refusedDone = median(rounds, Fault.REFUSED, name, true);
      double slowReturned = median(rounds, Fault.SLOW, name, false);
      double refusedReturned = median(rounds, Fault.REFUSED, name, false);
      boolean healthyFigure = name.equals("apply") || name.equals("delete");
      String target = name.equals("apply") ? "<= 1.50x" : "-";
      Boolean pass = name.equals("apply") ? slowDone / refusedDone <= 1.5 : null;
      if (healthyFigure) {
        out.append(String.format(Locale.ROOT, "%-7s healthy members done: ours %7.2f s  baseline %7.2f s  ratio"
            + " %5.2fx  target %-9s %s%n", name, slowDone, refusedDone, slowDone / refusedDone, target,
            pass == null ? "" : pass ? "PASS" : "MISS"));
      }
      out.append(String.format(Locale.ROOT, "%-7s call returned:        ours %7.2f s  baseline %7.2f s  ratio"
          + " %5.2fx  (one request timeout is %d s)%n", name, slowReturned, refusedReturned,
          slowReturned / refusedReturned, REQUEST_TIMEOUT.toSeconds()));
      rounds.stream().filter(r -> r.fault() == Fault.SLOW).findFirst().ifPresent(r -> out.append(String.format(
          Locale.ROOT, "%-7s %s reported as: %s%n", "", FAILING, r.phase(name).failing())));
    }
    return out.toString();
  }

  private static double median(List<Round> rounds, Fault fault, String phase, boolean healthy) {
    return Stats.median(rounds.stream().filter(r -> r.fault() == fault).map(r -> r.phase(phase))
        .map(p -> healthy ? p.healthyDone() : p.returned()).toList());
  }
}
