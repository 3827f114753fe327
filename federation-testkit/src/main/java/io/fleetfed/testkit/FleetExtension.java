package io.fleetfed.testkit;

import io.fleetfed.core.fleet.ClusterFleet;
import io.fleetfed.tekton.RunDispatcher;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link EnableFleet}: resolves {@link ClusterFleet} and {@link RunDispatcher}
 * parameters with one fleet (and dispatcher) per test over the running {@link EnableFleetSandbox} sandbox, made on
 * first use and closed after the test.
 */
public final class FleetExtension implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FleetExtension.class);

  /** Made by JUnit for {@link EnableFleet}. */
  public FleetExtension() {
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    Class<?> type = parameterContext.getParameter().getType();
    return (type == ClusterFleet.class || type == RunDispatcher.class) && extensionContext.getTestMethod().isPresent();
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    ClusterFleet fleet = fleet(extensionContext);
    if (parameterContext.getParameter().getType() == ClusterFleet.class) {
      return fleet;
    }
    ExtensionContext.Store store = extensionContext.getStore(NAMESPACE);
    RunDispatcher dispatcher = store.get(RunDispatcher.class, RunDispatcher.class);
    if (dispatcher == null) {
      dispatcher = RunDispatcher.builder(fleet).build();
      store.put(RunDispatcher.class, dispatcher);
    }
    return dispatcher;
  }

  private static ClusterFleet fleet(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    ClusterFleet fleet = store.get(ClusterFleet.class, ClusterFleet.class);
    if (fleet == null) {
      fleet = start(context);
      store.put(ClusterFleet.class, fleet);
    }
    return fleet;
  }

  private static ClusterFleet start(ExtensionContext context) {
    FleetSandbox sandbox = FleetSandboxExtension.running(context).orElseThrow(() ->
        new ExtensionConfigurationException("@EnableFleet needs @EnableFleetSandbox(clusters = ...) on "
            + context.getRequiredTestClass().getName()));
    EnableFleet config = annotation(context.getRequiredTestClass()).orElseThrow(() ->
        new ExtensionConfigurationException("FleetExtension needs @EnableFleet on "
            + context.getRequiredTestClass().getName()));
    SandboxFleet fleet = sandbox.fleet();
    if (!config.host().isEmpty()) {
      fleet.host(config.host());
    }
    for (String member : config.members()) {
      int colon = member.indexOf(':');
      fleet.member(colon < 0 ? member : member.substring(0, colon),
          colon < 0 ? Map.of() : labels(member.substring(colon + 1), member));
    }
    return fleet.start();
  }

  /** {@code key=value,key=value} as a map. */
  static Map<String, String> labels(String text, String member) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String pair : text.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new ExtensionConfigurationException("@EnableFleet member \"" + member + "\": label \"" + pair
            + "\" is not key=value");
      }
      labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return labels;
  }

  private static Optional<EnableFleet> annotation(Class<?> testClass) {
    for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
      Optional<EnableFleet> found = AnnotationSupport.findAnnotation(c, EnableFleet.class);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    RunDispatcher dispatcher = store.remove(RunDispatcher.class, RunDispatcher.class);
    ClusterFleet fleet = store.remove(ClusterFleet.class, ClusterFleet.class);
    if (dispatcher != null) {
      dispatcher.close();
    }
    if (fleet != null) {
      fleet.close();
    }
  }
}
