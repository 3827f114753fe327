package io.fleetfed.controller.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetfed.core.cluster.HealthCheck;
import io.fleetfed.core.model.ResourceType;
import io.fleetfed.tekton.GoDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The KubeFedConfig named {@code kubefed} in the KubeFed namespace, where it applies to fleetfed, with KubeFed's
 * defaults for what it leaves out. A field that cannot be read keeps its default and is reported in
 * {@link #problems()}: a bad config never stops the controller.
 *
 * @param scope {@code Cluster} (every namespace) or {@code Namespaced} (only the KubeFed namespace)
 * @param leaseDuration KubeFed's {@code leaderElect.leaseDuration}
 * @param renewDeadline {@code leaderElect.renewDeadline}
 * @param retryPeriod {@code leaderElect.retryPeriod}
 * @param health {@code clusterHealthCheck}
 * @param adoptResources {@code syncController.adoptResources} when the config says so; empty when it does not
 *     (fleetfed then keeps its own default: no adoption)
 * @param maxConcurrentReconciles {@code syncController.maxConcurrentReconciles}; {@value #DEFAULT_WORKERS} when the
 *     config does not say (KubeFed's default, 1, reconciles one object at a time, so a thousand objects took
 *     minutes)
 * @param pushReconciler feature gate {@code PushReconciler} (default on): propagation runs at all
 * @param rawResourceStatusCollection feature gate {@code RawResourceStatusCollection} (default off)
 * @param problems what could not be read, for the log and events
 */
public record KubeFedSettings(String scope, Duration leaseDuration, Duration renewDeadline, Duration retryPeriod,
    HealthCheck health, Optional<Boolean> adoptResources, int maxConcurrentReconciles, boolean pushReconciler,
    boolean rawResourceStatusCollection, List<String> problems) {

  public static final ResourceType KUBEFED_CONFIGS = ResourceType.namespaced("core.kubefed.io", "v1beta1",
      "KubeFedConfig", "kubefedconfigs");
  public static final String NAME = "kubefed";
  private static final Set<String> GATES = Set.of("PushReconciler", "SchedulerPreferences",
      "RawResourceStatusCollection");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How many objects of one type are reconciled at once when the KubeFedConfig does not say: the fleet's own. */
  public static final int DEFAULT_WORKERS = 16;

  /** KubeFed's defaults, with scope {@code Cluster}, and fleetfed's where it differs (adoption, workers). */
  public static final KubeFedSettings DEFAULTS = new KubeFedSettings("Cluster", Duration.ofSeconds(15),
      Duration.ofSeconds(10), Duration.ofSeconds(5), HealthCheck.DEFAULT, Optional.empty(), DEFAULT_WORKERS, true,
      false, List.of());

  public KubeFedSettings {
    problems = List.copyOf(problems);
  }

  /** The settings of {@code config}, or the defaults when there is none. */
  public static KubeFedSettings of(Optional<GenericKubernetesResource> config) {
    if (config.isEmpty()) {
      return DEFAULTS;
    }
    JsonNode spec = JSON.valueToTree(config.get()).path("spec");
    List<String> problems = new ArrayList<>();
    Reader r = new Reader(spec, problems);
    String scope = r.text("/scope", "Cluster");
    if (!scope.equals("Cluster") && !scope.equals("Namespaced")) {
      problems.add("spec.scope: must be Cluster or Namespaced, got \"" + scope + "\"; using Cluster");
      scope = "Cluster";
    }
    Duration lease = r.duration("/leaderElect/leaseDuration", DEFAULTS.leaseDuration);
    Duration renew = r.duration("/leaderElect/renewDeadline", DEFAULTS.renewDeadline);
    Duration retry = r.duration("/leaderElect/retryPeriod", DEFAULTS.retryPeriod);
    if (!(lease.compareTo(renew) > 0 && renew.toMillis() > retry.toMillis() * 1.2)) {
      problems.add("spec.leaderElect: leaseDuration > renewDeadline > retryPeriod × 1.2 does not hold ("
          + GoDuration.format(lease) + ", " + GoDuration.format(renew) + ", " + GoDuration.format(retry)
          + "); using 15s, 10s, 5s");
      lease = DEFAULTS.leaseDuration;
      renew = DEFAULTS.renewDeadline;
      retry = DEFAULTS.retryPeriod;
    }
    HealthCheck health = DEFAULTS.health;
    try {
      health = new HealthCheck(r.duration("/clusterHealthCheck/period", HealthCheck.DEFAULT.period()),
          r.duration("/clusterHealthCheck/timeout", HealthCheck.DEFAULT.timeout()),
          r.positive("/clusterHealthCheck/failureThreshold", HealthCheck.DEFAULT.failureThreshold()),
          r.positive("/clusterHealthCheck/successThreshold", HealthCheck.DEFAULT.successThreshold()));
    } catch (IllegalArgumentException e) {
      problems.add("spec.clusterHealthCheck: " + e.getMessage() + "; using KubeFed's defaults");
    }
    Optional<Boolean> adopt = Optional.empty();
    String adoptText = r.text("/syncController/adoptResources", "");
    if (adoptText.equals("Enabled") || adoptText.equals("Disabled")) {
      adopt = Optional.of(adoptText.equals("Enabled"));
    } else if (!adoptText.isEmpty()) {
      problems.add("spec.syncController.adoptResources: must be Enabled or Disabled, got \"" + adoptText + "\"");
    }
    int workers = r.positive("/syncController/maxConcurrentReconciles", DEFAULT_WORKERS);
    TreeMap<String, Boolean> gates = new TreeMap<>();
    for (JsonNode gate : spec.path("featureGates")) {
      String name = gate.path("name").asText("");
      String value = gate.path("configuration").asText("");
      if (!GATES.contains(name)) {
        problems.add("spec.featureGates: unknown gate \"" + name + "\" (known: "
            + GATES.stream().sorted().toList() + "); ignored");
      } else if (!value.equals("Enabled") && !value.equals("Disabled")) {
        problems.add("spec.featureGates[" + name + "].configuration: must be Enabled or Disabled, got \"" + value
            + "\"; ignored");
      } else {
        gates.put(name, value.equals("Enabled"));
      }
    }
    return new KubeFedSettings(scope, lease, renew, retry, health, adopt, workers,
        gates.getOrDefault("PushReconciler", true), gates.getOrDefault("RawResourceStatusCollection", false),
        problems);
  }

  /** Reads fields, noting what it cannot read. */
  private record Reader(JsonNode spec, List<String> problems) {
    String text(String pointer, String fallback) {
      JsonNode n = spec.at(pointer);
      return n.isMissingNode() || n.isNull() ? fallback : n.asText();
    }

    Duration duration(String pointer, Duration fallback) {
      JsonNode n = spec.at(pointer);
      if (n.isMissingNode() || n.isNull()) {
        return fallback;
      }
      try {
        Duration d = GoDuration.parse(n.asText()).orElseThrow(() -> new IllegalArgumentException("not a duration"));
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("must be positive");
        }
        return d;
      } catch (IllegalArgumentException e) {
        problems.add("spec" + pointer.replace('/', '.') + ": \"" + n.asText() + "\" is not a positive duration ("
            + e.getMessage() + "); using " + GoDuration.format(fallback));
        return fallback;
      }
    }

    int positive(String pointer, int fallback) {
      JsonNode n = spec.at(pointer);
      if (n.isMissingNode() || n.isNull()) {
        return fallback;
      }
      if (!n.canConvertToInt() || n.asInt() < 1) {
        problems.add("spec" + pointer.replace('/', '.') + ": must be a positive integer, got " + n + "; using "
            + fallback);
        return fallback;
      }
      return n.asInt();
    }
  }
}
