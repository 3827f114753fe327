package io.fleetfed.core.kubefed;

import io.fleetfed.core.internal.LabelMaps;
import io.fleetfed.core.internal.Names;
import io.fleetfed.core.internal.Nulls;
import io.fleetfed.core.internal.Problems;
import io.fleetfed.core.model.Cluster;
import io.fleetfed.core.model.ClusterNames;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * KubeFed's {@code KubeFedCluster} ({@code core.kubefed.io/v1beta1}): a member cluster registered in the host.
 *
 * <pre>{@code
 * KubeFedCluster dev2 = KubeFedCluster.named("dev2-context").withLabels(Map.of("pipelines", "true"));
 * Cluster forPlacement = dev2.toCluster();   // Ready: no status yet counts as Ready for previews
 * }</pre>
 *
 * <p>Its name is a cluster name, so it must be a DNS-1123 label (see {@link ClusterNames}).
 *
 * @param name the cluster's name
 * @param namespace KubeFed's namespace ({@value FederatedTypeConfig#DEFAULT_NAMESPACE} by default)
 * @param labels the cluster's labels, matched by placement selectors
 * @param apiEndpoint {@code spec.apiEndpoint}, the member's API server URL
 * @param caBundle {@code spec.caBundle}, base64 PEM of the member's CA (a certificate, not a secret)
 * @param secretName {@code spec.secretRef.name}, the host Secret holding the member's token (the token itself
 *     never appears here)
 * @param disabledTlsValidations {@code spec.disabledTLSValidations}, such as {@code ["*"]}
 * @param proxyUrl {@code spec.proxyURL}
 * @param conditions {@code status.conditions}
 * @param kubernetesVersion {@code status.kubernetesVersion}
 * @param hasStatus whether the document had a {@code status} at all
 */
public record KubeFedCluster(String name, String namespace, Map<String, String> labels,
    Optional<String> apiEndpoint, Optional<String> caBundle, Optional<String> secretName,
    List<String> disabledTlsValidations, Optional<String> proxyUrl, List<ClusterCondition> conditions,
    Optional<String> kubernetesVersion, boolean hasStatus) implements KubeFedDocument {

  /** Validates the name, namespace and labels. */
  public KubeFedCluster {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(apiEndpoint, "apiEndpoint");
    Objects.requireNonNull(caBundle, "caBundle");
    Objects.requireNonNull(secretName, "secretName");
    Objects.requireNonNull(proxyUrl, "proxyUrl");
    Objects.requireNonNull(kubernetesVersion, "kubernetesVersion");
    disabledTlsValidations = List.copyOf(Nulls.noNulls(disabledTlsValidations, "disabledTlsValidations"));
    conditions = List.copyOf(Nulls.noNulls(conditions, "conditions"));
    if (!hasStatus && !conditions.isEmpty()) {
      throw new IllegalArgumentException("conditions need a status");
    }
    Problems problems = new Problems();
    ClusterNames.problem(name).ifPresent(p -> problems.add("metadata.name", p));
    Names.dns1123LabelProblem(namespace).ifPresent(p -> problems.add("metadata.namespace", p));
    Map<String, String> givenLabels = Objects.requireNonNull(labels, "labels");
    labels = problems.capture("", () -> LabelMaps.labels(givenLabels, "metadata.labels")).orElse(Map.of());
    problems.throwIfAny();
  }

  /** A cluster with only a name, in KubeFed's namespace, without status. */
  public static KubeFedCluster named(String name) {
    return new KubeFedCluster(name, FederatedTypeConfig.DEFAULT_NAMESPACE, Map.of(), Optional.empty(),
        Optional.empty(), Optional.empty(), List.of(), Optional.empty(), List.of(), Optional.empty(), false);
  }

  /** This cluster with {@code labels}. */
  public KubeFedCluster withLabels(Map<String, String> labels) {
    return new KubeFedCluster(name, namespace, labels, apiEndpoint, caBundle, secretName, disabledTlsValidations,
        proxyUrl, conditions, kubernetesVersion, hasStatus);
  }

  /** This cluster with a status holding {@code conditions}. */
  public KubeFedCluster withConditions(List<ClusterCondition> conditions) {
    return new KubeFedCluster(name, namespace, labels, apiEndpoint, caBundle, secretName, disabledTlsValidations,
        proxyUrl, conditions, kubernetesVersion, true);
  }

  /**
   * Whether the cluster is Ready: a {@code Ready=True} condition, as in KubeFed; or, for previews, no status at
   * all (an inventory written by hand).
   */
  public boolean ready() {
    return !hasStatus || conditions.stream().anyMatch(ClusterCondition::isReadyTrue);
  }

  /** The cluster as placement sees it: name, labels, Ready. */
  public Cluster toCluster() {
    return new Cluster(name, labels, ready());
  }

  /** The cluster for messages and logs: URLs without any user or password in them; no CA bundle. */
  @Override
  public String toString() {
    return "KubeFedCluster[" + namespace + "/" + name + ", labels " + labels
        + apiEndpoint.map(u -> ", apiEndpoint " + withoutUserInfo(u)).orElse("")
        + proxyUrl.map(u -> ", proxyURL " + withoutUserInfo(u)).orElse("")
        + secretName.map(n -> ", secretRef " + n).orElse("") + ", " + (ready() ? "Ready" : "not Ready") + "]";
  }

  private static String withoutUserInfo(String url) {
    int scheme = url.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int at = url.indexOf('@', start);
    int slash = url.indexOf('/', start);
    return at < 0 || (slash >= 0 && slash < at) ? url : url.substring(0, start) + "***@" + url.substring(at + 1);
  }
}
