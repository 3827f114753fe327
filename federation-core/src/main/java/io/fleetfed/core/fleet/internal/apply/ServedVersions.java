package io.fleetfed.core.fleet.internal.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.cluster.VersionChoice;
import io.fleetfed.core.fleet.internal.members.Member;
import io.fleetfed.core.kubefed.ConversionException;
import io.fleetfed.core.kubefed.VersionConverters;
import io.fleetfed.core.model.ResourceType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API versions each member serves, from its discovery, and the version each member's copy of a type is
 * written, read, watched and deleted in: the copy's own version (the template's) when the member serves it, else
 * the member's most preferred served version the fleet's {@link VersionConverters} can convert to, else none
 * ({@code VersionNotServed}). A member whose discovery lists no version of the type at all gets the copy's own
 * version: the write says whether it serves it (a CRD installed a moment ago does), and a 404 is reported as
 * {@code VersionNotServed}.
 *
 * <p>Discovery is asked once per member and API group and kept for {@link #REFRESH}. An answer that would not
 * let a copy be written in its own version is asked again once per explicit call (a propagate, a delete: a CRD or
 * a version may just have been installed) and, in the background, when older than {@link #RECHECK}; {@link #stale}
 * drops an answer at once (a write said the version is gone).
 * While a member cannot answer discovery, its copies are written in their own version, as without discovery, and
 * discovery is tried again after {@link #RETRY}.
 */
public final class ServedVersions {
  /** How long a member's discovery of a group is kept. */
  static final Duration REFRESH = Duration.ofMinutes(5);
  /** How old an answer that forces a conversion or refuses a copy may be before it is asked again. */
  static final Duration RECHECK = Duration.ofSeconds(1);
  /** How long a member whose discovery failed is not asked again. */
  static final Duration RETRY = Duration.ofSeconds(5);

  /** One member's discovery of one group: plural → versions, preferred first; empty when discovery failed. */
  private record Answer(Optional<Map<String, List<String>>> resources, long at, long call) {}

  private final VersionConverters converters;
  private final Map<String, Map<String, Answer>> byCluster = new ConcurrentHashMap<>();

  public ServedVersions(VersionConverters converters) {
    this.converters = converters;
  }

  /** The converters copies are converted with. */
  public VersionConverters converters() {
    return converters;
  }

  /**
   * Where {@code m}'s copies of {@code copyType} go, for explicit call {@code call} (empty: in the background, or
   * for a caller outside propagation such as the dispatcher). A member that is not Ready is not asked: its copies
   * keep their own version until it is back.
   */
  public VersionChoice resolve(Member m, ResourceType copyType, Optional<Long> call) {
    if (!m.ready()) {
      return new VersionChoice(copyType, Optional.empty());
    }
    long callId = call.orElse(NO_CALL);
    Answer answer = answer(m, copyType.group(), false, callId);
    VersionChoice r = resolve(m.name(), copyType, answer);
    boolean recheck = call.isPresent() ? answer.call() < callId : age(answer).compareTo(RECHECK) > 0;
    if ((!r.type().equals(copyType) || r.notServed().isPresent()) && recheck) {
      r = resolve(m.name(), copyType, answer(m, copyType.group(), true, callId));
    }
    return r;
  }

  private static final long NO_CALL = Long.MIN_VALUE;

  /**
   * {@code object} converted to {@code version} of its group.
   *
   * @throws ConversionException if it cannot be
   */
  public ObjectNode convert(ObjectNode object, String version) {
    return converters.convert(object, version);
  }

  /** Drops what {@code cluster} said about {@code group}: a write found a version gone. */
  public void stale(String cluster, String group) {
    Map<String, Answer> groups = byCluster.get(cluster);
    if (groups != null) {
      groups.remove(group);
    }
  }

  /** Drops everything about {@code cluster}, which left the fleet. */
  public void forget(String cluster) {
    byCluster.remove(cluster);
  }

  private VersionChoice resolve(String cluster, ResourceType copyType, Answer answer) {
    if (answer.resources().isEmpty()) {
      return new VersionChoice(copyType, Optional.empty());   // discovery failed: as without it
    }
    List<String> served = answer.resources().get().getOrDefault(copyType.plural(), List.of());
    if (served.contains(copyType.version())) {
      return new VersionChoice(copyType, Optional.empty());
    }
    if (served.isEmpty()) {
      // written as it is: a CRD installed since discovery was asked is not refused on an old answer, and a write
      // the member refuses (404) is then reported VersionNotServed (see noVersionServed)
      return new VersionChoice(copyType, Optional.empty());
    }
    for (String version : served) {
      if (converters.converts(copyType, version)) {
        return new VersionChoice(copyType.withVersion(version), Optional.empty());
      }
    }
    return new VersionChoice(copyType, Optional.of(notServed(cluster, copyType, served)
        + "; no converter converts " + copyType.kind() + " from " + copyType.version() + " to "
        + String.join(" or ", served)));
  }

  /** {@code dev2 serves no version of tasks.tekton.dev (is its CustomResourceDefinition installed there?)}. */
  static String noVersionServed(String cluster, ResourceType type) {
    return cluster + " serves no version of " + type.qualifiedName()
        + " (is its CustomResourceDefinition installed there?)";
  }

  /** {@code dev2 serves tasks.tekton.dev at v1beta1, v1alpha1, not at v1}. */
  static String notServed(String cluster, ResourceType copyType, List<String> served) {
    return cluster + " serves " + copyType.qualifiedName() + " at " + String.join(", ", served) + ", not at "
        + copyType.version();
  }

  /** What {@code m} serves of {@code type}'s group, preferred first, as last discovered (empty if unknown). */
  public List<String> served(Member m, ResourceType type) {
    Answer answer = answer(m, type.group(), false, NO_CALL);
    return answer.resources().map(r -> r.getOrDefault(type.plural(), List.of())).orElse(List.of());
  }

  private Answer answer(Member m, String group, boolean fresh, long call) {
    Map<String, Answer> groups = byCluster.computeIfAbsent(m.name(), c -> new ConcurrentHashMap<>());
    Answer known = groups.get(group);
    if (known != null && !fresh) {
      Duration age = age(known);
      if (age.compareTo(known.resources().isPresent() ? REFRESH : RETRY) < 0) {
        return known;
      }
    }
    Answer answer;
    try {
      answer = new Answer(Optional.of(m.client().servedVersions(group)), System.nanoTime(), call);
    } catch (ClusterRequestException e) {
      answer = new Answer(Optional.empty(), System.nanoTime(), call);
    }
    groups.put(group, answer);
    return answer;
  }

  private Duration age(Answer answer) {
    return Duration.ofNanos(System.nanoTime() - answer.at());
  }
}
