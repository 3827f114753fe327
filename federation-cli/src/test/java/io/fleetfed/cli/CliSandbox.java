package io.fleetfed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fleetfed.testkit.FleetSandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What the in-process tests of the cluster verbs share: a host sandbox with KubeFed's CRDs, and running Main. */
final class CliSandbox {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private CliSandbox() {}

  /** The output, errors and exit code of one in-process run. */
  record Run(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  /** KubeFed's own CRDs, as fleetfed install prints them (FederatedTypeConfig, KubeFedCluster…). */
  static List<CustomResourceDefinition> kubefedCrds() {
    try (InputStream in = CliSandbox.class.getResourceAsStream("install/crds.yaml")) {
      List<CustomResourceDefinition> crds = new ArrayList<>();
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      try (var parser = new YAMLFactory().createParser(text)) {
        YAML.readValues(parser, JsonNode.class).forEachRemaining(d -> {
          if (d != null && d.isObject()) {
            crds.add(YAML.convertValue(d, CustomResourceDefinition.class));
          }
        });
      }
      return crds;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A namespaced CRD of {@code group} with an open schema. */
  static CustomResourceDefinition crd(String group, String kind, String plural, String singular,
      String... shortNames) {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(plural + "." + group).endMetadata()
        .withNewSpec().withGroup(group).withScope("Namespaced")
        .withNewNames().withKind(kind).withPlural(plural).withSingular(singular).withShortNames(shortNames)
        .endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema().endSchema().endVersion()
        .endSpec().build();
  }

  /** One cluster, {@code host}, serving KubeFed's CRDs and {@code crds}. */
  static FleetSandbox host(CustomResourceDefinition... crds) {
    List<CustomResourceDefinition> all = new ArrayList<>(kubefedCrds());
    all.addAll(List.of(crds));
    return FleetSandbox.builder().clusters("host").crds(all).start();
  }
}
