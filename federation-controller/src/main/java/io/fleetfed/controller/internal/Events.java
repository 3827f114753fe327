package io.fleetfed.controller.internal;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.model.ResourceType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kubernetes Events on the objects the controller works on, as KubeFed's controllers record them. */
final class Events {
  static final ResourceType EVENTS = ResourceType.namespaced("", "v1", "Event", "events");
  static final String COMPONENT = "fleetfed-controller";
  private static final Logger LOG = LoggerFactory.getLogger(Events.class);

  private final ClusterClient host;
  private final String fallbackNamespace;

  Events(ClusterClient host, String fallbackNamespace) {
    this.host = host;
    this.fallbackNamespace = fallbackNamespace;
  }

  void normal(GenericKubernetesResource about, String reason, String message) {
    record(about, "Normal", reason, message);
  }

  void warning(GenericKubernetesResource about, String reason, String message) {
    record(about, "Warning", reason, message);
  }

  /** Records an Event; a failure to record one is logged, never thrown (events are best effort, as in KubeFed). */
  private void record(GenericKubernetesResource about, String type, String reason, String message) {
    String ns = about.getMetadata().getNamespace();
    String namespace = ns == null || ns.isEmpty() ? fallbackNamespace : ns;
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    Map<String, Object> involved = new LinkedHashMap<>();
    involved.put("apiVersion", about.getApiVersion());
    involved.put("kind", about.getKind());
    involved.put("name", about.getMetadata().getName());
    if (ns != null && !ns.isEmpty()) {
      involved.put("namespace", ns);
    }
    if (about.getMetadata().getUid() != null) {
      involved.put("uid", about.getMetadata().getUid());
    }
    GenericKubernetesResource event = new GenericKubernetesResource();
    event.setApiVersion("v1");
    event.setKind("Event");
    event.setMetadata(new ObjectMetaBuilder().withGenerateName(about.getMetadata().getName() + ".")
        .withNamespace(namespace).build());
    event.setAdditionalProperty("involvedObject", involved);
    event.setAdditionalProperty("type", type);
    event.setAdditionalProperty("reason", reason);
    event.setAdditionalProperty("message", message.length() > 1024 ? message.substring(0, 1021) + "..." : message);
    event.setAdditionalProperty("source", Map.of("component", COMPONENT));
    event.setAdditionalProperty("reportingComponent", COMPONENT);
    event.setAdditionalProperty("firstTimestamp", now);
    event.setAdditionalProperty("lastTimestamp", now);
    event.setAdditionalProperty("count", 1);
    try {
      host.create(EVENTS, event);
    } catch (ClusterRequestException e) {
      LOG.debug("cannot record event {} on {}: {}", reason, about.getMetadata().getName(), e.getMessage());
    }
  }
}
