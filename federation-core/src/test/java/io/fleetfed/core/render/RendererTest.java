package io.fleetfed.core.render;

import static io.fleetfed.core.model.TestTypes.CLUSTER_ROLES;
import static io.fleetfed.core.model.TestTypes.DEPLOYMENTS;
import static io.fleetfed.core.model.TestTypes.NAMESPACES;
import static io.fleetfed.core.model.TestTypes.TASK_RUNS;
import static io.fleetfed.core.model.TestTypes.json;
import static io.fleetfed.core.model.TestTypes.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.ClusterOverride;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.LabelSelector;
import io.fleetfed.core.model.Placement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link Renderer}: who gets what, the rendered object's shape, and its hash. */
class RendererTest {
  static final Cluster DEV1 = Cluster.ready("dev1");
  static final Cluster DEV2 = Cluster.ready("dev2").withLabels(Map.of("pipelines", "true"));
  static final Cluster DEV3 = new Cluster("dev3", Map.of("pipelines", "true"), false);
  static final List<Cluster> FLEET = List.of(DEV1, DEV2, DEV3);

  static final String TEMPLATE = "{'metadata': {'labels': {'app': 'nginx'}, 'annotations': {'note': 'kept'}},"
      + " 'spec': {'replicas': 1, 'template': {'spec': {'containers': [{'name': 'nginx', 'image': 'nginx'}]}}}}";

  static FederatedResource.Builder nginx() {
    return FederatedResource.builder(DEPLOYMENTS).namespace("web").name("nginx").template(object(TEMPLATE));
  }

  static ObjectNode objectOn(ResourceRendering rendering, String cluster) {
    return rendering.cluster(cluster).orElseThrow().object().orElseThrow();
  }

  static String hashOn(ResourceRendering rendering, String cluster) {
    return rendering.cluster(cluster).orElseThrow().hash().orElseThrow();
  }

  @Nested
  class WhoGetsWhat {
    @Test
    void selectedReadyClustersGetTheObjectAndOthersAreAbsent() {
      ResourceRendering r = Renderer.render(nginx().placement(Placement.clusters("dev2", "dev9")).build(), FLEET);

      assertThat(r.clusters()).containsOnlyKeys("dev2");
      assertThat(r.cluster("dev1")).isEmpty();
      assertThat(r.cluster("dev9")).isEmpty();
      assertThat(r.renderedClusters()).containsExactly("dev2");
      ClusterRendering dev2 = r.cluster("dev2").orElseThrow();
      assertThat(dev2.status()).isEqualTo(RenderStatus.RENDERED);
      assertThat(dev2.isRendered()).isTrue();
      assertThat(dev2.status().reason()).isEqualTo("Rendered");
    }

    @Test
    void selectedClustersThatAreNotReadyAreReportedWithoutAnObject() {
      ResourceRendering r = Renderer.render(nginx().placement(Placement.selector(
          LabelSelector.matchLabels(Map.of("pipelines", "true")))).build(), FLEET);

      assertThat(r.clusters()).containsOnlyKeys("dev2", "dev3");
      ClusterRendering dev3 = r.cluster("dev3").orElseThrow();
      assertThat(dev3.status()).isEqualTo(RenderStatus.CLUSTER_NOT_READY);
      assertThat(dev3.status().reason()).isEqualTo("ClusterNotReady");
      assertThat(dev3.isRendered()).isFalse();
      assertThat(dev3.object()).isEmpty();
      assertThat(dev3.hash()).isEmpty();
      assertThat(r.renderedClusters()).containsExactly("dev2");
    }

    @Test
    void theClustersAreInNameOrder() {
      ResourceRendering r = Renderer.render(nginx().placement(Placement.clusters("dev3", "dev1", "dev2")).build(),
          List.of(DEV3, DEV2, DEV1));
      assertThat(r.clusters().keySet()).containsExactly("dev1", "dev2", "dev3");
      assertThat(r.resource().name()).isEqualTo("nginx");
    }

    @Test
    void aFailingOverrideOfANotReadySelectedClusterStillFailsTheObject() {
      FederatedResource r = nginx().placement(Placement.allClusters())
          .override("dev3", ClusterOverride.remove("/spec/paused")).build();

      Throwable thrown = catchThrowable(() -> Renderer.render(r, FLEET));

      assertThat(thrown).isInstanceOf(OverrideException.class);
      OverrideException e = (OverrideException) thrown;
      assertThat(e.cluster()).isEqualTo("dev3");
      assertThat(e.index()).isZero();
      assertThat(e.path()).isEqualTo("/spec/paused");
      assertThat(e.reason()).contains("no such path");
      assertThat(e.getMessage()).contains("FederatedDeployment web/nginx")
          .contains("cluster \"dev3\", override 0 (remove /spec/paused)");
    }

    @Test
    void overridesOfClustersThatAreNotSelectedAreIgnoredEvenWhenTheyWouldFail() {
      FederatedResource r = nginx().placement(Placement.clusters("dev2"))
          .override("dev1", ClusterOverride.remove("/spec/paused"))
          .override("dev3", ClusterOverride.add("/no/such/parent", 1))
          .override("dev7", ClusterOverride.replace("/spec/template/spec/containers/5", 1))
          .override("dev2", ClusterOverride.replace("/spec/replicas", 3))
          .build();

      ResourceRendering rendering = Renderer.render(r, FLEET);

      assertThat(rendering.clusters()).containsOnlyKeys("dev2");
      assertThat(objectOn(rendering, "dev2").at("/spec/replicas").asInt()).isEqualTo(3);
    }

    @Test
    void theErrorNamesTheEntryAndTheIndexOfTheFailingOverride() {
      FederatedResource r = nginx().placement(Placement.allClusters())
          .override("dev1", ClusterOverride.replace("/spec/replicas", 2))
          .override("dev2", ClusterOverride.replace("/spec/replicas", 3),
              ClusterOverride.add("/spec/template/spec/containers/0/args/-", "x"))
          .build();

      OverrideException e = (OverrideException) catchThrowable(() -> Renderer.render(r, FLEET));

      assertThat(e.cluster()).isEqualTo("dev2");
      assertThat(e.index()).isEqualTo(1);
      assertThat(e.violations()).singleElement().satisfies(v -> {
        assertThat(v.field()).contains("spec.overrides[1].clusterOverrides[1]");
        assertThat(v.object()).contains("FederatedDeployment web/nginx");
        assertThat(v.reason()).contains("cluster \"dev2\", override 1 (add /spec/template/spec/containers/0/args/-)")
            .contains("parent of node to add does not exist");
      });
    }

    @Test
    void renderForIgnoresPlacement() {
      FederatedResource r = nginx().override("dev9", ClusterOverride.replace("/spec/replicas", 9)).build();

      assertThat(Renderer.render(r, FLEET).clusters()).isEmpty();
      ObjectNode onDev9 = Renderer.renderFor(r, "dev9");
      assertThat(onDev9.at("/spec/replicas").asInt()).isEqualTo(9);
      assertThat(Renderer.renderFor(r, "dev1").at("/spec/replicas").asInt()).isEqualTo(1);
    }

    @Test
    void aFederatedNamespaceRestrictsThePlacement() {
      FederatedResource ns = FederatedResource.builder(NAMESPACES).name("web")
          .placement(Placement.clusters("dev1", "dev3")).build();
      FederatedResource deployment = nginx().placement(Placement.allClusters()).build();

      ResourceRendering restricted = Renderer.render(deployment, FLEET, Optional.of(ns));
      assertThat(restricted.clusters()).containsOnlyKeys("dev1", "dev3");
      assertThat(restricted.renderedClusters()).containsExactly("dev1");
      assertThat(Renderer.render(deployment, FLEET, Optional.empty()).clusters()).containsOnlyKeys("dev1", "dev2",
          "dev3");
    }
  }

  @Nested
  class Shape {
    @Test
    void namespacedObject() {
      ObjectNode o = objectOn(Renderer.render(nginx().placement(Placement.clusters("dev1")).build(), FLEET), "dev1");

      assertThat(o.at("/apiVersion").asText()).isEqualTo("apps/v1");
      assertThat(o.at("/kind").asText()).isEqualTo("Deployment");
      assertThat(o.at("/metadata/name").asText()).isEqualTo("nginx");
      assertThat(o.at("/metadata/namespace").asText()).isEqualTo("web");
      assertThat(o.at("/metadata/labels")).isEqualTo(json("{'app': 'nginx', 'fleetfed.io/managed': 'true'}"));
      assertThat(o.at("/metadata/annotations/note").asText()).as("template annotations are kept").isEqualTo("kept");
      assertThat(o.at("/metadata/annotations/fleetfed.io~1source").asText()).isEqualTo("FederatedDeployment/web/nginx");
      assertThat(o.at("/metadata/annotations/fleetfed.io~1hash").asText()).matches("[0-9a-f]{64}");
      assertThat(o.at("/spec")).isEqualTo(object(TEMPLATE).get("spec"));
      assertThat(o.properties()).extracting(Map.Entry::getKey).startsWith("apiVersion", "kind", "metadata");
      assertThat(o.get("metadata").properties()).extracting(Map.Entry::getKey).startsWith("name", "namespace");
    }

    @Test
    void theTemplatesOwnApiVersionWins() {
      FederatedResource run = FederatedResource.builder(TASK_RUNS).namespace("ci").name("build")
          .template(object("{'apiVersion': 'tekton.dev/v1beta1', 'kind': 'TaskRun', 'spec': {'taskRef': {'name': 't'}}}"))
          .placement(Placement.clusters("dev2")).build();

      ObjectNode o = objectOn(Renderer.render(run, FLEET), "dev2");

      assertThat(o.at("/apiVersion").asText()).isEqualTo("tekton.dev/v1beta1");
      assertThat(o.at("/kind").asText()).isEqualTo("TaskRun");
      assertThat(o.at("/spec/taskRef/name").asText()).isEqualTo("t");

      FederatedResource v1 = run.toBuilder().template(object("{'spec': {'taskRef': {'name': 't'}}}")).build();
      assertThat(objectOn(Renderer.render(v1, FLEET), "dev2").at("/apiVersion").asText()).isEqualTo("tekton.dev/v1");
    }

    @Test
    void clusterScopedObjectHasNoNamespace() {
      FederatedResource role = FederatedResource.builder(CLUSTER_ROLES).name("reader")
          .template(object("{'rules': [{'verbs': ['get']}]}")).placement(Placement.clusters("dev1")).build();

      ObjectNode o = objectOn(Renderer.render(role, FLEET), "dev1");

      assertThat(o.at("/apiVersion").asText()).isEqualTo("rbac.authorization.k8s.io/v1");
      assertThat(o.at("/kind").asText()).isEqualTo("ClusterRole");
      assertThat(o.at("/metadata/name").asText()).isEqualTo("reader");
      assertThat(o.get("metadata").has("namespace")).isFalse();
      assertThat(o.at("/metadata/annotations/fleetfed.io~1source").asText()).isEqualTo("FederatedClusterRole/reader");
      assertThat(o.at("/rules/0/verbs/0").asText()).isEqualTo("get");
    }

    @Test
    void namespaceObjectHasNoNamespace() {
      FederatedResource ns = FederatedResource.builder(NAMESPACES).name("web")
          .template(object("{'metadata': {'labels': {'team': 'a'}}}")).placement(Placement.clusters("dev1")).build();

      ObjectNode o = objectOn(Renderer.render(ns, FLEET), "dev1");

      assertThat(o.at("/apiVersion").asText()).isEqualTo("v1");
      assertThat(o.at("/kind").asText()).isEqualTo("Namespace");
      assertThat(o.at("/metadata/name").asText()).isEqualTo("web");
      assertThat(o.get("metadata").has("namespace")).isFalse();
      assertThat(o.at("/metadata/labels/team").asText()).isEqualTo("a");
      assertThat(o.at("/metadata/annotations/fleetfed.io~1source").asText()).isEqualTo("FederatedNamespace/web/web");
    }

    @Test
    void templateIdentityAndNullFieldsAreNormalised() {
      FederatedResource r = nginx().template(object("{'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata':"
          + " {'name': 'nginx', 'namespace': 'web', 'creationTimestamp': null, 'labels': null}, 'spec': {}}"))
          .placement(Placement.clusters("dev1")).build();

      ObjectNode o = objectOn(Renderer.render(r, FLEET), "dev1");

      assertThat(o.get("metadata").has("creationTimestamp")).isFalse();
      assertThat(o.at("/metadata/labels")).isEqualTo(json("{'fleetfed.io/managed': 'true'}"));
      assertThat(o.at("/metadata/name").asText()).isEqualTo("nginx");
      assertThat(o.at("/metadata/namespace").asText()).isEqualTo("web");
    }

    @Test
    void emptyTemplateStillRendersIdentityAndManagedMetadata() {
      FederatedResource r = FederatedResource.builder(DEPLOYMENTS).namespace("web").name("e")
          .placement(Placement.clusters("dev1")).build();

      ObjectNode o = objectOn(Renderer.render(r, FLEET), "dev1");

      assertThat(o.properties()).extracting(Map.Entry::getKey).containsExactly("apiVersion", "kind", "metadata");
      assertThat(o.at("/metadata/labels/fleetfed.io~1managed").asText()).isEqualTo("true");
    }

    @Test
    void renderedObjectsAreCopiesAndTheResourceIsUnchanged() {
      FederatedResource r = nginx().placement(Placement.clusters("dev1", "dev2"))
          .override("dev2", ClusterOverride.replace("/spec/replicas", 3)).build();
      FederatedResource before = r.toBuilder().build();
      ResourceRendering rendering = Renderer.render(r, FLEET);

      objectOn(rendering, "dev1").with("spec").put("replicas", 100);
      ((ObjectNode) objectOn(rendering, "dev2").get("metadata")).removeAll();

      assertThat(objectOn(rendering, "dev1").at("/spec/replicas").asInt()).isEqualTo(1);
      assertThat(objectOn(rendering, "dev2").at("/metadata/name").asText()).isEqualTo("nginx");
      assertThat(r).isEqualTo(before);
      assertThat(r.template()).isEqualTo(object(TEMPLATE));
    }
  }

  @Nested
  class Isolation {
    FederatedResource shared() {
      return FederatedResource.builder(DEPLOYMENTS).namespace("web").name("app")
          .template(object("{'metadata': {'labels': {'app': 'web'}, 'annotations': {'a': 'b'}},"
              + " 'spec': {'replicas': 1, 'template': {'spec': {'containers': [{'name': 'c', 'image': 'i:1',"
              + " 'env': [{'name': 'A', 'value': '1'}]}]}}}}"))
          .placement(Placement.clusters("dev1", "dev2", "dev3"))
          .override("dev1", ClusterOverride.replace("/spec/template/spec/containers/0/image", "i:2"),
              ClusterOverride.add("/spec/template/spec/containers/0/env/-", Map.of("name", "B", "value", "2")),
              ClusterOverride.add("/metadata/labels/tier", "one"))
          .override("dev2", ClusterOverride.remove("/spec/template/spec/containers/0/env/0"),
              ClusterOverride.replace("/metadata/annotations/a", "c"))
          .build();
    }

    @Test
    void clustersRenderedTogetherEqualClustersRenderedAlone() {
      FederatedResource resource = shared();
      List<Cluster> fleet = List.of(DEV1, DEV2, Cluster.ready("dev3"));
      ResourceRendering together = Renderer.render(resource, fleet);

      for (String cluster : List.of("dev1", "dev2", "dev3")) {
        assertThat(objectOn(together, cluster)).isEqualTo(Renderer.renderFor(resource, cluster));
      }
      assertThat(objectOn(together, "dev3").at("/spec/template/spec/containers/0/image").asText()).isEqualTo("i:1");
      assertThat(objectOn(together, "dev3").at("/spec/template/spec/containers/0/env")).hasSize(1);
      assertThat(objectOn(together, "dev3").at("/metadata/labels").has("tier")).isFalse();
      assertThat(objectOn(together, "dev3").at("/metadata/annotations/a").asText()).isEqualTo("b");
      assertThat(objectOn(together, "dev1").at("/spec/template/spec/containers/0/env")).hasSize(2);
      assertThat(objectOn(together, "dev2").at("/spec/template/spec/containers/0/env")).isEmpty();
    }

    @Test
    void renderingsPrintNoObjectContent() {
      FederatedResource secret = FederatedResource.builder(io.fleetfed.core.kubefed.BuiltInTypes.SECRETS)
          .namespace("web").name("s").template(object("{'stringData': {'password': 'hunter2'}}"))
          .placement(Placement.clusters("dev1")).build();

      ResourceRendering rendering = Renderer.render(secret, List.of(DEV1));

      assertThat(rendering.toString()).doesNotContain("hunter2").contains("FederatedSecret web/s")
          .contains("dev1, Rendered, hash ");
    }

    @Test
    void changingAReturnedObjectChangesNoOtherRendering() {
      FederatedResource resource = shared();
      ResourceRendering rendering = Renderer.render(resource, List.of(DEV1, DEV2, Cluster.ready("dev3")));
      ObjectNode before = objectOn(rendering, "dev3");

      ObjectNode mine = objectOn(rendering, "dev1");
      ((ObjectNode) mine.at("/spec/template/spec")).removeAll();
      ((ObjectNode) mine.at("/metadata/labels")).put("mine", "yes");

      assertThat(objectOn(rendering, "dev3")).isEqualTo(before);
      assertThat(objectOn(rendering, "dev1").at("/metadata/labels").has("mine")).isFalse();
      assertThat(Renderer.render(resource, List.of(DEV1, DEV2, Cluster.ready("dev3")))).isEqualTo(rendering);
    }
  }

  @Nested
  class Hash {
    @Test
    void equalInputGivesEqualHashWhateverTheTemplatesMemberOrder() {
      FederatedResource a = nginx().template(object("{'metadata': {'labels': {'a': '1', 'b': '2'}},"
          + " 'spec': {'replicas': 1, 'selector': {'x': 1, 'y': [{'p': 1, 'q': 2}]}}}"))
          .placement(Placement.clusters("dev1")).build();
      FederatedResource b = nginx().template(object("{'spec': {'selector': {'y': [{'q': 2, 'p': 1}], 'x': 1},"
          + " 'replicas': 1}, 'metadata': {'labels': {'b': '2', 'a': '1'}}}"))
          .placement(Placement.clusters("dev1")).build();

      assertThat(hashOn(Renderer.render(a, FLEET), "dev1")).isEqualTo(hashOn(Renderer.render(b, FLEET), "dev1"))
          .isEqualTo(hashOn(Renderer.render(a, FLEET), "dev1"));
    }

    @Test
    void overrideValueMemberOrderDoesNotChangeTheHash() {
      FederatedResource a = nginx().placement(Placement.clusters("dev1"))
          .override("dev1", ClusterOverride.add("/spec/x", object("{'a': 1, 'b': 2}"))).build();
      FederatedResource b = nginx().placement(Placement.clusters("dev1"))
          .override("dev1", ClusterOverride.add("/spec/x", object("{'b': 2, 'a': 1}"))).build();
      assertThat(hashOn(Renderer.render(a, FLEET), "dev1")).isEqualTo(hashOn(Renderer.render(b, FLEET), "dev1"));
    }

    @Test
    void theHashChangesWithTheTemplate() {
      FederatedResource a = nginx().placement(Placement.clusters("dev1")).build();
      FederatedResource b = a.toBuilder().template(object(TEMPLATE.replace("'replicas': 1", "'replicas': 2"))).build();
      FederatedResource c = a.toBuilder().template(object(TEMPLATE.replace("'note': 'kept'", "'note': 'changed'")))
          .build();

      assertThat(hashOn(Renderer.render(a, FLEET), "dev1"))
          .isNotEqualTo(hashOn(Renderer.render(b, FLEET), "dev1"))
          .isNotEqualTo(hashOn(Renderer.render(c, FLEET), "dev1"));
    }

    @Test
    void theHashChangesWithTheOverrides() {
      FederatedResource base = nginx().placement(Placement.clusters("dev1")).build();
      String none = hashOn(Renderer.render(base, FLEET), "dev1");
      String three = hashOn(Renderer.render(base.toBuilder()
          .override("dev1", ClusterOverride.replace("/spec/replicas", 3)).build(), FLEET), "dev1");
      String four = hashOn(Renderer.render(base.toBuilder()
          .override("dev1", ClusterOverride.replace("/spec/replicas", 4)).build(), FLEET), "dev1");
      String otherPath = hashOn(Renderer.render(base.toBuilder()
          .override("dev1", ClusterOverride.add("/spec/paused", true)).build(), FLEET), "dev1");

      assertThat(List.of(none, three, four, otherPath)).doesNotHaveDuplicates();
    }

    @Test
    void theHashChangesWithTheIdentity() {
      FederatedResource a = nginx().placement(Placement.clusters("dev1")).build();
      String hash = hashOn(Renderer.render(a, FLEET), "dev1");

      assertThat(hashOn(Renderer.render(a.toBuilder().name("nginx2").build(), FLEET), "dev1")).isNotEqualTo(hash);
      assertThat(hashOn(Renderer.render(a.toBuilder().namespace("web2").build(), FLEET), "dev1")).isNotEqualTo(hash);
      FederatedResource v2 = FederatedResource.builder(DEPLOYMENTS.withVersion("v1beta2")).namespace("web")
          .name("nginx").template(object(TEMPLATE)).placement(Placement.clusters("dev1")).build();
      assertThat(hashOn(Renderer.render(v2, FLEET), "dev1")).isNotEqualTo(hash);
    }

    @Test
    void whatDoesNotReachTheObjectDoesNotChangeTheHash() {
      FederatedResource a = nginx().placement(Placement.clusters("dev1")).build();
      FederatedResource b = a.toBuilder().placement(Placement.allClusters()).labels(Map.of("team", "x"))
          .annotations(Map.of("note", "y")).retainReplicas(true)
          .override("dev2", ClusterOverride.replace("/spec/replicas", 5)).build();

      assertThat(hashOn(Renderer.render(a, FLEET), "dev1")).isEqualTo(hashOn(Renderer.render(b, FLEET), "dev1"));
    }

    @Test
    void clustersWithDifferentOverridesGetDifferentHashesAndEqualOverridesEqualHashes() {
      FederatedResource r = nginx().placement(Placement.allClusters())
          .override("dev1", ClusterOverride.replace("/spec/replicas", 2))
          .override("dev2", ClusterOverride.replace("/spec/replicas", 2))
          .build();
      ResourceRendering rendering = Renderer.render(r, List.of(DEV1, DEV2, Cluster.ready("dev4"),
          Cluster.ready("dev5")));

      assertThat(hashOn(rendering, "dev1")).isEqualTo(hashOn(rendering, "dev2"));
      assertThat(hashOn(rendering, "dev4")).isEqualTo(hashOn(rendering, "dev5"));
      assertThat(hashOn(rendering, "dev1")).isNotEqualTo(hashOn(rendering, "dev4"));
      assertThat(objectOn(rendering, "dev1")).isEqualTo(objectOn(rendering, "dev2"));
    }

    @Test
    void stringsHoldingSeparatorsCannotImitateOtherOverrides() {
      FederatedResource base = nginx().placement(Placement.clusters("dev1")).build();
      FederatedResource one = base.toBuilder()
          .override("dev1", ClusterOverride.replace("/x", "a\u0000replace\u0000/y\u0000sb")).build();
      FederatedResource two = base.toBuilder()
          .override("dev1", ClusterOverride.replace("/x", "a"), ClusterOverride.replace("/y", "b")).build();
      FederatedResource json = base.toBuilder()
          .override("dev1", ClusterOverride.replace("/x", object("{'a': 1}"))).build();
      FederatedResource text = base.toBuilder()
          .override("dev1", ClusterOverride.replace("/x", "{\"a\":1}")).build();

      assertThat(Renderer.renderFor(one, "dev1")).isNotEqualTo(Renderer.renderFor(two, "dev1"));
      assertThat(hashOn(Renderer.render(one, FLEET), "dev1")).isNotEqualTo(hashOn(Renderer.render(two, FLEET), "dev1"));
      assertThat(hashOn(Renderer.render(json, FLEET), "dev1"))
          .isNotEqualTo(hashOn(Renderer.render(text, FLEET), "dev1"));
    }

    @Test
    void pathsHoldingSeparatorsCannotImitateOtherOverrides() {
      // A template member whose name holds NUL, so that both override lists apply.
      FederatedResource base = nginx().template(object("{'p\\u0000sq\\u0000replace\\u0000': {}}"))
          .placement(Placement.clusters("dev1")).build();
      FederatedResource one = base.toBuilder()
          .override("dev1", ClusterOverride.replace("/p\u0000sq\u0000replace\u0000/r", "s")).build();
      FederatedResource two = base.toBuilder()
          .override("dev1", ClusterOverride.replace("/p", "q"), ClusterOverride.replace("/r", "s")).build();

      assertThat(Renderer.renderFor(one, "dev1")).isNotEqualTo(Renderer.renderFor(two, "dev1"));
      assertThat(hashOn(Renderer.render(one, FLEET), "dev1")).isNotEqualTo(hashOn(Renderer.render(two, FLEET), "dev1"));
    }

    @Test
    void theHashIsTheOneRenderForComputes() {
      FederatedResource r = nginx().placement(Placement.clusters("dev2"))
          .override("dev2", ClusterOverride.replace("/spec/replicas", 2)).build();
      assertThat(Renderer.renderFor(r, "dev2")).isEqualTo(objectOn(Renderer.render(r, FLEET), "dev2"));
    }
  }
}
