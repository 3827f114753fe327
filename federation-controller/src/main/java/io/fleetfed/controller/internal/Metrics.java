package io.fleetfed.controller.internal;

import io.fleetfed.core.cluster.ClusterHealth;
import io.fleetfed.core.cluster.ClusterState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The controller's metrics, in Prometheus's text format through Micrometer: KubeFed's names where KubeFed had one
 * (cluster health, joined clusters, reconcile counts and durations, work queue depth), plus fleetfed's propagation
 * outcomes by reason and leadership.
 */
public final class Metrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MultiGauge clusterStates;

  Metrics(Supplier<List<ClusterState>> members, Supplier<Boolean> leading) {
    clusterStates = MultiGauge.builder("kubefedcluster").description("Each member's health: 1 for its current "
        + "state (ready, notready, offline), 0 for the others (KubeFed's kubefedcluster_total)").register(registry);
    Gauge.builder("joined_cluster", () -> members.get().size()).description("Members of the fleet")
        .register(registry);
    Gauge.builder("fleetfed_controller_leader", () -> leading.get() ? 1 : 0)
        .description("1 while this replica leads").register(registry);
  }

  /** Samples the members' health into {@code kubefedcluster{state,cluster}}. */
  void clusters(List<ClusterState> states) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (ClusterState s : states) {
      String current = s.health() == ClusterHealth.READY ? "ready"
          : s.health() == ClusterHealth.OFFLINE ? "offline" : "notready";
      for (String state : List.of("ready", "notready", "offline")) {
        rows.add(MultiGauge.Row.of(Tags.of("cluster", s.name(), "state", state), state.equals(current) ? 1 : 0));
      }
    }
    clusterStates.register(rows, true);
  }

  /** A work queue's depth as {@code workqueue_depth{name}}. */
  void queue(String name, Supplier<Number> depth) {
    Gauge stale = registry.find("workqueue_depth").tag("name", name).gauge();
    if (stale != null) {
      registry.remove(stale); // a type restarted: its new queue replaces the old one's gauge
    }
    Gauge.builder("workqueue_depth", depth).tag("name", name).description("Keys waiting in the work queue")
        .register(registry);
  }

  /** One reconcile of {@code controller}, its result ({@code success}, {@code error}, {@code needs_recheck}). */
  void reconciled(String controller, String result, Duration took) {
    Counter.builder("controller_runtime_reconcile").tags("controller", controller, "result", result)
        .description("Reconciles by controller and result").register(registry).increment();
    if (result.equals("error")) {
      Counter.builder("controller_runtime_reconcile_errors").tag("controller", controller)
          .description("Reconciles that failed").register(registry).increment();
    }
    Timer.builder("controller_runtime_reconcile_time").tag("controller", controller)
        .description("How long one reconcile took").publishPercentileHistogram().register(registry).record(took);
    if (!controller.equals("federatedtypeconfig")) {
      Timer.builder("reconcile_federated_resources_duration").description("How long one propagation reconcile "
          + "took").publishPercentileHistogram().register(registry).record(took);
    }
  }

  /** One cluster's outcome of a propagation, by KubeFed's reason ({@code ""} when OK) and action. */
  void outcome(String reason, String action) {
    Counter.builder("fleetfed_propagation_outcomes").tags("reason", reason.isEmpty() ? "OK" : reason,
        "action", action).description("Per-cluster propagation outcomes, by reason and action").register(registry)
        .increment();
  }

  /** One status written to a Federated object. */
  void statusWritten() {
    Counter.builder("fleetfed_status_writes").description("Statuses written to Federated objects in the host")
        .register(registry).increment();
  }

  /** Pre-sets the counters KubeFed pre-sets to 0, so a scrape shows them before anything happened. */
  void declare(String controller) {
    for (String result : List.of("success", "error", "needs_recheck")) {
      Counter.builder("controller_runtime_reconcile").tags("controller", controller, "result", result)
          .description("Reconciles by controller and result").register(registry);
    }
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The metrics in Prometheus's text format. */
  public String scrape() {
    return registry.scrape();
  }
}
