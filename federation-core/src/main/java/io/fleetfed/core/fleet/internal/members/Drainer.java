package io.fleetfed.core.fleet.internal.members;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.cluster.DrainResult;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.core.render.ManagedMetadata;
import io.fleetfed.core.status.ClusterAction;
import io.fleetfed.core.status.ClusterOutcome;
import io.fleetfed.core.status.PropagationResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drains a member: after the engine has removed what this fleet tracks there, deletes every other object fleetfed
 * manages on it (labelled {@code fleetfed.io/managed=true} with a source annotation: other fleets' copies, or a
 * restarted fleet's), of every type that may hold one. Namespaces are kept: deleting one deletes everything in it,
 * managed or not.
 */
public final class Drainer {
  private static final Map<String, String> MANAGED = Map.of(ManagedMetadata.MANAGED_LABEL, "true");

  private Drainer() {}

  /**
   * Finishes draining {@code m}.
   *
   * @param synced what the engine's sync of every tracked object did
   * @param known the types fleetfed knows may hold managed objects (cached ones and the registry's); whatever the
   *     member serves is added from discovery
   */
  public static DrainResult drain(Member m, List<PropagationResult> synced, List<ResourceType> known) {
    List<DrainResult.Problem> problems = new ArrayList<>();
    int removed = 0;
    for (PropagationResult r : synced) {
      ClusterOutcome o = r.clusters().get(m.name());
      if (o != null && o.action() == ClusterAction.DELETED) {
        removed++;
      } else if (o != null && !o.isOk()) {
        problems.add(new DrainResult.Problem(DrainResult.Reason.NOT_REMOVED, r.key().toString(), r.key() + ": " + o));
      }
    }
    if (!m.ready()) {
      problems.add(new DrainResult.Problem(DrainResult.Reason.CLUSTER_NOT_READY, m.name(), "cluster " + m.name()
          + " is " + m.health() + ": its objects are removed when it is back"));
      return new DrainResult(m.name(), removed, problems);
    }
    for (ResourceType type : managedTypes(m, known, problems)) {
      if (type.isNamespace()) {
        continue;   // namespaces are kept: deleting one deletes everything in it, managed or not
      }
      try {
        for (GenericKubernetesResource o : m.client().list(type, "", MANAGED)) {
          Map<String, String> annotations = o.getMetadata().getAnnotations();
          if (annotations == null || !annotations.containsKey(ManagedMetadata.SOURCE_ANNOTATION)) {
            continue;
          }
          String ns = o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace();
          if (m.client().delete(type, ns, o.getMetadata().getName())) {
            removed++;
          }
        }
      } catch (ClusterRequestException e) {
        if (!e.isNotFound()) {
          String subject = type.plural() + "." + type.group();
          problems.add(new DrainResult.Problem(DrainResult.Reason.TYPE_NOT_DRAINED, subject, "cannot remove "
              + subject + ": " + e.getMessage()));
        }
      }
    }
    return new DrainResult(m.name(), removed, problems);
  }

  /** Every type that may hold managed objects on {@code m}: the known ones and whatever the member serves. */
  private static List<ResourceType> managedTypes(Member m, List<ResourceType> known,
      List<DrainResult.Problem> problems) {
    Map<String, ResourceType> types = new LinkedHashMap<>();
    for (ResourceType t : known) {
      types.putIfAbsent(t.group() + "/" + t.version() + "/" + t.plural(), t);
    }
    try {
      for (ResourceType t : m.client().servedTypes()) {
        types.putIfAbsent(t.group() + "/" + t.version() + "/" + t.plural(), t);
      }
    } catch (ClusterRequestException e) {
      problems.add(new DrainResult.Problem(DrainResult.Reason.DISCOVERY_FAILED, m.name(), "cannot discover the "
          + "types " + m.name() + " serves (" + e.getMessage() + "); only fleetfed's known types were drained"));
    }
    return List.copyOf(types.values());
  }
}
