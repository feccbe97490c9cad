/** Scenario files: the parser, its records and its {@code file:line:key} errors. See {@code docs/scenario.schema.json}. */
package dev.macaque.simulated.scenario;
