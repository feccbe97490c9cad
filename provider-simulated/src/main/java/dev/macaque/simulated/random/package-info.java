/** Seeded randomness with named child streams. */
package dev.macaque.simulated.random;
