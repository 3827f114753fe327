package io.fleetfed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetfed.core.kubefed.KubeFedYaml;

/** The output formats of {@code -o} for commands that report on clusters: a table for people, YAML or JSON. */
enum Format {
  table,
  yaml,
  json;

  /** {@code tree} as this format's text (YAML or indented JSON), ending with a newline; not for tables. */
  String write(JsonNode tree) {
    if (this == table) {
      throw new IllegalStateException("a table is not written from a tree");
    }
    return this == json ? Output.prettyJson(tree) : KubeFedYaml.writeYaml(tree);
  }
}
