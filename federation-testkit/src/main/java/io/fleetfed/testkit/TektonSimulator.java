package io.fleetfed.testkit;

import io.fleetfed.testkit.internal.TektonCrds;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated Tekton controller for sandbox clusters: it executes the TaskRuns and PipelineRuns created on them
 * ({@code tekton.dev/v1} and {@code v1beta1}; on a cluster playing Tekton 0.24, {@code v1beta1}) and reports them as
 * the Tekton controller does, so that code which dispatches and follows Tekton runs can be tested without Tekton.
 *
 * <pre>{@code
 * try (FleetSandbox fleet = FleetSandbox.builder().clusters("dev1", "dev2").start();
 *      TektonSimulator tekton = TektonSimulator.builder()
 *          .clusters(fleet.clusters())
 *          .defaults(RunScript.succeedsAfter(Duration.ofMillis(100)))
 *          .task("unit-tests", RunScript.failsAfter(Duration.ofMillis(200), "Failed", "2 tests failed"))
 *          .start()) {
 *   tekton.script("build-42", RunScript.succeeds().withResults(Map.of("digest", "sha256:0123"))
 *       .withLog("build", "compiled\n"));
 *   ResourceDefinitionContext taskRuns = new ResourceDefinitionContext.Builder().withGroup("tekton.dev")
 *       .withVersion("v1").withKind("TaskRun").withPlural("taskruns").withNamespaced(true).build();
 *   KubernetesClient dev2 = fleet.cluster("dev2").client();
 *   dev2.genericKubernetesResources(taskRuns).inNamespace("ci").resource(buildTaskRun).create(); // "build-42"
 *   Await.until(Duration.ofSeconds(10), "build-42 to finish", () -> dev2.genericKubernetesResources(taskRuns)
 *       .inNamespace("ci").withName("build-42").get().get("status", "completionTime") != null);
 *   dev2.pods().inNamespace("ci").withName("build-42-pod").inContainer("step-build").getLog(); // "compiled\n"
 * }
 * }</pre>
 *
 * <h2>What it does</h2>
 * <ul>
 *   <li>Each cluster plays a {@link TektonRelease} ({@link Builder#release(TektonRelease)}, per cluster
 *       {@link Builder#release(String, TektonRelease)}; {@link TektonRelease#CURRENT} by default). On start, it
 *       registers on every cluster the CRDs of its release that the cluster lacks (today's: Task, TaskRun, Pipeline,
 *       PipelineRun at v1 and v1beta1, StepAction, CustomRun, and the cluster-scoped ClusterTask at v1beta1; 0.24's:
 *       see {@link TektonRelease#V0_24}), then watches TaskRuns and PipelineRuns in every namespace at the versions
 *       the release serves. It leaves alone runs whose {@code spec.managedBy} names another controller than
 *       {@code tekton.dev/pipeline} (on 0.24, which knew no such field, it runs them), and runs already finished
 *       when first seen. On a 0.24 cluster runs are reported in 0.24's v1beta1 shapes, v1alpha1 runs and features
 *       0.24 lacked end False/{@code SimulationUnsupported}; the package documentation lists the details.</li>
 *   <li>A TaskRun: {@code spec.status: TaskRunPending} keeps it Unknown/{@code TaskRunPending} until cleared. Its
 *       Task ({@code taskSpec}; {@code taskRef} to a Task of its namespace at either version or to a ClusterTask;
 *       a remote {@code resolver} is taken as resolved, but the {@code cluster} resolver's Task is read from the
 *       namespace it names) must exist, or it fails {@code TaskRunResolutionFailed}.
 *       It then stays Unknown/{@code Pending} for the script's start delay, turns Unknown/{@code Started} and
 *       Unknown/{@code Running} with {@code startTime}, {@code podName} and one running step per Task step, with a
 *       pod {@code <name>-pod} (one container {@code step-<step>} per step) whose logs the API server serves, and
 *       after the script's duration ends True/{@code Succeeded} with its results ({@code status.results}, or
 *       {@code taskResults} at v1beta1), or False with the script's reason. {@code spec.status: TaskRunCancelled}
 *       ends it False/{@code TaskRunCancelled}; its {@code spec.timeout} (default 60m, {@code 0} for none,
 *       counted from when it was picked up, then per attempt) ends it False/{@code TaskRunTimeout}; both delete the
 *       pod. With {@code spec.retries}, a failed or timed-out attempt is kept in {@code status.retriesStatus} and
 *       the run tried again in a pod {@code <name>-pod-retry<n>}.</li>
 *   <li>A PipelineRun: {@code spec.status: PipelineRunPending} keeps it pending. Its Pipeline and every Task the
 *       Pipeline names must exist ({@code CouldntGetPipeline}, {@code CouldntGetTask}). It then creates one child
 *       TaskRun {@code <pipelinerun>-<task>} per pipeline task (owned by it, labelled, with the task's params
 *       resolved, workspaces, service account and retries), or one {@code <pipelinerun>-<task>-<i>} per matrix
 *       combination, each once the tasks it runs after (or takes results from) are done and its {@code when}
 *       expressions hold, else skipping it with Tekton's reason in {@code status.skippedTasks}; then its finally
 *       tasks; these run as above. It ends True/{@code Succeeded} or {@code Completed} (some skipped; results from
 *       the Pipeline's results and the script), False/{@code Failed} once a failed child's running siblings are done
 *       (or a section timeout passed),
 *       False/{@code Cancelled} ({@code spec.status} {@code Cancelled}, {@code CancelledRunFinally},
 *       {@code StoppedRunFinally}) or False/{@code PipelineRunTimeout} ({@code spec.timeouts.pipeline}, or
 *       {@code spec.timeout} at v1beta1), cancelling its unfinished children.</li>
 * </ul>
 *
 * <p>What it cannot tell ends the run False/{@code SimulationUnsupported}, naming the feature and the field; the
 * package documentation lists every known difference from Tekton.
 *
 * <h2>Scripts</h2>
 * A run's {@link RunScript} is chosen when the simulator first picks it up: the script given for its name
 * ({@link #script}), else for its Task ({@link #taskScript}, also for the children of PipelineRuns) or Pipeline
 * ({@link #pipelineScript}), else the default ({@link Builder#defaults}, {@link RunScript#succeeds()} unless set).
 * A PipelineRun's own script (by run or pipeline name; never the default) only adds a start delay and results: its
 * outcome follows its children. A PipelineRun whose Pipeline comes from a remote resolver (other than the
 * {@code cluster} resolver, read from the cluster) has no known tasks and follows its script (or the default) as a
 * TaskRun would.
 *
 * <h2>Logs</h2>
 * Each sandbox API server answers {@code GET /api/v1/namespaces/<ns>/pods/<pod>/log} for a pod it stores, as
 * fabric8's {@code pods().withName(pod).inContainer("step-build").getLog()}, {@code watchLog(out)} and
 * {@code getLogInputStream()} and {@code kubectl logs} ask for it: the log of step {@code S} is the script's
 * {@link RunScript#withLog withLog(S, text)}, else {@code step S of taskrun <name> on <cluster>\n}. A pod with
 * several containers needs {@code container} (400 otherwise, naming them), an unknown pod is a 404;
 * {@code tailLines}, {@code timestamps}, {@code sinceTime}, {@code sinceSeconds} and {@code limitBytes} are
 * honoured, and {@code follow} returns the whole log and ends. A pod deleted on cancel or timeout takes its logs
 * with it.
 *
 * <h2>Outages and threads</h2>
 * Informer callbacks only queue work; each run is handled by one task at a time on the simulator's own daemon
 * threads, so status writes of a run are ordered. While a cluster is offline, writes to it are retried (with a
 * back-off up to 2 s) until it is back, so its runs pause; its informers reconnect by themselves. Run one
 * simulator per cluster at a time. {@link FleetSandbox#reset()} wipes the CRDs it registered (start a new
 * simulator after a reset). All methods are thread-safe.
 */
public final class TektonSimulator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TektonSimulator.class);
  private static final int THREADS = 16;
  private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(10);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final List<SandboxCluster> sandboxClusters;
  private final Map<String, TektonRelease> releases;
  private final List<SimCluster> clusters = new CopyOnWriteArrayList<>();
  private final RunScript defaults;
  private final List<Consumer<? super FinishedRun>> listeners;
  private final Map<String, RunScript> runScripts = new ConcurrentHashMap<>();
  private final Map<String, RunScript> taskScripts = new ConcurrentHashMap<>();
  private final Map<String, RunScript> pipelineScripts = new ConcurrentHashMap<>();
  private final ScheduledThreadPoolExecutor executor;
  private final AtomicLong finished = new AtomicLong();
  private final AtomicLong failedWrites = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  private TektonSimulator(Builder builder) {
    this.sandboxClusters = List.copyOf(builder.clusters);
    Map<String, TektonRelease> byCluster = new LinkedHashMap<>();
    for (SandboxCluster cluster : sandboxClusters) {
      byCluster.put(cluster.name(), builder.releases.getOrDefault(cluster.name(), builder.release));
    }
    this.releases = Map.copyOf(byCluster);
    this.defaults = builder.defaults;
    this.listeners = List.copyOf(builder.listeners);
    this.runScripts.putAll(builder.runs);
    this.taskScripts.putAll(builder.tasks);
    this.pipelineScripts.putAll(builder.pipelines);
    int instance = INSTANCES.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory factory = runnable -> {
      Thread thread = new Thread(runnable, "tekton-simulator-" + instance + "-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
    this.executor = new ScheduledThreadPoolExecutor(THREADS, factory);
    this.executor.setRemoveOnCancelPolicy(true);
    this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * Starts a simulator on these clusters, running every run with {@link RunScript#succeeds()} unless scripted
   * otherwise.
   *
   * @param clusters one or more distinct sandbox clusters
   * @return the running simulator; close it
   * @throws IllegalArgumentException if no cluster is given or one is given twice
   */
  public static TektonSimulator start(SandboxCluster... clusters) {
    return builder().clusters(clusters).start();
  }

  /**
   * Starts a simulator on these clusters, running every run with {@link RunScript#succeeds()} unless scripted
   * otherwise.
   *
   * @param clusters one or more distinct sandbox clusters
   * @return the running simulator; close it
   * @throws IllegalArgumentException if no cluster is given or one is given twice
   */
  public static TektonSimulator start(Collection<SandboxCluster> clusters) {
    return builder().clusters(clusters).start();
  }

  /**
   * The Tekton CRDs the simulator registers on clusters playing {@link TektonRelease#CURRENT} (Task, TaskRun, Pipeline, PipelineRun, StepAction,
   * CustomRun, ClusterTask; structural schemas that keep unknown fields, the status subresource), for a cluster that
   * holds Tekton objects without running them, such as a fleet's host from which the dispatcher reads Tasks:
   *
   * <pre>{@code
   * TektonSimulator.crds().forEach(sandbox.cluster("host")::registerCrd);
   * }</pre>
   *
   * @return new CRDs, the caller's to change
   */
  public static List<CustomResourceDefinition> crds() {
    return TektonCrds.all();
  }

  /**
   * The CRDs of a Tekton release, as the simulator registers them on a cluster playing it (the same as
   * {@link TektonRelease#crds()}):
   *
   * <pre>{@code
   * TektonSimulator.crds(TektonRelease.V0_24).forEach(sandbox.cluster("dev2")::registerCrd);
   * }</pre>
   *
   * @param release the release
   * @return new CRDs, the caller's to change
   */
  public static List<CustomResourceDefinition> crds(TektonRelease release) {
    return Objects.requireNonNull(release, "release").crds();
  }

  /**
   * The Tekton release a cluster of the simulator plays.
   *
   * @param cluster the cluster's name
   * @return its release
   * @throws IllegalArgumentException if the simulator does not run on that cluster
   */
  public TektonRelease release(String cluster) {
    TektonRelease release = releases.get(Objects.requireNonNull(cluster, "cluster"));
    if (release == null) {
      throw new IllegalArgumentException("the simulator does not run on cluster " + cluster + "; it runs on "
          + sandboxClusters.stream().map(SandboxCluster::name).toList());
    }
    return release;
  }

  /**
   * A builder, to give scripts before any run is seen.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  private void attach() {
    List<CompletableFuture<Void>> synced = new ArrayList<>();
    for (SandboxCluster sandboxCluster : sandboxClusters) {
      SimCluster cluster = new SimCluster(this, sandboxCluster, releases.get(sandboxCluster.name()));
      clusters.add(cluster);
      CompletableFuture<Void> started = cluster.start();
      if (sandboxCluster.isOnline()) {
        synced.add(started);
      }
    }
    try {
      CompletableFuture.allOf(synced.toArray(new CompletableFuture<?>[0]))
          .get(SYNC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("simulated Tekton: not every informer listed its runs at start; they keep trying ({})",
          e.toString());
    }
  }

  /**
   * Scripts the run of this name (TaskRun or PipelineRun, in any namespace of any cluster) picked up from now on;
   * this wins over Task, Pipeline and default scripts.
   *
   * @param runName the run's {@code metadata.name}; a PipelineRun's child is {@code <pipelinerun>-<task>}
   * @param script the script
   */
  public void script(String runName, RunScript script) {
    runScripts.put(Objects.requireNonNull(runName, "runName"), Objects.requireNonNull(script, "script"));
  }

  /**
   * Scripts the TaskRuns picked up from now on whose {@code taskRef.name} is {@code taskName}, the children of
   * PipelineRuns included.
   *
   * @param taskName the Task's (or ClusterTask's) name
   * @param script the script
   */
  public void taskScript(String taskName, RunScript script) {
    taskScripts.put(Objects.requireNonNull(taskName, "taskName"), Objects.requireNonNull(script, "script"));
  }

  /**
   * Scripts the PipelineRuns picked up from now on whose {@code pipelineRef.name} is {@code pipelineName} (its
   * start delay and results only, unless the Pipeline is resolved remotely).
   *
   * @param pipelineName the Pipeline's name
   * @param script the script
   */
  public void pipelineScript(String pipelineName, RunScript script) {
    pipelineScripts.put(Objects.requireNonNull(pipelineName, "pipelineName"),
        Objects.requireNonNull(script, "script"));
  }

  /**
   * The script of runs nothing else scripts.
   *
   * @return the default script
   */
  public RunScript defaults() {
    return defaults;
  }

  /**
   * The clusters the simulator runs on.
   *
   * @return an immutable list, in the order given
   */
  public List<SandboxCluster> clusters() {
    return sandboxClusters;
  }

  /**
   * How many runs (TaskRuns and PipelineRuns, children included) the simulator has finished, whatever their
   * outcome: counted once their final status is written.
   *
   * @return the count
   */
  public long finishedRuns() {
    return finished.get();
  }

  /**
   * Whether {@link #close()} was called.
   *
   * @return whether closed
   */
  public boolean isClosed() {
    return closed.get();
  }

  /** Stops the informers and timers; runs in progress stay as they are. Idempotent; never waits long. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    clusters.forEach(SimCluster::close);
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
        LOG.debug("simulated Tekton: a worker was still busy at close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "TektonSimulator" + sandboxClusters.stream().map(SandboxCluster::name).toList()
        + (isClosed() ? " closed" : "");
  }

  // ---- for the runs ----

  ScheduledExecutorService executor() {
    return executor;
  }

  void runFinished(FinishedRun run) {
    finished.incrementAndGet();
    for (Consumer<? super FinishedRun> listener : listeners) {
      try {
        listener.accept(run);
      } catch (RuntimeException e) {
        LOG.warn("simulated Tekton: a listener failed on {}", run, e);
      }
    }
  }

  void writeFailed() {
    failedWrites.incrementAndGet();
  }

  /** How many writes failed because a cluster could not be reached (and are retried); for tests. */
  long failedWrites() {
    return failedWrites.get();
  }

  RunScript taskRunScript(String runName, String taskName) {
    RunScript script = runScripts.get(runName);
    if (script == null && !taskName.isEmpty()) {
      script = taskScripts.get(taskName);
    }
    return script == null ? defaults : script;
  }

  RunScript pipelineRunScript(String runName, String pipelineName, boolean remote) {
    RunScript script = runScripts.get(runName);
    if (script == null && !pipelineName.isEmpty()) {
      script = pipelineScripts.get(pipelineName);
    }
    if (script == null) {
      script = remote ? defaults : RunScript.succeeds();
    }
    return script;
  }

  /**
   * A run the simulator has finished, as told to {@link Builder#onFinished} listeners once its final status is
   * written.
   *
   * @param cluster the sandbox cluster's name
   * @param apiVersion {@code tekton.dev/v1} or {@code tekton.dev/v1beta1}
   * @param kind {@code TaskRun} or {@code PipelineRun}
   * @param namespace the run's namespace
   * @param name the run's name
   * @param status the {@code Succeeded} condition's status, {@code True} or {@code False}
   * @param reason the condition's reason, such as {@code Succeeded}, {@code Failed} or {@code TaskRunCancelled}
   * @param nanoTime {@link System#nanoTime()} when the final status write was sent (watchers may hear of it before
   *     the write returns)
   */
  public record FinishedRun(String cluster, String apiVersion, String kind, String namespace, String name,
      String status, String reason, long nanoTime) {

    /** Checks that no field is null. */
    public FinishedRun {
      Objects.requireNonNull(cluster, "cluster");
      Objects.requireNonNull(apiVersion, "apiVersion");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Configures and starts a {@link TektonSimulator}.
   *
   * <pre>{@code
   * TektonSimulator tekton = TektonSimulator.builder()
   *     .clusters(fleet.cluster("dev1"), fleet.cluster("dev2"))
   *     .defaults(RunScript.succeedsAfter(Duration.ofMillis(50)))
   *     .task("git-clone", RunScript.succeeds().withResults(Map.of("commit", "abc123")))
   *     .pipeline("release", RunScript.succeeds().withStartDelay(Duration.ofMillis(100)))
   *     .run("build-7", RunScript.runsForever())
   *     .start();
   * }</pre>
   *
   * <p>Not thread-safe.
   */
  public static final class Builder {

    private List<SandboxCluster> clusters = List.of();
    private RunScript defaults = RunScript.succeeds();
    private final Map<String, RunScript> runs = new LinkedHashMap<>();
    private final Map<String, RunScript> tasks = new LinkedHashMap<>();
    private final Map<String, RunScript> pipelines = new LinkedHashMap<>();
    private final List<Consumer<? super FinishedRun>> listeners = new ArrayList<>();
    private TektonRelease release = TektonRelease.CURRENT;
    private final Map<String, TektonRelease> releases = new LinkedHashMap<>();

    private Builder() {
    }

    /**
     * The Tekton release every cluster plays unless {@link #release(String, TektonRelease)} names another for it:
     * the CRDs registered there, the versions watched and how runs are reported.
     *
     * @param release the release; {@link TektonRelease#CURRENT} by default
     * @return this builder
     */
    public Builder release(TektonRelease release) {
      this.release = Objects.requireNonNull(release, "release");
      return this;
    }

    /**
     * The Tekton release one cluster plays, overriding {@link #release(TektonRelease)}:
     *
     * <pre>{@code
     * TektonSimulator.builder().clusters(fleet.clusters()).release("dev2", TektonRelease.V0_24).start();
     * }</pre>
     *
     * @param cluster the cluster's name, one of {@link #clusters} by {@link #start()}
     * @param release the release
     * @return this builder
     */
    public Builder release(String cluster, TektonRelease release) {
      releases.put(Objects.requireNonNull(cluster, "cluster"), Objects.requireNonNull(release, "release"));
      return this;
    }

    /**
     * Calls {@code listener} each time the simulator finishes a run (TaskRun or PipelineRun, children included,
     * whatever the outcome), once its final status is written, on a simulator thread: keep it short and do not
     * block.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder onFinished(Consumer<? super FinishedRun> listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * The clusters to run on, replacing any given before.
     *
     * @param clusters one or more distinct sandbox clusters
     * @return this builder
     * @throws IllegalArgumentException if one is given twice
     */
    public Builder clusters(SandboxCluster... clusters) {
      return clusters(Arrays.asList(Objects.requireNonNull(clusters, "clusters")));
    }

    /**
     * The clusters to run on, replacing any given before.
     *
     * @param clusters one or more distinct sandbox clusters
     * @return this builder
     * @throws IllegalArgumentException if one is given twice
     */
    public Builder clusters(Collection<SandboxCluster> clusters) {
      Objects.requireNonNull(clusters, "clusters");
      List<SandboxCluster> list = new ArrayList<>();
      for (SandboxCluster cluster : clusters) {
        Objects.requireNonNull(cluster, "a cluster");
        if (list.contains(cluster)) {
          throw new IllegalArgumentException("cluster " + cluster.name() + " is given twice");
        }
        list.add(cluster);
      }
      this.clusters = List.copyOf(list);
      return this;
    }

    /**
     * The script of runs nothing else scripts.
     *
     * @param script the script; {@link RunScript#succeeds()} by default
     * @return this builder
     */
    public Builder defaults(RunScript script) {
      this.defaults = Objects.requireNonNull(script, "script");
      return this;
    }

    /**
     * Scripts the TaskRuns of a Task, as {@link TektonSimulator#taskScript} does.
     *
     * @param taskName the Task's name
     * @param script the script
     * @return this builder
     */
    public Builder task(String taskName, RunScript script) {
      tasks.put(Objects.requireNonNull(taskName, "taskName"), Objects.requireNonNull(script, "script"));
      return this;
    }

    /**
     * Scripts the PipelineRuns of a Pipeline, as {@link TektonSimulator#pipelineScript} does.
     *
     * @param pipelineName the Pipeline's name
     * @param script the script
     * @return this builder
     */
    public Builder pipeline(String pipelineName, RunScript script) {
      pipelines.put(Objects.requireNonNull(pipelineName, "pipelineName"), Objects.requireNonNull(script, "script"));
      return this;
    }

    /**
     * Scripts one run by name, as {@link TektonSimulator#script} does.
     *
     * @param runName the run's name
     * @param script the script
     * @return this builder
     */
    public Builder run(String runName, RunScript script) {
      runs.put(Objects.requireNonNull(runName, "runName"), Objects.requireNonNull(script, "script"));
      return this;
    }

    /**
     * Registers the Tekton CRDs each cluster lacks, starts the informers and waits (up to 10 s) until those of the
     * online clusters have listed the runs there are.
     *
     * @return the running simulator; close it
     * @throws IllegalArgumentException if no cluster was given, or a release was given for a cluster not given
     * @throws IllegalStateException if a cluster's sandbox is closed
     */
    public TektonSimulator start() {
      if (clusters.isEmpty()) {
        throw new IllegalArgumentException("give the simulator at least one cluster: TektonSimulator.builder()"
            + ".clusters(...)");
      }
      List<String> names = clusters.stream().map(SandboxCluster::name).toList();
      for (String named : releases.keySet()) {
        if (!names.contains(named)) {
          throw new IllegalArgumentException("release(\"" + named + "\", ...) names a cluster the simulator is not"
              + " given; its clusters are " + names);
        }
      }
      TektonSimulator simulator = new TektonSimulator(this);
      try {
        simulator.attach();
      } catch (RuntimeException | Error e) {
        try {
          simulator.close();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      return simulator;
    }
  }
}
