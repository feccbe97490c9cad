package dev.macaque.simulate;

import java.time.Duration;

/**
 * A termination a guardrail refused.
 *
 * @param run      the engine run
 * @param group    the world group's name
 * @param instance the instance that was spared
 * @param at       when, since the world's start
 * @param reason   the engine's refusal code, e.g. {@code MIN_HEALTHY}
 */
public record RefusalRecord(String run, String group, String instance, Duration at, String reason) {
}
