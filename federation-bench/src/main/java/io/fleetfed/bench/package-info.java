/**
 * Benchmarks, each measured beside its baseline in the same run: JMH micro-benchmarks and the end-to-end fleet
 * benchmarks ({@link io.fleetfed.bench.FleetBenchmark}). Run them all with
 * {@code java -jar federation-bench/target/benchmarks.jar}, or only the fleet ones with
 * {@code java -jar federation-bench/target/benchmarks.jar fleet}; see {@link io.fleetfed.bench.BenchMain}.
 */
package io.fleetfed.bench;
