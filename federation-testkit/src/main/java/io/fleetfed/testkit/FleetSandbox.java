package io.fleetfed.testkit;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fleetfed.testkit.internal.ClusterServer;
import io.fleetfed.testkit.internal.Crds;
import io.fleetfed.testkit.internal.Kubeconfigs;
import io.fleetfed.testkit.internal.Names;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An in-process fleet of Kubernetes API servers, one per named cluster, each a fabric8 CRUD mock server listening
 * on 127.0.0.1 over plain http, with its own store. A kubeconfig file has one context per cluster.
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
 * <p>Each server answers what the fabric8 CRUD store answers (no server-side apply, no set-based label selectors,
 * watches over WebSocket only, one resourceVersion counter, no garbage collection), plus
 * {@code /healthz}, {@code /readyz}, {@code /livez} ({@code ok}), {@code /version}, discovery ({@code /api},
 * {@code /api/v1}, {@code /apis}, {@code /apis/<group>[/<version>]}) of the common built-in types and of every
 * CRD it stores, an empty {@code /openapi/v2} (so {@code kubectl apply} validates), an approximate strategic merge
 * patch for built-in kinds, a 415 {@code Status} for request bodies that are not JSON or YAML (protobuf), and the
 * data of service-account token Secrets. Authentication is never checked.
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
  private boolean closed;

  private FleetSandbox(Map<String, SandboxCluster> clusters, Path kubeconfig, boolean ownsKubeconfig,
      Duration latency) {
    this.clusters = clusters;
    this.clusterList = List.copyOf(clusters.values());
    this.names = List.copyOf(clusters.keySet());
    this.kubeconfig = kubeconfig;
    this.ownsKubeconfig = ownsKubeconfig;
    this.latency = latency;
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
   * The latency the builder set, which {@link #reset()} restores.
   *
   * @return the default latency
   */
  public Duration defaultLatency() {
    return latency;
  }

  /**
   * Puts every cluster back to its state at start: online on its port, its store wiped (open watches receive no
   * events for the wiped objects) and the builder's CRDs registered again, the default latency, counters at zero.
   * Clients and the kubeconfig stay valid.
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
    private Duration latency = Duration.ZERO;
    private Path kubeconfigFile;

    private Builder() {
    }

    /** A copy, so that a builder kept by {@link FleetSandboxExtension} cannot be changed from outside. */
    Builder copy() {
      Builder copy = new Builder();
      copy.clusterNames = clusterNames;
      copy.crds.putAll(crds);
      copy.latency = latency;
      copy.kubeconfigFile = kubeconfigFile;
      return copy;
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
     * Starts one API server per cluster, registers the CRDs and writes the kubeconfig.
     *
     * @return the running sandbox; close it
     * @throws IllegalStateException if no cluster was named or a server cannot start
     * @throws UncheckedIOException if the kubeconfig cannot be written
     */
    public FleetSandbox start() {
      if (clusterNames.isEmpty()) {
        throw new IllegalStateException("name the sandbox's clusters first: FleetSandbox.builder().clusters(...)");
      }
      List<CustomResourceDefinition> crdList = new ArrayList<>(crds.values());
      List<ClusterServer> started = new ArrayList<>();
      Path file = null;
      try {
        Map<String, SandboxCluster> byName = new LinkedHashMap<>();
        for (String name : clusterNames) {
          ClusterServer server = new ClusterServer(name, crdList, latency);
          started.add(server);
          server.start();
          byName.put(name, new SandboxCluster(server));
        }
        file = kubeconfigFile != null ? kubeconfigFile : Kubeconfigs.newTempFile();
        Kubeconfigs.write(started, file);
        return new FleetSandbox(Collections.unmodifiableMap(byName), file.toAbsolutePath(), kubeconfigFile == null,
            latency);
      } catch (IOException | RuntimeException | Error e) {
        RuntimeException closing = closeAll(started);
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
  }
}
