package io.fleetfed.tekton;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ObjectWatch;
import io.fleetfed.core.cluster.WatchHandler;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.ResourceType;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Tekton definitions (Tasks and Pipelines) and ServiceAccounts of one source cluster, kept by watches so that a
 * dispatch reads them without a request: every run of a CI server names the same few. (Secrets and ConfigMaps are
 * read when needed: a dispatcher keeps no copy of every Secret.) A watch is started on the first read of its type;
 * until it has listed, and for every other kind of object, reads go to the cluster.
 */
final class Definitions {
  private final ClusterClient client;
  private final ObjectMapper json;
  private final Map<String, ObjectWatch> watches = new ConcurrentHashMap<>();

  Definitions(ClusterClient client, ObjectMapper json) {
    this.client = client;
    this.json = json;
  }

  static boolean cached(ResourceType type) {
    return type.equals(BuiltInTypes.SERVICE_ACCOUNTS) || type.group().equals(TektonTypes.GROUP)
        && type.isNamespaced() && (type.kind().equals("Task") || type.kind().equals("Pipeline"));
  }

  /** The object from the watch once it has listed; empty if it has not (read the cluster then). */
  Optional<Optional<ObjectNode>> get(ResourceType type, String namespace, String name) {
    ObjectWatch watch = watches.computeIfAbsent(type.apiVersion() + "/" + type.kind(),
        k -> client.watch(type, Map.of(), Map.of(), WatchHandler.NONE));
    if (!watch.synced()) {
      return Optional.empty();
    }
    return Optional.of(watch.get(namespace, name).map(o -> json.convertValue(o, ObjectNode.class)));
  }

  void close() {
    watches.values().forEach(ObjectWatch::close);
    watches.clear();
  }
}
