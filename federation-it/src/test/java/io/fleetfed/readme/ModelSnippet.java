package io.fleetfed.readme;

import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.ClusterOverride;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.render.Renderer;
import io.fleetfed.core.render.ResourceRendering;
import java.util.List;
import java.util.Map;

/** The README's first snippet: a federated Deployment, rendered for two clusters. Run by {@link SnippetsRunTest}. */
final class ModelSnippet {
  private ModelSnippet() {}

  /** The replicas rendered for dev2. */
  static int dev2Replicas() {
    // README:start
    FederatedResource nginx = FederatedResource.builder(BuiltInTypes.DEPLOYMENTS)
        .namespace("testing-fed").name("nginx-fed")
        .template(Map.of("spec", Map.of("replicas", 1)))
        .placement(Placement.clusters("dev1", "dev2"))
        .override("dev1", ClusterOverride.replace("/spec/replicas", 2))
        .override("dev2", ClusterOverride.replace("/spec/replicas", 3))
        .build();                                   // invalid input fails here, naming the field
    ResourceRendering r = Renderer.render(nginx, List.of(Cluster.ready("dev1"), Cluster.ready("dev2")));
    int replicas = r.cluster("dev2").orElseThrow().object().orElseThrow().at("/spec/replicas").asInt();   // 3
    // README:end
    return replicas;
  }
}
