package io.fleetfed.core.kubefed;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class KubeFedBundleTest {
  private static final String YAML = """
      apiVersion: types.kubefed.io/v1beta1
      kind: FederatedConfigMap
      metadata: {name: settings, namespace: ci}
      spec:
        template: {data: {a: b}}
        placement: {clusters: [{name: dev2}]}
      ---
      apiVersion: core.kubefed.io/v1beta1
      kind: KubeFedCluster
      metadata: {name: dev2, namespace: kube-federation-system}
      spec: {apiEndpoint: "https://127.0.0.1:6443", secretRef: {name: dev2}}
      """;

  @Test
  void everyListItGivesIsUnmodifiable() {
    KubeFedBundle bundle = KubeFedYaml.read("bundle.yaml", YAML, TypeRegistry.standard());
    List<Function<KubeFedBundle, List<?>>> lists = List.of(KubeFedBundle::documents, KubeFedBundle::positions,
        KubeFedBundle::resources, KubeFedBundle::typeConfigs, KubeFedBundle::kubeFedClusters,
        KubeFedBundle::clusters);
    for (Function<KubeFedBundle, List<?>> list : lists) {
      assertThatThrownBy(() -> list.apply(bundle).clear()).isInstanceOf(UnsupportedOperationException.class);
    }
  }
}
