package io.fleetfed.tekton;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.fleet.ResourceContexts;
import io.fleetfed.core.model.ResourceType;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Tekton definitions (Tasks and Pipelines) and ServiceAccounts of one source cluster, kept by informers so that a
 * dispatch reads them without a request: every run of a CI server names the same few. (Secrets and ConfigMaps are
 * read when needed: a dispatcher keeps no copy of every Secret.) An informer is started on the first
 * read of its type; until it has listed, and for every other kind of object, reads go to the cluster.
 */
final class Definitions {
  private final KubernetesClient client;
  private final ObjectMapper json;
  private final Map<String, SharedIndexInformer<GenericKubernetesResource>> informers = new ConcurrentHashMap<>();

  Definitions(KubernetesClient client, ObjectMapper json) {
    this.client = client;
    this.json = json;
  }

  static boolean cached(ResourceType type) {
    return type.equals(BuiltInTypes.SERVICE_ACCOUNTS) || type.group().equals(TektonTypes.GROUP)
        && type.isNamespaced() && (type.kind().equals("Task") || type.kind().equals("Pipeline"));
  }

  /** The object from the informer once it has listed; empty if it has not (read the cluster then). */
  Optional<Optional<ObjectNode>> get(ResourceType type, String namespace, String name) {
    SharedIndexInformer<GenericKubernetesResource> informer = informers.computeIfAbsent(type.apiVersion() + "/"
        + type.kind(), k -> {
          SharedIndexInformer<GenericKubernetesResource> i =
              client.genericKubernetesResources(ResourceContexts.of(type)).inAnyNamespace().runnableInformer(0);
          i.start();
          return i;
        });
    if (!informer.hasSynced()) {
      return Optional.empty();
    }
    return Optional.of(Optional.ofNullable(informer.getStore().getByKey(namespace + "/" + name))
        .map(o -> json.convertValue(o, ObjectNode.class)));
  }

  void close() {
    informers.values().forEach(SharedIndexInformer::close);
    informers.clear();
  }
}
