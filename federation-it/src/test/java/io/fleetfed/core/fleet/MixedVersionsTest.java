package io.fleetfed.core.fleet;

import static io.fleetfed.core.fleet.FleetItSupport.WAIT;
import static io.fleetfed.core.fleet.FleetItSupport.await;
import static io.fleetfed.core.fleet.FleetItSupport.get;
import static io.fleetfed.core.fleet.FleetItSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetfed.core.kubefed.ConversionException;
import io.fleetfed.core.kubefed.VersionConverter;
import io.fleetfed.core.kubefed.VersionConverters;
import io.fleetfed.core.model.FederatedResource;
import io.fleetfed.core.model.Placement;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.CopyReport;
import io.fleetfed.core.status.PropagationResult;
import io.fleetfed.core.status.PropagationStatus;
import io.fleetfed.testkit.EnableFleetSandbox;
import io.fleetfed.testkit.FleetSandbox;
import io.fleetfed.testkit.ServerKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A fleet mid-upgrade: members serve a custom type at different versions, and each gets its copy in a version it
 * serves. dev1 serves Widgets at {@code v1} (the template's), dev2 only at {@code v1alpha1} (converted by a test
 * converter: {@code spec.replicas} is {@code spec.size} there, {@code spec.shards} has no equivalent), dev3 only at
 * {@code v1beta1} (no converter reaches it). On mock and real API servers.
 */
@Tag("real-api-servers")
@EnableFleetSandbox(clusters = {"dev1", "dev2", "dev3"})
class MixedVersionsTest {
  private static final ResourceType WIDGETS = FleetItSupport.WIDGETS;   // example.com/v1
  private static final ResourceType WIDGETS_V1ALPHA1 = WIDGETS.withVersion("v1alpha1");
  private static final Placement ALL = Placement.clusters("dev1", "dev2", "dev3");

  private static ClusterFleet fleet;

  /** v1 {@code spec.replicas} ↔ v1alpha1 {@code spec.size}; v1's {@code spec.shards} has no v1alpha1 equivalent. */
  static final class WidgetConversions implements VersionConverter {
    @Override
    public String group() {
      return "example.com";
    }

    @Override
    public Set<String> kinds() {
      return Set.of("Widget");
    }

    @Override
    public Set<String> versions() {
      return Set.of("v1", "v1alpha1");
    }

    @Override
    public ObjectNode convert(ObjectNode object, String toVersion) {
      ObjectNode out = object.deepCopy();
      out.put("apiVersion", "example.com/" + toVersion);
      ObjectNode spec = out.with("spec");
      if (toVersion.equals("v1alpha1")) {
        if (spec.has("shards")) {
          throw new ConversionException(object, toVersion, "spec.shards", "has no equivalent in v1alpha1");
        }
        if (spec.has("replicas")) {
          spec.set("size", spec.remove("replicas"));
        }
      } else if (spec.has("size")) {
        spec.set("replicas", spec.remove("size"));
      }
      return out;
    }
  }

  @BeforeAll
  static void fleet(FleetSandbox sandbox) {
    sandbox.cluster("dev1").registerCrds(List.of(crd("v1")));
    sandbox.cluster("dev2").registerCrds(List.of(crd("v1alpha1")));
    sandbox.cluster("dev3").registerCrds(List.of(crd("v1beta1")));
    fleet = FleetItSupport.ready(FleetItSupport.membersFleet(sandbox, "dev1", "dev2", "dev3")
        .converters(VersionConverters.none().with(new WidgetConversions())).build());
  }

  @AfterAll
  static void close() {
    fleet.close();
  }

  /** Widgets served at exactly {@code versions} (the last one stored). */
  static CustomResourceDefinition crd(String... versions) {
    List<CustomResourceDefinitionVersion> served = new ArrayList<>();
    for (int i = 0; i < versions.length; i++) {
      served.add(new CustomResourceDefinitionVersionBuilder().withName(versions[i]).withServed(true)
          .withStorage(i == versions.length - 1)
          .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
          .endOpenAPIV3Schema().endSchema()
          .withNewSubresources().withNewStatus().endStatus().endSubresources().build());
    }
    return new CustomResourceDefinitionBuilder().withNewMetadata().withName("widgets.example.com").endMetadata()
        .withNewSpec().withGroup("example.com").withScope("Namespaced")
        .withNewNames().withKind("Widget").withListKind("WidgetList").withPlural("widgets").withSingular("widget")
        .endNames().withVersions(served).endSpec().build();
  }

  private static FederatedResource widget(String ns, String name, Map<String, Object> spec) {
    return FederatedResource.builder(WIDGETS).namespace(ns).name(name).placement(ALL)
        .template(Map.of("spec", spec)).build();
  }

  private static CopyReport report(FederatedResource w, String cluster) {
    return fleet.inspect(w).stream().filter(r -> r.cluster().equals(cluster)).findFirst().orElseThrow();
  }

  private static KubernetesClient client(FleetSandbox sandbox, String cluster) {
    return sandbox.cluster(cluster).client();
  }

  @Test
  void eachMemberGetsItsCopyInAVersionItServesAndOneThatServesNoneReachableSaysWhich(FleetSandbox sandbox) {
    String ns = unique("mixed");
    PropagationResult result = fleet.propagate(widget(ns, "w", Map.of("replicas", 3)));

    assertThat(result.cluster("dev1").orElseThrow().action()).isEqualTo(ClusterAction.CREATED);
    assertThat(result.cluster("dev2").orElseThrow().action()).isEqualTo(ClusterAction.CREATED);
    ClusterOutcome dev3 = result.cluster("dev3").orElseThrow();
    assertThat(dev3.status()).isEqualTo(PropagationStatus.VERSION_NOT_SERVED);
    assertThat(dev3.message()).hasValueSatisfying(m -> assertThat(m)
        .contains("dev3 serves widgets.example.com at v1beta1, not at v1").contains("no converter"));

    GenericKubernetesResource onDev1 = get(client(sandbox, "dev1"), WIDGETS, ns, "w").orElseThrow();
    assertThat(onDev1.getApiVersion()).isEqualTo("example.com/v1");
    assertThat(onDev1.get("spec", "replicas").toString()).isEqualTo("3");
    GenericKubernetesResource onDev2 = get(client(sandbox, "dev2"), WIDGETS_V1ALPHA1, ns, "w").orElseThrow();
    assertThat(onDev2.getApiVersion()).isEqualTo("example.com/v1alpha1");
    assertThat(onDev2.get("spec", "size").toString()).isEqualTo("3");
    assertThat(onDev2.<Object>get("spec", "replicas")).isNull();
    assertThat(onDev2.getMetadata().getAnnotations()).containsKey("fleetfed.io/hash")
        .containsEntry("fleetfed.io/hash", onDev1.getMetadata().getAnnotations().get("fleetfed.io/hash"));
  }

  @Test
  void aConvertedCopyThatIsUnchangedCostsNoWriteAndAChangeUpdatesItInItsVersion(FleetSandbox sandbox) {
    String ns = unique("mixed");
    fleet.propagate(widget(ns, "w", Map.of("replicas", 1)));
    String version = get(client(sandbox, "dev2"), WIDGETS_V1ALPHA1, ns, "w").orElseThrow().getMetadata()
        .getResourceVersion();

    PropagationResult again = fleet.propagate(widget(ns, "w", Map.of("replicas", 1)));
    assertThat(again.cluster("dev2").orElseThrow().action()).isEqualTo(ClusterAction.UNCHANGED);
    assertThat(get(client(sandbox, "dev2"), WIDGETS_V1ALPHA1, ns, "w").orElseThrow().getMetadata()
        .getResourceVersion()).isEqualTo(version);

    PropagationResult changed = fleet.propagate(widget(ns, "w", Map.of("replicas", 5)));
    assertThat(changed.cluster("dev2").orElseThrow().action()).isEqualTo(ClusterAction.UPDATED);
    assertThat(get(client(sandbox, "dev2"), WIDGETS_V1ALPHA1, ns, "w").orElseThrow().get("spec", "size")
        .toString()).isEqualTo("5");
  }

  @Test
  void statusReadsTheConvertedCopyAndSeesAHandEditInItsVersion(FleetSandbox sandbox) {
    String ns = unique("mixed");
    FederatedResource w = widget(ns, "w", Map.of("replicas", 2));
    fleet.propagate(w);

    CopyReport fresh = report(w, "dev2");
    assertThat(fresh.presence()).isEqualTo(CopyReport.Presence.PRESENT);
    assertThat(fresh.upToDate()).isTrue();
    assertThat(report(w, "dev3").problem())
        .hasValue(PropagationStatus.VERSION_NOT_SERVED);

    client(sandbox, "dev2").genericKubernetesResources(FleetItSupport.context(WIDGETS_V1ALPHA1)).inNamespace(ns)
        .withName("w").edit(o -> {
          @SuppressWarnings("unchecked")
          Map<String, Object> spec = (Map<String, Object>) o.getAdditionalProperties().get("spec");
          spec.put("size", 9);
          return o;
        });
    CopyReport edited = report(w, "dev2");
    assertThat(edited.upToDate()).isFalse();
    assertThat(edited.drift()).containsExactly("/spec/size");

    PropagationResult corrected = fleet.propagate(w);
    assertThat(corrected.cluster("dev2").orElseThrow().action()).isEqualTo(ClusterAction.UPDATED);
    assertThat(get(client(sandbox, "dev2"), WIDGETS_V1ALPHA1, ns, "w").orElseThrow().get("spec", "size")
        .toString()).isEqualTo("2");
  }

  @Test
  void aFieldWithNoEquivalentInTheMembersVersionIsNamedAndNothingIsWrittenThere(FleetSandbox sandbox) {
    String ns = unique("mixed");
    PropagationResult result = fleet.propagate(widget(ns, "w", Map.of("replicas", 1, "shards", 4)));

    assertThat(result.cluster("dev1").orElseThrow().action()).isEqualTo(ClusterAction.CREATED);
    ClusterOutcome dev2 = result.cluster("dev2").orElseThrow();
    assertThat(dev2.status()).isEqualTo(PropagationStatus.VERSION_NOT_SERVED);
    assertThat(dev2.message()).hasValueSatisfying(m -> assertThat(m)
        .contains("dev2 serves widgets.example.com at v1alpha1, not at v1")
        .contains("spec.shards has no equivalent in v1alpha1"));
    assertThat(get(client(sandbox, "dev2"), WIDGETS_V1ALPHA1, ns, "w")).isEmpty();
  }

  @Test
  void aVersionInstalledAfterAMemberSaidItIsNotServedIsWrittenByTheNextPropagation(FleetSandbox sandbox) {
    ResourceType gadgets = ResourceType.namespaced("example.com", "v1", "Gadget", "gadgets");
    sandbox.cluster("dev1").registerCrds(List.of(gadgets("v1beta1")));
    String ns = unique("mixed");
    FederatedResource gadget = FederatedResource.builder(gadgets).namespace(ns).name("g")
        .placement(Placement.clusters("dev1")).template(Map.of("spec", Map.of("size", 1))).build();

    ClusterOutcome before = fleet.propagate(gadget).cluster("dev1").orElseThrow();
    assertThat(before.status()).isEqualTo(PropagationStatus.VERSION_NOT_SERVED);
    assertThat(before.message()).hasValueSatisfying(m -> assertThat(m)
        .startsWith("dev1 serves gadgets.example.com at v1beta1, not at v1"));

    sandbox.cluster("dev1").registerCrds(List.of(gadgets("v1beta1", "v1")));
    ClusterOutcome after = fleet.propagate(gadget).cluster("dev1").orElseThrow();

    assertThat(after.action()).isEqualTo(ClusterAction.CREATED);
    assertThat(get(client(sandbox, "dev1"), gadgets, ns, "g")).isPresent();
  }

  @Test
  void aWriteRefusedByAMemberThatServesNoVersionOfTheTypeIsVersionNotServedNotABare404(FleetSandbox sandbox) {
    assumeTrue(sandbox.servers() == ServerKind.REAL,
        "fabric8's mock stores objects of types no CRD declares; only a real API server refuses them");
    ResourceType gizmos = ResourceType.namespaced("example.com", "v1", "Gizmo", "gizmos");
    String ns = unique("mixed");
    FederatedResource gizmo = FederatedResource.builder(gizmos).namespace(ns).name("g")
        .placement(Placement.clusters("dev1")).template(Map.of("spec", Map.of("size", 1))).build();

    ClusterOutcome dev1 = fleet.propagate(gizmo).cluster("dev1").orElseThrow();

    assertThat(dev1.status()).isEqualTo(PropagationStatus.VERSION_NOT_SERVED);
    assertThat(dev1.message()).hasValue("dev1 serves no version of gizmos.example.com (is its"
        + " CustomResourceDefinition installed there?)");
  }

  /** Gadgets served at exactly {@code versions} (the last one stored). */
  private static CustomResourceDefinition gadgets(String... versions) {
    CustomResourceDefinition crd = crd(versions);
    crd.getMetadata().setName("gadgets.example.com");
    crd.getSpec().getNames().setKind("Gadget");
    crd.getSpec().getNames().setListKind("GadgetList");
    crd.getSpec().getNames().setPlural("gadgets");
    crd.getSpec().getNames().setSingular("gadget");
    return crd;
  }

  @Test
  void deletingRemovesTheCopyInTheVersionItWasWritten(FleetSandbox sandbox) {
    String ns = unique("mixed");
    FederatedResource w = widget(ns, "w", Map.of("replicas", 1));
    fleet.propagate(w);
    assertThat(get(client(sandbox, "dev2"), WIDGETS_V1ALPHA1, ns, "w")).isPresent();

    PropagationResult deleted = fleet.delete(w);

    assertThat(deleted.cluster("dev2").orElseThrow().action()).isEqualTo(ClusterAction.DELETED);
    await(WAIT, "the v1alpha1 copy on dev2 to be gone",
        () -> get(client(sandbox, "dev2"), WIDGETS_V1ALPHA1, ns, "w").isEmpty());
    assertThat(get(client(sandbox, "dev1"), WIDGETS, ns, "w")).isEmpty();
  }
}
