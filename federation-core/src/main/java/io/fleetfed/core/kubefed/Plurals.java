package io.fleetfed.core.kubefed;

import java.util.Locale;

/** KubeFed's default plural of a kind, used when a FederatedTypeConfig or a custom type omits one. */
final class Plurals {
  private Plurals() {}

  /**
   * The kind lower-cased, with {@code es} added after s, x, ch, sh, z or o, a final {@code y} turned into
   * {@code ies} (whatever precedes it: this is KubeFed's rule, not English), and {@code s} added otherwise.
   */
  static String of(String kind) {
    String lower = kind.toLowerCase(Locale.ROOT);
    if (lower.endsWith("s") || lower.endsWith("x") || lower.endsWith("ch") || lower.endsWith("sh")
        || lower.endsWith("z") || lower.endsWith("o")) {
      return lower + "es";
    }
    if (lower.endsWith("y")) {
      return lower.substring(0, lower.length() - 1) + "ies";
    }
    return lower + "s";
  }
}
