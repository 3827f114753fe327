package io.fleetfed.core.fleet;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetfed.core.FederationException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Fleet membership kept in the host cluster the way KubeFed keeps it, so that kubefedctl, a KubeFed host and
 * fleetfed see the same fleet: a {@code core.kubefed.io/v1beta1} KubeFedCluster per member plus a Secret with
 * the token of a dedicated ServiceAccount in the member (see kubefedctl join).
 *
 * <p>fleetfed adds two annotations on the KubeFedCluster for its own state: {@value #CORDONED} and
 * {@value #DRAINED}.
 */
final class Membership {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Membership.class);
  static final String GROUP = "core.kubefed.io";
  static final String CORDONED = "fleetfed.io/cordoned";
  static final String DRAINED = "fleetfed.io/drained";
  static final ResourceDefinitionContext KUBEFED_CLUSTERS = new ResourceDefinitionContext.Builder()
      .withGroup(GROUP).withVersion("v1beta1").withKind("KubeFedCluster").withPlural("kubefedclusters")
      .withNamespaced(true).build();
  private static final String TOKEN_TYPE = "kubernetes.io/service-account-token";
  private static final String SA_ANNOTATION = "kubernetes.io/service-account.name";

  /** A member as the host records it; the token stays inside the client config. */
  record Registered(String name, Map<String, String> labels, Config config, boolean cordoned, boolean drained,
      Optional<ClusterHealth> recorded) {}

  private final KubernetesClient host;
  private final String namespace;

  Membership(KubernetesClient host, String namespace) {
    this.host = host;
    this.namespace = namespace;
  }

  String namespace() {
    return namespace;
  }

  /** The members registered in the host, with client configs built from their Secrets. */
  List<Registered> read(Config template) {
    List<Registered> members = new ArrayList<>();
    for (GenericKubernetesResource kfc : host.genericKubernetesResources(KUBEFED_CLUSTERS).inNamespace(namespace)
        .list().getItems()) {
      try {
        members.add(registered(kfc, template));
      } catch (FederationException e) {
        // one broken registration must not make the fleet, or unjoining it, impossible
        LOG.warn("skipping member: {}", e.getMessage());
      }
    }
    return members;
  }

  Optional<Registered> read(String name, Config template) {
    GenericKubernetesResource kfc = host.genericKubernetesResources(KUBEFED_CLUSTERS).inNamespace(namespace)
        .withName(name).get();
    return kfc == null ? Optional.empty() : Optional.of(registered(kfc, template));
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
    Secret secret = host.secrets().inNamespace(namespace).withName(secretName).get();
    if (secret == null || secret.getData() == null || secret.getData().get("token") == null) {
      throw new FederationException("KubeFedCluster " + namespace + "/" + name + ": its Secret " + namespace + "/"
          + secretName + " is missing or has no data.token");
    }
    String token = new String(Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8)
        .trim();
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

  /**
   * Joins a member: creates its ServiceAccount, token Secret and RBAC in the member, then the host Secret and
   * KubeFedCluster. Returns the config the fleet uses to reach the member (the ServiceAccount's token).
   */
  Registered join(String name, String hostName, KubernetesClient member, Config memberAdmin,
      Map<String, String> labels, Duration tokenTimeout) throws InterruptedException {
    GenericKubernetesResource existing = host.genericKubernetesResources(KUBEFED_CLUSTERS).inNamespace(namespace)
        .withName(name).get();
    if (existing != null) {
      throw new FederationException("federated cluster " + name + " already exists in host cluster (KubeFedCluster "
          + namespace + "/" + name + "); unjoin it first");
    }
    String sa = name + "-" + hostName;
    ensureNamespace(member, namespace);
    if (member.serviceAccounts().inNamespace(namespace).withName(sa).get() == null) {
      member.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata()
          .withName(sa).withNamespace(namespace).endMetadata().withAutomountServiceAccountToken(false).build())
          .create();
    }
    if (member.secrets().inNamespace(namespace).withName(sa).get() == null) {
      member.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(sa)
          .withNamespace(namespace).addToAnnotations(SA_ANNOTATION, sa).endMetadata().withType(TOKEN_TYPE).build())
          .create();
    }
    String role = "kubefed-controller-manager:" + sa;
    member.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName(role).endMetadata()
        .withRules(new PolicyRuleBuilder().withApiGroups("*").withResources("*").withVerbs("*").build(),
            new PolicyRuleBuilder().withNonResourceURLs("/healthz").withVerbs("get").build()).build())
        .createOr(op -> op.update());
    member.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(role)
        .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", role)
        .addNewSubject().withKind("ServiceAccount").withName(sa).withNamespace(namespace).endSubject().build())
        .createOr(op -> op.update());
    Secret tokenSecret;
    try {
      tokenSecret = member.secrets().inNamespace(namespace).withName(sa).waitUntilCondition(
          s -> s != null && s.getData() != null && s.getData().get("token") != null,
          tokenTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (KubernetesClientException e) {
      throw new FederationException("the member cluster " + name + " did not fill the token of Secret " + namespace
          + "/" + sa + " within " + tokenTimeout.toSeconds() + " s (is its token controller running?)", e);
    }
    String tokenData = tokenSecret.getData().get("token");
    Map<String, String> data = new LinkedHashMap<>();
    data.put("token", tokenData);
    if (tokenSecret.getData().get("ca.crt") != null) {
      data.put("ca.crt", tokenSecret.getData().get("ca.crt"));
    }
    ensureKubeFedClusterCrd();
    ensureNamespace(host, namespace);
    Secret hostSecret = host.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata()
        .withGenerateName(name + "-").withNamespace(namespace).endMetadata().withData(data).build()).create();
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
    host.genericKubernetesResources(KUBEFED_CLUSTERS).inNamespace(namespace).resource(
        new GenericKubernetesResourceBuilder().withApiVersion(GROUP + "/v1beta1").withKind("KubeFedCluster")
            .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
            .addToAdditionalProperties("spec", spec).build()).create();
    return read(name, memberAdmin).orElseThrow();
  }

  /**
   * Removes a member: its RBAC, ServiceAccount, token Secret and (unless it is the host's own) namespace in
   * the member when {@code member} is given, then the host Secret and KubeFedCluster. Returns what could not be
   * removed.
   */
  List<String> unjoin(String name, String hostName, Optional<KubernetesClient> member) {
    List<String> problems = new ArrayList<>();
    String sa = name + "-" + hostName;
    String role = "kubefed-controller-manager:" + sa;
    if (member.isPresent()) {
      KubernetesClient m = member.get();
      attempt(problems, "ClusterRoleBinding " + role, () -> m.rbac().clusterRoleBindings().withName(role).delete());
      attempt(problems, "ClusterRole " + role, () -> m.rbac().clusterRoles().withName(role).delete());
      attempt(problems, "Secret " + namespace + "/" + sa,
          () -> m.secrets().inNamespace(namespace).withName(sa).delete());
      attempt(problems, "ServiceAccount " + namespace + "/" + sa,
          () -> m.serviceAccounts().inNamespace(namespace).withName(sa).delete());
      attempt(problems, "Namespace " + namespace, () -> {
        Namespace theirs = m.namespaces().withName(namespace).get();
        Namespace ours = host.namespaces().withName(namespace).get();
        // the same UID is the same namespace, whatever URL reached it: never delete the host's own
        boolean hostsOwn = theirs != null && ours != null && theirs.getMetadata().getUid() != null
            && theirs.getMetadata().getUid().equals(ours.getMetadata().getUid());
        if (theirs != null && !hostsOwn) {
          m.namespaces().withName(namespace).delete();
        }
      });
    }
    GenericKubernetesResource kfc = host.genericKubernetesResources(KUBEFED_CLUSTERS).inNamespace(namespace)
        .withName(name).get();
    if (kfc == null) {
      problems.add("no KubeFedCluster " + namespace + "/" + name + " in the host cluster");
      return problems;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) kfc.getAdditionalProperties().getOrDefault("spec", Map.of());
    @SuppressWarnings("unchecked")
    Map<String, Object> ref = (Map<String, Object>) spec.getOrDefault("secretRef", Map.of());
    if (ref.get("name") instanceof String secret) {
      attempt(problems, "host Secret " + namespace + "/" + secret,
          () -> host.secrets().inNamespace(namespace).withName(secret).delete());
    }
    attempt(problems, "KubeFedCluster " + namespace + "/" + name,
        () -> host.genericKubernetesResources(KUBEFED_CLUSTERS).inNamespace(namespace).withName(name).delete());
    return problems;
  }

  /** The health a KubeFedCluster's status records, as KubeFed's cluster controller writes it; empty if none. */
  @SuppressWarnings("unchecked")
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
  void writeStatus(String name, ClusterHealth health, Optional<String> message) {
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
      default -> throw new IllegalStateException("unknown health " + health);
    }
    host.genericKubernetesResources(KUBEFED_CLUSTERS).inNamespace(namespace).withName(name).editStatus(kfc -> {
      kfc.setAdditionalProperty("status", Map.of("conditions", conditions));
      return kfc;
    });
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
  void cordon(String name, boolean cordoned, boolean drained) {
    for (int attempt = 1; ; attempt++) {
      try {
        editCordon(name, cordoned, drained);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {   // a status write raced the edit: read again and retry
          throw e;
        }
      }
    }
  }

  private void editCordon(String name, boolean cordoned, boolean drained) {
    host.genericKubernetesResources(KUBEFED_CLUSTERS).inNamespace(namespace).withName(name).edit(kfc -> {
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

  private static void attempt(List<String> problems, String what, Runnable action) {
    try {
      action.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        problems.add("cannot delete " + what + ": " + Errors.describe(e));
      }
    }
  }

  private static void ensureNamespace(KubernetesClient client, String namespace) {
    if (client.namespaces().withName(namespace).get() == null) {
      try {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
            .build()).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
  }

  /** Registers KubeFed's KubeFedCluster CRD in the host unless it is there (a KubeFed host already has it). */
  private void ensureKubeFedClusterCrd() {
    String crdName = "kubefedclusters." + GROUP;
    var crds = host.apiextensions().v1().customResourceDefinitions();
    if (crds.withName(crdName).get() != null) {
      return;
    }
    CustomResourceDefinition crd = new CustomResourceDefinitionBuilder().withNewMetadata().withName(crdName)
        .endMetadata().withNewSpec().withGroup(GROUP).withScope("Namespaced").withNewNames()
        .withKind("KubeFedCluster").withListKind("KubeFedClusterList").withPlural("kubefedclusters")
        .withSingular("kubefedcluster").endNames().addNewVersion().withName("v1beta1").withServed(true)
        .withStorage(true).withNewSchema().withNewOpenAPIV3Schema().withType("object")
        .withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema().withNewSubresources()
        .withNewStatus().endStatus().endSubresources().endVersion().endSpec().build();
    try {
      crds.resource(crd).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }
}
