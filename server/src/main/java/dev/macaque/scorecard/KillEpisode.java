package dev.macaque.scorecard;

import java.time.Instant;
import java.util.List;

/**
 * One real run's kills in one group and what became of the group: the unit a scorecard is computed from.
 *
 * @param killedAt      the run's first real kill in the group
 * @param realKills     instances the run terminated for real in the group
 * @param recovery      the group's recovery status in the run ({@code RECOVERED}, {@code NOT_RECOVERED}, {@code SKIPPED},
 *                      {@code PENDING}), or {@code UNKNOWN} when the run's record has none (closed after a crash)
 * @param timeToRecover seconds from the first kill until the group was seen back, when it recovered
 * @param recoveredAt   {@code killedAt + timeToRecover}, when it recovered
 * @param finding       {@code NOT_RECOVERED}, {@code NOT_STEADY} or {@code HALTED} when this kill found a problem, else null
 * @param services      the services the run's steady-state probes name ({@code service} probes)
 */
public record KillEpisode(String runId, String group, Instant killedAt, int realKills, String recovery, Double timeToRecover,
        Instant recoveredAt, String finding, List<String> services) {

    public KillEpisode {
        services = List.copyOf(services);
    }

    /** Whether the group was seen back after this kill, with its time to recover. */
    public boolean recovered() {
        return "RECOVERED".equals(recovery) && recoveredAt != null;
    }
}
