package io.fleetfed.tekton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.kubefed.FederatedCrds;
import io.fleetfed.core.kubefed.TypeRegistry;
import io.fleetfed.core.model.ResourceType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run records: one FederatedTaskRun or FederatedPipelineRun per dispatch key in the host cluster, named after
 * the key (see {@link #name}) and created before the run, so that of every dispatcher racing for one key (threads,
 * processes, fleets, restarts) exactly one creates it and the others find it and follow its run. It holds the run
 * as its template, the chosen cluster as its placement and the dispatch key; when its run is deleted from that
 * cluster (pruned), how the run ended. Records of runs ended longer ago than the dispatcher's retention are
 * deleted, which frees their keys. Nothing is written to a record while its run goes on: a dispatch costs one
 * write in the host. Without a host cluster the records live in this process only.
 */
abstract class Records {
  static final String KEY = "fleetfed.io/dispatch-key";
  static final String REASON = "fleetfed.io/dispatch-reason";
  /** When the recorded run ended (RFC 3339), noted by a dispatcher that saw the run deleted from its member. */
  static final String ENDED = "fleetfed.io/ended-at";
  /** How the recorded run ended: its phase, reason and message, for a retry after the run was pruned. */
  static final String OUTCOME = "fleetfed.io/outcome";
  private static final int MAX_MESSAGE = 1024;
  static final String FEDERATED_GROUP = "types.kubefed.io";
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final int MAX_NAME = 253;
  private static final int READABLE_PREFIX = 40;

  /** A record: the dispatch key, the placement cluster, and the record itself. */
  record Record(String key, String cluster, ObjectNode object) {
    /** The recorded run's name. */
    String run() {
      return object.path("spec").path("template").path("metadata").path("name").asText();
    }

    /** When the run ended, if a dispatcher noted it (when it saw the run pruned). */
    Optional<Instant> ended() {
      return ended(object);
    }

    /** When the record was created, if the store says. */
    Optional<Instant> created() {
      return instant(object.path("metadata").path("creationTimestamp").asText());
    }

    static Optional<Instant> ended(ObjectNode record) {
      return instant(record.path("metadata").path("annotations").path(ENDED).asText());
    }

    private static Optional<Instant> instant(String rfc3339) {
      try {
        return rfc3339.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(rfc3339));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
  }

  /**
   * The name of the record of {@code key} in {@code namespace}, a function of the key alone: for a key
   * {@code namespace/name} (the default key of a named run) that name; else the key itself when it is a valid
   * object name; else a readable prefix of the key and a hash of it, such as {@code ci-build-4711-3fa9c0d1e2} for
   * {@code "CI/build #4711"}.
   */
  static String name(String key, String namespace) {
    String own = key.startsWith(namespace + "/") ? key.substring(namespace.length() + 1) : key;
    if (own.length() <= MAX_NAME && SUBDOMAIN.matcher(own).matches()) {
      return own;
    }
    String readable = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    readable = readable.substring(0, Math.min(readable.length(), READABLE_PREFIX)).replaceAll("^-+|-+$", "");
    String hash = RunDispatcher.keyHash(key);
    return readable.isEmpty() ? "dispatch-" + hash : readable + "-" + hash;
  }

  /** Creates {@code record}; false if one of that name exists already (then read it). */
  abstract boolean create(ResourceType runType, ObjectNode record);

  /** The record named {@code name} (see {@link #name}). */
  abstract Optional<Record> get(ResourceType runType, String namespace, String name);

  /** Moves the record to {@code cluster} (failover); false if it was changed meanwhile. */
  abstract boolean move(ResourceType runType, String namespace, String name, String from, String cluster,
      String reason);

  abstract void delete(ResourceType runType, String namespace, String name);

  /**
   * Notes on the record named {@code name} that its run {@code run}, on {@code cluster}, ended {@code at} as
   * {@code outcome} and is gone from there; does nothing if the record holds another run, places it elsewhere (a
   * copy left behind by a move was deleted) or noted it already.
   */
  abstract void notePruned(ResourceType runType, String namespace, String name, String cluster, String run,
      Instant at, Outcome outcome);

  /** Whether {@code record} is of run {@code run} on {@code cluster} and has no note of its end yet. */
  static boolean awaitsNote(ObjectNode record, String cluster, String run) {
    Record r = parse(record);
    return r.cluster().equals(cluster) && r.run().equals(run) && r.ended().isEmpty();
  }

  /**
   * Deletes the records of runs that ended before {@code cutoff} (in every namespace this dispatcher may list),
   * freeing their keys; {@code endedAt} tells when a record's run ended (from its note, or its member), empty if
   * it has not or cannot be known. Returns how many were deleted.
   */
  abstract int expire(ResourceType runType, Instant cutoff, Function<Record, Optional<Instant>> endedAt);

  /** How a recorded run ended, as noted on its record. */
  record Outcome(RunPhase phase, String reason, String message) {}

  /** The annotations noting that the run ended {@code at} as {@code outcome}. */
  static ObjectNode endedAnnotations(ObjectMapper json, Instant at, Outcome outcome) {
    ObjectNode a = json.createObjectNode();
    a.put(ENDED, at.toString());
    String message = outcome.message();
    ObjectNode o = json.createObjectNode().put("phase", outcome.phase().name()).put("reason", outcome.reason())
        .put("message", message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message);
    a.put(OUTCOME, o.toString());
    return a;
  }

  /** The outcome noted on {@code record}; FAILED with reason {@code OutcomeUnknown} when it cannot be read. */
  static Outcome outcome(ObjectMapper json, ObjectNode record) {
    try {
      JsonNode o = json.readTree(record.path("metadata").path("annotations").path(OUTCOME).asText("{}"));
      return new Outcome(RunPhase.valueOf(o.path("phase").asText()), o.path("reason").asText(),
          o.path("message").asText());
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return new Outcome(RunPhase.FAILED, "OutcomeUnknown", "its outcome was not recorded readably");
    }
  }

  static ObjectNode record(ObjectMapper json, ResourceType runType, ObjectNode run, String key, String cluster,
      String reason) {
    ObjectNode r = json.createObjectNode();
    r.put("apiVersion", FEDERATED_GROUP + "/v1beta1");
    r.put("kind", "Federated" + runType.kind());
    ObjectNode meta = r.putObject("metadata");
    meta.put("name", name(key, RunKind.namespace(run)));
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
    /** How long a new record CRD may take to be served. */
    private static final Duration SERVED_TIMEOUT = Duration.ofSeconds(30);
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
            // a real API server serves the new kind only once the CRD is established (404 until then)
            host.awaitServed(recordType(runType), namespace, SERVED_TIMEOUT);
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
        // in the run's namespace, which the host need not have (a real API server refuses objects in a namespace
        // that does not exist): created with the record, as KubeFed's federated objects need it there anyway
        host.createWithNamespace(recordType(runType), json.convertValue(record, GenericKubernetesResource.class));
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

    @Override
    void notePruned(ResourceType runType, String namespace, String name, String cluster, String run, Instant at,
        Outcome outcome) {
      try {
        Optional<GenericKubernetesResource> current = host.get(recordType(runType), namespace, name);
        if (current.isEmpty()) {
          return;
        }
        ObjectNode o = json.convertValue(current.get(), ObjectNode.class);
        if (!awaitsNote(o, cluster, run)) {
          return;
        }
        ((ObjectNode) o.path("metadata").path("annotations")).setAll(endedAnnotations(json, at, outcome));
        host.update(recordType(runType), json.convertValue(o, GenericKubernetesResource.class));
      } catch (ClusterRequestException e) {
        // a concurrent note (conflict) says the same; else a retry of the key after the run's retention may run
        // it again
        if (!e.isConflict()) {
          LOG.warn("cannot note on the dispatch record {}/{} that its run ended: {}", namespace, name,
              e.getMessage());
        }
      }
    }

    @Override
    int expire(ResourceType runType, Instant cutoff, Function<Record, Optional<Instant>> endedAt) {
      List<GenericKubernetesResource> all;
      try {
        all = host.list(recordType(runType), "", Map.of());
      } catch (ClusterRequestException e) {
        if (e.isNotFound()) {
          return 0;   // the host has no CRD for such records: nothing was ever recorded
        }
        throw e;
      }
      int deleted = 0;
      for (GenericKubernetesResource r : all) {
        ObjectNode o = json.convertValue(r, ObjectNode.class);
        boolean ours = o.path("metadata").path("annotations").has(KEY);   // not a FederatedTaskRun of KubeFed's
        if (ours && endedAt.apply(parse(o)).filter(at -> at.isBefore(cutoff)).isPresent()
            && host.delete(recordType(runType), r.getMetadata().getNamespace(), r.getMetadata().getName())) {
          deleted++;
        }
      }
      return deleted;
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
      ObjectNode stored = record.deepCopy();
      ((ObjectNode) stored.path("metadata")).put("creationTimestamp", Instant.now().toString());
      return records.putIfAbsent(id(runType, record.path("metadata").path("namespace").asText(),
          record.path("metadata").path("name").asText()), stored) == null;
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

    @Override
    void notePruned(ResourceType runType, String namespace, String name, String cluster, String run, Instant at,
        Outcome outcome) {
      ObjectNode annotations = endedAnnotations(new ObjectMapper(), at, outcome);
      records.computeIfPresent(id(runType, namespace, name), (id, r) -> {
        if (!awaitsNote(r, cluster, run)) {
          return r;
        }
        ObjectNode after = r.deepCopy();
        ((ObjectNode) after.path("metadata").path("annotations")).setAll(annotations);
        return after;
      });
    }

    @Override
    int expire(ResourceType runType, Instant cutoff, Function<Record, Optional<Instant>> endedAt) {
      int before = records.size();
      records.entrySet().removeIf(e -> e.getKey().startsWith(runType.kind() + "/")
          && endedAt.apply(parse(e.getValue())).filter(at -> at.isBefore(cutoff)).isPresent());
      return before - records.size();
    }
  }
}
