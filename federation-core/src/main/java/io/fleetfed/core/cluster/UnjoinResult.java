package io.fleetfed.core.cluster;

import io.fleetfed.core.internal.Nulls;
import java.util.List;
import java.util.Objects;

/**
 * What unjoining a member left behind. Objects already propagated to the member are not counted: they stay by
 * design.
 *
 * <pre>{@code
 * UnjoinResult result = fleet.unjoin("dev2");
 * result.leftovers().forEach(l -> log.warn("{} {} left on {}: {}", l.kind(), l.name(), l.cluster(), l.message()));
 * }</pre>
 *
 * @param cluster the member that was unjoined
 * @param leftovers what could not be removed, in the order it was tried (empty when the unjoin is complete)
 */
public record UnjoinResult(String cluster, List<Leftover> leftovers) {
  /** Checks that nothing is null. */
  public UnjoinResult {
    Objects.requireNonNull(cluster, "cluster");
    leftovers = List.copyOf(Nulls.noNulls(leftovers, "leftovers"));
  }

  /** Whether everything join created was removed. */
  public boolean isComplete() {
    return leftovers.isEmpty();
  }

  /**
   * One object join created that is still there.
   *
   * @param cluster where it is: the member, or the host
   * @param kind its kind, such as {@code ServiceAccount}
   * @param name its {@code namespace/name}, or name when cluster-scoped
   * @param message why it is still there, for people (never credentials)
   */
  public record Leftover(String cluster, String kind, String name, String message) {
    /** Checks that nothing is null. */
    public Leftover {
      Objects.requireNonNull(cluster, "cluster");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
      return message;
    }
  }
}
