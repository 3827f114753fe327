package io.fleetfed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code fleetfed install}'s manifest, read back document by document, without a cluster. */
class InstallCommandTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NS = "kube-federation-system";
  private static final String IMAGE = "registry.example.com/fleetfed:1.2.3";
  /** KubeFed's ten default FederatedTypeConfigs (its chart's), in the order fleetfed registers them. */
  private static final List<String> DEFAULT_TYPES = List.of("clusterroles.rbac.authorization.k8s.io", "configmaps",
      "deployments.apps", "ingresses.networking.k8s.io", "jobs.batch", "namespaces", "replicasets.apps", "secrets",
      "serviceaccounts", "services");
  private static final List<String> CORE_CRDS = List.of("kubefedclusters.core.kubefed.io",
      "kubefedconfigs.core.kubefed.io", "federatedtypeconfigs.core.kubefed.io", "propagatedversions.core.kubefed.io",
      "clusterpropagatedversions.core.kubefed.io", "federatedservicestatuses.core.kubefed.io",
      "replicaschedulingpreferences.scheduling.kubefed.io");

  private record Run(int exitCode, String stdout, String stderr) {}

  private static Run install(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("install"));
    all.addAll(List.of(args));
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  /** Every YAML document, failing on an empty one (kubectl would skip it; it would be a mistake here). */
  private static List<JsonNode> documents(String yaml) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(yaml)) {
      Iterator<JsonNode> values = YAML.readValues(parser, JsonNode.class);
      while (values.hasNext()) {
        JsonNode doc = values.next();
        assertThat(doc != null && doc.isObject()).as("document %d is an object", docs.size() + 1).isTrue();
        docs.add(doc);
      }
    }
    return docs;
  }

  private static List<JsonNode> installed(String... args) throws IOException {
    Run run = install(args);
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stderr()).isEmpty();
    assertThat(run.stdout()).doesNotContain("${");
    return documents(run.stdout());
  }

  private static String id(JsonNode doc) {
    return doc.path("kind").asText() + "/" + doc.at("/metadata/name").asText();
  }

  private static JsonNode only(List<JsonNode> docs, String kind, String name) {
    List<JsonNode> found = docs.stream().filter(d -> id(d).equals(kind + "/" + name)).toList();
    assertThat(found).as(kind + "/" + name).hasSize(1);
    return found.get(0);
  }

  private static JsonNode json(String text) throws IOException {
    return JSON.readTree(text.replace('\'', '"'));
  }

  /** A rule as one comparable line: groups, resources, names and verbs. */
  private static Set<String> rules(JsonNode role) {
    Set<String> rules = new TreeSet<>();
    for (JsonNode rule : role.get("rules")) {
      rules.add(strings(rule.get("apiGroups")) + " " + strings(rule.get("resources"))
          + (rule.has("resourceNames") ? " " + strings(rule.get("resourceNames")) : "") + ": "
          + strings(rule.get("verbs")));
    }
    return rules;
  }

  private static String strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return String.join(",", values);
  }

  @Test
  @DisplayName("the documents come in an order kubectl applies: namespace, CRDs, their objects, RBAC, controller")
  void order() throws IOException {
    List<JsonNode> docs = installed("--image", IMAGE);

    List<String> expected = new ArrayList<>();
    expected.add("Namespace/" + NS);
    CORE_CRDS.forEach(crd -> expected.add("CustomResourceDefinition/" + crd));
    for (String type : DEFAULT_TYPES) {
      String plural = type.contains(".") ? type.substring(0, type.indexOf('.')) : type;
      expected.add("CustomResourceDefinition/federated" + plural + ".types.kubefed.io");
    }
    expected.add("KubeFedConfig/kubefed");
    DEFAULT_TYPES.forEach(type -> expected.add("FederatedTypeConfig/" + type));
    expected.addAll(List.of("ServiceAccount/fleetfed-controller", "Role/fleetfed-controller-config",
        "RoleBinding/fleetfed-controller-config", "ClusterRole/fleetfed-controller:" + NS,
        "ClusterRoleBinding/fleetfed-controller:" + NS, "Deployment/fleetfed-controller",
        "Service/fleetfed-controller-metrics"));
    assertThat(docs).extracting(InstallCommandTest::id).containsExactlyElementsOf(expected);
    assertThat(docs).allSatisfy(d -> assertThat(d.at("/metadata/labels/app.kubernetes.io~1part-of").asText())
        .as(id(d)).isEqualTo("fleetfed"));
    Set<String> clusterScoped = Set.of("Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding");
    assertThat(docs).filteredOn(d -> !clusterScoped.contains(d.get("kind").asText()))
        .allSatisfy(d -> assertThat(d.at("/metadata/namespace").asText()).as(id(d)).isEqualTo(NS));
    assertThat(docs).filteredOn(d -> clusterScoped.contains(d.get("kind").asText()))
        .allSatisfy(d -> assertThat(d.at("/metadata/namespace").isMissingNode()).as(id(d)).isTrue());
  }

  @Test
  @DisplayName("the output opens with how to apply it: twice, with the same options, waiting for the CRDs between")
  void header() {
    Run run = install("--image", IMAGE);

    assertThat(run.stdout().lines().takeWhile(l -> !l.equals("---"))).allMatch(l -> l.startsWith("#"))
        .endsWith("#   fleetfed install --image " + IMAGE + " | kubectl apply -f -",
            "#   kubectl wait --for condition=established crd -l app.kubernetes.io/part-of=fleetfed",
            "#   fleetfed install --image " + IMAGE + " | kubectl apply -f -");
  }

  @Test
  @DisplayName("KubeFed's core CRDs: group, version, scope, short names, status subresource, columns, required fields")
  void coreCrds() throws IOException {
    List<JsonNode> docs = installed("--image", IMAGE);
    Map<String, JsonNode> crds = docs.stream().filter(d -> CORE_CRDS.contains(d.at("/metadata/name").asText()))
        .collect(Collectors.toMap(d -> d.at("/metadata/name").asText(), d -> d));

    // name -> kind, version, scope, short names, status subresource
    Map<String, List<String>> expected = Map.of(
        "kubefedclusters.core.kubefed.io", List.of("KubeFedCluster", "v1beta1", "Namespaced", "kfc", "status"),
        "kubefedconfigs.core.kubefed.io", List.of("KubeFedConfig", "v1beta1", "Namespaced", "", ""),
        "federatedtypeconfigs.core.kubefed.io", List.of("FederatedTypeConfig", "v1beta1", "Namespaced", "ftc",
            "status"),
        "propagatedversions.core.kubefed.io", List.of("PropagatedVersion", "v1alpha1", "Namespaced", "", "status"),
        "clusterpropagatedversions.core.kubefed.io", List.of("ClusterPropagatedVersion", "v1alpha1", "Cluster", "",
            "status"),
        "federatedservicestatuses.core.kubefed.io", List.of("FederatedServiceStatus", "v1alpha1", "Namespaced", "",
            ""),
        "replicaschedulingpreferences.scheduling.kubefed.io", List.of("ReplicaSchedulingPreference", "v1alpha1",
            "Namespaced", "rsp", ""));
    assertThat(crds).containsOnlyKeys(expected.keySet());
    expected.forEach((name, facts) -> {
      JsonNode crd = crds.get(name);
      assertThat(crd.at("/apiVersion").asText()).isEqualTo("apiextensions.k8s.io/v1");
      assertThat(crd.at("/spec/group").asText() + "/" + crd.at("/spec/names/plural").asText())
          .as(name).isEqualTo(name.substring(name.indexOf('.') + 1) + "/" + name.substring(0, name.indexOf('.')));
      assertThat(crd.at("/spec/names/kind").asText()).as(name).isEqualTo(facts.get(0));
      assertThat(crd.at("/spec/versions")).as(name).hasSize(1);
      JsonNode version = crd.at("/spec/versions/0");
      assertThat(version.get("name").asText()).as(name).isEqualTo(facts.get(1));
      assertThat(version.get("served").asBoolean() && version.get("storage").asBoolean()).as(name).isTrue();
      assertThat(crd.at("/spec/scope").asText()).as(name).isEqualTo(facts.get(2));
      assertThat(strings(crd.at("/spec/names/shortNames").isMissingNode() ? JSON.createArrayNode()
          : crd.at("/spec/names/shortNames"))).as(name).isEqualTo(facts.get(3));
      assertThat(version.at("/subresources/status").isObject()).as(name).isEqualTo(facts.get(4).equals("status"));
      assertStructural(name, version.at("/schema/openAPIV3Schema"), "", true);
    });

    JsonNode cluster = crds.get("kubefedclusters.core.kubefed.io").at("/spec/versions/0");
    assertThat(cluster.get("additionalPrinterColumns")).extracting(c -> c.get("name").asText() + " "
        + c.get("jsonPath").asText()).containsExactly("age .metadata.creationTimestamp",
        "ready .status.conditions[?(@.type=='Ready')].status", "kubernetes-version .status.kubernetesVersion");
    JsonNode clusterSpec = cluster.at("/schema/openAPIV3Schema/properties/spec");
    assertThat(clusterSpec.get("properties").fieldNames()).toIterable().containsExactlyInAnyOrder("apiEndpoint",
        "caBundle", "secretRef", "proxyURL", "disabledTLSValidations");
    assertThat(clusterSpec.at("/properties/secretRef/properties/name/type").asText()).isEqualTo("string");
    assertThat(clusterSpec.at("/properties/disabledTLSValidations/items/type").asText()).isEqualTo("string");
    JsonNode clusterStatus = cluster.at("/schema/openAPIV3Schema/properties/status/properties");
    assertThat(clusterStatus.at("/conditions/type").asText()).isEqualTo("array");
    assertThat(clusterStatus.at("/kubernetesVersion/type").asText()).isEqualTo("string");

    assertThat(crds.get("kubefedconfigs.core.kubefed.io").at("/spec/versions/0/schema/openAPIV3Schema/properties"
        + "/spec/required")).isEqualTo(json("['scope']"));
    assertThat(crds.get("replicaschedulingpreferences.scheduling.kubefed.io").at("/spec/versions/0/schema"
        + "/openAPIV3Schema/properties/spec/required")).isEqualTo(json("['targetKind','totalReplicas']"));
    JsonNode typeConfig = crds.get("federatedtypeconfigs.core.kubefed.io").at("/spec/versions/0/schema"
        + "/openAPIV3Schema/properties");
    for (String apiResource : List.of("targetType", "federatedType", "statusType")) {
      assertThat(typeConfig.at("/spec/properties/" + apiResource + "/properties").fieldNames()).toIterable()
          .as(apiResource).containsExactlyInAnyOrder("group", "version", "kind", "pluralName", "scope");
    }
    assertThat(typeConfig.at("/spec/properties").fieldNames()).toIterable().containsExactlyInAnyOrder("targetType",
        "federatedType", "propagation", "statusType", "statusCollection");
    assertThat(typeConfig.at("/status/properties").fieldNames()).toIterable().containsExactlyInAnyOrder(
        "observedGeneration", "propagationController", "statusController");
  }

  /**
   * The rules a kube-apiserver checks before it calls a schema structural: every node has a type unless it keeps
   * unknown fields; properties and additionalProperties never together; metadata restricted to its type.
   */
  private static void assertStructural(String crd, JsonNode schema, String path, boolean root) {
    assertThat(schema.has("type") || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean())
        .as("%s: %s has a type", crd, path.isEmpty() ? "the root" : path).isTrue();
    assertThat(schema.has("properties") && schema.has("additionalProperties"))
        .as("%s: %s has properties and additionalProperties", crd, path).isFalse();
    if (root) {
      assertThat(schema.at("/properties/metadata")).as("%s: metadata", crd).isEqualTo(JSON.createObjectNode()
          .put("type", "object"));
    }
    schema.path("properties").fields().forEachRemaining(p -> assertStructural(crd, p.getValue(),
        path + "." + p.getKey(), false));
    if (schema.has("items")) {
      assertStructural(crd, schema.get("items"), path + "[]", false);
    }
    if (schema.path("additionalProperties").isObject()) {
      assertStructural(crd, schema.get("additionalProperties"), path + ".*", false);
    }
  }

  @Test
  @DisplayName("the ten default types: fleetfed enable's federated CRDs and FederatedTypeConfigs, in the namespace")
  void defaultTypes() throws IOException {
    List<JsonNode> docs = installed("--image", IMAGE, "--kubefed-namespace", "fed");
    List<JsonNode> typeConfigs = docs.stream().filter(d -> d.get("kind").asText().equals("FederatedTypeConfig"))
        .toList();

    assertThat(typeConfigs).extracting(t -> t.at("/metadata/name").asText())
        .containsExactlyElementsOf(DEFAULT_TYPES);
    for (JsonNode typeConfig : typeConfigs) {
      assertThat(typeConfig.at("/metadata/namespace").asText()).isEqualTo("fed");
      assertThat(typeConfig.at("/spec/propagation").asText()).isEqualTo("Enabled");
      assertThat(typeConfig.at("/spec/statusType").isMissingNode()).isTrue();
      String federatedCrd = typeConfig.at("/spec/federatedType/pluralName").asText() + ".types.kubefed.io";
      JsonNode crd = only(docs, "CustomResourceDefinition", federatedCrd);
      assertThat(crd.at("/spec/names/kind").asText()).isEqualTo(typeConfig.at("/spec/federatedType/kind").asText());
      assertThat(crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/template"))
          .isEqualTo(json("{'type':'object','x-kubernetes-preserve-unknown-fields':true}"));
      assertStructural(federatedCrd, crd.at("/spec/versions/0/schema/openAPIV3Schema"), "", true);
    }
    JsonNode deployments = only(docs, "FederatedTypeConfig", "deployments.apps");
    assertThat(deployments.at("/spec/targetType")).isEqualTo(json("{'group':'apps','kind':'Deployment',"
        + "'pluralName':'deployments','scope':'Namespaced','version':'v1'}"));
    assertThat(deployments.at("/spec/federatedType")).isEqualTo(json("{'group':'types.kubefed.io',"
        + "'kind':'FederatedDeployment','pluralName':'federateddeployments','scope':'Namespaced',"
        + "'version':'v1beta1'}"));
    assertThat(only(docs, "FederatedTypeConfig", "clusterroles.rbac.authorization.k8s.io")
        .at("/spec/federatedType/scope").asText()).isEqualTo("Cluster");
    assertThat(only(docs, "FederatedTypeConfig", "namespaces").at("/spec/federatedType/scope").asText())
        .isEqualTo("Namespaced");
  }

  @Test
  @DisplayName("the KubeFedConfig kubefed holds KubeFed's defaults, the configmaps lock kind kept for compatibility")
  void kubeFedConfig() throws IOException {
    JsonNode config = only(installed("--image", IMAGE), "KubeFedConfig", "kubefed");

    assertThat(config.at("/apiVersion").asText()).isEqualTo("core.kubefed.io/v1beta1");
    assertThat(config.get("spec")).isEqualTo(json("{'scope':'Cluster',"
        + "'controllerDuration':{'availableDelay':'20s','unavailableDelay':'60s','cacheSyncTimeout':'5m'},"
        + "'leaderElect':{'leaseDuration':'15s','renewDeadline':'10s','retryPeriod':'5s','resourceLock':'configmaps'},"
        + "'featureGates':[{'name':'PushReconciler','configuration':'Enabled'},"
        + "{'name':'RawResourceStatusCollection','configuration':'Disabled'},"
        + "{'name':'SchedulerPreferences','configuration':'Enabled'}],"
        + "'clusterHealthCheck':{'period':'10s','timeout':'3s','failureThreshold':3,'successThreshold':1},"
        + "'syncController':{'maxConcurrentReconciles':16,'adoptResources':'Disabled'},"
        + "'statusController':{'maxConcurrentReconciles':1}}"));
  }

  @Test
  @DisplayName("RBAC for scope Cluster: KubeFed's objects, Secrets, the locks in the namespace; Federated objects,"
      + " events, namespaces and CRDs cluster-wide; nothing deleted, no Secret elsewhere")
  void clusterRbac() throws IOException {
    List<JsonNode> docs = installed("--image", IMAGE);

    JsonNode role = only(docs, "Role", "fleetfed-controller-config");
    assertThat(rules(role)).containsExactlyInAnyOrder(
        "core.kubefed.io kubefedclusters,kubefedclusters/status,federatedtypeconfigs,federatedtypeconfigs/status,"
            + "kubefedconfigs: get,list,watch,update,patch",
        " secrets: get,list,watch",
        " configmaps kubefed-controller-manager: get",
        "coordination.k8s.io leases: create",
        "coordination.k8s.io leases fleetfed-controller: get,update");
    JsonNode clusterRole = only(docs, "ClusterRole", "fleetfed-controller:" + NS);
    assertThat(rules(clusterRole)).containsExactlyInAnyOrder(
        "types.kubefed.io *,*/status: get,list,watch,update,patch",
        " events: create,patch",
        " namespaces: get,list,watch",
        "apiextensions.k8s.io customresourcedefinitions: get,list,watch");
    assertBinding(only(docs, "RoleBinding", "fleetfed-controller-config"), "Role", "fleetfed-controller-config", NS);
    assertBinding(only(docs, "ClusterRoleBinding", "fleetfed-controller:" + NS), "ClusterRole",
        "fleetfed-controller:" + NS, NS);
    assertThat(docs).filteredOn(d -> d.get("kind").asText().endsWith("Role")).allSatisfy(r -> r.get("rules")
        .forEach(rule -> assertThat(strings(rule.get("verbs"))).as(id(r)).doesNotContain("delete", "*")));
  }

  private static void assertBinding(JsonNode binding, String kind, String role, String namespace) {
    assertThat(binding.get("roleRef")).isEqualTo(JSON.createObjectNode().put("apiGroup", "rbac.authorization.k8s.io")
        .put("kind", kind).put("name", role));
    assertThat(binding.get("subjects")).isEqualTo(JSON.createArrayNode().add(JSON.createObjectNode()
        .put("kind", "ServiceAccount").put("name", "fleetfed-controller").put("namespace", namespace)));
  }

  @Test
  @DisplayName("the RBAC comments say why each rule is there")
  void rbacComments() {
    String yaml = install("--image", IMAGE).stdout();
    String rbac = yaml.substring(yaml.indexOf("\nkind: Role\n"), yaml.indexOf("\nkind: Deployment\n"));

    List<String> lines = rbac.lines().toList();
    int rules = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).equals("- apiGroups:")) {
        rules++;
        assertThat(lines.get(i - 1)).as("the line before the rule at %s", lines.get(i + 1)).startsWith("# ");
      }
    }
    assertThat(rules).isEqualTo(9);
  }

  @Test
  @DisplayName("the Deployment: replicas, image, command, port, probes, resources, non-root user 1001, grace period;"
      + " the Service scrapes its metrics port")
  void controller() throws IOException {
    List<JsonNode> docs = installed("--image", IMAGE);
    JsonNode deployment = only(docs, "Deployment", "fleetfed-controller");
    JsonNode pod = deployment.at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");

    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(deployment.at("/spec/selector/matchLabels").fields()).toIterable()
        .allSatisfy(l -> assertThat(deployment.at("/spec/template/metadata/labels").get(l.getKey()))
            .isEqualTo(l.getValue()));
    assertThat(pod.get("serviceAccountName").asText()).isEqualTo("fleetfed-controller");
    assertThat(pod.get("terminationGracePeriodSeconds").asInt()).isEqualTo(30);
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(1001);
    assertThat(pod.get("containers")).hasSize(1);
    assertThat(container.get("image").asText()).isEqualTo(IMAGE);
    assertThat(container.get("command")).isEqualTo(json("['fleetfed','controller','--kubefed-namespace','" + NS
        + "','--metrics-addr',':9090']"));
    assertThat(container.get("ports")).isEqualTo(json("[{'name':'metrics','containerPort':9090,'protocol':'TCP'}]"));
    assertThat(container.at("/livenessProbe/httpGet")).isEqualTo(json("{'path':'/healthz','port':'metrics'}"));
    assertThat(container.at("/readinessProbe/httpGet")).isEqualTo(json("{'path':'/readyz','port':'metrics'}"));
    assertThat(container.at("/startupProbe/httpGet")).isEqualTo(json("{'path':'/healthz','port':'metrics'}"));
    assertThat(container.get("resources")).isEqualTo(json("{'requests':{'cpu':'100m','memory':'128Mi'},"
        + "'limits':{'cpu':'500m','memory':'512Mi'}}"));
    assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();

    JsonNode service = only(docs, "Service", "fleetfed-controller-metrics");
    assertThat(service.at("/metadata/annotations")).isEqualTo(json("{'prometheus.io/scrape':'true',"
        + "'prometheus.io/port':'9090','prometheus.io/scheme':'http','prometheus.io/path':'/metrics'}"));
    assertThat(service.at("/spec/selector")).isEqualTo(deployment.at("/spec/selector/matchLabels"));
    assertThat(service.at("/spec/ports")).isEqualTo(json("[{'name':'metrics','port':9090,'targetPort':'metrics',"
        + "'protocol':'TCP'}]"));
  }

  @Test
  @DisplayName("--scope Namespaced --kubefed-namespace --replicas --image: a Role for the Federated objects, the"
      + " one ClusterRole only reads CRDs, no namespaces rule, the controller watches its namespace")
  void namespacedScope() throws IOException {
    String image = "registry.example.com/team/fleetfed@sha256:" + "ab".repeat(32);
    List<JsonNode> docs = installed("--scope", "Namespaced", "--kubefed-namespace", "fleet", "--replicas", "3",
        "--image", image);

    assertThat(docs).extracting(InstallCommandTest::id).containsSubsequence("ServiceAccount/fleetfed-controller",
        "Role/fleetfed-controller-config", "RoleBinding/fleetfed-controller-config", "Role/fleetfed-controller",
        "RoleBinding/fleetfed-controller", "ClusterRole/fleetfed-controller:fleet",
        "ClusterRoleBinding/fleetfed-controller:fleet", "Deployment/fleetfed-controller");
    assertThat(only(docs, "KubeFedConfig", "kubefed").at("/spec/scope").asText()).isEqualTo("Namespaced");
    JsonNode role = only(docs, "Role", "fleetfed-controller");
    assertThat(role.at("/metadata/namespace").asText()).isEqualTo("fleet");
    assertThat(rules(role)).containsExactlyInAnyOrder("types.kubefed.io *,*/status: get,list,watch,update,patch",
        " events: create,patch");
    assertThat(rules(only(docs, "ClusterRole", "fleetfed-controller:fleet")))
        .containsExactly("apiextensions.k8s.io customresourcedefinitions: get,list,watch");
    assertBinding(only(docs, "RoleBinding", "fleetfed-controller"), "Role", "fleetfed-controller", "fleet");
    assertBinding(only(docs, "ClusterRoleBinding", "fleetfed-controller:fleet"), "ClusterRole",
        "fleetfed-controller:fleet", "fleet");
    assertThat(docs).filteredOn(d -> d.get("kind").asText().endsWith("Role"))
        .allSatisfy(r -> assertThat(rules(r)).noneMatch(rule -> rule.contains("namespaces")));
    assertThat(docs).filteredOn(d -> d.at("/metadata/namespace").isTextual())
        .allSatisfy(d -> assertThat(d.at("/metadata/namespace").asText()).as(id(d)).isEqualTo("fleet"));

    JsonNode deployment = only(docs, "Deployment", "fleetfed-controller");
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(deployment.at("/spec/template/spec/containers/0/image").asText()).isEqualTo(image);
    assertThat(deployment.at("/spec/template/spec/containers/0/command")).isEqualTo(json("['fleetfed','controller',"
        + "'--kubefed-namespace','fleet','--watch-namespace','fleet','--metrics-addr',':9090']"));
  }

  @Test
  @DisplayName("invalid options: exit 2, every problem named with its option, nothing printed")
  void invalidOptions() {
    Run run = install("--replicas", "0", "--kubefed-namespace", "Fed_System", "--image", "a b");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stdout()).isEmpty();
    assertThat(run.stderr().lines()).containsExactly(
        "error: --kubefed-namespace: \"Fed_System\" is not a DNS-1123 label (at most 63 lower-case letters, digits"
            + " and '-', starting and ending with a letter or digit)",
        "error: --replicas: must be at least 1 (got 0)",
        "error: --image: \"a b\" is not an image reference: it is empty or holds spaces or control characters");

    Run scope = install("--image", IMAGE, "--scope", "cluster");
    assertThat(scope.exitCode()).isEqualTo(2);
    assertThat(scope.stdout()).isEmpty();
    assertThat(scope.stderr()).startsWith("error: Invalid value for option '--scope': expected one of [Cluster,"
        + " Namespaced] (case-sensitive) but was 'cluster'");
  }

  @Test
  @DisplayName("without --image, a build that does not know its version (classes, not the jar) says so and exits 2;"
      + " the jar's default image is ghcr.io/fleetfed/fleetfed:<version>")
  void defaultImage() {
    Run run = install();

    assertThat(Main.version()).isEmpty();   // these tests run from classes; InstallCommandIT runs the jar
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stdout()).isEmpty();
    assertThat(run.stderr()).isEqualTo("error: --image: this fleetfed is not run from its jar and does not know its"
        + " version, the default image's tag: give --image" + System.lineSeparator());
    assertThat(InstallManifest.defaultImage("0.2.0")).isEqualTo("ghcr.io/fleetfed/fleetfed:0.2.0");
  }
}
