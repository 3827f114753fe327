package io.fleetfed.readme;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.core.fabric8.Fabric8Objects;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.render.Renderer;
import java.util.List;

/** The README's snippet of fabric8 objects in and out. Run by {@link SnippetsRunTest} on a sandbox cluster. */
final class Fabric8Snippet {
  private Fabric8Snippet() {}

  static Deployment onDev2(KubernetesClient client, List<Cluster> clusters) {
    // README:start
    Deployment live = client.apps().deployments().inNamespace("shop").withName("web").get();
    FederatedResource web = Fabric8Objects.federate(live).placement(Placement.clusters("dev1", "dev2")).build();
    Deployment onDev2 = Fabric8Objects.as(Renderer.render(web, clusters).cluster("dev2").orElseThrow(),
        Deployment.class);   // without resourceVersion, uid, status…
    // README:end
    return onDev2;
  }
}
