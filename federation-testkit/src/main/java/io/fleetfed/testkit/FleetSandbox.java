package io.fleetfed.testkit;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fleetfed.testkit.internal.ClusterServer;
import io.fleetfed.testkit.internal.Crds;
import io.fleetfed.testkit.internal.Kubeconfigs;
import io.fleetfed.testkit.internal.MockClusterServer;
import io.fleetfed.testkit.internal.Names;
import io.fleetfed.testkit.internal.RealApiServers;
import io.fleetfed.testkit.internal.RealClusterServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A fleet of Kubernetes API servers for tests, one per named cluster, each on 127.0.0.1 with its own objects; a
 * kubeconfig file has one context per cluster. By default each cluster is a fabric8 CRUD mock server in this JVM
 * over plain http ({@link ServerKind#MOCK}); with {@link Builder#servers(ServerKind) servers(ServerKind.REAL)} each is
 * a real {@code kube-apiserver} process (one shared {@code etcd}, a prefix per cluster) behind a front of the
 * sandbox's own over https, so that what a real cluster prunes, validates, defaults or refuses is what the test
 * sees.
 *
 * <pre>{@code
 * try (FleetSandbox fleet = FleetSandbox.builder()
 *     .clusters("dev1", "dev2")
 *     .crdResource("crds/taskruns.yaml")      // registered on every cluster
 *     .start()) {
 *   KubernetesClient dev1 = fleet.cluster("dev1").client();
 *   Config dev2 = Config.fromKubeconfig("dev2", Files.readString(fleet.kubeconfig()),
 *       fleet.kubeconfig().toString());
 *   fleet.cluster("dev2").goOffline();
 *   ...
 * }
 * }</pre>
 *
 * <p>A mock server answers what the fabric8 CRUD store answers (no server-side apply, no set-based label selectors,
 * watches over WebSocket only, one resourceVersion counter, no garbage collection), plus
 * {@code /healthz}, {@code /readyz}, {@code /livez} ({@code ok}), {@code /version}, discovery ({@code /api},
 * {@code /api/v1}, {@code /apis}, {@code /apis/<group>[/<version>]}) of the common built-in types and of every
 * CRD it stores, an empty {@code /openapi/v2} (so {@code kubectl apply} validates), an approximate strategic merge
 * patch for built-in kinds, a 415 {@code Status} for request bodies that are not JSON or YAML (protobuf), and the
 * data of service-account token Secrets. Authentication is never checked.
 *
 * <p>A real cluster answers what {@code kube-apiserver} answers (schemas, admission, server-side apply, RBAC, the
 * token is checked), without kubelets or controllers, except what the sandbox plays itself: service-account token
 * Secrets get their data, a new namespace its {@code default} service account, a deleted namespace is emptied and
 * removed, and pod logs are served from the Tekton simulator's logs. Going offline and online, latency, injected
 * faults and request counts are the front's, so they behave as on the mock; {@link #reset()} restores each
 * cluster's etcd objects to their state at start (open watches see the deletions). The binaries come from
 * {@code KUBEBUILDER_ASSETS}, else from {@code ~/.cache/fleetfed/envtest} ({@code testkit-apiserver/build.sh}).
 *
 * <p>{@link #close()} stops every server, closes the clients and deletes the kubeconfig unless the builder was
 * given its file. Thread-safe.
 */
public final class FleetSandbox implements AutoCloseable {

  private final Map<String, SandboxCluster> clusters;
  private final List<SandboxCluster> clusterList;
  private final List<String> names;
  private final Path kubeconfig;
  private final boolean ownsKubeconfig;
  private final Duration latency;
  private final ServerKind kind;
  private final RealApiServers realServers;
  private final Path workDir;
  private boolean closed;

  private FleetSandbox(Map<String, SandboxCluster> clusters, Path kubeconfig, boolean ownsKubeconfig,
      Duration latency, ServerKind kind, RealApiServers realServers, Path workDir) {
    this.clusters = clusters;
    this.clusterList = List.copyOf(clusters.values());
    this.names = List.copyOf(clusters.keySet());
    this.kubeconfig = kubeconfig;
    this.ownsKubeconfig = ownsKubeconfig;
    this.latency = latency;
    this.kind = kind;
    this.realServers = realServers;
    this.workDir = workDir;
  }

  /**
   * A builder for a sandbox.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * One cluster.
   *
   * @param name its name
   * @return the cluster
   * @throws IllegalArgumentException if there is no such cluster, listing the names there are
   */
  public SandboxCluster cluster(String name) {
    SandboxCluster cluster = clusters.get(name);
    if (cluster == null) {
      throw new IllegalArgumentException("the sandbox has no cluster named \"" + name + "\"; its clusters are "
          + names);
    }
    return cluster;
  }

  /**
   * The cluster names, in the order they were given.
   *
   * @return an immutable list
   */
  public List<String> clusterNames() {
    return names;
  }

  /**
   * The clusters, in the order they were given.
   *
   * @return an immutable list
   */
  public List<SandboxCluster> clusters() {
    return clusterList;
  }

  /**
   * A fleet over this sandbox's clusters, to configure and start ({@link SandboxFleet}):
   *
   * <pre>{@code
   * try (ClusterFleet fleet = sandbox.fleet().host("dev1").members("dev2", "dev3").start()) { ... }
   * }</pre>
   */
  public synchronized SandboxFleet fleet() {
    if (closed) {
      throw new IllegalStateException("the sandbox is closed");
    }
    return new SandboxFleet(this);
  }

  /**
   * The kubeconfig file: per cluster a cluster entry and a context named after it (namespace {@code default}),
   * and a user {@code <name>-admin} with a bearer token; the current context is the first cluster.
   *
   * @return the file's path
   */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /**
   * What backs the clusters.
   *
   * @return {@link ServerKind#MOCK} or {@link ServerKind#REAL}, never {@link ServerKind#DEFAULT}
   */
  public ServerKind servers() {
    return kind;
  }

  /**
   * The latency the builder set, which {@link #reset()} restores.
   *
   * @return the default latency
   */
  public Duration defaultLatency() {
    return latency;
  }

  /**
   * Puts every cluster back to its state at start: online on its port, its store wiped (on the mock, open watches
   * receive no events for the wiped objects; on real servers they see the deletions) and the builder's CRDs
   * registered again, no injected faults, the default latency, counters at zero. Clients and the kubeconfig stay
   * valid.
   *
   * @throws IllegalStateException if closed
   */
  public synchronized void reset() {
    if (closed) {
      throw new IllegalStateException("the sandbox is closed");
    }
    clusterList.forEach(c -> c.server().reset(latency));
  }

  /**
   * Whether {@link #close()} was called.
   *
   * @return whether closed
   */
  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Stops every API server, closes the clients and deletes the kubeconfig unless its file was given to the
   * builder. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = closeAll(clusterList.stream().map(SandboxCluster::server)
        .collect(Collectors.toList()));
    failure = closeReal(realServers, workDir, failure);
    if (ownsKubeconfig) {
      try {
        Files.deleteIfExists(kubeconfig);
      } catch (IOException e) {
        RuntimeException wrapped = new UncheckedIOException("could not delete the sandbox kubeconfig", e);
        if (failure == null) {
          failure = wrapped;
        } else {
          failure.addSuppressed(wrapped);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static RuntimeException closeAll(List<ClusterServer> servers) {
    RuntimeException failure = null;
    for (ClusterServer server : servers) {
      try {
        server.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    return failure;
  }

  /** Stops the real API servers and etcd, then deletes their working directory; for {@link #close()}. */
  private static RuntimeException closeReal(RealApiServers servers, Path dir, RuntimeException failure) {
    if (servers == null) {
      return failure;
    }
    try {
      servers.close();
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException | RuntimeException e) {
      RuntimeException wrapped = e instanceof RuntimeException ? (RuntimeException) e
          : new UncheckedIOException("could not delete the real API servers' directory " + dir, (IOException) e);
      if (failure == null) {
        return wrapped;
      }
      failure.addSuppressed(wrapped);
    }
    return failure;
  }

  @Override
  public String toString() {
    return "FleetSandbox" + clusterList;
  }

  static Duration checkLatency(Duration latency) {
    Objects.requireNonNull(latency, "latency");
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative: " + latency);
    }
    return latency;
  }

  /**
   * Configures and starts a {@link FleetSandbox}.
   *
   * <pre>{@code
   * FleetSandbox fleet = FleetSandbox.builder()
   *     .clusters("dev1", "dev2", "dev3")
   *     .crd(myCrd)
   *     .crdYaml(Path.of("src/test/resources/crds.yaml"))
   *     .latency(Duration.ofMillis(20))
   *     .kubeconfigFile(tempDir.resolve("kubeconfig"))
   *     .start();
   * }</pre>
   *
   * <p>Not thread-safe; may be used to start several sandboxes.
   */
  public static final class Builder {

    private List<String> clusterNames = List.of();
    private final Map<String, CustomResourceDefinition> crds = new LinkedHashMap<>();
    /** The Tekton release whose CRDs each named cluster gets, in place of any of the same name in {@link #crds}. */
    private final Map<String, TektonRelease> tekton = new LinkedHashMap<>();
    private Duration latency = Duration.ZERO;
    private Path kubeconfigFile;
    private ServerKind servers = ServerKind.DEFAULT;

    private Builder() {
    }

    /** A copy, so that a builder kept by {@link FleetSandboxExtension} cannot be changed from outside. */
    Builder copy() {
      Builder copy = new Builder();
      copy.clusterNames = clusterNames;
      copy.crds.putAll(crds);
      copy.tekton.putAll(tekton);
      copy.latency = latency;
      copy.kubeconfigFile = kubeconfigFile;
      copy.servers = servers;
      return copy;
    }

    /** The kind {@link #start()} would start, {@link ServerKind#DEFAULT} resolved. */
    ServerKind resolvedServers() {
      return servers.resolve();
    }

    /** What two builders share when their sandboxes are interchangeable, for {@link SandboxPool}. */
    Object poolKey() {
      return List.of(clusterNames, List.copyOf(crds.values()), Map.copyOf(tekton), latency,
          Optional.ofNullable(kubeconfigFile), servers.resolve());
    }

    /**
     * What backs the clusters: fabric8's mock in this JVM, or real {@code kube-apiserver} processes.
     *
     * <pre>{@code
     * FleetSandbox.builder().clusters("dev1", "dev2").servers(ServerKind.REAL).start();
     * }</pre>
     *
     * @param servers {@link ServerKind#DEFAULT} (the default: {@code -Dfleetfed.sandbox.servers}, else the mock),
     *     {@link ServerKind#MOCK} or {@link ServerKind#REAL}
     * @return this builder
     */
    public Builder servers(ServerKind servers) {
      this.servers = Objects.requireNonNull(servers, "servers");
      return this;
    }

    /**
     * The clusters, replacing any given before.
     *
     * @param names distinct DNS-1123 labels, at least one
     * @return this builder
     * @throws IllegalArgumentException naming a bad or repeated name
     */
    public Builder clusters(String... names) {
      Objects.requireNonNull(names, "names");
      return clusters(Arrays.asList(names));
    }

    /**
     * The clusters, replacing any given before.
     *
     * @param names distinct DNS-1123 labels, at least one
     * @return this builder
     * @throws IllegalArgumentException naming a bad or repeated name
     */
    public Builder clusters(Collection<String> names) {
      this.clusterNames = Names.checkClusterNames(names);
      return this;
    }

    /**
     * A CRD to register on every cluster at start (and after every {@link FleetSandbox#reset()}).
     *
     * @param crd an {@code apiextensions.k8s.io/v1} CRD named {@code <plural>.<group>}
     * @return this builder
     * @throws IllegalArgumentException if incomplete, or if a different CRD of the same name was given
     */
    public Builder crd(CustomResourceDefinition crd) {
      add(Crds.check(crd, "CRD"));
      return this;
    }

    /**
     * Registers a Tekton release's CRDs ({@link TektonRelease#crds()}) on one cluster at start (and after every
     * {@link FleetSandbox#reset()}), so that the cluster serves the Tekton kinds at that release's versions only;
     * they replace, on that cluster, every Tekton CRD (group {@code tekton.dev} or {@code resolution.tekton.dev})
     * given for every cluster. A {@link TektonSimulator} started with
     * {@link TektonSimulator.Builder#release(String, TektonRelease) release(cluster, release)} then runs its runs:
     *
     * <pre>{@code
     * FleetSandbox.builder().clusters("dev1", "dev2").tektonCrds("dev2", TektonRelease.V0_24).start();
     * }</pre>
     *
     * @param cluster one of the {@link #clusters} by {@link #start()}
     * @param release the release, replacing one given before for that cluster
     * @return this builder
     */
    public Builder tektonCrds(String cluster, TektonRelease release) {
      tekton.put(Objects.requireNonNull(cluster, "cluster"), Objects.requireNonNull(release, "release"));
      return this;
    }

    /**
     * CRDs to register on every cluster, as {@link #crd} does.
     *
     * @param crds the CRDs
     * @return this builder
     */
    public Builder crds(Collection<? extends CustomResourceDefinition> crds) {
      Objects.requireNonNull(crds, "crds").forEach(this::crd);
      return this;
    }

    /**
     * Every CRD in a YAML (or JSON) file, read now.
     *
     * @param file a file of CRDs; multi-document YAML and {@code List}s are fine
     * @return this builder
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if it holds anything but complete v1 CRDs
     */
    public Builder crdYaml(Path file) {
      Objects.requireNonNull(file, "file");
      try (InputStream in = Files.newInputStream(file)) {
        Crds.read(in, file.toString()).forEach(this::add);
      } catch (IOException e) {
        throw new UncheckedIOException("could not read CRDs from " + file, e);
      }
      return this;
    }

    /**
     * Every CRD in a YAML (or JSON) stream, read now; the stream is not closed.
     *
     * @param yaml a stream of CRDs
     * @return this builder
     * @throws IllegalArgumentException if it holds anything but complete v1 CRDs
     */
    public Builder crdYaml(InputStream yaml) {
      Crds.read(Objects.requireNonNull(yaml, "yaml"), "CRD stream").forEach(this::add);
      return this;
    }

    /**
     * Every CRD in a YAML (or JSON) classpath resource, read now.
     *
     * @param resource a resource path such as {@code crds/tekton.yaml} (a leading {@code /} is ignored)
     * @return this builder
     * @throws IllegalArgumentException if there is no such resource, or it holds anything but complete v1 CRDs
     */
    public Builder crdResource(String resource) {
      Objects.requireNonNull(resource, "resource");
      String path = resource.startsWith("/") ? resource.substring(1) : resource;
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      if (loader == null || loader.getResource(path) == null) {
        loader = FleetSandbox.class.getClassLoader();
      }
      try (InputStream in = loader.getResourceAsStream(path)) {
        if (in == null) {
          throw new IllegalArgumentException("no classpath resource " + path + " to read CRDs from");
        }
        Crds.read(in, "classpath:" + path).forEach(this::add);
      } catch (IOException e) {
        throw new UncheckedIOException("could not read CRDs from classpath:" + path, e);
      }
      return this;
    }

    private void add(CustomResourceDefinition crd) {
      String name = crd.getMetadata().getName();
      CustomResourceDefinition previous = crds.get(name);
      if (previous != null && !previous.equals(crd)) {
        throw new IllegalArgumentException("two different CRDs are named " + name);
      }
      crds.put(name, crd);
    }

    /**
     * The latency every cluster starts with (and returns to on {@link FleetSandbox#reset()}).
     *
     * @param latency zero (the default) or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder latency(Duration latency) {
      this.latency = checkLatency(latency);
      return this;
    }

    /**
     * Where to write the kubeconfig; it is replaced if it exists, and kept on close. Without this, a temporary file
     * is used and deleted on close.
     *
     * @param file the kubeconfig's path
     * @return this builder
     */
    public Builder kubeconfigFile(Path file) {
      this.kubeconfigFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * Starts one API server per cluster (real ones at the same time), registers the CRDs and writes the kubeconfig.
     *
     * @return the running sandbox; close it
     * @throws IllegalStateException if no cluster was named or a server cannot start, or if real servers were asked
     *     for and their binaries are nowhere (the message says where they were looked for and how to build them)
     * @throws RuntimeException {@code org.opentest4j.TestAbortedException} instead, where JUnit is on the class
     *     path, when only {@code -Dfleetfed.sandbox.servers=real} asked for them (a suite run a second time on real
     *     servers): JUnit reports the test skipped, with that message
     * @throws UncheckedIOException if the kubeconfig cannot be written
     */
    public FleetSandbox start() {
      if (clusterNames.isEmpty()) {
        throw new IllegalStateException("name the sandbox's clusters first: FleetSandbox.builder().clusters(...)");
      }
      for (String named : tekton.keySet()) {
        if (!clusterNames.contains(named)) {
          throw new IllegalStateException("tektonCrds(\"" + named + "\", ...) names no cluster of the sandbox; its"
              + " clusters are " + clusterNames);
        }
      }
      ServerKind kind = servers.resolve();
      List<ClusterServer> started = new ArrayList<>();
      RealApiServers real = null;
      Path workDir = null;
      Path file = null;
      try {
        if (kind == ServerKind.REAL) {
          Optional<Path> found = RealApiServers.assets();
          if (found.isEmpty() && servers == ServerKind.DEFAULT) {
            // real servers asked for by -Dfleetfed.sandbox.servers=real, to run a suite a second time: a test
            // that cannot have them is skipped, saying why, rather than failed
            throw skipOrFail("-D" + ServerKind.PROPERTY + "=real: " + RealApiServers.missingMessage());
          }
          Path assets = found.orElseThrow(() -> new IllegalStateException(RealApiServers.missingMessage()));
          workDir = Files.createTempDirectory("fleetfed-sandbox-");
          real = RealApiServers.start(assets, workDir);
        }
        Map<String, SandboxCluster> byName = new LinkedHashMap<>();
        for (String name : clusterNames) {
          List<CustomResourceDefinition> crdList = crdsOf(name);
          ClusterServer server = kind == ServerKind.REAL ? new RealClusterServer(real, name, crdList, latency)
              : new MockClusterServer(name, crdList, latency);
          started.add(server);
          byName.put(name, new SandboxCluster(server));
        }
        startAll(started);
        file = kubeconfigFile != null ? kubeconfigFile : Kubeconfigs.newTempFile();
        Kubeconfigs.write(started, file);
        return new FleetSandbox(Collections.unmodifiableMap(byName), file.toAbsolutePath(), kubeconfigFile == null,
            latency, kind, real, workDir);
      } catch (IOException | RuntimeException | Error e) {
        RuntimeException closing = closeReal(real, workDir, closeAll(started));
        if (closing != null) {
          e.addSuppressed(closing);
        }
        if (file != null && kubeconfigFile == null) {
          try {
            Files.deleteIfExists(file);
          } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        if (e instanceof IOException) {
          throw new UncheckedIOException("could not write the sandbox kubeconfig", (IOException) e);
        }
        if (e instanceof RuntimeException) {
          throw (RuntimeException) e;
        }
        throw (Error) e;
      }
    }

    /**
     * The CRDs of one cluster: those of every cluster, and, where a Tekton release is given for it, that release's in
     * place of every Tekton CRD given for every cluster.
     */
    private List<CustomResourceDefinition> crdsOf(String cluster) {
      Map<String, CustomResourceDefinition> of = new LinkedHashMap<>(crds);
      TektonRelease release = tekton.get(cluster);
      if (release != null) {
        of.values().removeIf(crd -> crd.getSpec().getGroup().endsWith("tekton.dev"));
        for (CustomResourceDefinition crd : release.crds()) {
          of.put(crd.getMetadata().getName(), crd);
        }
      }
      return new ArrayList<>(of.values());
    }

    /**
     * JUnit's (opentest4j's) "aborted" exception, which reports a test skipped, where it is on the class path (the
     * testkit runs outside tests too, as in {@code fleetfed sandbox}); an {@link IllegalStateException} elsewhere.
     */
    private static RuntimeException skipOrFail(String message) {
      try {
        return (RuntimeException) Class.forName("org.opentest4j.TestAbortedException")
            .getConstructor(String.class).newInstance(message);
      } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
        return new IllegalStateException(message);
      }
    }

    /** Starts the servers, mock ones one after the other, real ones at the same time (each waits for a process). */
    private static void startAll(List<ClusterServer> servers) {
      if (servers.stream().allMatch(s -> s instanceof MockClusterServer)) {
        servers.forEach(ClusterServer::start);
        return;
      }
      List<CompletableFuture<Void>> starting = new ArrayList<>();
      for (ClusterServer server : servers) {
        starting.add(CompletableFuture.runAsync(server::start, runnable -> {
          Thread thread = new Thread(runnable, "fleetfed-sandbox-start-" + server.name());
          thread.setDaemon(true);
          thread.start();
        }));
      }
      try {
        CompletableFuture.allOf(starting.toArray(new CompletableFuture<?>[0])).join();
      } catch (CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException) {
          throw (RuntimeException) cause;
        }
        if (cause instanceof Error) {
          throw (Error) cause;
        }
        throw e;
      }
    }
  }
}
