package io.fleetfed.core.fleet.internal.members;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fleetfed.core.FederationException;
import io.fleetfed.core.cluster.ClusterClient;
import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.cluster.ClusterRequestException;
import io.fleetfed.core.cluster.UnjoinResult;
import io.fleetfed.core.kubefed.BuiltInTypes;
import io.fleetfed.core.model.ResourceType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fleet membership kept in the host cluster the way KubeFed keeps it, so that kubefedctl, a KubeFed host and
 * fleetfed see the same fleet: a {@code core.kubefed.io/v1beta1} KubeFedCluster per member plus a Secret with
 * the token of a dedicated ServiceAccount in the member (see kubefedctl join). Every request goes through the
 * {@link ClusterClient} seam.
 *
 * <p>fleetfed adds two annotations on the KubeFedCluster for its own state: {@value #CORDONED} and
 * {@value #DRAINED}.
 */
public final class Membership {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Membership.class);
  static final String GROUP = "core.kubefed.io";
  static final String CORDONED = "fleetfed.io/cordoned";
  static final String DRAINED = "fleetfed.io/drained";
  /** KubeFed's KubeFedCluster type. */
  public static final ResourceType KUBEFED_CLUSTERS = ResourceType.namespaced(GROUP, "v1beta1", "KubeFedCluster",
      "kubefedclusters");
  static final ResourceType CLUSTER_ROLE_BINDINGS = ResourceType.cluster("rbac.authorization.k8s.io", "v1",
      "ClusterRoleBinding", "clusterrolebindings");
  static final ResourceType CRDS = ResourceType.cluster("apiextensions.k8s.io", "v1", "CustomResourceDefinition",
      "customresourcedefinitions");
  private static final String TOKEN_TYPE = "kubernetes.io/service-account-token";
  private static final String SA_ANNOTATION = "kubernetes.io/service-account.name";
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  /** A member as the host records it; the token stays inside the client config. */
  public record Registered(String name, Map<String, String> labels, Config config, boolean cordoned,
      boolean drained, Optional<ClusterHealth> recorded) {}

  /** How many times an edit of a KubeFedCluster is tried when other writes keep coming between read and write. */
  private static final int EDIT_ATTEMPTS = 5;

  private final ClusterClient host;
  private final String namespace;

  public Membership(ClusterClient host, String namespace) {
    this.host = host;
    this.namespace = namespace;
  }

  public String namespace() {
    return namespace;
  }

  /**
   * The members registered in the host, with client configs built from their Secrets; none when the host does not
   * serve KubeFedClusters at all (KubeFed's CRDs are not installed: a list answers 404 only for a type not served).
   */
  public List<Registered> read(Config template) {
    List<Registered> members = new ArrayList<>();
    List<GenericKubernetesResource> registered;
    try {
      registered = host.list(KUBEFED_CLUSTERS, namespace, Map.of());
    } catch (ClusterRequestException e) {
      if (e.code() != ClusterRequestException.NOT_FOUND) {
        throw e;
      }
      LOG.debug("the host serves no {}/v1beta1 KubeFedCluster (KubeFed's CRDs are not installed): no members"
          + " registered there", GROUP);
      return members;
    }
    for (GenericKubernetesResource kfc : registered) {
      try {
        members.add(registered(kfc, template));
      } catch (FederationException e) {
        // one broken registration must not make the fleet, or unjoining it, impossible
        LOG.warn("skipping member: {}", e.getMessage());
      }
    }
    return members;
  }

  /** The member {@code name} as registered in the host, if it is. */
  public Optional<Registered> read(String name, Config template) {
    return host.get(KUBEFED_CLUSTERS, namespace, name).map(kfc -> registered(kfc, template));
  }

  @SuppressWarnings("unchecked")
  private Registered registered(GenericKubernetesResource kfc, Config template) {
    String name = kfc.getMetadata().getName();
    Map<String, Object> spec = (Map<String, Object>) kfc.getAdditionalProperties().getOrDefault("spec", Map.of());
    String endpoint = (String) spec.get("apiEndpoint");
    if (endpoint == null || endpoint.isEmpty()) {
      throw new FederationException("KubeFedCluster " + namespace + "/" + name + " in the host cluster has no "
          + "spec.apiEndpoint");
    }
    Map<String, Object> secretRef = (Map<String, Object>) spec.getOrDefault("secretRef", Map.of());
    String secretName = (String) secretRef.get("name");
    if (secretName == null || secretName.isEmpty()) {
      // never fall back to other credentials: they would be the host's, sent to the member's endpoint
      throw new FederationException("KubeFedCluster " + namespace + "/" + name + " in the host cluster has no "
          + "spec.secretRef.name: fleetfed reaches members only with the token in that Secret");
    }
    String tokenData = host.get(BuiltInTypes.SECRETS, namespace, secretName).map(s -> data(s).get("token"))
        .orElse(null);
    if (tokenData == null) {
      throw new FederationException("KubeFedCluster " + namespace + "/" + name + ": its Secret " + namespace + "/"
          + secretName + " is missing or has no data.token");
    }
    String token = new String(Base64.getDecoder().decode(tokenData), StandardCharsets.UTF_8).trim();
    List<String> disabled = (List<String>) spec.getOrDefault("disabledTLSValidations", List.of());
    // a fresh config: nothing of the host's (tokens, client certificates, exec plugins) may reach a member
    ConfigBuilder config = new ConfigBuilder(Config.empty()).withMasterUrl(endpoint).withOauthToken(token)
        .withRequestTimeout(template.getRequestTimeout()).withConnectionTimeout(template.getConnectionTimeout())
        .withTrustCerts(disabled.contains("*")).withCaCertData((String) spec.get("caBundle"));
    if (spec.get("proxyURL") instanceof String proxy && !proxy.isEmpty()) {
      config.withHttpsProxy(proxy).withHttpProxy(proxy);
    }
    Map<String, String> annotations = kfc.getMetadata().getAnnotations() == null
        ? Map.of() : kfc.getMetadata().getAnnotations();
    Map<String, String> labels = kfc.getMetadata().getLabels() == null ? Map.of() : kfc.getMetadata().getLabels();
    return new Registered(name, labels, config.build(), "true".equals(annotations.get(CORDONED)),
        "true".equals(annotations.get(DRAINED)), recorded(kfc));
  }

  /** A Secret's {@code data}, as the API server returns it (base64 values). */
  @SuppressWarnings("unchecked")
  private static Map<String, String> data(GenericKubernetesResource secret) {
    Object data = secret.getAdditionalProperties().get("data");
    return data instanceof Map<?, ?> map ? (Map<String, String>) map : Map.of();
  }

  private static GenericKubernetesResource generic(HasMetadata typed) {
    return JSON.convertValue(typed, GenericKubernetesResource.class);
  }

  /**
   * Joins a member: creates its ServiceAccount, token Secret and RBAC in the member (through {@code member}, with
   * admin credentials), then the host Secret and KubeFedCluster. Returns the member as registered, whose config
   * reaches it with the ServiceAccount's token.
   */
  public Registered join(String name, String hostName, ClusterClient member, Config memberAdmin,
      Map<String, String> labels, Duration tokenTimeout) {
    if (host.get(KUBEFED_CLUSTERS, namespace, name).isPresent()) {
      throw new FederationException("federated cluster " + name + " already exists in host cluster (KubeFedCluster "
          + namespace + "/" + name + "); unjoin it first");
    }
    String sa = name + "-" + hostName;
    ensureNamespace(member, namespace);
    if (member.get(BuiltInTypes.SERVICE_ACCOUNTS, namespace, sa).isEmpty()) {
      member.create(BuiltInTypes.SERVICE_ACCOUNTS, generic(new ServiceAccountBuilder().withNewMetadata()
          .withName(sa).withNamespace(namespace).endMetadata().withAutomountServiceAccountToken(false).build()));
    }
    if (member.get(BuiltInTypes.SECRETS, namespace, sa).isEmpty()) {
      member.create(BuiltInTypes.SECRETS, generic(new SecretBuilder().withNewMetadata().withName(sa)
          .withNamespace(namespace).addToAnnotations(SA_ANNOTATION, sa).endMetadata().withType(TOKEN_TYPE).build()));
    }
    String role = "kubefed-controller-manager:" + sa;
    createOrReplace(member, BuiltInTypes.CLUSTER_ROLES, generic(new ClusterRoleBuilder().withNewMetadata()
        .withName(role).endMetadata()
        .withRules(new PolicyRuleBuilder().withApiGroups("*").withResources("*").withVerbs("*").build(),
            new PolicyRuleBuilder().withNonResourceURLs("/healthz").withVerbs("get").build()).build()));
    createOrReplace(member, CLUSTER_ROLE_BINDINGS, generic(new ClusterRoleBindingBuilder().withNewMetadata()
        .withName(role).endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", role)
        .addNewSubject().withKind("ServiceAccount").withName(sa).withNamespace(namespace).endSubject().build()));
    GenericKubernetesResource tokenSecret;
    try {
      tokenSecret = member.await(BuiltInTypes.SECRETS, namespace, sa, s -> data(s).get("token") != null,
          tokenTimeout);
    } catch (ClusterRequestException e) {
      throw new FederationException("the member cluster " + name + " did not fill the token of Secret " + namespace
          + "/" + sa + " within " + tokenTimeout.toSeconds() + " s (is its token controller running?)", e);
    }
    Map<String, String> data = new LinkedHashMap<>();
    data.put("token", data(tokenSecret).get("token"));
    if (data(tokenSecret).get("ca.crt") != null) {
      data.put("ca.crt", data(tokenSecret).get("ca.crt"));
    }
    boolean newType = ensureKubeFedClusterCrd();
    ensureNamespace(host, namespace);
    GenericKubernetesResource hostSecret = host.create(BuiltInTypes.SECRETS, generic(new SecretBuilder()
        .withNewMetadata().withGenerateName(name + "-").withNamespace(namespace).endMetadata().withData(data)
        .build()));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("apiEndpoint", memberAdmin.getMasterUrl());
    String ca = memberAdmin.getCaCertData() != null ? memberAdmin.getCaCertData() : data.get("ca.crt");
    if (ca != null && !memberAdmin.isTrustCerts()) {
      spec.put("caBundle", ca);
    }
    spec.put("secretRef", Map.of("name", hostSecret.getMetadata().getName()));
    if (memberAdmin.isTrustCerts()) {
      spec.put("disabledTLSValidations", List.of("*"));
    }
    GenericKubernetesResource kubeFedCluster = new GenericKubernetesResourceBuilder()
        .withApiVersion(GROUP + "/v1beta1").withKind("KubeFedCluster").withNewMetadata().withName(name)
        .withNamespace(namespace).withLabels(labels).endMetadata().addToAdditionalProperties("spec", spec).build();
    createOnceServed(kubeFedCluster, newType, tokenTimeout);
    return read(name, memberAdmin).orElseThrow();
  }

  private static void createOrReplace(ClusterClient client, ResourceType type, GenericKubernetesResource object) {
    try {
      client.create(type, object);
    } catch (ClusterRequestException e) {
      if (!e.isConflict()) {
        throw e;
      }
      client.update(type, object);   // no resourceVersion: replaces whatever is there
    }
  }

  /**
   * Removes a member: its RBAC, ServiceAccount, token Secret and (unless it is the host's own) namespace in
   * the member when {@code member} is given, then the host Secret and KubeFedCluster.
   */
  public UnjoinResult unjoin(String name, String hostName, Optional<ClusterClient> member) {
    List<UnjoinResult.Leftover> left = new ArrayList<>();
    String sa = name + "-" + hostName;
    String role = "kubefed-controller-manager:" + sa;
    if (member.isPresent()) {
      ClusterClient m = member.get();
      attempt(left, name, "ClusterRoleBinding", role, () -> m.delete(CLUSTER_ROLE_BINDINGS, "", role));
      attempt(left, name, "ClusterRole", role, () -> m.delete(BuiltInTypes.CLUSTER_ROLES, "", role));
      attempt(left, name, "Secret", namespace + "/" + sa, () -> m.delete(BuiltInTypes.SECRETS, namespace, sa));
      attempt(left, name, "ServiceAccount", namespace + "/" + sa,
          () -> m.delete(BuiltInTypes.SERVICE_ACCOUNTS, namespace, sa));
      attempt(left, name, "Namespace", namespace, () -> {
        Optional<GenericKubernetesResource> theirs = m.get(BuiltInTypes.NAMESPACES, "", namespace);
        Optional<GenericKubernetesResource> ours = host.get(BuiltInTypes.NAMESPACES, "", namespace);
        // the same UID is the same namespace, whatever URL reached it: never delete the host's own
        boolean hostsOwn = theirs.isPresent() && ours.isPresent() && theirs.get().getMetadata().getUid() != null
            && theirs.get().getMetadata().getUid().equals(ours.get().getMetadata().getUid());
        if (theirs.isPresent() && !hostsOwn) {
          m.delete(BuiltInTypes.NAMESPACES, "", namespace);
        }
      });
    } else {
      left.add(new UnjoinResult.Leftover(name, "ServiceAccount", namespace + "/" + sa, "no admin credentials for "
          + name + ": its ServiceAccount, token Secret and ClusterRole were left in the member"));
    }
    Optional<GenericKubernetesResource> kfc = host.get(KUBEFED_CLUSTERS, namespace, name);
    if (kfc.isEmpty()) {
      left.add(new UnjoinResult.Leftover(hostName, "KubeFedCluster", namespace + "/" + name,
          "no KubeFedCluster " + namespace + "/" + name + " in the host cluster"));
      return new UnjoinResult(name, left);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) kfc.get().getAdditionalProperties().getOrDefault("spec",
        Map.of());
    @SuppressWarnings("unchecked")
    Map<String, Object> ref = (Map<String, Object>) spec.getOrDefault("secretRef", Map.of());
    if (ref.get("name") instanceof String secret) {
      attempt(left, hostName, "host Secret", namespace + "/" + secret,
          () -> host.delete(BuiltInTypes.SECRETS, namespace, secret));
    }
    attempt(left, hostName, "KubeFedCluster", namespace + "/" + name,
        () -> host.delete(KUBEFED_CLUSTERS, namespace, name));
    return new UnjoinResult(name, left);
  }

  /** The health a KubeFedCluster's status records, as KubeFed's cluster controller writes it; empty if none. */
  static Optional<ClusterHealth> recorded(GenericKubernetesResource kfc) {
    Object status = kfc.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> map) || !(map.get("conditions") instanceof List<?> conditions)) {
      return Optional.empty();
    }
    String ready = null;
    String offline = null;
    for (Object c : conditions) {
      if (c instanceof Map<?, ?> condition) {
        if ("Ready".equals(condition.get("type"))) {
          ready = String.valueOf(condition.get("status"));
        } else if ("Offline".equals(condition.get("type"))) {
          offline = String.valueOf(condition.get("status"));
        }
      }
    }
    if ("True".equals(offline)) {
      return Optional.of(ClusterHealth.OFFLINE);
    }
    return ready == null ? Optional.empty()
        : Optional.of("True".equals(ready) ? ClusterHealth.READY : ClusterHealth.NOT_READY);
  }

  /**
   * Writes a member's health into its KubeFedCluster's status as KubeFed's cluster controller does: Ready
   * ({@code ClusterReady}), not Ready but reachable ({@code ClusterNotReady} plus {@code Offline=False}), or
   * Offline ({@code ClusterNotReachable}).
   */
  public void writeStatus(String name, ClusterHealth health, Optional<String> message) {
    String now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    List<Map<String, Object>> conditions = new ArrayList<>();
    switch (health) {
      case READY -> conditions.add(condition("Ready", "True", "ClusterReady",
          message.orElse("/healthz responded with ok"), now));
      case NOT_READY -> {
        conditions.add(condition("Ready", "False", "ClusterNotReady",
            message.orElse("/healthz responded without ok"), now));
        conditions.add(condition("Offline", "False", "ClusterReachable", "cluster is reachable", now));
      }
      case OFFLINE -> conditions.add(condition("Offline", "True", "ClusterNotReachable",
          message.orElse("cluster is not reachable"), now));
    }
    // a real API server checks the resourceVersion of a status write too: a cordon or another fleet's probe may
    // have written meanwhile
    onConflictAgain(() -> host.edit(KUBEFED_CLUSTERS, namespace, name, true, kfc -> {
      kfc.setAdditionalProperty("status", Map.of("conditions", conditions));
      return kfc;
    }));
  }

  private static Map<String, Object> condition(String type, String status, String reason, String message,
      String now) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", type);
    c.put("status", status);
    c.put("reason", reason);
    c.put("message", message);
    c.put("lastProbeTime", now);
    c.put("lastTransitionTime", now);
    return c;
  }

  /** Records a member's cordon in its KubeFedCluster's annotations. */
  public void cordon(String name, boolean cordoned, boolean drained) {
    onConflictAgain(() -> editCordon(name, cordoned, drained));   // a status write raced the edit
  }

  /**
   * Runs an edit of a KubeFedCluster (which reads the object afresh) again when another write came between its read
   * and its write (409), at most {@value #EDIT_ATTEMPTS} times in all.
   */
  private static void onConflictAgain(Runnable edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        edit.run();
        return;
      } catch (ClusterRequestException e) {
        if (!e.isConflict() || attempt == EDIT_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private void editCordon(String name, boolean cordoned, boolean drained) {
    host.edit(KUBEFED_CLUSTERS, namespace, name, false, kfc -> {
      Map<String, String> annotations = kfc.getMetadata().getAnnotations() == null
          ? new HashMap<>() : new HashMap<>(kfc.getMetadata().getAnnotations());
      annotations.remove(CORDONED);
      annotations.remove(DRAINED);
      if (cordoned) {
        annotations.put(CORDONED, "true");
      }
      if (drained) {
        annotations.put(DRAINED, "true");
      }
      kfc.getMetadata().setAnnotations(annotations);
      return kfc;
    });
  }

  private static void attempt(List<UnjoinResult.Leftover> left, String cluster, String kind, String name,
      Runnable removal) {
    try {
      removal.run();
    } catch (ClusterRequestException e) {
      if (!e.isNotFound()) {
        left.add(new UnjoinResult.Leftover(cluster, kind, name, "cannot delete " + kind + " " + name + ": "
            + e.getMessage()));
      }
    }
  }

  /** Creates {@code namespace} (unlabelled: it is KubeFed's) unless it exists. */
  private static void ensureNamespace(ClusterClient client, String namespace) {
    if (client.get(BuiltInTypes.NAMESPACES, "", namespace).isEmpty()) {
      try {
        client.create(BuiltInTypes.NAMESPACES, generic(new NamespaceBuilder().withNewMetadata().withName(namespace)
            .endMetadata().build()));
      } catch (ClusterRequestException e) {
        if (!e.isConflict()) {
          throw e;
        }
      }
    }
  }

  /** Registers KubeFed's KubeFedCluster CRD in the host unless it is there (a KubeFed host already has it). */
  /**
   * Creates the KubeFedCluster. When its CRD was created just now, a real API server serves the type only once the
   * CRD is established and its storage ready (milliseconds to seconds later), answering 404, 429 or nothing until
   * then: that is waited out with lists, up to {@code timeout}, before the create.
   */
  private void createOnceServed(GenericKubernetesResource kubeFedCluster, boolean newType, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (newType) {
      host.awaitServed(KUBEFED_CLUSTERS, namespace, timeout);
    }
    boolean timedOut = false;
    while (true) {
      try {
        host.create(KUBEFED_CLUSTERS, kubeFedCluster);
        return;
      } catch (ClusterRequestException e) {
        if (timedOut && e.isConflict() && createdMeanwhile(kubeFedCluster)) {
          return;   // the create that timed out was done after all
        }
        // a real API server's first write of a new type takes about two seconds, longer than a short request
        // timeout: a create that timed out may have been done (ours is the KubeFedCluster naming the Secret this
        // join just created), or abandoned with the request, and then it is sent again
        if (!e.isTimeout() || !newType) {
          throw e;
        }
        if (createdMeanwhile(kubeFedCluster)) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw e;
        }
        timedOut = true;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private boolean createdMeanwhile(GenericKubernetesResource wanted) {
    Object secret = ((Map<String, Object>) wanted.getAdditionalProperties().get("spec")).get("secretRef");
    return host.get(KUBEFED_CLUSTERS, namespace, wanted.getMetadata().getName())
        .map(kfc -> kfc.getAdditionalProperties().get("spec"))
        .filter(spec -> spec instanceof Map && secret.equals(((Map<String, Object>) spec).get("secretRef")))
        .isPresent();
  }

  /** Creates the KubeFedCluster CRD in the host unless it is there; whether it created it. */
  private boolean ensureKubeFedClusterCrd() {
    String crdName = "kubefedclusters." + GROUP;
    if (host.get(CRDS, "", crdName).isPresent()) {
      return false;
    }
    try {
      host.create(CRDS, generic(new CustomResourceDefinitionBuilder().withNewMetadata().withName(crdName)
          .endMetadata().withNewSpec().withGroup(GROUP).withScope("Namespaced").withNewNames()
          .withKind("KubeFedCluster").withListKind("KubeFedClusterList").withPlural("kubefedclusters")
          .withSingular("kubefedcluster").endNames().addNewVersion().withName("v1beta1").withServed(true)
          .withStorage(true).withNewSchema().withNewOpenAPIV3Schema().withType("object")
          .withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema().withNewSubresources()
          .withNewStatus().endStatus().endSubresources().endVersion().endSpec().build()));
      return true;
    } catch (ClusterRequestException e) {
      if (!e.isConflict()) {
        throw e;
      }
      return true;   // created by someone else just now: perhaps not served yet either
    }
  }
}
