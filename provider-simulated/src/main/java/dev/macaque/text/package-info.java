/**
 * The text conventions every Macaque file and API shares, written once: the duration syntax ({@link
 * dev.macaque.text.Durations}) and "did you mean …?" suggestions ({@link dev.macaque.text.Suggestions}). The scenario
 * parser, the engine's spec parser, schedules and the server's configuration all use these, so a user meets one
 * syntax and one style of hint everywhere.
 */
package dev.macaque.text;
