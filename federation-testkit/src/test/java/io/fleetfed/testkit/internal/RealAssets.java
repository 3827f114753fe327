package io.fleetfed.testkit.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Optional;

/** The real API servers' binaries for the tests that start them; the test is skipped, saying why, without them. */
final class RealAssets {
  private RealAssets() {
  }

  static Path orSkip() {
    Optional<Path> assets = RealApiServers.assets();
    assumeTrue(assets.isPresent(), RealApiServers::missingMessage);
    return assets.get();
  }
}
