/**
 * {@code macaque simulate}: runs a scenario's simulated world, its faults and its {@code chaos} entries through the
 * experiment engine in virtual time, then writes the deterministic event log, a JSON report with hypotheses checked,
 * and a self-contained HTML report.
 *
 * <p>The engine runs inside the world: {@link dev.macaque.simulate.WorldTaskScheduler} puts its timers into the
 * world's event queue and {@link dev.macaque.simulate.WorldRunRecorder} writes its events into the world's log, so
 * one sequence orders world and engine events. Recovery times in the report come from that log (the world's exact
 * instants), not from the engine's polling.
 */
package dev.macaque.simulate;
