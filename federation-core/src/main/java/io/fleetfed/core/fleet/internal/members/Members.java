package io.fleetfed.core.fleet.internal.members;

import io.fabric8.kubernetes.client.Config;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.cluster.ClusterState;
import io.fleetfed.core.cluster.UnjoinResult;
import io.fleetfed.core.fleet.internal.cluster.Clients;
import io.fleetfed.core.fleet.internal.cluster.Fabric8ClusterClient;
import io.fleetfed.core.model.ClusterNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fleet's members and its host: one client each (all made by one {@link Clients}), membership read from and
 * written to the host's KubeFedClusters, and the admin credentials given for members (used to unjoin them).
 */
public final class Members implements AutoCloseable {
  /** A member given to the builder: how to reach it, and its placement labels. */
  public record Given(Config config, Map<String, String> labels) {}

  private final Clients clients;
  private final Map<String, Member> members = new ConcurrentHashMap<>();
  private final Optional<Fabric8ClusterClient> host;
  private final Optional<Membership> membership;
  private final String hostName;
  private final Optional<Kubeconfigs> kubeconfigs;
  private final Map<String, Config> adminConfigs = new ConcurrentHashMap<>();
  private final Optional<Config> hostConfig;
  /** For each joined member, what its client was built from (endpoint, CA, token, proxy), to see it change. */
  private final Map<String, String> reachedWith = new ConcurrentHashMap<>();

  /**
   * What {@link #refresh()} changed.
   *
   * @param added members registered in the host since
   * @param removed members no longer registered there (their clients are closed)
   * @param replaced members whose endpoint, CA, token or proxy changed: each now has a new client
   * @param relabelled members whose placement labels or cordon changed
   */
  public record Refreshed(List<Member> added, List<String> removed, List<Member> replaced, List<Member> relabelled) {
    /** Whether nothing changed. */
    public boolean none() {
      return added.isEmpty() && removed.isEmpty() && replaced.isEmpty() && relabelled.isEmpty();
    }
  }

  /**
   * Reads the members a host registers (when {@code hostConfig} is given), then adds the given ones.
   *
   * @throws ValidationException if a given member is also joined in the host, or a name is invalid
   * @throws ClusterRequestException if the host cannot be read
   */
  public Members(Clients clients, Optional<Kubeconfigs> kubeconfigs, Optional<Config> hostConfig, String hostName,
      String federationNamespace, Map<String, Given> given, Map<String, Config> adminConfigs) {
    this.clients = clients;
    this.kubeconfigs = kubeconfigs;
    this.hostName = hostName;
    this.hostConfig = hostConfig;
    this.host = hostConfig.map(c -> clients.client(hostName, c));
    this.membership = host.map(h -> new Membership(h, federationNamespace));
    try {
      if (hostConfig.isPresent()) {
        for (Membership.Registered r : membership.orElseThrow().read(clients.tuned(hostConfig.get()))) {
          Member m = add(r.name(), r.labels(), r.config(), true);
          m.cordon(r.cordoned(), r.drained());
          r.recorded().ifPresent(m::recorded);
          reachedWith.put(r.name(), reach(r.config()));
        }
      }
      for (Map.Entry<String, Given> e : given.entrySet()) {
        if (members.containsKey(e.getKey())) {
          throw new ValidationException("members", "cluster \"" + e.getKey() + "\" is both joined in the host "
              + "cluster and given to the builder");
        }
        this.adminConfigs.put(e.getKey(), e.getValue().config());
        add(e.getKey(), e.getValue().labels(), e.getValue().config(), false);
      }
      this.adminConfigs.putAll(adminConfigs);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private Member add(String name, Map<String, String> labels, Config config, boolean joined) {
    ClusterNames.requireValid(name);
    Member m = new Member(name, labels, clients.client(name, config), joined, clients.requestTimeout());
    members.put(name, m);
    return m;
  }

  /**
   * Reads the host's KubeFedClusters again and brings the joined members in line with them: adds the new ones,
   * removes (and closes) the ones gone, gives a new client to those whose endpoint, CA bundle, token Secret or proxy
   * changed, and takes new labels and cordons. Members given to the builder are left alone.
   *
   * @throws ClusterRequestException if the host cannot be read (nothing is changed)
   */
  public synchronized Refreshed refresh() {
    Membership m = membership.orElseThrow(() -> new IllegalStateException("no host cluster to read members from"));
    Map<String, Membership.Registered> registered = new LinkedHashMap<>();
    for (Membership.Registered r : m.read(clients.tuned(hostConfig.orElseThrow()))) {
      registered.put(r.name(), r);
    }
    List<Member> added = new ArrayList<>();
    List<Member> replaced = new ArrayList<>();
    List<Member> relabelled = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    for (Membership.Registered r : registered.values()) {
      Member existing = members.get(r.name());
      if (existing != null && !existing.joined()) {
        continue; // given to the builder under the same name: the builder's wins, as at construction
      }
      String reach = reach(r.config());
      if (existing == null || !reach.equals(reachedWith.get(r.name()))) {
        Member fresh = add(r.name(), r.labels(), r.config(), true);
        fresh.cordon(r.cordoned(), r.drained());
        reachedWith.put(r.name(), reach);
        if (existing == null) {
          added.add(fresh);
        } else {
          existing.close();
          replaced.add(fresh);
        }
      } else if (!existing.state().labels().equals(r.labels()) || existing.cordoned() != r.cordoned()
          || existing.drained() != r.drained()) {
        existing.labels(r.labels());
        existing.cordon(r.cordoned(), r.drained());
        relabelled.add(existing);
      }
    }
    for (Member gone : List.copyOf(members.values())) {
      if (gone.joined() && !registered.containsKey(gone.name())) {
        members.remove(gone.name());
        reachedWith.remove(gone.name());
        gone.close();
        removed.add(gone.name());
      }
    }
    return new Refreshed(List.copyOf(added), List.copyOf(removed), List.copyOf(replaced), List.copyOf(relabelled));
  }

  /** What a member's client is built from, as one comparable string (held in memory only, never logged). */
  private static String reach(Config c) {
    return String.join("\n", String.valueOf(c.getMasterUrl()), String.valueOf(c.getCaCertData()),
        String.valueOf(c.getOauthToken()), String.valueOf(c.getHttpsProxy()), String.valueOf(c.isTrustCerts()));
  }

  /** Every member. */
  public Collection<Member> all() {
    return members.values();
  }

  /** Every member's state, by name. */
  public List<ClusterState> states() {
    return members.values().stream().map(Member::state).sorted(Comparator.comparing(ClusterState::name)).toList();
  }

  public Optional<Member> get(String name) {
    return Optional.ofNullable(members.get(name));
  }

  /**
   * The member {@code name}.
   *
   * @throws FederationException naming the members there are, if none has that name
   */
  public Member require(String name) {
    Member m = members.get(name);
    if (m == null) {
      throw new FederationException("no cluster named \"" + name + "\" in the fleet; the clusters are "
          + members.keySet().stream().sorted().toList());
    }
    return m;
  }

  /** The host's client, when there is a host. */
  public Optional<ClusterClient> host() {
    return host.map(h -> h);
  }

  /** The name the host goes by; empty without a host. */
  public String hostName() {
    return hostName;
  }

  public Optional<Membership> membership() {
    return membership;
  }

  /** The kubeconfig files given to the builder, if any. */
  public Optional<Kubeconfigs> kubeconfigs() {
    return kubeconfigs;
  }

  /** The admin credentials known for {@code name}: the ones it was given with, or a kubeconfig context of its name. */
  public Optional<Config> adminConfig(String name) {
    return Optional.ofNullable(adminConfigs.get(name)).or(() -> kubeconfigs
        .filter(kc -> kc.contexts().contains(name)).map(kc -> kc.config(name)));
  }

  /**
   * Joins {@code clusterName}, reached with {@code admin}, as kubefedctl does, and adds it.
   *
   * @throws FederationException if there is no host, it is a member already, or a request fails
   */
  public Member join(String clusterName, Config admin, Map<String, String> labels, Duration tokenTimeout) {
    Membership m = membership.orElseThrow(() -> new FederationException("join needs a host cluster: build the "
        + "fleet with hostContext(...) or host(...)"));
    if (members.containsKey(clusterName)) {
      throw new FederationException("cluster " + clusterName + " is already a member of this fleet");
    }
    Membership.Registered r;
    try (Fabric8ClusterClient adminClient = clients.client(clusterName, admin)) {
      r = m.join(clusterName, hostName, adminClient, admin, labels, tokenTimeout);
    } catch (ClusterRequestException e) {
      throw new FederationException("cannot join " + clusterName + ": " + e.getMessage(), e);
    }
    adminConfigs.put(clusterName, admin);
    reachedWith.put(r.name(), reach(r.config()));
    return add(r.name(), r.labels(), r.config(), true);
  }

  /**
   * Unjoins {@code name}: removes what join created (in the member with {@code admin}, when given) and closes its
   * client.
   */
  public UnjoinResult unjoin(String name, Optional<Config> admin) {
    Membership m = membership.orElseThrow(() -> new FederationException("unjoin needs a host cluster"));
    UnjoinResult result;
    try {
      if (admin.isPresent()) {
        try (Fabric8ClusterClient adminClient = clients.client(name, admin.get())) {
          result = m.unjoin(name, hostName, Optional.of(adminClient));
        }
      } else {
        result = m.unjoin(name, hostName, Optional.empty());
      }
    } catch (ClusterRequestException e) {
      throw new FederationException("cannot unjoin " + name + ": " + e.getMessage(), e);
    }
    Member removed = members.remove(name);
    reachedWith.remove(name);
    if (removed != null) {
      removed.close();
    }
    adminConfigs.remove(name);
    return result;
  }

  /** Records {@code name}'s cordon (in its KubeFedCluster, when joined) and applies it. */
  public ClusterState cordon(String name, boolean cordoned, boolean drained) {
    Member m = require(name);
    if (m.joined()) {
      try {
        membership.orElseThrow().cordon(name, cordoned, drained);
      } catch (ClusterRequestException e) {
        throw new FederationException("cannot record the cordon of " + name + " in the host cluster: "
            + e.getMessage(), e);
      }
    }
    m.cordon(cordoned, drained);
    return m.state();
  }

  /** Closes every member's client and the host's. */
  @Override
  public void close() {
    members.values().forEach(Member::close);
    members.clear();
    host.ifPresent(Fabric8ClusterClient::close);
  }
}
