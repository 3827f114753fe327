package io.fleetfed.testkit.internal;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.testkit.Await;
import java.time.Duration;
import java.util.Map;

/** A namespaced CRD {@code <plural>.example.com} for tests on real API servers, and its objects. */
final class RealCrds {
  static final String GROUP = "example.com";

  private RealCrds() {}

  static CustomResourceDefinition crd(String kind, String plural) {
    return new CustomResourceDefinitionBuilder().withNewMetadata().withName(plural + "." + GROUP).endMetadata()
        .withNewSpec().withGroup(GROUP).withScope("Namespaced")
        .withNewNames().withKind(kind).withPlural(plural).withSingular(plural.substring(0, plural.length() - 1))
        .withListKind(kind + "List").endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true).withNewSchema()
        .withOpenAPIV3Schema(new JSONSchemaPropsBuilder().withType("object").withXKubernetesPreserveUnknownFields(true)
            .build()).endSchema().endVersion().endSpec().build();
  }

  static ResourceDefinitionContext context(String kind, String plural) {
    return new ResourceDefinitionContext.Builder().withGroup(GROUP).withVersion("v1").withKind(kind)
        .withPlural(plural).withNamespaced(true).build();
  }

  static GenericKubernetesResource object(String kind, String namespace, String name) {
    return new GenericKubernetesResourceBuilder().withApiVersion(GROUP + "/v1").withKind(kind).withNewMetadata()
        .withName(name).withNamespace(namespace).endMetadata().withAdditionalProperties(Map.of("spec",
            Map.of("size", 3))).build();
  }

  /** Creates the CRD and waits until its objects can be created. */
  static void createServed(KubernetesClient client, String kind, String plural, String probeNamespace) {
    client.apiextensions().v1().customResourceDefinitions().resource(crd(kind, plural)).create();
    Await.until(Duration.ofSeconds(15), plural + " served", () -> {
      try {
        client.genericKubernetesResources(context(kind, plural)).inNamespace(probeNamespace).list();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
        return false;
      }
    });
  }
}
