package io.fleetfed.controller;

import io.fabric8.kubernetes.client.Config;
import io.fleetfed.controller.internal.ControllerRuntime;
import io.fleetfed.core.model.ClusterNames;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The host-cluster controller: a drop-in for KubeFed's controller manager that any JVM can embed. It watches the
 * host's FederatedTypeConfigs, KubeFedClusters, KubeFedConfig and Federated objects, propagates each Federated
 * object through a {@link io.fleetfed.core.fleet.ClusterFleet}, and writes KubeFed's status and finalizers back.
 *
 * <pre>{@code
 * try (FederationController controller = FederationController.builder()
 *     .kubeconfig(Path.of(System.getProperty("user.home"), ".kube/config"), "dev1")   // the host cluster
 *     .build()
 *     .start()) {
 *   controller.addListener(event -> log.info("{}", event));
 *   // kubectl apply -f federated-deployment.yaml --context dev1: the controller propagates it
 * }
 * }</pre>
 *
 * <p><b>Leadership.</b> Replicas elect one leader on a {@code coordination.k8s.io/v1} Lease in the KubeFed namespace
 * ({@link LeaderElection}); only the leader writes, to the host or to members, and it stops writing when it cannot
 * renew before another can take its Lease. While KubeFed's own controller manager holds its lock, no replica leads.
 *
 * <p><b>Types.</b> Each FederatedTypeConfig with {@code propagation: Enabled} starts propagation of its federated
 * type; disabling, changing or deleting it takes effect at once. Its status and finalizer are kept as KubeFed keeps
 * them; a missing federated CRD or an invalid FederatedTypeConfig is reported on it.
 *
 * <p><b>Objects.</b> Each Federated object gets finalizer {@code kubefed.io/sync-controller} and KubeFed's status
 * ({@code observedGeneration}, the {@code Propagation} condition, {@code clusters[]}, and {@code remoteStatus} when
 * collected); deleting it removes its copies (or orphans them with {@code kubefed.io/orphan: "true"}) before the
 * finalizer goes. A dispatcher's run records ({@code fleetfed.io/dispatch-key}) are left to the dispatcher. An
 * invalid object is reported on its status and as an Event; it never stops the controller.
 *
 * <p>Instances are thread-safe; {@link #close()} stops writing, releases the Lease and closes every connection.
 */
public final class FederationController implements AutoCloseable {
  /** KubeFed's namespace, the default. */
  public static final String DEFAULT_KUBEFED_NAMESPACE = "kube-federation-system";

  private final ControllerRuntime runtime;

  private FederationController(ControllerRuntime runtime) {
    this.runtime = runtime;
  }

  /** A builder for a controller. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Serves the endpoints (when an address was given) and starts campaigning for leadership; returns at once.
   * Idempotent.
   *
   * @return this controller
   * @throws IllegalStateException if it is closed
   */
  public FederationController start() {
    runtime.start();
    return this;
  }

  /** What the controller is doing now. */
  public ControllerState state() {
    return runtime.state();
  }

  /** Tells {@code listener} of what the controller does from now on. */
  public void addListener(ControllerListener listener) {
    runtime.addListener(Objects.requireNonNull(listener, "listener"));
  }

  /** Stops telling {@code listener}. */
  public void removeListener(ControllerListener listener) {
    runtime.removeListener(listener);
  }

  /** Where {@code /healthz}, {@code /readyz} and {@code /metrics} are served, once started with an address. */
  public Optional<InetSocketAddress> operationsAddress() {
    return runtime.operationsAddress();
  }

  /** The registry behind {@code /metrics}, to add an embedder's own meters or read the controller's. */
  public MeterRegistry meterRegistry() {
    return runtime.metrics().registry();
  }

  /** The metrics as {@code /metrics} serves them (Prometheus's text format). */
  public String scrape() {
    return runtime.metrics().scrape();
  }

  /**
   * Whether this controller leads, its host watches have synced, and nothing is queued or being reconciled: for
   * tests that wait for the controller to settle (with a timeout).
   */
  public boolean isIdle() {
    return runtime.idle();
  }

  /**
   * Stops writing (to the host and to members), releases the Lease so another replica can lead at once, and closes
   * the endpoints and every connection. Idempotent.
   */
  @Override
  public void close() {
    runtime.close();
  }

  @Override
  public String toString() {
    ControllerState s = state();
    return "FederationController[" + s.identity() + (s.leading() ? ", leading " + s.typesRunning() : ", following")
        + "]";
  }

  /** Builds a {@link FederationController}; every setting but the host has a default. */
  public static final class Builder {
    private Config host;
    private String hostName = "host";
    private String kubefedNamespace = DEFAULT_KUBEFED_NAMESPACE;
    private Optional<String> watchNamespace = Optional.empty();
    private Optional<String> identity = Optional.empty();
    private Optional<LeaderElection> election = Optional.empty();
    private Optional<InetSocketAddress> operations = Optional.empty();
    private Duration requestTimeout = Duration.ofSeconds(10);
    private boolean takeOverKubeFedCopies;

    private Builder() {}

    /**
     * The host cluster, reached with {@code config}; it goes by {@code name} (a DNS-1123 label) in what
     * {@code join} creates.
     */
    public Builder host(String name, Config config) {
      ClusterNames.requireValid(name);
      this.host = Objects.requireNonNull(config, "config");
      this.hostName = name;
      return this;
    }

    /**
     * The host cluster as context {@code context} of kubeconfig file {@code kubeconfig}; it goes by the context's
     * name, which must then be a valid cluster name.
     *
     * @throws IllegalArgumentException if the file cannot be read or has no such context
     */
    public Builder kubeconfig(Path kubeconfig, String context) {
      Objects.requireNonNull(kubeconfig, "kubeconfig");
      Objects.requireNonNull(context, "context");
      if (!Files.isReadable(kubeconfig)) {
        throw new IllegalArgumentException("kubeconfig " + kubeconfig + " cannot be read");
      }
      Config config;
      try {
        config = Config.fromKubeconfig(context, kubeconfig.toFile());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("kubeconfig " + kubeconfig + ": cannot use context \"" + context + "\": "
            + e.getMessage(), e);
      }
      if (!context.equals(config.getCurrentContext() == null ? context : config.getCurrentContext().getName())) {
        throw new IllegalArgumentException("kubeconfig " + kubeconfig + " has no context \"" + context + "\"");
      }
      return host(context, config);
    }

    /** KubeFed's namespace in the host (default {@value FederationController#DEFAULT_KUBEFED_NAMESPACE}). */
    public Builder kubefedNamespace(String namespace) {
      ClusterNames.requireValid(Objects.requireNonNull(namespace, "namespace"));
      this.kubefedNamespace = namespace;
      return this;
    }

    /**
     * Watches Federated objects in {@code namespace} only (default: every namespace, or only the KubeFed namespace
     * when the KubeFedConfig's scope is {@code Namespaced}).
     */
    public Builder watchNamespace(String namespace) {
      ClusterNames.requireValid(Objects.requireNonNull(namespace, "namespace"));
      this.watchNamespace = Optional.of(namespace);
      return this;
    }

    /** The identity the Lease is held under (default: the host name, {@code _}, and a random suffix). */
    public Builder identity(String identity) {
      if (Objects.requireNonNull(identity, "identity").isBlank()) {
        throw new IllegalArgumentException("identity must not be blank");
      }
      this.identity = Optional.of(identity);
      return this;
    }

    /** The election's settings (default: the KubeFedConfig's {@code leaderElect}, or KubeFed's defaults). */
    public Builder leaderElection(LeaderElection election) {
      this.election = Optional.of(Objects.requireNonNull(election, "election"));
      return this;
    }

    /** Serves {@code /healthz}, {@code /readyz} and {@code /metrics} on {@code address} (default: nowhere). */
    public Builder operationsAddress(InetSocketAddress address) {
      this.operations = Optional.of(Objects.requireNonNull(address, "address"));
      return this;
    }

    /** How long one request to the host or a member may take (default 10 s). */
    public Builder requestTimeout(Duration timeout) {
      if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive, got " + timeout);
      }
      this.requestTimeout = timeout;
      return this;
    }

    /**
     * Whether member copies KubeFed's controller made ({@code kubefed.io/managed: "true"}) are taken over in place,
     * for a migration from KubeFed (default false: they are reported {@code AlreadyExists} and left alone). Each
     * copy taken over is updated conditionally, never deleted and created again, so a Deployment keeps its pods;
     * each is named in an Event {@code TookOverFromKubeFed} on its Federated object and a
     * {@link ControllerEvent.Type#TAKEN_OVER} event. See
     * {@link io.fleetfed.core.fleet.ClusterFleetBuilder#takeOverKubeFedCopies(boolean)}.
     *
     * <pre>{@code
     * FederationController.builder().kubeconfig(kubeconfig, "dev1").takeOverKubeFedCopies(true).build();
     * }</pre>
     */
    public Builder takeOverKubeFedCopies(boolean takeOver) {
      this.takeOverKubeFedCopies = takeOver;
      return this;
    }

    /**
     * The controller, not started yet.
     *
     * @throws IllegalStateException if no host was given
     */
    public FederationController build() {
      if (host == null) {
        throw new IllegalStateException("name the host cluster first: host(name, config) or kubeconfig(file, "
            + "context)");
      }
      String id = identity.orElseGet(() -> localHostName() + "_" + UUID.randomUUID().toString().substring(0, 8));
      return new FederationController(new ControllerRuntime(new ControllerRuntime.Settings(host, hostName,
          kubefedNamespace, watchNamespace, id, election, operations, takeOverKubeFedCopies, requestTimeout)));
    }

    private static String localHostName() {
      String env = System.getenv("HOSTNAME");
      if (env != null && !env.isBlank()) {
        return env;
      }
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        return "fleetfed";
      }
    }
  }
}
