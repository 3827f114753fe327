package io.fleetfed.core.fleet.internal.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.fleet.internal.apply.CopySync;
import io.fleetfed.core.fleet.internal.members.Member;
import io.fleetfed.core.fleet.internal.plan.Plan;
import io.fleetfed.core.internal.Json;
import io.fleetfed.core.render.ManagedMetadata;
import io.fleetfed.core.status.CopyReport;
import io.fleetfed.core.status.PropagationStatus;
import io.fleetfed.core.status.ResourceKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What each cluster holds of a federated object now, read from the clusters without writing ({@link CopyReport}). */
public final class Inspector {
  private Inspector() {}

  /** One report per member the plan places the object on, or that holds a copy, or that stands in the way. */
  public static List<CopyReport> inspect(Plan plan, Collection<Member> members) {
    ResourceKey key = ResourceKey.of(plan.resource());
    List<CopyReport> reports = new ArrayList<>();
    for (Member m : members.stream().sorted(Comparator.comparing(Member::name)).toList()) {
      Optional<Plan.Desired> desired = plan.desired(m.name());
      boolean placed = plan.placed().containsKey(m.name());
      Optional<GenericKubernetesResource> copy = Optional.empty();
      Optional<PropagationStatus> problem = Optional.empty();
      if (m.ready()) {
        try {
          copy = m.client().get(plan.type(), plan.namespace(), plan.name());
        } catch (ClusterRequestException e) {
          problem = Optional.of(PropagationStatus.RETRIEVAL_FAILED);
        }
      } else if (placed) {
        problem = Optional.of(PropagationStatus.CLUSTER_NOT_READY);
      }
      boolean ours = copy.filter(o -> CopySync.isOurs(o, key)).isPresent();
      if (copy.isPresent() && !ours && placed) {
        Map<String, String> labels = copy.get().getMetadata().getLabels();
        problem = Optional.of(labels != null && "false".equals(labels.get(ManagedMetadata.MANAGED_LABEL))
            ? PropagationStatus.MANAGED_LABEL_FALSE : PropagationStatus.ALREADY_EXISTS);
      }
      boolean upToDate = ours && desired != null && desired.isPresent()
          && desired.get().hash().equals(CopySync.hash(copy.get()));
      Optional<JsonNode> remote = copy.filter(o -> ours).map(o -> o.getAdditionalProperties().get("status"))
          .map(s -> Json.MAPPER.valueToTree(s));
      if (placed || ours || problem.isPresent()) {
        reports.add(new CopyReport(m.name(), m.health(), placed, ours, upToDate, problem, remote));
      }
    }
    return reports;
  }
}
