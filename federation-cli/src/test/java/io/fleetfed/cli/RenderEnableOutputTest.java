package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code render -f} accepts everything {@code enable} prints: CRDs are skipped with a note, FTCs define types. */
class RenderEnableOutputTest {
  static final String[] WIDGETS = {"enable", "--group", "example.com", "--version", "v1", "--kind", "Widget",
      "--plural", "widgets"};

  @TempDir
  Path dir;

  private Path enableOutput() throws IOException {
    CliSandbox.Run enable = CliSandbox.run(WIDGETS);
    assertThat(enable.code()).as("%s", enable).isZero();
    return Files.writeString(dir.resolve("enabled.yaml"), enable.out());
  }

  @Test
  @DisplayName("enable's output alone: no federated object to render, and no hint to wrap the CRD")
  void enableOutputAlone() throws IOException {
    Path file = enableOutput();

    CliSandbox.Run render = CliSandbox.run("render", "-f", file.toString());

    assertThat(render.code()).isEqualTo(Main.INVALID_INPUT);
    assertThat(render.out()).isEmpty();
    assertThat(render.err()).contains("no federated object in " + file)
        .contains("note: " + file + ", document 1: CustomResourceDefinition federatedwidgets.types.kubefed.io"
            + " skipped")
        .doesNotContain("wrap it").doesNotContain("FederatedCustomResourceDefinition");
  }

  @Test
  @DisplayName("a clusterSelector placement without an inventory says it selects among no cluster, not silence")
  void selectorWithoutInventory() throws IOException {
    Path file = Files.writeString(dir.resolve("selected.yaml"), """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedConfigMap
        metadata: {name: settings, namespace: shop}
        spec:
          template: {data: {a: b}}
          placement: {clusterSelector: {matchLabels: {}}}
        """);

    CliSandbox.Run render = CliSandbox.run("render", "-f", file.toString());

    assertThat(render.code()).as("%s", render).isZero();
    assertThat(render.out()).isEmpty();
    assertThat(render.err()).contains("warning: FederatedConfigMap shop/settings: its clusterSelector selects among"
        + " no cluster, as no --clusters inventory was given");
  }

  @Test
  @DisplayName("enable's output and a federated object of that type: the FTC defines the type, render succeeds")
  void enableOutputWithObject() throws IOException {
    Path enabled = enableOutput();
    Path object = Files.writeString(dir.resolve("widget.yaml"), """
        apiVersion: types.kubefed.io/v1beta1
        kind: FederatedWidget
        metadata: {name: gear, namespace: ci}
        spec:
          template: {spec: {size: 3}}
          placement: {clusters: [{name: dev2}]}
        """);
    Path mixed = Files.writeString(dir.resolve("mixed.yaml"), Files.readString(enabled) + "---\n"
        + Files.readString(object));

    for (String[] args : new String[][] {{"render", "-f", mixed.toString()},
        {"render", "-f", enabled.toString(), "-f", object.toString()}}) {
      CliSandbox.Run render = CliSandbox.run(args);

      assertThat(render.code()).as("%s", render).isZero();
      assertThat(render.out()).contains("# cluster: dev2").contains("kind: Widget").contains("size: 3");
      assertThat(render.err()).contains("CustomResourceDefinition federatedwidgets.types.kubefed.io skipped");
    }
  }
}
