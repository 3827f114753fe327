package io.fleetfed.tekton;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.core.fleet.ResourceContexts;
import io.fleetfed.core.kubefed.FederatedCrds;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.model.ResourceType;
import java.net.HttpURLConnection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatch records: one FederatedTaskRun or FederatedPipelineRun per run in the host cluster, created before
 * the run, so that of every dispatcher racing for one run (threads, processes, fleets) exactly one creates it and
 * the others find it. It holds the run as its template, the chosen cluster as its placement, and the dispatch key.
 * Without a host cluster the records live in this process only.
 */
abstract class Records {
  static final String KEY = "fleetfed.io/dispatch-key";
  static final String REASON = "fleetfed.io/dispatch-reason";
  static final String FEDERATED_GROUP = "types.kubefed.io";

  /** A record: the dispatch key, the placement cluster, and the record itself. */
  record Record(String key, String cluster, ObjectNode object) {}

  /** Creates {@code record}; empty if one of that name exists already (then read it). */
  abstract boolean create(ResourceType runType, ObjectNode record);

  abstract Optional<Record> get(ResourceType runType, String namespace, String name);

  /** Moves the record to {@code cluster} (failover); false if it was changed meanwhile. */
  abstract boolean move(ResourceType runType, String namespace, String name, String from, String cluster,
      String reason);

  abstract void delete(ResourceType runType, String namespace, String name);

  static ObjectNode record(ObjectMapper json, ResourceType runType, ObjectNode run, String key, String cluster,
      String reason) {
    ObjectNode r = json.createObjectNode();
    r.put("apiVersion", FEDERATED_GROUP + "/v1beta1");
    r.put("kind", "Federated" + runType.kind());
    ObjectNode meta = r.putObject("metadata");
    meta.put("name", run.path("metadata").path("name").asText());
    meta.put("namespace", RunKind.namespace(run));
    meta.putObject("labels").put("fleetfed.io/dispatch", RunDispatcher.keyHash(key));
    ObjectNode annotations = meta.putObject("annotations");
    annotations.put(KEY, key);
    annotations.put(REASON, reason);
    ObjectNode spec = r.putObject("spec");
    spec.set("template", run.deepCopy());
    spec.putObject("placement").putArray("clusters").addObject().put("name", cluster);
    return r;
  }

  static Record parse(ObjectNode o) {
    String cluster = o.path("spec").path("placement").path("clusters").path(0).path("name").asText();
    return new Record(o.path("metadata").path("annotations").path(KEY).asText(), cluster, o);
  }

  /** Records in the host cluster, in the run's namespace. */
  static final class InHost extends Records {
    private static final Logger LOG = LoggerFactory.getLogger(InHost.class);
    private final KubernetesClient host;
    private final ObjectMapper json;
    private final Map<String, Boolean> ensured = new ConcurrentHashMap<>();

    InHost(KubernetesClient host, ObjectMapper json) {
      this.host = host;
      this.json = json;
    }

    private static ResourceDefinitionContext context(ResourceType runType) {
      return ResourceContexts.of(ResourceType.namespaced(FEDERATED_GROUP, "v1beta1", "Federated" + runType.kind(),
          "federated" + runType.plural()));
    }

    /** Creates the federated CRD when the host lacks it, as {@code fleetfed enable} would print it. */
    private void ensureCrd(ResourceType runType) {
      ensured.computeIfAbsent(runType.kind(), k -> {
        String name = "federated" + runType.plural() + "." + FEDERATED_GROUP;
        try {
          var crds = host.apiextensions().v1().customResourceDefinitions();
          if (crds.withName(name).get() == null) {
            ObjectNode crd = FederatedCrds.crd(TypeRegistry.standard().lookup(runType.plural()));
            crds.resource(json.convertValue(crd, CustomResourceDefinition.class)).create();
            LOG.info("created the CRD {} in the host cluster for dispatch records", name);
          }
        } catch (KubernetesClientException e) {
          if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
            throw new DispatchException("the host cluster has no CRD " + name + " for dispatch records and it "
                + "cannot be created (HTTP " + e.getCode() + "); run `fleetfed enable " + runType.plural()
                + " | kubectl apply -f -` on the host", e);
          }
        }
        return true;
      });
    }

    @Override
    boolean create(ResourceType runType, ObjectNode record) {
      ensureCrd(runType);
      try {
        host.genericKubernetesResources(context(runType)).inNamespace(record.path("metadata").path("namespace")
            .asText()).resource(json.convertValue(record, GenericKubernetesResource.class)).create();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
          return false;
        }
        throw new DispatchException("cannot write the dispatch record of " + runType.kind() + " "
            + record.path("metadata").path("namespace").asText() + "/" + record.path("metadata").path("name").asText()
            + " in the host cluster: HTTP " + e.getCode() + " " + e.getStatus().getMessage(), e);
      }
    }

    @Override
    Optional<Record> get(ResourceType runType, String namespace, String name) {
      ensureCrd(runType);
      GenericKubernetesResource o = host.genericKubernetesResources(context(runType)).inNamespace(namespace)
          .withName(name).get();
      return Optional.ofNullable(o).map(r -> parse(json.convertValue(r, ObjectNode.class)));
    }

    @Override
    boolean move(ResourceType runType, String namespace, String name, String from, String cluster, String reason) {
      var resource = host.genericKubernetesResources(context(runType)).inNamespace(namespace).withName(name);
      GenericKubernetesResource current = resource.get();
      if (current == null) {
        return false;
      }
      ObjectNode o = json.convertValue(current, ObjectNode.class);
      if (!parse(o).cluster().equals(from)) {
        return false;
      }
      ObjectNode spec = (ObjectNode) o.path("spec");
      spec.putObject("placement").putArray("clusters").addObject().put("name", cluster);
      ObjectNode annotations = (ObjectNode) o.path("metadata").path("annotations");
      annotations.put(REASON, reason);
      try {   // conditional on the resourceVersion read: a concurrent move wins, this one backs off
        host.genericKubernetesResources(context(runType)).inNamespace(namespace)
            .resource(json.convertValue(o, GenericKubernetesResource.class)).update();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
          return false;
        }
        throw e;
      }
    }

    @Override
    void delete(ResourceType runType, String namespace, String name) {
      try {
        host.genericKubernetesResources(context(runType)).inNamespace(namespace).withName(name).delete();
      } catch (KubernetesClientException e) {
        LOG.warn("cannot delete the dispatch record {}/{}: HTTP {}", namespace, name, e.getCode());
      }
    }
  }

  /** Records in this process only, for a fleet without a host cluster. */
  static final class InMemory extends Records {
    private final Map<String, ObjectNode> records = new ConcurrentHashMap<>();

    private static String id(ResourceType runType, String namespace, String name) {
      return runType.kind() + "/" + namespace + "/" + name;
    }

    @Override
    boolean create(ResourceType runType, ObjectNode record) {
      return records.putIfAbsent(id(runType, record.path("metadata").path("namespace").asText(),
          record.path("metadata").path("name").asText()), record.deepCopy()) == null;
    }

    @Override
    Optional<Record> get(ResourceType runType, String namespace, String name) {
      return Optional.ofNullable(records.get(id(runType, namespace, name))).map(o -> parse(o.deepCopy()));
    }

    @Override
    boolean move(ResourceType runType, String namespace, String name, String from, String cluster, String reason) {
      String id = id(runType, namespace, name);
      ObjectNode before = records.get(id);
      if (before == null || !parse(before).cluster().equals(from)) {
        return false;
      }
      ObjectNode after = before.deepCopy();
      ((ObjectNode) after.path("spec")).putObject("placement").putArray("clusters").addObject().put("name", cluster);
      ((ObjectNode) after.path("metadata").path("annotations")).put(REASON, reason);
      return records.replace(id, before, after);
    }

    @Override
    void delete(ResourceType runType, String namespace, String name) {
      records.remove(id(runType, namespace, name));
    }
  }
}
