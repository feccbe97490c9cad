/**
 * {@code macaque simulate}: runs a scenario's simulated world, its faults and its {@code chaos} entries through the
 * experiment engine in virtual time, then produces the deterministic event log and the report model (written as
 * {@code report.json}, hypotheses checked); the server renders its HTML pages from that model with its templates.
 *
 * <p>The engine runs inside the world: {@link dev.macaque.simulate.WorldTaskScheduler} puts its timers into the
 * world's event queue and {@link dev.macaque.simulate.WorldRunRecorder} writes its events into the world's log, so
 * one sequence orders world and engine events. Recovery times in the report come from that log (the world's exact
 * instants), not from the engine's polling.
 */
package dev.macaque.simulate;
