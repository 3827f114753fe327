package io.fleetfed.core.fleet.internal.members;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.render.ManagedMetadata;
import io.fleetfed.core.status.ResourceKey;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether a member object is fleetfed's own copy, which fleetfed may update, delete or orphan. Its label, its
 * annotations and its identity must agree: it is labelled {@code fleetfed.io/managed: "true"}, its
 * {@code fleetfed.io/source} names a federated object of its own kind, namespace and name (as rendering writes
 * it: {@code Federated<Kind>/<namespace>/<name>}), and its {@code fleetfed.io/hash} is a hash as rendering writes
 * it (64 lowercase hex digits). An object another tool labelled by hand, or whose annotations were copied from
 * another object, fails one of these and is left alone.
 */
public final class Ownership {
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
  /** How much of a value read from the cluster an explanation quotes. */
  private static final int QUOTED = 80;

  private Ownership() {}

  /** Whether {@code o} is fleetfed's copy of the federated object {@code key}. */
  public static boolean isCopyOf(GenericKubernetesResource o, ResourceKey key) {
    return key.toString().equals(annotation(o, ManagedMetadata.SOURCE_ANNOTATION)) && whyNotOurs(o).isEmpty();
  }

  /**
   * Why {@code o} is not fleetfed's copy of any federated object, or empty when it is one; the reason names the
   * label or annotation that disagrees, for people.
   */
  public static Optional<String> whyNotOurs(GenericKubernetesResource o) {
    Map<String, String> labels = o.getMetadata().getLabels();
    if (labels == null || !"true".equals(labels.get(ManagedMetadata.MANAGED_LABEL))) {
      return Optional.of("it is not labelled " + ManagedMetadata.MANAGED_LABEL + ": \"true\"");
    }
    String source = annotation(o, ManagedMetadata.SOURCE_ANNOTATION);
    if (source == null) {
      return Optional.of("it has fleetfed's label but no " + ManagedMetadata.SOURCE_ANNOTATION + " annotation");
    }
    Optional<ResourceKey> key = ResourceKey.parse(source);
    if (key.isEmpty()) {
      return Optional.of("its " + ManagedMetadata.SOURCE_ANNOTATION + " " + quote(source)
          + " does not name a federated object");
    }
    if (!key.get().equals(sourceOf(o))) {
      return Optional.of("its " + ManagedMetadata.SOURCE_ANNOTATION + " " + quote(source) + " names another object"
          + " than this one (" + sourceOf(o) + ")");
    }
    String hash = annotation(o, ManagedMetadata.HASH_ANNOTATION);
    if (hash == null || !HASH.matcher(hash).matches()) {
      return Optional.of("its " + ManagedMetadata.HASH_ANNOTATION + " is " + (hash == null ? "missing"
          : quote(hash) + ", not a hash fleetfed writes"));
    }
    return Optional.empty();
  }

  /**
   * The source annotation fleetfed writes on a copy of {@code o}'s kind, namespace and name. A Namespace's
   * federated object lives in the namespace it propagates, so its source is {@code FederatedNamespace/<n>/<n>}.
   */
  private static ResourceKey sourceOf(GenericKubernetesResource o) {
    String name = o.getMetadata().getName() == null ? "" : o.getMetadata().getName();
    String ns = o.getMetadata().getNamespace();
    if ("Namespace".equals(o.getKind())) {
      ns = name;
    }
    return new ResourceKey("Federated" + o.getKind(), ns == null || ns.isEmpty() ? Optional.empty() : Optional.of(ns),
        name);
  }

  /** {@code o}'s annotation {@code name}, or null. */
  private static String annotation(GenericKubernetesResource o, String name) {
    Map<String, String> annotations = o.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(name);
  }

  private static String quote(String value) {
    String shown = value.length() <= QUOTED ? value : value.substring(0, QUOTED) + "…";
    return "\"" + shown.replaceAll("\\p{Cntrl}", "?") + "\"";
  }
}
