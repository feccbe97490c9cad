/**
 * The engine: decides what to kill ({@link dev.macaque.engine.TargetSelector}), refuses what is unsafe
 * ({@link dev.macaque.engine.GuardrailCheck}), kills through the provider SPI and verifies recovery
 * ({@link dev.macaque.engine.ExperimentRunner}, {@link dev.macaque.engine.ExperimentRun}).
 *
 * <p>Everything runs on a {@link dev.macaque.engine.TaskScheduler}: the engine never sleeps and never reads the
 * system clock, so the same code runs in real time in the server and in virtual time in tests and the simulator.
 * Randomness comes from the run's seed only ({@link dev.macaque.engine.SeededRandom}). See {@code docs/engine.md}.
 */
package dev.macaque.engine;
