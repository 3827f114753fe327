package io.fleetfed.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fleetfed.core.ValidationException;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.kubefed.FederatedTypeConfig;
import io.fleetfed.core.kubefed.InputLimits;
import io.fleetfed.core.kubefed.KubeFedDocument;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.DeleteOptions;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.LabelSelector;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.model.SelectorRequirement;
import io.fleetfed.core.render.ClusterRendering;
import io.fleetfed.core.render.Renderer;
import io.fleetfed.core.schedule.ClusterPreferences;
import io.fleetfed.core.schedule.ReplicaSchedulingPreference;
import io.fleetfed.core.status.PropagationCondition;
import io.fleetfed.core.status.ResourceKey;
import io.fleetfed.tekton.RunDispatcher;
import io.fleetfed.testkit.FleetSandbox;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Proxy;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The published modules' public API refuses null arguments with a message that names the parameter (fleetfed is
 * null-free: {@code Placement.clusters("a", null)} must say which argument was null, not
 * {@code NullPointerException: null}).
 *
 * <p>Every public constructor and public static method of the public (non-{@code .internal}) classes of
 * federation-core, federation-tekton and federation-testkit is called once per reference parameter with null in
 * that place and a harmless value in the others, and once per array or collection parameter with a null
 * element; so are the public methods of each builder such a method returns. The call must throw a
 * {@link NullPointerException} or {@link IllegalArgumentException} (or, for a value that also comes from YAML,
 * a {@link ValidationException}) whose message contains the parameter's name.
 * Calls whose other arguments cannot be made up here are not made (the methods counted in the assertion's
 * description when the test fails).
 */
class NullArgumentsTest {
  /** Methods this test cannot call, and why. */
  private static final Set<String> NOT_CALLED = Set.of(
      // a ClusterFleet or a sandbox cluster to make up is a running one: covered by their own tests
      "tekton.RunDispatcher.builder(ClusterFleet)",
      "testkit.TektonSimulator.start(Collection)",
      "testkit.TektonSimulator.start(SandboxCluster[])",
      // AssertJ's entry points take a null actual, which their assertions then report
      "testkit.FleetAssertions.assertThat(GenericKubernetesResource)",
      "testkit.FleetAssertions.assertThat(PropagationResult)",
      "testkit.FleetAssertions.assertThat(RunStatus)",
      "testkit.FleetAssertions.assertThat(SandboxCluster)");

  private static final List<Class<?>> MODULES = List.of(FederatedResource.class, RunDispatcher.class,
      FleetSandbox.class);

  @Test
  void everyPublicMethodNamesTheNullParameter() throws Exception {
    List<String> problems = new ArrayList<>();
    Set<String> skipped = new TreeSet<>();
    int checked = 0;
    for (Class<?> type : publicClasses()) {
      for (Executable e : staticEntries(type)) {
        checked += check(e, null, problems, skipped);
        if (e instanceof Method m && m.getName().equals("builder")) {
          Optional<Object> builder = invokeWithDefaults(m, null);
          if (builder.isPresent()) {
            for (Method bm : builder.get().getClass().getMethods()) {
              if (bm.getDeclaringClass() != Object.class && !Modifier.isStatic(bm.getModifiers())) {
                checked += check(bm, m, problems, skipped);
              }
            }
          }
        }
      }
    }
    assertThat(checked).as("calls made").isGreaterThan(100);
    assertThat(problems).as("null arguments not refused by name (%d calls made; not made: %s)", checked, skipped)
        .isEmpty();
    assertThat(skipped).as("methods not called: the arguments this test cannot make up (add a value for a new"
        + " parameter type to VALUES, or the method here with the reason)").containsExactlyInAnyOrderElementsOf(NOT_CALLED);
  }

  @Test
  void placementNamesTheNullCluster() {
    assertThatNullPointerException().isThrownBy(() -> Placement.clusters("a", null)).withMessage("names[1]");
    assertThatNullPointerException().isThrownBy(() -> Placement.clusters((List<String>) null)).withMessage("names");
  }

  /** Calls {@code e} with null in each reference parameter in turn; the number of calls made. */
  private static int check(Executable e, Method builderFactory, List<String> problems, Set<String> skipped) {
    Parameter[] params = e.getParameters();
    int calls = 0;
    // The call with the made-up arguments alone must pass, or a failure would not be the null's.
    Object[] defaults = null;
    for (String string : STRINGS) {
      Object[] candidate = defaults(params, string);
      if (candidate != null && passes(e, builderFactory, candidate)) {
        defaults = candidate;
        break;
      }
    }
    // Without such arguments, a refusal that names the parameter still shows the null was checked first.
    boolean uncertain = defaults == null;
    if (uncertain) {
      defaults = defaults(params, STRINGS.get(0));
    }
    if (defaults == null) {
      skipped.add(describe(e));
      return calls;
    }
    for (int i = 0; i < params.length; i++) {
      Class<?> t = params[i].getType();
      if (t.isPrimitive()) {
        continue;
      }
      if (!params[i].isNamePresent()) {
        problems.add(describe(e) + ": compiled without parameter names (javac -parameters)");
        return calls;
      }
      calls += expectRefusal(e, builderFactory, defaults, uncertain, i, null, params[i].getName(), problems,
          skipped);
      Object withNullElement = withNullElement(t);
      if (withNullElement != null) {
        calls += expectRefusal(e, builderFactory, defaults, uncertain, i, withNullElement, params[i].getName(),
            problems, skipped);
      }
    }
    return calls;
  }

  /**
   * Calls {@code e} with {@code bad} in place {@code index}: 1 when the call was made; a problem unless it was
   * refused by name. With {@code uncertain} arguments (the call fails without the null too), only an accepted null
   * is a problem, and another failure leaves the method among those not called.
   */
  private static int expectRefusal(Executable e, Method builderFactory, Object[] defaults, boolean uncertain,
      int index, Object bad, String name, List<String> problems, Set<String> skipped) {
    Optional<Object> target = Optional.empty();
    if (e instanceof Method m && !Modifier.isStatic(m.getModifiers())) {
      target = invokeWithDefaults(builderFactory, null);
      if (target.isEmpty()) {
        skipped.add(describe(e));
        return 0;
      }
    }
    Object[] args = defaults.clone();
    args[index] = bad;
    String what = describe(e) + " with " + (bad == null ? "null " : "a null element in ") + name;
    try {
      call(e, target.orElse(null), args);
      problems.add(what + ": accepted");
    } catch (InvocationTargetException ex) {
      Throwable cause = ex.getCause();
      boolean refused = cause instanceof NullPointerException || cause instanceof IllegalArgumentException
          || cause instanceof ValidationException;
      if (!refused || cause.getMessage() == null || !cause.getMessage().contains(name)) {
        if (uncertain) {
          skipped.add(describe(e));
          return 0;
        }
        problems.add(what + ": " + cause);
      }
    } catch (ReflectiveOperationException ex) {
      skipped.add(describe(e));
      return 0;
    }
    return 1;
  }

  private static boolean passes(Executable e, Method builderFactory, Object[] args) {
    Object target = null;
    if (e instanceof Method m && !Modifier.isStatic(m.getModifiers())) {
      target = invokeWithDefaults(builderFactory, null).orElse(null);
      if (target == null) {
        return false;
      }
    }
    try {
      Object result = call(e, target, args);
      if (result instanceof AutoCloseable c) {
        c.close();
      }
      return true;
    } catch (Exception | LinkageError ex) {
      return false;
    }
  }

  private static Object call(Executable e, Object target, Object[] args) throws ReflectiveOperationException {
    if (e instanceof Constructor<?> c) {
      return c.newInstance(args);
    }
    return ((Method) e).invoke(target, args);
  }

  private static Optional<Object> invokeWithDefaults(Method m, Object target) {
    Object[] args = defaults(m.getParameters(), STRINGS.get(0));
    if (args == null) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(m.invoke(target, args));
    } catch (ReflectiveOperationException | RuntimeException ex) {
      return Optional.empty();
    }
  }

  /** Public constructors and public static methods, not the compiler's (values, valueOf, main). */
  private static List<Executable> staticEntries(Class<?> type) {
    List<Executable> out = new ArrayList<>();
    if (!Modifier.isAbstract(type.getModifiers()) && !type.isEnum()) {
      out.addAll(List.of(type.getConstructors()));
    }
    for (Method m : type.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()) && !m.isSynthetic()
          && !(type.isEnum() && (m.getName().equals("values") || m.getName().equals("valueOf")))
          && !m.getName().equals("main")) {
        out.add(m);
      }
    }
    out.removeIf(e -> Stream.of(e.getParameterTypes()).allMatch(Class::isPrimitive));
    return out;
  }

  /** Made-up values for each parameter, every String being {@code string}, or null when one cannot be made. */
  private static Object[] defaults(Parameter[] params, String string) {
    Object[] args = new Object[params.length];
    for (int i = 0; i < params.length; i++) {
      Optional<Object> value = valueOf(params[i].getType(), string);
      if (value.isEmpty()) {
        return null;
      }
      args[i] = value.get();
    }
    return args;
  }

  /** The strings tried in turn for every String parameter: a name, a JSON pointer, a JSON object. */
  private static final List<String> STRINGS = List.of("a", "/spec", "{}");

  private static final FederatedResource RESOURCE = FederatedResource.builder(BuiltInTypes.CONFIG_MAPS)
      .namespace("a").name("a").template(Map.of("data", Map.of())).placement(Placement.clusters("a")).build();

  /** A client of no server: the API only reads its configuration. */
  private static final KubernetesClient CLIENT = new KubernetesClientBuilder()
      .withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:1").build()).build();

  private static final Map<Class<?>, Supplier<Object>> VALUES = Map.ofEntries(
      Map.entry(Object.class, () -> "a"),
      Map.entry(Integer.class, () -> 1),
      Map.entry(Long.class, () -> 1L),
      Map.entry(Boolean.class, () -> Boolean.FALSE),
      Map.entry(Duration.class, () -> Duration.ofSeconds(1)),
      Map.entry(Instant.class, () -> Instant.EPOCH),
      Map.entry(Path.class, () -> Path.of("a")),
      Map.entry(List.class, List::of),
      Map.entry(Collection.class, List::of),
      Map.entry(Iterable.class, List::of),
      Map.entry(Set.class, Set::of),
      Map.entry(Map.class, Map::of),
      Map.entry(Optional.class, Optional::empty),
      Map.entry(OptionalLong.class, OptionalLong::empty),
      Map.entry(Throwable.class, () -> new IllegalStateException("a made-up cause")),
      Map.entry(InputStream.class, () -> new ByteArrayInputStream(new byte[0])),
      Map.entry(JsonNode.class, JsonNodeFactory.instance::objectNode),
      Map.entry(ObjectNode.class, JsonNodeFactory.instance::objectNode),
      Map.entry(ResourceType.class, () -> BuiltInTypes.CONFIG_MAPS),
      Map.entry(TypeRegistry.class, TypeRegistry::builtIn),
      Map.entry(InputLimits.class, () -> InputLimits.DEFAULT),
      Map.entry(Placement.class, () -> Placement.clusters("a")),
      Map.entry(Cluster.class, () -> Cluster.ready("a")),
      Map.entry(LabelSelector.class, LabelSelector::everything),
      Map.entry(SelectorRequirement.class, () -> SelectorRequirement.exists("a")),
      Map.entry(DeleteOptions.class, DeleteOptions::defaults),
      Map.entry(FederatedResource.class, () -> RESOURCE),
      Map.entry(ResourceKey.class, () -> ResourceKey.of(RESOURCE)),
      Map.entry(PropagationCondition.class, () -> PropagationCondition.PROPAGATED),
      Map.entry(FederatedTypeConfig.class, () -> FederatedTypeConfig.forTarget(BuiltInTypes.CONFIG_MAPS)),
      Map.entry(KubeFedDocument.class, () -> FederatedTypeConfig.forTarget(BuiltInTypes.CONFIG_MAPS)),
      Map.entry(ClusterPreferences.class, ClusterPreferences::defaults),
      Map.entry(ReplicaSchedulingPreference.class, () -> ReplicaSchedulingPreference.forDeployment(1).build()),
      Map.entry(HasMetadata.class, NullArgumentsTest::configMap),
      Map.entry(ConfigMap.class, NullArgumentsTest::configMap),
      Map.entry(Config.class, () -> new ConfigBuilder().withMasterUrl("http://127.0.0.1:1").build()),
      Map.entry(KubernetesClient.class, () -> CLIENT),
      Map.entry(Class.class, () -> ConfigMap.class),
      Map.entry(ClusterRendering.class,
          () -> Renderer.render(RESOURCE, List.of(Cluster.ready("a"))).cluster("a").orElseThrow()));

  private static ConfigMap configMap() {
    return new ConfigMapBuilder().withNewMetadata().withName("a").withNamespace("a").endMetadata()
        .addToData("a", "a").build();
  }

  private static Optional<Object> valueOf(Class<?> t, String string) {
    if (t == String.class || t == CharSequence.class) {
      return Optional.of(string);
    }
    if (t.isPrimitive()) {
      return Optional.of(t == boolean.class ? Boolean.FALSE : t == long.class ? (Object) 1L
          : t == double.class ? (Object) 1.0 : t == int.class ? (Object) 1 : null);
    }
    if (VALUES.containsKey(t)) {
      return Optional.of(VALUES.get(t).get());
    }
    if (t.isEnum()) {
      return Optional.of(t.getEnumConstants()[0]);
    }
    if (t.isArray()) {
      return Optional.of(Array.newInstance(t.getComponentType(), 0));
    }
    if (t == Function.class || (t.isInterface() && t.getName().startsWith("java.util.function."))
        || (t.isInterface() && t.isAnnotationPresent(FunctionalInterface.class))) {
      return Optional.of(Proxy.newProxyInstance(t.getClassLoader(), new Class<?>[] {t},
          (proxy, method, a) -> switch (method.getName()) {
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == a[0];
            case "toString" -> "a made-up " + t.getSimpleName();
            default -> method.getReturnType() == boolean.class ? Boolean.FALSE
                : valueOf(method.getReturnType(), string).orElse(null);
          }));
    }
    return Optional.empty();
  }

  /** An array or list of one null element, for a parameter of that type; else null. */
  private static Object withNullElement(Class<?> t) {
    if (t.isArray() && !t.getComponentType().isPrimitive()) {
      Object array = Array.newInstance(t.getComponentType(), 1);
      return array;
    }
    if (t == List.class || t == Collection.class || t == Iterable.class) {
      List<Object> list = new ArrayList<>();
      list.add(null);
      return list;
    }
    return null;
  }

  private static String describe(Executable e) {
    return e.getDeclaringClass().getName().replace("io.fleetfed.", "") + "." + (e instanceof Constructor<?> ? "<init>"
        : e.getName()) + "(" + String.join(", ", Stream.of(e.getParameterTypes()).map(Class::getSimpleName)
        .toList()) + ")";
  }

  /** The public, non-internal classes of the modules (nested public classes too). */
  private static List<Class<?>> publicClasses() throws IOException, URISyntaxException, ClassNotFoundException {
    List<Class<?>> out = new ArrayList<>();
    for (Class<?> anchor : MODULES) {
      Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      List<String> names = new ArrayList<>();
      if (Files.isDirectory(root)) {
        try (Stream<Path> files = Files.walk(root)) {
          files.filter(f -> f.toString().endsWith(".class"))
              .forEach(f -> names.add(root.relativize(f).toString()));
        }
      } else {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(root.toFile())) {
          jar.stream().map(java.util.jar.JarEntry::getName).filter(n -> n.endsWith(".class")).forEach(names::add);
        }
      }
      for (String name : names) {
        String className = name.replace('/', '.').replace('\\', '.').replaceAll("\\.class$", "");
        if (className.contains(".internal.") || className.endsWith("package-info")
            || className.endsWith("module-info")) {
          continue;
        }
        Class<?> c = Class.forName(className, false, anchor.getClassLoader());
        if (isPublicApi(c)) {
          out.add(c);
        }
      }
    }
    return out;
  }

  private static boolean isPublicApi(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
      if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isSynthetic()) {
        return false;
      }
    }
    return true;
  }
}
