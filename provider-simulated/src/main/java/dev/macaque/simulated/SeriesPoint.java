package dev.macaque.simulated;

import java.time.Duration;

/**
 * A change point of a service's state. The values hold from {@code at} until the next point, except that with a
 * daily load curve the load (and so the success ratio) varies continuously in between.
 *
 * @param at              since the world's start
 * @param healthyCapacity healthy in-service members × capacity per instance, requests/second
 * @param load            offered load at {@code at}, requests/second
 * @param successRatio    fraction of requests served at {@code at}, in [0, 1], including dependencies
 */
public record SeriesPoint(Duration at, double healthyCapacity, double load, double successRatio) {
}
