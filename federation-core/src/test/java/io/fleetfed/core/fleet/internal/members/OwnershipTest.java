package io.fleetfed.core.fleet.internal.members;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fleetfed.core.render.ManagedMetadata;
import io.fleetfed.core.status.ResourceKey;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OwnershipTest {
  private static final String HASH = "0123456789abcdef".repeat(4);

  private static GenericKubernetesResource object(String kind, String ns, String name, Map<String, String> labels,
      Map<String, String> annotations) {
    GenericKubernetesResource o = new GenericKubernetesResource();
    o.setKind(kind);
    o.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).withLabels(new HashMap<>(labels))
        .withAnnotations(new HashMap<>(annotations)).build());
    return o;
  }

  private static GenericKubernetesResource copy(String kind, String ns, String name, String source, String hash) {
    return object(kind, ns, name, Map.of(ManagedMetadata.MANAGED_LABEL, "true"),
        Map.of(ManagedMetadata.SOURCE_ANNOTATION, source, ManagedMetadata.HASH_ANNOTATION, hash));
  }

  @Test
  void aCopyAsRenderingWritesItIsOurs() {
    GenericKubernetesResource cm = copy("ConfigMap", "ci", "settings", "FederatedConfigMap/ci/settings", HASH);

    assertThat(Ownership.whyNotOurs(cm)).isEmpty();
    assertThat(Ownership.isCopyOf(cm, new ResourceKey("FederatedConfigMap", Optional.of("ci"), "settings"))).isTrue();
    assertThat(Ownership.isCopyOf(cm, new ResourceKey("FederatedConfigMap", Optional.of("ci"), "other"))).isFalse();
  }

  @Test
  void clusterScopedCopiesAndNamespacesFollowTheirSourceSpelling() {
    assertThat(Ownership.whyNotOurs(copy("ClusterRole", null, "reader", "FederatedClusterRole/reader", HASH)))
        .isEmpty();
    assertThat(Ownership.whyNotOurs(copy("Namespace", null, "ci", "FederatedNamespace/ci/ci", HASH))).isEmpty();
    assertThat(Ownership.whyNotOurs(copy("ClusterRole", null, "reader", "FederatedClusterRole/ci/reader", HASH)))
        .get().asString().contains("names another object than this one (FederatedClusterRole/reader)");
  }

  @Test
  void eachDisagreementIsNamed() {
    assertThat(Ownership.whyNotOurs(object("ConfigMap", "ci", "a", Map.of(), Map.of()))).get().asString()
        .contains("not labelled fleetfed.io/managed");
    assertThat(Ownership.whyNotOurs(object("ConfigMap", "ci", "a", Map.of(ManagedMetadata.MANAGED_LABEL, "false"),
        Map.of()))).get().asString().contains("not labelled fleetfed.io/managed");
    assertThat(Ownership.whyNotOurs(object("ConfigMap", "ci", "a", Map.of(ManagedMetadata.MANAGED_LABEL, "true"),
        Map.of()))).get().asString().contains("no fleetfed.io/source annotation");
    assertThat(Ownership.whyNotOurs(copy("ConfigMap", "ci", "a", "a/b/c/d", HASH))).get().asString()
        .contains("\"a/b/c/d\" does not name a federated object");
    assertThat(Ownership.whyNotOurs(copy("ConfigMap", "ci", "a", "FederatedSecret/ci/a", HASH))).get().asString()
        .contains("names another object");
    assertThat(Ownership.whyNotOurs(copy("ConfigMap", "ci", "a", "FederatedConfigMap/ci/a", HASH.toUpperCase())))
        .get().asString().contains("not a hash fleetfed writes");
    assertThat(Ownership.whyNotOurs(copy("ConfigMap", "ci", "a", "FederatedConfigMap/ci/a", "x".repeat(500))))
        .get().asString().hasSizeLessThan(300);
  }
}
