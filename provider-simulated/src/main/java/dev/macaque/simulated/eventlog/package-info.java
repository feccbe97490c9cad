/** The world's event log: ordered events, sinks, and the JSON Lines format. */
package dev.macaque.simulated.eventlog;
