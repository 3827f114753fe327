package io.fleetfed.testkit;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fleetfed.testkit.internal.RealApiServers;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link EnableFleetSandbox}, also usable on its own, configured in code:
 *
 * <pre>{@code
 * class FailoverTest {
 *   @RegisterExtension
 *   static FleetSandboxExtension fleet = FleetSandboxExtension.builder()
 *       .clusters("a", "b")
 *       .crdResource("crds/taskruns.yaml")
 *       .resetBetweenTests(true)
 *       .build();
 *
 *   @Test
 *   void survivesAnOutage() {
 *     fleet.cluster("b").goOffline();
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>Registered on a static field (or through {@link EnableFleetSandbox}) it starts one sandbox per test class,
 * before all tests, and closes it after them; {@code @Nested} classes share their enclosing class's sandbox.
 * Registered on an instance field it starts one per test. Either way it injects the sandbox into fields of type
 * {@link FleetSandbox} (static fields before all tests, instance fields into each test instance) and resolves
 * parameters of that type. Nothing is reset between tests unless {@code resetBetweenTests} is set.
 *
 * <p>Sandboxes on real API servers ({@link ServerKind#REAL}) take seconds to start, so one a test class is done with
 * is kept, and handed {@link FleetSandbox#reset() reset} to the next test class of the same configuration (clusters,
 * CRDs, latency, kubeconfig file) in the JVM; kept ones close when the JVM exits. Without the binaries the tests
 * are skipped, with the reason.
 */
public final class FleetSandboxExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    AfterEachCallback, TestInstancePostProcessor, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FleetSandboxExtension.class);

  /** The configuration in code, or {@code null} when read from {@link EnableFleetSandbox}. */
  private final Settings settings;
  private volatile FleetSandbox last;

  /** The extension of {@link EnableFleetSandbox}; configured by that annotation on the test class. */
  public FleetSandboxExtension() {
    this.settings = null;
  }

  private FleetSandboxExtension(Settings settings) {
    this.settings = settings;
  }

  /**
   * A builder for an extension configured in code, for {@code @RegisterExtension}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The sandbox this extension started for the running test class (or test).
   *
   * @return the sandbox
   * @throws IllegalStateException before it started or after it closed
   */
  public FleetSandbox sandbox() {
    FleetSandbox sandbox = last;
    if (sandbox == null || sandbox.isClosed()) {
      throw new IllegalStateException("the fleet sandbox is not running: it starts before the test class's"
          + " tests (register the extension on a static field) and closes after them");
    }
    return sandbox;
  }

  /**
   * One cluster of {@link #sandbox()}.
   *
   * @param name its name
   * @return the cluster
   * @throws IllegalArgumentException if there is no such cluster
   */
  public SandboxCluster cluster(String name) {
    return sandbox().cluster(name);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IllegalAccessException {
    FleetSandbox sandbox = getOrStart(context);
    injectStaticFields(context.getRequiredTestClass(), sandbox);
  }

  @Override
  public void postProcessTestInstance(Object testInstance, ExtensionContext context) throws IllegalAccessException {
    Optional<FleetSandbox> sandbox = find(context);
    if (sandbox.isEmpty() && context.getTestInstanceLifecycle()
        .map(l -> l == org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS).orElse(false)) {
      sandbox = Optional.of(getOrStart(context)); // PER_CLASS: instances are made before beforeAll
    }
    if (sandbox.isPresent()) {
      injectInstanceFields(testInstance, sandbox.get());
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IllegalAccessException {
    Optional<FleetSandbox> existing = find(context);
    if (existing.isEmpty()) {
      // registered on an instance field: one sandbox per test
      Holder holder = start(context);
      FleetSandbox sandbox = holder.sandbox;
      context.getStore(NAMESPACE).put(key(), holder);
      last = sandbox;
      for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
        injectInstanceFields(instance, sandbox);
      }
      return;
    }
    if (resetBetweenTests(context)) {
      existing.get().reset();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    closeIfOwned(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closeIfOwned(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == FleetSandbox.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return find(extensionContext).orElseThrow(() -> new ExtensionConfigurationException(
        "no fleet sandbox is running for " + extensionContext.getDisplayName()));
  }

  /** The sandbox {@link EnableFleetSandbox} started for the running test class, if any. */
  static Optional<FleetSandbox> running(ExtensionContext context) {
    Holder holder = context.getStore(NAMESPACE).get(EnableFleetSandbox.class, Holder.class);
    return holder == null || holder.sandbox.isClosed() ? Optional.empty() : Optional.of(holder.sandbox);
  }

  private Object key() {
    return settings == null ? EnableFleetSandbox.class : this;
  }

  private Optional<FleetSandbox> find(ExtensionContext context) {
    Holder holder = context.getStore(NAMESPACE).get(key(), Holder.class);
    return holder == null || holder.sandbox.isClosed() ? Optional.empty() : Optional.of(holder.sandbox);
  }

  private FleetSandbox getOrStart(ExtensionContext context) {
    Optional<FleetSandbox> existing = find(context);
    if (existing.isPresent()) {
      last = existing.get();
      return existing.get();
    }
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    Holder holder = start(classContext);
    classContext.getStore(NAMESPACE).put(key(), holder);
    last = holder.sandbox;
    return holder.sandbox;
  }

  /**
   * A mock sandbox is started afresh; a real one is taken from {@link SandboxPool} (and reset) when a test class
   * before left one of the same configuration, since real API servers take seconds to start. Without their
   * binaries, the test is skipped (aborted) with the reason and the way to build them.
   */
  private Holder start(ExtensionContext context) {
    FleetSandbox.Builder builder = configure(context);
    if (builder.resolvedServers() != ServerKind.REAL) {
      return new Holder(builder.start(), context.getUniqueId(), null);
    }
    if (RealApiServers.assets().isEmpty()) {
      Assumptions.abort(RealApiServers.missingMessage());
    }
    Object poolKey = builder.poolKey();
    Optional<FleetSandbox> idle = SandboxPool.take(poolKey);
    if (idle.isPresent()) {
      idle.get().reset();
      return new Holder(idle.get(), context.getUniqueId(), poolKey);
    }
    return new Holder(builder.start(), context.getUniqueId(), poolKey);
  }

  private FleetSandbox.Builder configure(ExtensionContext context) {
    if (settings != null) {
      return settings.builder.get().copy();
    }
    EnableFleetSandbox config = annotation(context.getRequiredTestClass()).orElseThrow(() ->
        new ExtensionConfigurationException("FleetSandboxExtension needs @EnableFleetSandbox(clusters = ...) on "
            + context.getRequiredTestClass().getName() + ", or registration in code with @RegisterExtension static"
            + " FleetSandboxExtension fleet = FleetSandboxExtension.builder()...build()"));
    FleetSandbox.Builder builder = FleetSandbox.builder()
        .clusters(config.clusters())
        .latency(Duration.ofMillis(config.latencyMillis()))
        .servers(config.servers());
    for (String crd : config.crds()) {
      builder.crdResource(crd);
    }
    tektonReleases(config.tekton(), List.of(config.clusters())).forEach(builder::tektonCrds);
    return builder;
  }

  /**
   * Reads {@link EnableFleetSandbox#tekton()}: {@code CLUSTER=RELEASE} entries, each cluster one of
   * {@code clusters} and given once.
   *
   * @throws ExtensionConfigurationException naming the attribute and the bad entry
   */
  static Map<String, TektonRelease> tektonReleases(String[] entries, List<String> clusters) {
    Map<String, TektonRelease> releases = new LinkedHashMap<>();
    for (String entry : entries) {
      int eq = entry == null ? -1 : entry.indexOf('=');
      String bad = "@EnableFleetSandbox(tekton = ...): \"" + entry + "\" ";
      if (eq <= 0 || eq == entry.length() - 1) {
        throw new ExtensionConfigurationException(bad + "is not CLUSTER=RELEASE, such as \"dev2=0.24\"");
      }
      String cluster = entry.substring(0, eq).trim();
      if (!clusters.contains(cluster)) {
        throw new ExtensionConfigurationException(bad + "names no cluster of the sandbox; its clusters are "
            + clusters);
      }
      TektonRelease release;
      try {
        release = TektonRelease.parse(entry.substring(eq + 1));
      } catch (IllegalArgumentException e) {
        throw new ExtensionConfigurationException(bad + "names an " + e.getMessage());
      }
      if (releases.put(cluster, release) != null) {
        throw new ExtensionConfigurationException(bad + "gives cluster " + cluster + " a second release");
      }
    }
    return releases;
  }

  private boolean resetBetweenTests(ExtensionContext context) {
    if (settings != null) {
      return settings.resetBetweenTests;
    }
    return annotation(context.getRequiredTestClass()).map(EnableFleetSandbox::resetBetweenTests).orElse(false);
  }

  private static Optional<EnableFleetSandbox> annotation(Class<?> testClass) {
    for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
      Optional<EnableFleetSandbox> found = AnnotationSupport.findAnnotation(c, EnableFleetSandbox.class);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private void closeIfOwned(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    Holder holder = store.get(key(), Holder.class);
    if (holder != null && holder.owner.equals(context.getUniqueId())) {
      store.remove(key());
      if (holder.poolKey == null || holder.sandbox.isClosed()) {
        holder.sandbox.close();
      } else {
        SandboxPool.give(holder.poolKey, holder.sandbox);
      }
    }
  }

  private static void injectStaticFields(Class<?> testClass, FleetSandbox sandbox) throws IllegalAccessException {
    for (Field field : sandboxFields(testClass)) {
      if (Modifier.isStatic(field.getModifiers())) {
        set(field, null, sandbox);
      }
    }
  }

  private static void injectInstanceFields(Object instance, FleetSandbox sandbox) throws IllegalAccessException {
    for (Field field : sandboxFields(instance.getClass())) {
      if (!Modifier.isStatic(field.getModifiers())) {
        set(field, instance, sandbox);
      }
    }
  }

  private static List<Field> sandboxFields(Class<?> type) {
    List<Field> result = new ArrayList<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (field.getType() == FleetSandbox.class) {
          result.add(field);
        }
      }
    }
    return result;
  }

  private static void set(Field field, Object target, FleetSandbox sandbox) throws IllegalAccessException {
    if (Modifier.isFinal(field.getModifiers())) {
      throw new ExtensionConfigurationException("cannot inject the fleet sandbox into final field "
          + field.getDeclaringClass().getSimpleName() + "." + field.getName());
    }
    field.setAccessible(true);
    field.set(target, sandbox);
  }

  /**
   * A sandbox, the unique id of the extension context that started it (and closes it, or gives it back to the
   * pool), and its pool key ({@code null}: not pooled).
   */
  private static final class Holder {
    final FleetSandbox sandbox;
    final String owner;
    final Object poolKey;

    Holder(FleetSandbox sandbox, String owner, Object poolKey) {
      this.sandbox = sandbox;
      this.owner = owner;
      this.poolKey = poolKey;
    }
  }

  private static final class Settings {
    final Supplier<FleetSandbox.Builder> builder;
    final boolean resetBetweenTests;

    Settings(Supplier<FleetSandbox.Builder> builder, boolean resetBetweenTests) {
      this.builder = builder;
      this.resetBetweenTests = resetBetweenTests;
    }
  }

  /**
   * Configures a {@link FleetSandboxExtension}; the same settings as {@link FleetSandbox.Builder}.
   *
   * <pre>{@code
   * @RegisterExtension
   * static FleetSandboxExtension fleet = FleetSandboxExtension.builder()
   *     .clusters("dev1", "dev2")
   *     .crd(taskRunCrd)
   *     .latency(Duration.ofMillis(50))
   *     .build();
   * }</pre>
   */
  public static final class Builder {

    private final FleetSandbox.Builder sandbox = FleetSandbox.builder();
    private boolean clustersSet;
    private boolean resetBetweenTests;

    private Builder() {
    }

    /**
     * The clusters; see {@link FleetSandbox.Builder#clusters(String...)}.
     *
     * @param names distinct DNS-1123 labels, at least one
     * @return this builder
     */
    public Builder clusters(String... names) {
      sandbox.clusters(names);
      clustersSet = true;
      return this;
    }

    /**
     * The clusters; see {@link FleetSandbox.Builder#clusters(Collection)}.
     *
     * @param names distinct DNS-1123 labels, at least one
     * @return this builder
     */
    public Builder clusters(Collection<String> names) {
      sandbox.clusters(names);
      clustersSet = true;
      return this;
    }

    /**
     * A CRD for every cluster; see {@link FleetSandbox.Builder#crd}.
     *
     * @param crd the CRD
     * @return this builder
     */
    public Builder crd(CustomResourceDefinition crd) {
      sandbox.crd(crd);
      return this;
    }

    /**
     * CRDs for every cluster; see {@link FleetSandbox.Builder#crds}.
     *
     * @param crds the CRDs
     * @return this builder
     */
    public Builder crds(Collection<? extends CustomResourceDefinition> crds) {
      sandbox.crds(crds);
      return this;
    }

    /**
     * The CRDs of a YAML file, read now; see {@link FleetSandbox.Builder#crdYaml(Path)}.
     *
     * @param file the file
     * @return this builder
     */
    public Builder crdYaml(Path file) {
      sandbox.crdYaml(file);
      return this;
    }

    /**
     * The CRDs of a classpath resource, read now; see {@link FleetSandbox.Builder#crdResource}.
     *
     * @param resource the resource path
     * @return this builder
     */
    public Builder crdResource(String resource) {
      sandbox.crdResource(resource);
      return this;
    }

    /**
     * A Tekton release's CRDs for one cluster; see {@link FleetSandbox.Builder#tektonCrds}.
     *
     * @param cluster the cluster's name
     * @param release the release
     * @return this builder
     */
    public Builder tektonCrds(String cluster, TektonRelease release) {
      sandbox.tektonCrds(cluster, release);
      return this;
    }

    /**
     * The latency every cluster starts with; see {@link FleetSandbox.Builder#latency}.
     *
     * @param latency zero or more
     * @return this builder
     */
    public Builder latency(Duration latency) {
      sandbox.latency(latency);
      return this;
    }

    /**
     * What backs the clusters; see {@link FleetSandbox.Builder#servers(ServerKind)}.
     *
     * @param servers the kind
     * @return this builder
     */
    public Builder servers(ServerKind servers) {
      sandbox.servers(servers);
      return this;
    }

    /**
     * Whether to {@link FleetSandbox#reset()} before each test; see {@link EnableFleetSandbox#resetBetweenTests()}.
     *
     * @param reset whether to reset
     * @return this builder
     */
    public Builder resetBetweenTests(boolean reset) {
      this.resetBetweenTests = reset;
      return this;
    }

    /**
     * The extension, for a {@code @RegisterExtension} field.
     *
     * @return the extension
     * @throws IllegalStateException if no cluster was named
     */
    public FleetSandboxExtension build() {
      if (!clustersSet) {
        throw new IllegalStateException("name the sandbox's clusters: FleetSandboxExtension.builder().clusters(...)");
      }
      FleetSandbox.Builder configured = sandbox.copy();
      return new FleetSandboxExtension(new Settings(() -> configured, resetBetweenTests));
    }
  }

  @Override
  public String toString() {
    FleetSandbox sandbox = last;
    return "FleetSandboxExtension" + (settings == null ? "(@EnableFleetSandbox)" : "")
        + (sandbox == null ? "" : "[" + sandbox + "]");
  }
}
