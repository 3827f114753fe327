package io.fleetfed.bench;

import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.ServerKind;
import io.fleetfed.testkit.internal.RealApiServers;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the fleet benchmarks run against: {@code --real} puts the sandbox on real {@code kube-apiserver} processes
 * ({@link ServerKind#REAL}) instead of fabric8's CRUD mock in this JVM; the workload and the baselines stay the same.
 */
final class BenchServers {
  /** The line each usage text gets for {@code --real}. */
  static final String USAGE_REAL = "  --real             the same comparisons with the sandbox on real kube-apiservers (one"
      + " etcd) instead of the mock;\n                     needs the binaries (KUBEBUILDER_ASSETS or"
      + " testkit-apiserver/build.sh)";

  private static final Pattern RELEASE = Pattern.compile("\\d+\\.\\d+\\.\\d+");

  private BenchServers() {}

  /** {@link ServerKind#REAL} with {@code --real}; else {@link ServerKind#DEFAULT} (the mock unless overridden). */
  static ServerKind kind(boolean real) {
    return real ? ServerKind.REAL : ServerKind.DEFAULT;
  }

  /**
   * Starts {@code builder} on {@code kind}. A sandbox on real servers that cannot start (most often: no binaries)
   * throws {@link Unavailable} with FleetSandbox's own message, which {@link BenchMain} prints before exiting 1.
   */
  static FleetSandbox start(FleetSandbox.Builder builder, ServerKind kind) {
    if (kind.resolve() != ServerKind.REAL) {
      return builder.servers(kind).start();
    }
    try {
      return builder.servers(kind).start();
    } catch (IllegalStateException e) {
      throw new Unavailable("cannot run on real API servers: " + e.getMessage(), e);
    }
  }

  /** The servers line of a report: {@code servers: real kube-apiserver 1.34.4} or {@code servers: mock (...)}. */
  static String describe(FleetSandbox sandbox) {
    if (sandbox.servers() != ServerKind.REAL) {
      return "servers: mock (fabric8 CRUD mock server, in this JVM)";
    }
    String version;
    try {
      version = sandbox.clusters().get(0).client().getKubernetesVersion().getGitVersion();
    } catch (RuntimeException e) {
      version = "of unknown version (" + e.getMessage() + ")";
    }
    if (version.startsWith("v")) {
      version = version.substring(1);
    }
    if (!RELEASE.matcher(version).lookingAt() || version.startsWith("0.0.0")) {
      // built from source without version stamping (testkit-apiserver/build.sh): /version says 0.0.0-master; the
      // binaries' directory is named after the release they were built from (1.34.4-linux-amd64)
      String served = version;
      version = RealApiServers.assets().map(p -> RELEASE.matcher(p.getFileName().toString()))
          .filter(Matcher::lookingAt).map(m -> m.group() + " (built from source; /version says " + served + ")")
          .orElse(served);
    }
    return String.format(Locale.ROOT, "servers: real kube-apiserver %s (a process per cluster over one etcd,"
        + " behind the sandbox's https front, on this machine's CPUs)", version);
  }

  /** Real API servers were asked for and could not be started. */
  static final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
