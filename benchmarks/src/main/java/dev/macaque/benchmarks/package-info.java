/**
 * JMH benchmarks. Each benchmark class measures its baseline in the same run (a sibling {@code @Benchmark}), draws
 * its inputs in {@code @Setup} from a fixed seed, and returns what it computed so the JIT cannot drop the work.
 * Packages by what is measured: {@code selection}, {@code simulator}, {@code fleet}, {@code recovery}; {@code world}
 * holds the simulated fleets and the engine-in-the-world wiring they share.
 */
package dev.macaque.benchmarks;
