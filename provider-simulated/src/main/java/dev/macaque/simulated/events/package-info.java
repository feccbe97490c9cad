/** The event queue: events ordered by (virtual time, insertion sequence). */
package dev.macaque.simulated.events;
