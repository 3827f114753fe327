/**
 * Replica scheduling, as KubeFed's {@code ReplicaSchedulingPreference} (RSP) does it: spread a total number of
 * replicas of a federated Deployment or ReplicaSet over the Ready clusters by weight, within per-cluster
 * minimums, maximums and capacities, and write the result as the object's placement and per-cluster
 * {@code /spec/replicas} overrides.
 *
 * <ul>
 *   <li>{@link io.fleetfed.core.schedule.ReplicaSchedulingPreference} and
 *       {@link io.fleetfed.core.schedule.ClusterPreferences}: the preference itself.
 *   <li>{@link io.fleetfed.core.schedule.ReplicaPlanner}: KubeFed's planner, number for number.
 *   <li>{@link io.fleetfed.core.schedule.ReplicaPlan}: what the planner decided.
 *   <li>{@link io.fleetfed.core.schedule.ReplicaScheduler}: turns a plan into placement and overrides.
 * </ul>
 *
 * <pre>{@code
 * ReplicaSchedulingPreference rsp = ReplicaSchedulingPreference.forDeployment(9)
 *     .cluster("dev2", ClusterPreferences.weight(2))
 *     .cluster("dev3", ClusterPreferences.weight(1))
 *     .build();
 * FederatedResource scheduled = ReplicaScheduler.schedule(nginx, rsp, clusters, Map.of(), Map.of());
 * }</pre>
 *
 * <p>Pure functions over immutable values: no I/O, no threads, no Kubernetes client. Measuring the current
 * replicas and capacity of each cluster is the caller's business.
 */
package io.fleetfed.core.schedule;
