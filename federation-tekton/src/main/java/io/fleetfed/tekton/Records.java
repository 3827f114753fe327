package io.fleetfed.tekton;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.kubefed.FederatedCrds;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.model.ResourceType;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run records: one FederatedTaskRun or FederatedPipelineRun per dispatched run in the host cluster, created
 * before the run, so that of every dispatcher racing for one run (threads, processes, fleets) exactly one creates
 * it and the others find it. It holds the run as its template, the chosen cluster as its placement, and the
 * dispatch key. Without a host cluster the records live in this process only.
 */
abstract class Records {
  static final String KEY = "fleetfed.io/dispatch-key";
  static final String REASON = "fleetfed.io/dispatch-reason";
  static final String FEDERATED_GROUP = "types.kubefed.io";

  /** A record: the dispatch key, the placement cluster, and the record itself. */
  record Record(String key, String cluster, ObjectNode object) {}

  /** Creates {@code record}; false if one of that name exists already (then read it). */
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
    meta.putObject("labels").put(RunDispatcher.DISPATCH_LABEL, RunDispatcher.keyHash(key));
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

  /** The record's type for runs of {@code runType}. */
  static ResourceType recordType(ResourceType runType) {
    return ResourceType.namespaced(FEDERATED_GROUP, "v1beta1", "Federated" + runType.kind(),
        "federated" + runType.plural());
  }

  /** Records in the host cluster, in the run's namespace, reached through the fleet's host client. */
  static final class InHost extends Records {
    private static final Logger LOG = LoggerFactory.getLogger(InHost.class);
    private static final ResourceType CRDS = ResourceType.cluster("apiextensions.k8s.io", "v1",
        "CustomResourceDefinition", "customresourcedefinitions");
    private final ClusterClient host;
    private final ObjectMapper json;
    private final Map<String, Boolean> ensured = new ConcurrentHashMap<>();

    InHost(ClusterClient host, ObjectMapper json) {
      this.host = host;
      this.json = json;
    }

    private static DispatchException failure(String what, ResourceType runType, String namespace, String name,
        ClusterRequestException e) {
      return new DispatchException(what + ": " + e.getMessage(), runType.kind(), namespace, name,
          Optional.of(e.cluster()), e);
    }

    /** Creates the federated CRD when the host lacks it, as {@code fleetfed enable} would print it. */
    private void ensureCrd(ResourceType runType, String namespace, String name) {
      ensured.computeIfAbsent(runType.kind(), k -> {
        String crdName = "federated" + runType.plural() + "." + FEDERATED_GROUP;
        try {
          if (host.get(CRDS, "", crdName).isEmpty()) {
            ObjectNode crd = FederatedCrds.crd(TypeRegistry.standard().lookup(runType.plural()));
            host.create(CRDS, json.convertValue(crd, GenericKubernetesResource.class));
            LOG.info("created the CRD {} in the host cluster for dispatch records", crdName);
          }
        } catch (ClusterRequestException e) {
          if (!e.isConflict()) {
            throw failure("the host cluster has no CRD " + crdName + " for dispatch records and it cannot be "
                + "created; run `fleetfed enable " + runType.plural() + " | kubectl apply -f -` on the host",
                runType, namespace, name, e);
          }
        }
        return true;
      });
    }

    @Override
    boolean create(ResourceType runType, ObjectNode record) {
      String namespace = record.path("metadata").path("namespace").asText();
      String name = record.path("metadata").path("name").asText();
      ensureCrd(runType, namespace, name);
      try {
        host.create(recordType(runType), json.convertValue(record, GenericKubernetesResource.class));
        return true;
      } catch (ClusterRequestException e) {
        if (e.isConflict()) {
          return false;
        }
        throw failure("cannot write the dispatch record of " + runType.kind() + " " + namespace + "/" + name
            + " in the host cluster", runType, namespace, name, e);
      }
    }

    @Override
    Optional<Record> get(ResourceType runType, String namespace, String name) {
      ensureCrd(runType, namespace, name);
      try {
        return host.get(recordType(runType), namespace, name)
            .map(r -> parse(json.convertValue(r, ObjectNode.class)));
      } catch (ClusterRequestException e) {
        throw failure("cannot read the dispatch record of " + runType.kind() + " " + namespace + "/" + name
            + " from the host cluster", runType, namespace, name, e);
      }
    }

    @Override
    boolean move(ResourceType runType, String namespace, String name, String from, String cluster, String reason) {
      Optional<GenericKubernetesResource> current = host.get(recordType(runType), namespace, name);
      if (current.isEmpty()) {
        return false;
      }
      ObjectNode o = json.convertValue(current.get(), ObjectNode.class);
      if (!parse(o).cluster().equals(from)) {
        return false;
      }
      ObjectNode spec = (ObjectNode) o.path("spec");
      spec.putObject("placement").putArray("clusters").addObject().put("name", cluster);
      ObjectNode annotations = (ObjectNode) o.path("metadata").path("annotations");
      annotations.put(REASON, reason);
      try {   // conditional on the resourceVersion read: a concurrent move wins, this one backs off
        host.update(recordType(runType), json.convertValue(o, GenericKubernetesResource.class));
        return true;
      } catch (ClusterRequestException e) {
        if (e.isConflict()) {
          return false;
        }
        throw failure("cannot move the dispatch record of " + runType.kind() + " " + namespace + "/" + name
            + " to " + cluster, runType, namespace, name, e);
      }
    }

    @Override
    void delete(ResourceType runType, String namespace, String name) {
      try {
        host.delete(recordType(runType), namespace, name);
      } catch (ClusterRequestException e) {
        LOG.warn("cannot delete the dispatch record {}/{}: {}", namespace, name, e.getMessage());
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
