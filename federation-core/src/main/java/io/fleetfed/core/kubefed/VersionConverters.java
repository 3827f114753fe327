package io.fleetfed.core.kubefed;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.internal.Nulls;
import io.fleetfed.core.model.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The {@link VersionConverter}s a fleet converts with: an immutable list, looked up by group, kind and versions.
 *
 * <pre>{@code
 * VersionConverters converters = VersionConverters.standard();   // every converter on the classpath
 * ObjectNode v1beta1 = converters.convert(taskRunV1, "v1beta1");  // tekton.dev/v1 → tekton.dev/v1beta1
 * converters.converts(TektonTypes.TASK_RUN, "v1beta1");          // true with federation-tekton
 * }</pre>
 */
public final class VersionConverters {
  private static final VersionConverters NONE = new VersionConverters(List.of());

  private final List<VersionConverter> converters;

  private VersionConverters(List<VersionConverter> converters) {
    this.converters = List.copyOf(Nulls.noNulls(converters, "converters"));
  }

  /** No converters: a member that does not serve a copy's version gets none. */
  public static VersionConverters none() {
    return NONE;
  }

  /**
   * The converters of every {@link VersionConverter} found by {@link ServiceLoader} with the context class loader
   * (Tekton's {@code v1beta1} ↔ {@code v1} when {@code federation-tekton} is on the classpath).
   */
  public static VersionConverters standard() {
    List<VersionConverter> found = new ArrayList<>();
    ServiceLoader.load(VersionConverter.class).forEach(found::add);
    return new VersionConverters(found);
  }

  /** These converters and {@code more}; for a kind and pair of versions two of them convert, the later wins. */
  public VersionConverters with(VersionConverter... more) {
    List<VersionConverter> all = new ArrayList<>(converters);
    for (VersionConverter c : more) {
      all.add(Objects.requireNonNull(c, "converter"));
    }
    return new VersionConverters(all);
  }

  /** The converters, in the order they are consulted (the last that fits is used). */
  public List<VersionConverter> all() {
    return converters;
  }

  /** Whether objects of {@code type} (at its version) can be converted to {@code toVersion}; always for its own. */
  public boolean converts(ResourceType type, String toVersion) {
    return type.version().equals(toVersion) || find(type.group(), type.kind(), type.version(), toVersion).isPresent();
  }

  private Optional<VersionConverter> find(String group, String kind, String from, String to) {
    for (int i = converters.size() - 1; i >= 0; i--) {
      VersionConverter c = converters.get(i);
      if (c.group().equals(group) && c.kinds().contains(kind) && c.versions().contains(from)
          && c.versions().contains(to)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /**
   * {@code object} at {@code toVersion} of its group: itself (a copy) when it is at that version already.
   *
   * @throws ConversionException if no converter converts its kind between the two versions, or a field has no
   *     equivalent in {@code toVersion}
   */
  public ObjectNode convert(ObjectNode object, String toVersion) {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(toVersion, "toVersion");
    String apiVersion = object.path("apiVersion").asText("");
    String group = ResourceType.groupOf(apiVersion);
    String from = apiVersion.substring(apiVersion.indexOf('/') + 1);
    if (from.equals(toVersion)) {
      return object.deepCopy();
    }
    String kind = object.path("kind").asText("");
    VersionConverter converter = find(group, kind, from, toVersion).orElseThrow(() -> new ConversionException(object,
        toVersion, "", "no converter is registered for " + kind + " between " + from + " and " + toVersion));
    ObjectNode converted = converter.convert(object, toVersion);
    String expected = group.isEmpty() ? toVersion : group + "/" + toVersion;
    if (!expected.equals(converted.path("apiVersion").asText()) || !kind.equals(converted.path("kind").asText())) {
      throw new ConversionException(object, toVersion, "", converter.getClass().getName() + " returned "
          + converted.path("apiVersion").asText("no apiVersion") + " " + converted.path("kind").asText("") + ", not "
          + expected + " " + kind);
    }
    return converted;
  }

  @Override
  public String toString() {
    return "VersionConverters" + converters.stream().map(c -> c.group() + c.kinds() + c.versions()).toList();
  }
}
