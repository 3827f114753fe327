package io.fleetfed.core.kubefed;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * Converts objects of some kinds of one API group between the versions of that group, so that a fleet can write a
 * member the version it serves when that is not the version a federated object's template names (a member still
 * on an older release, mid-upgrade). Contributed from any module through {@link java.util.ServiceLoader}, as
 * federated types are, and collected by {@link VersionConverters#standard()}.
 *
 * <p>Implement it and name the class in {@code META-INF/services/io.fleetfed.core.kubefed.VersionConverter}:
 *
 * <pre>{@code
 * public final class WidgetConversions implements VersionConverter {
 *   public String group() { return "example.com"; }
 *   public Set<String> kinds() { return Set.of("Widget"); }
 *   public Set<String> versions() { return Set.of("v1alpha1", "v1"); }
 *
 *   public ObjectNode convert(ObjectNode widget, String toVersion) {
 *     ObjectNode out = widget.deepCopy();
 *     out.put("apiVersion", group() + "/" + toVersion);
 *     if (toVersion.equals("v1alpha1") && out.path("spec").has("shards")) {
 *       throw new ConversionException(widget, toVersion, "spec.shards", "v1alpha1 has no shards");
 *     }
 *     return out;
 *   }
 * }
 * }</pre>
 *
 * <p>A converter is pure: no I/O, no state, thread-safe, with a public no-argument constructor. It converts the
 * whole object, {@code status} included (a run's status read back from a member is converted to the version the
 * caller reads). It never drops a field silently: a field that has no equivalent in the target version throws a
 * {@link ConversionException} naming it. Metadata (labels, annotations, fleetfed's hash) is carried over as it is.
 */
public interface VersionConverter {

  /** The API group of the kinds this converts, such as {@code tekton.dev}. */
  String group();

  /** The kinds it converts, such as {@code TaskRun}. */
  Set<String> kinds();

  /** The versions it converts between: any one of them to any other, such as {@code v1beta1} and {@code v1}. */
  Set<String> versions();

  /**
   * Converts {@code object} (of {@link #group()} at one of {@link #versions()}, of one of {@link #kinds()}) to
   * {@code toVersion}. The argument is not changed.
   *
   * @param object the whole object: apiVersion, kind, metadata, spec, status
   * @param toVersion one of {@link #versions()}
   * @return a new object whose {@code apiVersion} is {@code group/toVersion}
   * @throws ConversionException if a field has no equivalent in {@code toVersion}
   */
  ObjectNode convert(ObjectNode object, String toVersion);
}
