package io.fleetfed.bench;

import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.ServerKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * How long a sandbox of real API servers takes to start and reset, and how much memory its processes hold, beside
 * the mock sandbox of the same clusters (the baseline). Targets for 3 clusters: started within 15 s, at most
 * 1.5 GiB resident for the API servers and etcd together.
 *
 * <pre>
 * java -jar benchmarks.jar sandbox                 # 3 clusters, 3 rounds
 * java -jar benchmarks.jar sandbox --clusters 5 --rounds 1
 * </pre>
 */
final class SandboxStartBenchmark {

  static final String USAGE = String.join("\n",
      "usage: java -jar benchmarks.jar sandbox [--clusters N] [--rounds N]",
      "  starts N (3) clusters on real kube-apiservers and on the fabric8 mock, rounds (3) times, and prints the",
      "  start and reset times side by side and the real processes' resident memory");

  private static final double START_TARGET_SECONDS = 15;
  private static final double MEMORY_TARGET_MIB = 1536;

  private SandboxStartBenchmark() {
  }

  static void main(String[] args) {
    int[] settings = BenchMain.options(args, USAGE, SandboxStartBenchmark::parse).orElse(null);
    if (settings == null) {
      return;
    }
    int clusters = settings[0];
    int rounds = settings[1];
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= clusters; i++) {
      names.add("dev" + i);
    }
    System.out.println("sandbox start: " + clusters + " clusters, " + rounds + " rounds, "
        + Runtime.getRuntime().availableProcessors() + " cores");
    List<Double> realStart = new ArrayList<>();
    List<Double> mockStart = new ArrayList<>();
    List<Double> realReset = new ArrayList<>();
    List<Double> mockReset = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      long t = System.nanoTime();
      try (FleetSandbox mock = FleetSandbox.builder().clusters(names).servers(ServerKind.MOCK).start()) {
        mockStart.add(seconds(t));
        t = System.nanoTime();
        mock.reset();
        mockReset.add(seconds(t));
      }
      t = System.nanoTime();
      FleetSandbox real;
      try {
        real = FleetSandbox.builder().clusters(names).servers(ServerKind.REAL).start();
      } catch (IllegalStateException e) {
        throw new BenchServers.Unavailable("cannot run on real API servers: " + e.getMessage(), e);
      }
      try (real) {
        realStart.add(seconds(t));
        rss.add(childrenResidentMiB());
        t = System.nanoTime();
        real.reset();
        realReset.add(seconds(t));
      }
    }
    double start = Stats.median(realStart);
    double memory = Stats.median(rss);
    System.out.printf(Locale.ROOT, "  start, s (median): real %.2f, mock %.3f, ratio %.0fx; target <= %.0f s: %s%n",
        start, Stats.median(mockStart), start / Stats.median(mockStart), START_TARGET_SECONDS,
        start <= START_TARGET_SECONDS ? "PASS" : "MISSED");
    System.out.printf(Locale.ROOT, "  reset, ms (median): real %.1f, mock %.1f, ratio %.1fx%n",
        Stats.median(realReset) * 1000, Stats.median(mockReset) * 1000,
        Stats.median(realReset) / Stats.median(mockReset));
    System.out.printf(Locale.ROOT, "  resident memory of the API servers and etcd, MiB (median): %.0f;"
        + " target <= %.0f: %s (the mock's servers live in this JVM)%n", memory, MEMORY_TARGET_MIB,
        memory <= MEMORY_TARGET_MIB ? "PASS" : "MISSED");
  }

  private static int[] parse(List<String> args) {
    int clusters = 3;
    int rounds = 3;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if ((arg.equals("--clusters") || arg.equals("--rounds")) && i + 1 < args.size()) {
        int value;
        try {
          value = Integer.parseInt(args.get(++i));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(arg + " needs a number, not " + args.get(i));
        }
        if (value < 1) {
          throw new IllegalArgumentException(arg + " must be at least 1: " + value);
        }
        if (arg.equals("--clusters")) {
          clusters = value;
        } else {
          rounds = value;
        }
      } else {
        throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
      }
    }
    return new int[] {clusters, rounds};
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /** The resident memory of this JVM's child processes (the API servers and etcd), from /proc. */
  private static double childrenResidentMiB() {
    long kib = 0;
    try (Stream<ProcessHandle> children = ProcessHandle.current().descendants()) {
      for (ProcessHandle child : (Iterable<ProcessHandle>) children::iterator) {
        Path status = Path.of("/proc", Long.toString(child.pid()), "status");
        try (Stream<String> lines = Files.lines(status)) {
          kib += lines.filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
              .sum();
        } catch (IOException | java.io.UncheckedIOException e) {
          // gone meanwhile
        }
      }
    }
    return kib / 1024.0;
  }
}
