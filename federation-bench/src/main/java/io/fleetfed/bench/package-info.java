/**
 * Benchmarks, each measured beside its baseline in the same run. Run them all with
 * {@code java -jar federation-bench/target/benchmarks.jar}; see {@link io.fleetfed.bench.BenchMain}.
 */
package io.fleetfed.bench;
