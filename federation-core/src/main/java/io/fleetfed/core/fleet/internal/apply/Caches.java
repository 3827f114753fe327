package io.fleetfed.core.fleet.internal.apply;

import io.fleetfed.core.cluster.VersionChoice;
import io.fleetfed.core.fleet.internal.members.Member;
import io.fleetfed.core.model.ResourceType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every member's {@link TypeCache}s, one per member and type (at a version), made on first use: snapshots listed
 * once per explicit call before the fleet starts, watches after.
 */
public final class Caches {
  private final Map<String, Map<String, TypeCache>> byCluster = new ConcurrentHashMap<>();
  /** cluster → a copy type's key → the type at the version the cluster's copies are in, as last resolved. */
  private final Map<String, Map<String, ResourceType>> resolved = new ConcurrentHashMap<>();
  private final ServedVersions versions;
  private final TypeCache.Listener listener;
  private final Duration requestTimeout;
  private volatile boolean watching;

  /**
   * @param watching whether caches watch from the start (remote status is collected, which is live)
   */
  public Caches(TypeCache.Listener listener, Duration requestTimeout, boolean watching, ServedVersions versions) {
    this.versions = versions;
    this.listener = listener;
    this.requestTimeout = requestTimeout;
    this.watching = watching;
  }

  private static String key(ResourceType type) {
    return type.group() + "/" + type.version() + "/" + type.plural();
  }

  /**
   * {@code m}'s cache of {@code type}: watching once the fleet is started, else listed once for explicit call
   * {@code call} (when there is one and {@code m} is Ready).
   *
   * @throws io.fleetfed.core.cluster.ClusterRequestException if a list fails
   */
  public TypeCache cache(Member m, ResourceType type, Optional<Long> call) throws InterruptedException {
    TypeCache cache = byCluster.computeIfAbsent(m.name(), c -> new ConcurrentHashMap<>())
        .computeIfAbsent(key(type), k -> new TypeCache(m.client(), type, listener));
    if (watching && !cache.watching()) {
      cache.watch(m.ready() ? requestTimeout : Duration.ofMillis(1));
    }
    if (!cache.watching() && call.isPresent() && m.ready()) {
      cache.refresh(call.get());
    }
    return cache;
  }

  /**
   * Where {@code m}'s copies of {@code copyType} (a plan's type) go, for explicit call {@code call} (empty: in the
   * background): the version they are written, read and deleted in there, or why none can be; remembered for
   * {@link #existing}.
   */
  public VersionChoice resolve(Member m, ResourceType copyType, Optional<Long> call) {
    return remember(m, copyType, versions.resolve(m, copyType, call));
  }

  private VersionChoice remember(Member m, ResourceType copyType, VersionChoice r) {
    resolved.computeIfAbsent(m.name(), c -> new ConcurrentHashMap<>()).put(key(copyType), r.type());
    return r;
  }

  /** The members' served versions and the converters. */
  public ServedVersions versions() {
    return versions;
  }

  /**
   * {@code cluster}'s cache of the copies of {@code copyType} (a plan's type), at the version they were last
   * resolved to there, if it has one.
   */
  public Optional<TypeCache> existing(String cluster, ResourceType copyType) {
    ResourceType onMember = resolved.getOrDefault(cluster, Map.of()).getOrDefault(key(copyType), copyType);
    return Optional.ofNullable(byCluster.getOrDefault(cluster, Map.of()).get(key(onMember)));
  }

  /** The types {@code cluster} has caches of. */
  public List<ResourceType> types(String cluster) {
    return byCluster.getOrDefault(cluster, Map.of()).values().stream().map(TypeCache::type).toList();
  }

  /** Switches every cache of these members to watching, now and from now on. */
  public void watchAll(List<Member> members) throws InterruptedException {
    watching = true;
    for (Member m : members) {
      for (TypeCache c : byCluster.getOrDefault(m.name(), Map.of()).values()) {
        c.watch(m.ready() ? requestTimeout : Duration.ofMillis(1));
      }
    }
  }

  /** Stops and drops the caches of {@code cluster}, which left the fleet. */
  public void forget(String cluster) {
    resolved.remove(cluster);
    versions.forget(cluster);
    Map<String, TypeCache> gone = byCluster.remove(cluster);
    if (gone != null) {
      gone.values().forEach(TypeCache::stop);
    }
  }

  /** Stops every cache. */
  public void stopAll() {
    byCluster.keySet().forEach(this::forget);
  }
}
