/**
 * The simulated cloud: a deterministic discrete-event world ({@link dev.macaque.simulated.SimulatedWorld}) of groups,
 * instances and services, the provider SPI over it ({@link dev.macaque.simulated.SimulatedProvider}) and its factory
 * (type {@code simulated}). See {@code docs/simulation.md}.
 */
package dev.macaque.simulated;
