package io.fleetfed.testkit.internal;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.stream.Stream;

/**
 * Real Kubernetes API servers on loopback, the envtest way: one {@code etcd} and any number of
 * {@code kube-apiserver}s over it, each under its own etcd prefix (so each is a cluster of its own), each with a
 * self-signed serving certificate and an admin token in group {@code system:masters}. The binaries come from
 * {@code KUBEBUILDER_ASSETS}, else from the cache {@code testkit-apiserver/build.sh} fills
 * ({@code ~/.cache/fleetfed/envtest/k8s/<version>-<os>-<arch>}, the newest version there).
 *
 * <pre>{@code
 * try (RealApiServers servers = RealApiServers.start(RealApiServers.assets().orElseThrow(), workDir)) {
 *   RealApiServers.Server dev1 = servers.add("dev1");
 *   try (KubernetesClient client = new KubernetesClientBuilder().withConfig(dev1.config()).build()) { ... }
 * }
 * }</pre>
 *
 * <p>Internal: the sandbox's real clusters ({@link RealClusterServer}) start through it.
 */
public final class RealApiServers implements AutoCloseable {
  /** The environment variable envtest reads its binaries' directory from. */
  public static final String ASSETS_VARIABLE = "KUBEBUILDER_ASSETS";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final String LOOPBACK = "127.0.0.1";
  private static final int LOG_TAIL = 2_000;
  /** How long to wait for a build of the binaries in progress (a first build takes about five minutes). */
  private static final Duration BUILD_WAIT = Duration.ofMinutes(15);
  private static final Logger LOG = LoggerFactory.getLogger(RealApiServers.class);

  private final Path assets;
  private final Path dir;
  private final Process etcd;
  private final String etcdUrl;
  private final List<Server> servers = new ArrayList<>();
  private final Thread reaper;
  private boolean closed;

  /** One API server: its URL, CA and admin token, and the process. */
  public static final class Server {
    private final String name;
    private final int port;
    private final Path ca;
    private final String token;
    private final Process process;
    private final Path log;

    private Server(String name, int port, Path ca, String token, Process process, Path log) {
      this.name = name;
      this.port = port;
      this.ca = ca;
      this.token = token;
      this.process = process;
      this.log = log;
    }

    /** The cluster's name (its etcd prefix). */
    public String name() {
      return name;
    }

    /** {@code https://127.0.0.1:<port>}. */
    public String url() {
      return "https://" + LOOPBACK + ":" + port;
    }

    /** The server's port on 127.0.0.1. */
    public int port() {
      return port;
    }

    /**
     * The server's {@code --cert-dir}: its serving certificate {@code apiserver.crt} (self-signed, so also its CA)
     * and key {@code apiserver.key}, PEM, written by the server as it starts.
     */
    public Path certDir() {
      return ca.getParent();
    }

    /** The serving certificate (self-signed, so also its CA), PEM. */
    public String caPem() {
      try {
        return Files.readString(ca, StandardCharsets.US_ASCII);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the serving certificate of " + name, e);
      }
    }

    /** The admin's bearer token (group {@code system:masters}). */
    public String token() {
      return token;
    }

    /** A fabric8 configuration reaching the server as its admin, trusting only its certificate. */
    public Config config() {
      return new ConfigBuilder(Config.empty()).withMasterUrl(url()).withCaCertFile(ca.toString())
          .withOauthToken(token).withNamespace("default").withRequestTimeout(10_000).build();
    }

    /** The process's resident memory in bytes, if the system says. */
    public Optional<Long> residentBytes() {
      return RealApiServers.residentBytes(process);
    }

    /** The last lines of the server's log, for failure messages (the log holds no token). */
    public String logTail() {
      return tail(log);
    }
  }

  private RealApiServers(Path assets, Path dir, Process etcd, String etcdUrl) {
    this.assets = assets;
    this.dir = dir;
    this.etcd = etcd;
    this.etcdUrl = etcdUrl;
    this.reaper = new Thread(this::kill, "fleetfed-real-api-servers-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);   // a test JVM that dies leaves no server behind
  }

  /**
   * The directory holding {@code kube-apiserver} and {@code etcd}: {@value #ASSETS_VARIABLE}, else the newest
   * version in {@code testkit-apiserver/build.sh}'s cache (waiting for a build of it in progress); empty if neither
   * has both.
   */
  public static Optional<Path> assets() {
    String env = System.getenv(ASSETS_VARIABLE);
    if (env != null && !env.isBlank()) {
      return Optional.of(Path.of(env)).filter(RealApiServers::complete);
    }
    Optional<Path> built = cached();
    if (built.isEmpty() && awaitBuild()) {
      built = cached();
    }
    return built;
  }

  private static Optional<Path> cached() {
    Path k8s = Path.of(cacheDir(), "k8s");
    if (!Files.isDirectory(k8s)) {
      return Optional.empty();
    }
    String platform = "-" + os() + "-" + arch();
    try (Stream<Path> versions = Files.list(k8s)) {
      return versions.filter(p -> p.getFileName().toString().endsWith(platform)).filter(RealApiServers::complete)
          .max(Comparator.comparing(p -> version(p.getFileName().toString(), platform)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Waits while {@code build.sh} is building into the cache (its process id in {@code <version dir>/.building},
   * that process alive), as when the Maven build started it in the background before the tests.
   *
   * @return whether there was a build to wait for
   */
  private static boolean awaitBuild() {
    Optional<ProcessHandle> builder = runningBuild();
    if (builder.isEmpty()) {
      return false;
    }
    LOG.info("waiting for testkit-apiserver/build.sh (pid {}) to finish building kube-apiserver and etcd",
        builder.get().pid());
    long deadline = System.nanoTime() + BUILD_WAIT.toNanos();
    while (builder.isPresent() && System.nanoTime() < deadline) {
      try {
        builder.get().onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (ExecutionException | TimeoutException e) {
        return false;
      }
      builder = runningBuild();
    }
    return true;
  }

  private static Optional<ProcessHandle> runningBuild() {
    Path k8s = Path.of(cacheDir(), "k8s");
    if (!Files.isDirectory(k8s)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(k8s)) {
      return versions.map(v -> v.resolve(".building")).filter(Files::isRegularFile).flatMap(marker -> {
        try {
          return ProcessHandle.of(Long.parseLong(Files.readString(marker, StandardCharsets.US_ASCII).trim()))
              .filter(ProcessHandle::isAlive).stream();
        } catch (IOException | NumberFormatException e) {
          return Stream.empty();
        }
      }).findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Why {@link #assets()} is empty, and what to do about it, for error and skip messages.
   *
   * @return one sentence naming where the binaries were looked for
   */
  public static String missingMessage() {
    String env = System.getenv(ASSETS_VARIABLE);
    String where = env != null && !env.isBlank()
        ? ASSETS_VARIABLE + "=" + env + " does not hold both kube-apiserver and etcd"
        : ASSETS_VARIABLE + " is not set and " + cacheDir() + "/k8s holds no built version for " + os() + "-"
            + arch();
    return "real API servers need the kube-apiserver and etcd binaries: " + where + "; build them with"
        + " testkit-apiserver/build.sh (Go 1.24 or newer and the Go module proxy, a few minutes the first time) or"
        + " point " + ASSETS_VARIABLE + " at envtest assets";
  }

  private static String cacheDir() {
    return Optional.ofNullable(System.getenv("FLEETFED_ENVTEST_CACHE"))
        .orElse(System.getProperty("user.home") + "/.cache/fleetfed/envtest");
  }

  private static boolean complete(Path dir) {
    return Files.isExecutable(dir.resolve("kube-apiserver")) && Files.isExecutable(dir.resolve("etcd"));
  }

  /** {@code 1.34.4} of {@code 1.34.4-linux-amd64} as a sortable key (each number zero-padded). */
  private static String version(String dirName, String platform) {
    StringBuilder key = new StringBuilder();
    for (String part : dirName.substring(0, dirName.length() - platform.length()).split("\\.")) {
      key.append(String.format(Locale.ROOT, "%08d", part.chars().allMatch(Character::isDigit) && !part.isEmpty()
          ? Long.parseLong(part) : 0));
    }
    return key.toString();
  }

  private static String os() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    return os.contains("mac") ? "darwin" : os.contains("win") ? "windows" : "linux";
  }

  private static String arch() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : "amd64";
  }

  /** Starts etcd in {@code dir} (its data, the servers' certificates and logs go there). */
  public static RealApiServers start(Path assets, Path dir) {
    Objects.requireNonNull(assets, "assets");
    Objects.requireNonNull(dir, "dir");
    try {
      Files.createDirectories(dir);
      int client = freePort();
      int peer = freePort();
      String url = "http://" + LOOPBACK + ":" + client;
      String peerUrl = "http://" + LOOPBACK + ":" + peer;
      Path log = dir.resolve("etcd.log");
      Process etcd = new ProcessBuilder(assets.resolve("etcd").toString(),
          "--name", "fleetfed", "--data-dir", dir.resolve("etcd-data").toString(),
          "--listen-client-urls", url, "--advertise-client-urls", url,
          "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
          "--initial-cluster", "fleetfed=" + peerUrl, "--unsafe-no-fsync")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      return new RealApiServers(assets, dir, etcd, url);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start etcd from " + assets, e);
    }
  }

  /**
   * Starts an API server named {@code name} (its etcd prefix) and returns once it serves and is ready: its
   * {@code default} namespace exists and {@code /readyz} says {@code ok} (every post-start hook has run). Several
   * may start at once from several threads.
   *
   * @throws IllegalStateException if it does not serve within a minute, with the end of its log
   */
  public Server add(String name) {
    for (int attempt = 1; ; attempt++) {
      Server server = launch(name);
      try {
        awaitServing(server);
        return server;
      } catch (IllegalStateException e) {
        // its port was free when chosen, then taken (by another process of the test, a kubectl, a fleetfed) before
        // it bound it: a new port, as often as that happens, up to a few times
        if (attempt >= PORT_ATTEMPTS || server.process.isAlive() || !server.logTail().contains(PORT_TAKEN)) {
          throw e;
        }
        forget(server);
      }
    }
  }

  /** How many ports {@link #add} tries when the one chosen is taken before the server binds it. */
  private static final int PORT_ATTEMPTS = 3;
  /** What kube-apiserver logs when its port is taken. */
  private static final String PORT_TAKEN = "address already in use";

  private synchronized void forget(Server server) {
    servers.remove(server);
  }

  private synchronized Server launch(String name) {
    if (closed) {
      throw new IllegalStateException("the API servers are closed");
    }
    Path own = dir.resolve(name);
    try {
      Files.createDirectories(own.resolve("certs"));
      String token = ServiceAccountTokens.newToken();
      Path tokens = own.resolve("tokens.csv");
      Files.writeString(tokens, token + ",admin,admin,\"system:masters\"\n", StandardCharsets.US_ASCII);
      Path key = own.resolve("service-account.key");
      Path pub = own.resolve("service-account.pub");
      writeServiceAccountKeys(key, pub);
      int port = freePort();
      Path log = own.resolve("kube-apiserver.log");
      Process process = new ProcessBuilder(assets.resolve("kube-apiserver").toString(),
          "--etcd-servers=" + etcdUrl, "--etcd-prefix=/" + name,
          "--cert-dir=" + own.resolve("certs"), "--bind-address=" + LOOPBACK, "--advertise-address=" + LOOPBACK,
          "--secure-port=" + port, "--service-cluster-ip-range=10.0.0.0/24",
          "--token-auth-file=" + tokens, "--authorization-mode=RBAC",
          "--service-account-issuer=https://" + LOOPBACK + ":" + port,
          "--service-account-key-file=" + pub, "--service-account-signing-key-file=" + key,
          "--allow-privileged=true")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      Server server = new Server(name, port, own.resolve("certs").resolve("apiserver.crt"), token, process, log);
      servers.add(server);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the API server " + name, e);
    }
  }

  private static void awaitServing(Server server) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!server.process.isAlive()) {
        throw new IllegalStateException("the API server " + server.name + " exited with "
            + server.process.exitValue() + ":\n" + server.logTail());
      }
      if (Files.exists(server.ca)) {
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(server.config()).build()) {
          // ready, not just serving: its post-start hooks (bootstrap RBAC roles, priority classes, the kubernetes
          // Service) have all run, so what a test or a snapshot sees next is the server's settled start state
          if (client.namespaces().withName("default").get() != null
              && "ok".equals(client.raw(server.url() + "/readyz"))) {
            return;
          }
        } catch (KubernetesClientException notYet) {
          // starting: not listening yet, or not serving that yet
        }
      }
      try {
        TimeUnit.MILLISECONDS.sleep(100);   // polling a process we started: there is no event to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the API server " + server.name + " was starting", e);
      }
    }
    throw new IllegalStateException("the API server " + server.name + " did not serve within " + READY_TIMEOUT
        + ":\n" + server.logTail());
  }

  private static void writeServiceAccountKeys(Path key, Path pub) throws IOException {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      Files.writeString(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
      Files.writeString(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java runtime has no RSA, which every runtime must provide", e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    }
  }

  private static String tail(Path log) {
    try {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      return text.length() <= LOG_TAIL ? text : "…" + text.substring(text.length() - LOG_TAIL);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** etcd's client URL, {@code http://127.0.0.1:<port>}: each server's keys are under {@code /<its name>/}. */
  public String etcdUrl() {
    return etcdUrl;
  }

  /** The started API servers, in order. */
  public synchronized List<Server> servers() {
    return List.copyOf(servers);
  }

  /** etcd's and the API servers' processes, for checks that they are gone after {@link #close()}. */
  public synchronized List<ProcessHandle> processes() {
    List<ProcessHandle> all = new ArrayList<>();
    all.add(etcd.toHandle());
    servers.forEach(s -> all.add(s.process.toHandle()));
    return all;
  }

  /** etcd's resident memory in bytes, if the system says. */
  public Optional<Long> etcdResidentBytes() {
    return residentBytes(etcd);
  }

  private static Optional<Long> residentBytes(Process process) {
    Path status = Path.of("/proc", Long.toString(process.pid()), "status");
    try (Stream<String> lines = Files.lines(status)) {
      return lines.filter(l -> l.startsWith("VmRSS:")).findFirst()
          .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024);
    } catch (IOException | UncheckedIOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Kills every API server and etcd, and waits until their processes are gone. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    kill();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or ran
    }
  }

  /**
   * Kills the processes at once (SIGKILL): their data is thrown away with the directory, and a graceful stop of an
   * API server with open watches takes many seconds (it drains long-running requests).
   */
  private void kill() {
    List<Process> all = new ArrayList<>();
    servers.forEach(s -> all.add(s.process));
    all.add(etcd);
    all.forEach(Process::destroyForcibly);
    for (Process p : all) {
      try {
        p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
