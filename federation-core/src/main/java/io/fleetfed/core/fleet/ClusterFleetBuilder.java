package io.fleetfed.core.fleet;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.Violation;
import io.fleetfed.core.cluster.Backoff;
import io.fleetfed.core.cluster.HealthCheck;
import io.fleetfed.core.fleet.internal.members.Kubeconfigs;
import io.fleetfed.core.fleet.internal.members.Members;
import io.fleetfed.core.internal.Durations;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.kubefed.VersionConverters;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.ClusterNames;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.PropagationResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Builds a {@link ClusterFleet}: where its members come from (a host's KubeFedClusters, kubeconfig contexts,
 * fabric8 {@link Config}s or {@link KubernetesClient}s) and how it works (health checks, retries, timeouts, adoption, taking over KubeFed's
 * copies).
 *
 * <pre>{@code
 * ClusterFleet fleet = ClusterFleet.builder()
 *     .kubeconfig(sandbox.kubeconfig())
 *     .memberContexts("dev1", "dev2")       // members used directly, nothing stored in a host
 *     .health(HealthCheck.DEFAULT.withPeriod(Duration.ofSeconds(1)))
 *     .build();
 * }</pre>
 *
 * <p>Invalid values fail at once: {@link ValidationException} for names and kubeconfig contexts,
 * {@link IllegalArgumentException} for numbers and durations out of range.
 */
public final class ClusterFleetBuilder {
  Optional<Kubeconfigs> kubeconfigs = Optional.empty();
  Optional<Config> hostConfig = Optional.empty();
  String hostName = "";
  final Map<String, Members.Given> members = new LinkedHashMap<>();
  final Map<String, Config> adminConfigs = new LinkedHashMap<>();
  String federationNamespace = ClusterFleet.DEFAULT_FEDERATION_NAMESPACE;
  boolean adopt;
  boolean takeOverKubeFedCopies;
  boolean remoteStatus;
  int concurrency = 16;
  Duration requestTimeout = Duration.ofSeconds(10);
  HealthCheck health = HealthCheck.DEFAULT;
  final Map<String, HealthCheck> memberHealth = new LinkedHashMap<>();
  Backoff backoff = Backoff.DEFAULT;
  Duration watchReconnect = Duration.ofSeconds(1);
  Predicate<ResourceType> runOnce = ClusterFleet::isRun;
  VersionConverters converters;
  TypeRegistry registry = TypeRegistry.standard();
  BooleanSupplier writesAllowed = () -> true;

  ClusterFleetBuilder() {}

  /** Reads these kubeconfig files, merged as {@code KUBECONFIG=a:b} merges them (the first wins). */
  public ClusterFleetBuilder kubeconfig(Path... files) {
    return kubeconfig(List.of(files));
  }

  /** Reads these kubeconfig files, merged as {@code KUBECONFIG=a:b} merges them (the first wins). */
  public ClusterFleetBuilder kubeconfig(List<Path> files) {
    this.kubeconfigs = Optional.of(Kubeconfigs.load(files));
    return this;
  }

  /** Reads the files in the {@code KUBECONFIG} environment variable, or {@code ~/.kube/config}. */
  public ClusterFleetBuilder kubeconfigFromEnvironment() {
    this.kubeconfigs = Optional.of(Kubeconfigs.fromEnvironment());
    return this;
  }

  /**
   * Uses kubeconfig context {@code context} as the host cluster: members are read from its KubeFedClusters,
   * and join/unjoin write there. The host goes by the context's name in ServiceAccount names.
   */
  public ClusterFleetBuilder hostContext(String context) {
    Kubeconfigs kc = requireKubeconfig();
    if (context.contains(":") || context.contains("/")) {
      throw new ValidationException(List.of(new Violation(Optional.of(kc.describeFiles()),
          Optional.of("context " + context), Optional.of("host-cluster-context"), "host-cluster-name must be set "
              + "if the name of the host cluster context contains one of \":\" or \"/\"; use hostContext(context, "
              + "hostName)")));
    }
    kc.requireValidClusterName(context);
    return host(context, kc.config(context));
  }

  /**
   * Uses kubeconfig context {@code context} as the host cluster, going by {@code hostName} in ServiceAccount
   * names (kubefedctl's {@code --host-cluster-name}, needed when the context's name is not a valid name).
   */
  public ClusterFleetBuilder hostContext(String context, String hostName) {
    return host(hostName, requireKubeconfig().config(context));
  }

  /** Uses {@code config} as the host cluster, which goes by {@code name} in ServiceAccount names. */
  public ClusterFleetBuilder host(String name, Config config) {
    ClusterNames.requireValid(name);
    this.hostConfig = Optional.of(Objects.requireNonNull(config, "config"));
    this.hostName = name;
    return this;
  }

  /**
   * Uses the cluster {@code client} reaches as the host, which goes by {@code name} in ServiceAccount names: as
   * {@link #host(String, Config) host(name, client.getConfiguration())}. The fleet reads the client's
   * configuration once and builds a client of its own; it neither uses nor closes {@code client}, which stays the
   * caller's.
   */
  public ClusterFleetBuilder host(String name, KubernetesClient client) {
    return host(name, configOf(client));
  }

  /** Uses these kubeconfig contexts as members named after them, without storing them in a host. */
  public ClusterFleetBuilder memberContexts(String... contexts) {
    Kubeconfigs kc = requireKubeconfig();
    for (String context : contexts) {
      kc.requireValidClusterName(context);
      member(context, kc.config(context), Map.of());
    }
    return this;
  }

  /** Uses kubeconfig context {@code context} as member {@code clusterName} with placement labels. */
  public ClusterFleetBuilder memberContext(String context, String clusterName, Map<String, String> labels) {
    return member(clusterName, requireKubeconfig().config(context), labels);
  }

  /** Uses every context of the kubeconfig as a member named after it. */
  public ClusterFleetBuilder allContextsAsMembers() {
    Kubeconfigs kc = requireKubeconfig();
    return memberContexts(kc.contexts().toArray(String[]::new));
  }

  /** Uses {@code config} as member {@code name}, without storing it in a host. */
  public ClusterFleetBuilder member(String name, Config config) {
    return member(name, config, Map.of());
  }

  /** Uses {@code config} as member {@code name} with placement labels, without storing it in a host. */
  public ClusterFleetBuilder member(String name, Config config, Map<String, String> labels) {
    ClusterNames.requireValid(name);
    Map<String, String> checked = Cluster.ready(name).withLabels(labels).labels();
    if (members.put(name, new Members.Given(Objects.requireNonNull(config, "config"), checked)) != null) {
      throw new ValidationException("members", "cluster \"" + name + "\" is given twice");
    }
    return this;
  }

  /**
   * Uses the cluster an existing fabric8 {@code client} reaches as member {@code name}, without storing it in a
   * host: the same as {@link #member(String, Config) member(name, client.getConfiguration())}. The fleet reads the
   * client's configuration (URL, credentials, TLS settings) once and builds a client of its own, tuned as every
   * member's; it neither uses nor closes {@code client}, which stays the caller's to close (before or after the
   * fleet). A client whose credentials change later (such as an OIDC token it refreshes) is read as it is now.
   *
   * <pre>{@code
   * try (KubernetesClient dev1 = new KubernetesClientBuilder().build();
   *     ClusterFleet fleet = ClusterFleet.builder().member("dev1", dev1).build()) {
   *   fleet.propagate(resource);
   * }
   * }</pre>
   */
  public ClusterFleetBuilder member(String name, KubernetesClient client) {
    return member(name, configOf(client), Map.of());
  }

  /** As {@link #member(String, KubernetesClient)}, with placement labels. */
  public ClusterFleetBuilder member(String name, KubernetesClient client, Map<String, String> labels) {
    return member(name, configOf(client), labels);
  }

  private static Config configOf(KubernetesClient client) {
    Config config = Objects.requireNonNull(client, "client").getConfiguration();
    if (config == null || config.getMasterUrl() == null) {
      throw new IllegalArgumentException("client has no configuration with a master URL to reach its cluster by");
    }
    return new ConfigBuilder(config).build();
  }

  /** KubeFed's namespace in the host (default {@value ClusterFleet#DEFAULT_FEDERATION_NAMESPACE}). */
  public ClusterFleetBuilder federationNamespace(String namespace) {
    this.federationNamespace = Objects.requireNonNull(namespace, "namespace");
    return this;
  }

  /**
   * Whether an existing object fleetfed does not manage is taken over (default false: {@code AlreadyExists}). An
   * object labelled {@code fleetfed.io/managed: "false"} or {@code kubefed.io/managed: "false"} is never taken: it
   * is reported {@code ManagedLabelFalse}.
   */
  public ClusterFleetBuilder adoptResources(boolean adopt) {
    this.adopt = adopt;
    return this;
  }

  /**
   * The converters between API versions the fleet writes copies with, for members that do not serve a copy's own
   * version (default {@link VersionConverters#standard()}: every {@link io.fleetfed.core.kubefed.VersionConverter}
   * on the classpath, such as Tekton's {@code v1beta1} ↔ {@code v1} with {@code federation-tekton}).
   *
   * <pre>{@code
   * try (ClusterFleet fleet = ClusterFleet.builder().kubeconfig(kubeconfig).hostContext("dev1")
   *     .converters(VersionConverters.standard().with(new WidgetConversions())).build()) {
   *   fleet.propagate(widget);   // written as example.com/v1alpha1 on a member that serves only that
   * }
   * }</pre>
   *
   * <p>Each member's discovery says which versions it serves each type at (asked once per API group and kept for
   * five minutes; asked again when a write finds a version gone, and after a second when it would force a
   * conversion). A copy is written, read, watched and deleted in the template's version when the member serves it;
   * otherwise in the member's most preferred served version a converter reaches, converted; otherwise the member
   * reports {@link io.fleetfed.core.status.PropagationStatus#VERSION_NOT_SERVED} naming the versions it serves (a
   * field with no equivalent in the member's version is named there too). The copy's hash is the rendered
   * object's, so a converted copy that is unchanged costs no write; a copy's remote status is converted back to the
   * template's version. {@link VersionConverters#none()} turns conversion off.
   */
  public ClusterFleetBuilder converters(VersionConverters converters) {
    this.converters = Objects.requireNonNull(converters, "converters");
    return this;
  }

  /**
   * Whether the copies KubeFed's controller wrote are taken over, for a migration from KubeFed (default false:
   * they are {@code AlreadyExists}, unless {@link #adoptResources(boolean) adoption} is on).
   *
   * <pre>{@code
   * // KubeFed's controller is stopped; its Federated objects are read with KubeFedYaml
   * try (ClusterFleet fleet = ClusterFleet.builder().kubeconfig(kubeconfig).hostContext("dev1")
   *     .takeOverKubeFedCopies(true).build()) {
   *   for (PropagationResult r : fleet.propagateAll(bundle.resources())) {
   *     r.clustersWith(ClusterAction.TAKEN_OVER).forEach(c -> System.out.println(r.key() + " taken over on " + c));
   *   }
   * }
   * }</pre>
   *
   * <p>A member object labelled {@code kubefed.io/managed: "true"} that is not fleetfed's copy is then updated in
   * place, conditionally on its resourceVersion (a conflict is read again and retried): never deleted and created
   * again, so its uid stays and a Deployment keeps its ReplicaSets and pods. It gets the rendered object, with
   * fleetfed's label and annotations, keeps the annotations and fields fleetfed retains on any update, and loses
   * the {@code kubefed.io/managed} label (the rendered labels replace the copy's); the cluster's outcome is {@link ClusterAction#TAKEN_OVER}, listed by
   * {@link PropagationResult#clustersWith(ClusterAction)}. From then on it is fleetfed's copy like any other:
   * drift is corrected, status reports it, {@code delete} deletes it.
   *
   * <p>Still never touched: an object labelled {@code fleetfed.io/managed: "false"} or
   * {@code kubefed.io/managed: "false"} (KubeFed's {@code ManagedLabelFalse}), reported {@code ManagedLabelFalse};
   * a KubeFed copy being deleted is {@code WaitingForRemoval}. Copies on clusters the object is not placed on are
   * not fleetfed's and are left where they are. Stop KubeFed's controller first: it would take the copies back.
   */
  public ClusterFleetBuilder takeOverKubeFedCopies(boolean takeOver) {
    this.takeOverKubeFedCopies = takeOver;
    return this;
  }

  /** Whether each copy's {@code .status} is collected into the fleet's statuses (default false). */
  public ClusterFleetBuilder collectRemoteStatus(boolean collect) {
    this.remoteStatus = collect;
    return this;
  }

  /** How many cluster operations run at once (default 16). */
  public ClusterFleetBuilder concurrency(int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
    }
    this.concurrency = concurrency;
    return this;
  }

  /** How long one request to a cluster may take (default 10 s). */
  public ClusterFleetBuilder requestTimeout(Duration timeout) {
    Durations.requirePositive(timeout, "requestTimeout");
    this.requestTimeout = timeout;
    return this;
  }

  /**
   * How clusters are probed (default {@link HealthCheck#DEFAULT}: {@code /healthz} every 10 s);
   * {@link HealthCheck#OFF} probes none, every member is always Ready. {@link #memberHealth} overrides it for one
   * member.
   */
  public ClusterFleetBuilder health(HealthCheck health) {
    this.health = Objects.requireNonNull(health, "health");
    return this;
  }

  /**
   * How member {@code name} is probed, instead of the fleet's {@link #health(HealthCheck) check}: another path,
   * period, timeout or thresholds, or {@link HealthCheck#OFF} for a member that is always Ready. The member is one
   * given to this builder or, in a fleet with a host, one the host registers, also when it joins
   * later; without a host, {@link #build()} rejects a name that is no member. A later call for the same name replaces the earlier one.
   *
   * <pre>{@code
   * // mock: the client of fabric8's CRUD mock server (EnableKubernetesMockClient(crud = true)), whose /healthz
   * // answers an empty List, not "ok"
   * try (ClusterFleet fleet = ClusterFleet.builder()
   *     .member("mock", mock).memberHealth("mock", HealthCheck.OFF)
   *     .member("dev2", dev2Config).memberHealth("dev2", HealthCheck.DEFAULT.withPath("/readyz"))
   *     .build()) {
   *   fleet.propagate(resource);
   * }
   * }</pre>
   */
  public ClusterFleetBuilder memberHealth(String name, HealthCheck health) {
    ClusterNames.requireValid(Objects.requireNonNull(name, "name"));
    memberHealth.put(name, Objects.requireNonNull(health, "health"));
    return this;
  }

  /** How failed operations are retried in the background (default {@link Backoff#DEFAULT}). */
  public ClusterFleetBuilder retry(Backoff backoff) {
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    return this;
  }

  /** The first wait before a watch reconnects to a cluster whose watch broke (default 1 s). */
  public ClusterFleetBuilder watchReconnect(Duration interval) {
    Durations.requirePositive(interval, "watchReconnect");
    this.watchReconnect = interval;
    return this;
  }

  /** Which target types are run-once (default: Tekton's TaskRun, PipelineRun, CustomRun and Run). */
  public ClusterFleetBuilder runOnce(Predicate<ResourceType> runOnce) {
    this.runOnce = Objects.requireNonNull(runOnce, "runOnce");
    return this;
  }

  /**
   * Sends a write request (create, update, patch, delete) to a cluster, the host included, only while
   * {@code allowed} answers true; otherwise the request fails before it is sent, with a
   * {@link io.fleetfed.core.cluster.ClusterRequestException} saying writes are stopped (a per-cluster failure
   * in results, as any failed request). Reads and watches are not affected. For a leader-elected controller,
   * whose writes must stop the moment it may no longer lead, before another can take its lease:
   *
   * <pre>{@code
   * ClusterFleet.builder().hostContext("dev1").writesAllowed(election::mayWrite).build();
   * }</pre>
   *
   * <p>{@code allowed} is asked on every write, from the fleet's I/O threads: keep it fast and never block in it.
   */
  public ClusterFleetBuilder writesAllowed(BooleanSupplier allowed) {
    this.writesAllowed = Objects.requireNonNull(allowed, "allowed");
    return this;
  }

  /** The types the fleet knows, for draining (default {@link TypeRegistry#standard()}). */
  public ClusterFleetBuilder registry(TypeRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    return this;
  }

  private Kubeconfigs requireKubeconfig() {
    if (kubeconfigs.isEmpty()) {
      kubeconfigs = Optional.of(Kubeconfigs.fromEnvironment());
    }
    return kubeconfigs.get();
  }

  /**
   * Builds the fleet: reads members from the host (if any), builds one client per member, and probes each
   * once so that health is known.
   *
   * @throws ValidationException if no cluster is given
   * @throws io.fleetfed.core.FederationException if the host cannot be read
   */
  public ClusterFleet build() {
    if (hostConfig.isEmpty() && members.isEmpty()) {
      throw new ValidationException("clusters", "a fleet needs a host cluster or at least one member");
    }
    return new ClusterFleet(this);
  }
}
