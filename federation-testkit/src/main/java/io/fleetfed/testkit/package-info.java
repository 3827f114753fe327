/**
 * An in-process fleet of Kubernetes API servers for tests: one fabric8 CRUD mock server per named cluster, with a
 * kubeconfig, discovery for kubectl and fabric8, outages, latency, a JUnit 5 extension and AssertJ assertions; a
 * {@code ClusterFleet} and a {@code RunDispatcher} over it; a simulated Tekton controller.
 *
 * <h2>A sandbox by hand</h2>
 * <pre>{@code
 * try (FleetSandbox fleet = FleetSandbox.builder()
 *     .clusters("dev1", "dev2")                  // DNS-1123 labels; each is a kubeconfig context
 *     .crdResource("crds/tekton.yaml")           // registered on every cluster
 *     .start()) {
 *   KubernetesClient dev1 = fleet.cluster("dev1").client();            // owned by the sandbox
 *   Config dev2 = Config.fromKubeconfig("dev2", Files.readString(fleet.kubeconfig()),
 *       fleet.kubeconfig().toString());                               // or: fleet.cluster("dev2").config()
 *
 *   fleet.cluster("dev2").goOffline();           // connection refused, watches dropped, objects kept
 *   fleet.cluster("dev2").goOnline();            // same port, same objects
 *   fleet.cluster("dev1").latency(Duration.ofMillis(200));
 *
 *   fleet.cluster("dev2").resetCounts();
 *   runTheCodeUnderTest();
 *   assertThat(fleet.cluster("dev2")).hasNoWrites();
 * }
 * }</pre>
 *
 * <h2>In JUnit 5</h2>
 * <pre>{@code
 * @EnableFleetSandbox(clusters = {"dev1", "dev2"}, crds = "crds/tekton.yaml")
 * class PropagationTest {
 *   static FleetSandbox fleet;                   // injected; or take it as a test or lifecycle parameter
 *
 *   @Test
 *   void propagates() {
 *     ...
 *     assertThat(fleet.cluster("dev2")).within(Duration.ofSeconds(10))
 *         .hasObject("apps/v1", "Deployment", "testing-fed", "nginx-fed")
 *         .hasLabel("fleetfed.io/managed", "true")
 *         .hasFieldAt("/spec/replicas", 3);
 *   }
 * }
 *
 * class ConfiguredInCode {
 *   @RegisterExtension
 *   static FleetSandboxExtension fleet = FleetSandboxExtension.builder()
 *       .clusters("a", "b").resetBetweenTests(true).build();
 *
 *   @Test
 *   void test() {
 *     fleet.cluster("a").client()...
 *   }
 * }
 * }</pre>
 *
 * <h2>A fleet over the sandbox</h2>
 * {@link io.fleetfed.testkit.SandboxFleet} stands a {@link io.fleetfed.core.fleet.ClusterFleet} on sandbox clusters,
 * reacting quickly as tests want, and {@link io.fleetfed.testkit.EnableFleet} gives each test a fresh one (and a
 * {@link io.fleetfed.tekton.RunDispatcher} over it):
 * <pre>{@code
 * @EnableFleetSandbox(clusters = {"dev1", "dev2", "dev3"})
 * @EnableFleet(host = "dev1", members = {"dev2:security=low", "dev3"})
 * class DispatchTest {
 *   @Test
 *   void runsOnTheLowSecurityMember(RunDispatcher dispatcher) {
 *     assertThat(dispatcher.dispatch(request).await(Duration.ofSeconds(30))).succeeded().ranOn("dev2");
 *   }
 *
 *   @Test
 *   void propagates(FleetSandbox sandbox) {
 *     try (ClusterFleet fleet = sandbox.fleet().members("dev2", "dev3").start()) {
 *       assertThat(fleet.propagate(nginx)).isSuccess().hasAction("dev2", ClusterAction.CREATED);
 *     }
 *   }
 * }
 * }</pre>
 *
 * <h2>What each API server does</h2>
 * <ul>
 *   <li>CRUD, watches (over WebSocket), finalizers and status subresources as the fabric8 CRUD mock server does
 *       them (see {@code reference/fabric8-mock.md}); no authentication, no server-side apply, no set-based label
 *       selectors. A strategic merge patch of a built-in kind is approximated (maps merge, lists merge by their
 *       {@code $setElementOrder} key or a well-known key, otherwise are replaced), so that {@code kubectl apply}
 *       can change what it created.</li>
 *   <li>{@code /healthz}, {@code /readyz}, {@code /livez} answer {@code ok}; {@code /version} answers v1.30.0.</li>
 *   <li>Discovery: {@code /api}, {@code /api/v1}, {@code /apis}, {@code /apis/<group>} and
 *       {@code /apis/<group>/<version>} list the common built-in kinds and every served version of every CRD the
 *       server stores, including CRDs created later through the API; {@code /openapi/v2} is an empty document, so
 *       {@code kubectl apply} validates without {@code --validate=false}.</li>
 *   <li>A request body that is neither JSON nor YAML (protobuf, which kubectl 1.32+ sends for generators such as
 *       {@code kubectl create secret}) gets a 415 {@code Status} at once, explaining how to send JSON.</li>
 *   <li>A {@code kubernetes.io/service-account-token} Secret naming a service account is stored with
 *       {@code data.token}, {@code data.namespace} and {@code data.ca.crt}, as a token controller would.</li>
 * </ul>
 *
 * <h2>fabric8's own mock server as a member</h2>
 * A test that already uses fabric8's CRUD mock ({@code EnableKubernetesMockClient(crud = true)}) can give its client
 * to a fleet. The plain mock answers {@code /healthz} with an empty {@code List}, not {@code ok}, so the default
 * probe finds it not Ready: turn the probe off for it, or probe {@code /version}, which it answers with 200. The
 * fleet reads the client's {@code Config} and never closes the client. Use the sandbox when a test needs CRDs,
 * discovery or faults.
 * <pre>{@code
 * try (ClusterFleet fleet = ClusterFleet.builder().member("mock", mockClient)
 *     .memberHealth("mock", HealthCheck.OFF)                  // or HealthCheck.DEFAULT.withPath("/version")
 *     .build()) {
 *   fleet.propagate(configMap).orThrow();
 * }
 * assertThat(mockClient.configMaps().inNamespace("team").withName("settings").get()).isNotNull();
 * }</pre>
 *
 * <h2>A simulated Tekton controller</h2>
 * {@link io.fleetfed.testkit.TektonSimulator} executes the TaskRuns and PipelineRuns created on sandbox clusters
 * and reports them as the Tekton controller does (conditions, steps, results, child TaskRuns, cancel, timeouts,
 * pods and their logs), each run behaving as its {@link io.fleetfed.testkit.RunScript} says:
 * <pre>{@code
 * try (TektonSimulator tekton = TektonSimulator.builder()
 *     .clusters(fleet.clusters())
 *     .defaults(RunScript.succeedsAfter(Duration.ofMillis(100)))
 *     .task("unit-tests", RunScript.failsAfter(Duration.ofMillis(50), "Failed", "2 tests failed"))
 *     .start()) {
 *   tekton.script("build-42", RunScript.succeeds().withResults(Map.of("digest", "sha256:0123")));
 *   ...   // create runs on the clusters, follow their status and logs
 * }
 * }</pre>
 * It registers the Tekton CRDs it needs on each cluster, and each API server then also answers
 * {@code GET /api/v1/namespaces/<ns>/pods/<pod>/log} for the step logs of the simulated pods.
 *
 * <h3>Tekton releases</h3>
 * Each cluster plays one {@link io.fleetfed.testkit.TektonRelease}: {@code CURRENT} (the default) or {@code V0_24},
 * for fleets whose members run different Tekton versions. Register the release's CRDs on the cluster
 * ({@code FleetSandbox.Builder.tektonCrds("dev2", TektonRelease.V0_24)}, {@code @EnableFleetSandbox(tekton =
 * "dev2=0.24")}, {@code fleetfed sandbox --tekton dev2=0.24}) and start the simulator with
 * {@code .release("dev2", TektonRelease.V0_24)}. Each API server then serves the Tekton kinds at that release's
 * versions only and answers 404 for the others (a 0.24 cluster has no {@code tekton.dev/v1}; the mock refuses a
 * version or resource a group's CRDs do not serve, as a real API server does). On a 0.24 cluster:
 * <ul>
 *   <li>Runs at v1beta1 are run and reported as 0.24 did: TaskRun results in {@code status.taskResults} as
 *       {@code {name, value}} (strings, no {@code type}); PipelineRun results in {@code status.pipelineResults}, its
 *       children in the {@code status.taskRuns} map (child TaskRun name → {@code pipelineTaskName}, the child's
 *       {@code status}, {@code whenExpressions}), with no {@code childReferences}, and {@code skippedTasks} without
 *       {@code reason}; children are created at v1beta1. {@code spec.status: PipelineRunCancelled} ends a
 *       PipelineRun False/{@code PipelineRunCancelled}, the reason 0.24's reconciler wrote.</li>
 *   <li>Fields 0.24 did not know are ignored, as its controller ignored unknown fields: {@code spec.managedBy}
 *       (the run is run), a PipelineRun's {@code spec.timeouts} (only {@code spec.timeout} counts), a Task
 *       result's {@code type} (results are strings), and a TaskRun's
 *       own {@code spec.retries} (a PipelineRun's child still gets its pipeline task's {@code retries}, which 0.24
 *       honoured).</li>
 *   <li>What 0.24 lacked and would have refused ends the run False/{@code SimulationUnsupported}, naming it: a
 *       {@code spec.status} other than {@code TaskRunCancelled} (TaskRun) or {@code PipelineRunCancelled} and
 *       {@code PipelineRunPending} (PipelineRun), remote resolvers ({@code taskRef.resolver},
 *       {@code pipelineRef.resolver}), StepAction references ({@code steps[].ref}), a pipeline task's
 *       {@code matrix} and CEL {@code when} expressions; so does what 0.24 had but the simulator does not model, a
 *       pipeline task's {@code conditions}.</li>
 *   <li>Runs at v1alpha1 end False/{@code SimulationUnsupported} naming {@code tekton.dev/v1alpha1}: the simulator
 *       does not simulate the v1alpha1 schema. Conditions, PipelineResources and Runs are served (stored) but not
 *       acted on.</li>
 * </ul>
 *
 * <p>PipelineRuns are scheduled as Tekton schedules them: {@code when} expressions ({@code in}/{@code notin},
 * plain CEL comparisons, {@code $(workspaces.w.bound)}, and in finally tasks {@code $(tasks.t.status)} and
 * {@code $(tasks.status)}) skip their task only, with Tekton's reasons in {@code status.skippedTasks} ({@code When
 * Expressions evaluated to false}, {@code Results were missing}, {@code Parent Tasks were skipped}, {@code
 * PipelineRun was stopping}, {@code Matrix Parameters have an empty array}, the timeout reasons) and counted in the
 * condition's message; a matrix fans out one TaskRun {@code <pipelinerun>-<task>-<i>} per combination (with
 * {@code include}); results flow from TaskRuns to consumers and to the Pipeline's results; {@code retries},
 * {@code timeouts.tasks} and {@code timeouts.finally} are honoured.
 *
 * <h3>Where it differs from Tekton</h3>
 * It follows Tekton's semantics for what it models; where it cannot tell what Tekton would do, the run ends False
 * with reason {@code SimulationUnsupported} and a message naming the feature and the field, never a success Tekton
 * might not report. Known differences:
 * <ul>
 *   <li>Steps do not run: a TaskRun's outcome, duration, logs and results come from its {@link
 *       io.fleetfed.testkit.RunScript}. A declared result takes the scripted value, else the literal a step's script
 *       writes to {@code $(results.x.path)} ({@code echo [-n]}, {@code printf} without format arguments, {@code >},
 *       {@code >>}, {@code | tee [-a]}, after {@code $(params.x)} substitution); any other write (a command's output,
 *       a shell variable) ends the TaskRun {@code SimulationUnsupported}, and a result no step writes is not
 *       produced. Sidecars, StepActions, a step's {@code onError}, workspace contents and volumes are not modelled;
 *       a step's {@code when} ends the TaskRun {@code SimulationUnsupported}.</li>
 *   <li>No validation of params or Pipelines ({@code ParameterMissing}, {@code ParameterTypeMismatch},
 *       {@code PipelineValidationFailed}...): a pipeline variable it cannot substitute ({@code $(params.unknown)},
 *       {@code $(tasks.t.reason)}, an array inside a string) ends the run {@code SimulationUnsupported} instead.</li>
 *   <li>CEL {@code when} expressions are evaluated only when they are comparisons ({@code ==}, {@code !=}) of
 *       literals after substitution, combined with {@code !}, {@code &&}, {@code ||}; the simulator evaluates them
 *       as if the alpha flag {@code enable-cel-in-whenexpression} were on (Tekton refuses them by default).</li>
 *   <li>Matrix: arrays of strings only; a matrixed task's results are read only whole, as
 *       {@code $(tasks.t.results.r[*])}; no limit on the number of combinations (Tekton: 256 by default);
 *       {@code displayName} is not set on children.</li>
 *   <li>Custom tasks (CustomRuns), Pipelines in Pipelines and {@code onError: continue} on pipeline tasks end the
 *       PipelineRun {@code SimulationUnsupported}. A Pipeline resolved remotely is not known: its PipelineRun
 *       follows its script like a TaskRun, without children; except through the {@code cluster} resolver, whose
 *       Task or Pipeline ({@code kind}, {@code name}, {@code namespace} params, given literally) is read from the
 *       cluster, and missing fails the run as a missing Task or Pipeline does.</li>
 *   <li>{@code timeouts.tasks} counts from the PipelineRun's start and {@code timeouts.finally} from the start of
 *       its finally tasks; Tekton's defaulting between the three timeouts, and the shortening of a child's timeout
 *       to what is left, are not applied. A TaskRun's {@code timeout} applies to each attempt.</li>
 *   <li>A Pipeline's results substitute task results only ({@code $(tasks.t.results.r)}, its {@code [*]},
 *       {@code [i]} and object-key forms, {@code $(finally.t.results.r)}).</li>
 *   <li>{@code StoppedRunFinally} and {@code CancelledRunFinally} give unstarted tasks their graceful skipping
 *       reasons even after a task failed (Tekton says {@code PipelineRun was stopping} then).</li>
 *   <li>Status writes are merged, so a short-lived reason (such as a retry's {@code ToBeRetried}) may not be
 *       seen; result sizes are not limited.</li>
 * </ul>
 *
 * <p>Everything here is thread-safe; nothing here ever shows a token, nor a Secret's data in an assertion
 * message. Internals live in {@code io.fleetfed.testkit.internal}, which is not API.
 */
package io.fleetfed.testkit;
