package io.fleetfed.core.kubefed;

import io.fleetfed.core.model.ResourceType;
import java.util.List;

/**
 * A {@link FederatedTypeProvider} for the tests, named in
 * {@code src/test/resources/META-INF/services/io.fleetfed.core.kubefed.FederatedTypeProvider}, so that
 * {@link TypeRegistry#standard()} finds it through {@link java.util.ServiceLoader}.
 */
public final class WidgetTypeProvider implements FederatedTypeProvider {
  /** Test widgets, namespaced, short name {@code wdg}. */
  public static final ResourceType WIDGETS =
      ResourceType.namespaced("widgets.fleetfed-test.io", "v1alpha1", "Widget", "widgets").withShortNames("wdg");
  /** Test gizmos, cluster-scoped. */
  public static final ResourceType GIZMOS =
      ResourceType.cluster("widgets.fleetfed-test.io", "v1alpha1", "Gizmo", "gizmos");

  /** Needed by {@link java.util.ServiceLoader}. */
  public WidgetTypeProvider() {}

  @Override
  public List<ResourceType> types() {
    return List.of(WIDGETS, GIZMOS);
  }
}
