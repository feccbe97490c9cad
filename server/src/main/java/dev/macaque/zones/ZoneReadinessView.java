package dev.macaque.zones;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.macaque.simulate.ZoneReadiness;
import java.time.Instant;
import java.util.List;

/**
 * Zone readiness as the API, the CLI and the dashboard show it ({@code GET /api/v1/zones}): one model, rendered
 * as JSON here and as a table by {@code macaque zones}.
 *
 * @param minHealthyPercent   the per-group guardrail judged
 * @param minHealthyInstances the per-group guardrail judged
 */
public record ZoneReadinessView(String provider, Instant takenAt, int minHealthyPercent, int minHealthyInstances,
                                List<ZoneView> zones, List<String> caveats) {

    /**
     * @param members      healthy in-service members in the zone, over every group
     * @param singleZone   opted-in groups a zone experiment refuses because every healthy member is here
     * @param belowMinimum opted-in groups that would fall below their minimum
     */
    public record ZoneView(String region, String zone, int members, long singleZone, long belowMinimum, List<GroupView> groups) {
    }

    /** @param predictedRecoverySeconds for RECOVERS: from the kill until the group is back */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GroupView(String group, boolean optedIn, int desired, int healthy, int inZone, int healthyAfter,
                            String verdict, String detail, Double predictedRecoverySeconds) {
    }

    static ZoneReadinessView of(ZoneReadiness readiness) {
        return new ZoneReadinessView(readiness.provider(), readiness.takenAt(), readiness.guardrails().minHealthyPercent(),
                readiness.guardrails().minHealthyInstances(), readiness.zones().stream().map(z -> new ZoneView(z.region(),
                        z.zone(), z.members(), z.count(ZoneReadiness.Verdict.SINGLE_ZONE), z.count(ZoneReadiness.Verdict.BELOW_MINIMUM),
                        z.groups().stream().map(g -> new GroupView(g.group().toString(), g.optedIn(), g.desired(), g.healthy(),
                                g.inZone(), g.healthyAfter(), g.verdict().name(), g.detail().isEmpty() ? null : g.detail(),
                                g.predictedRecovery() == null ? null : g.predictedRecovery().toMillis() / 1000.0)).toList()))
                        .toList(), readiness.caveats());
    }
}
