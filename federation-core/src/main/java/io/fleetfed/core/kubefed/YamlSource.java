package io.fleetfed.core.kubefed;

import java.util.Objects;

/**
 * YAML text and the name to call it by in messages (usually its file name).
 *
 * @param name what messages call the source, such as {@code "deploy.yaml"} or {@code "<stdin>"}
 * @param content the YAML text, one or more documents
 */
public record YamlSource(String name, String content) {
  /** Checks for null. */
  public YamlSource {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(content, "content");
  }
}
