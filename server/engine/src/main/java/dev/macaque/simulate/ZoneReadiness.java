package dev.macaque.simulate;

import dev.macaque.engine.ExperimentSpec;
import dev.macaque.engine.ExperimentSpec.Guardrails;
import dev.macaque.engine.FleetGroup;
import dev.macaque.engine.ZoneOutage;
import dev.macaque.spi.GroupRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Zone readiness: for every zone of one provider's fleet, what its outage would do, before any is tried. Per zone:
 * the groups and healthy members it hosts; the opted-in groups a zone experiment would refuse because all their
 * healthy members are there (single-zone: a real outage takes them to zero) or because they would fall below their
 * minimum; and, for the others, the predicted time to recover. Computed from a {@link FleetSnapshot} only: the
 * engine's own zone plan ({@link ZoneOutage}) over the snapshot's groups, and each zone's experiment simulated
 * against the snapshot ({@link Prediction}). Nothing is started.
 *
 * @param provider   the provider instance
 * @param takenAt    when the snapshot was read
 * @param guardrails the per-group guardrails judged (a zone experiment's defaults unless asked otherwise)
 * @param zones      by region, then zone name
 * @param caveats    the snapshot's
 */
public record ZoneReadiness(String provider, Instant takenAt, Guardrails guardrails, List<Zone> zones,
                            List<String> caveats) {

    public ZoneReadiness {
        zones = List.copyOf(zones);
        caveats = List.copyOf(caveats);
    }

    /** What an outage of one group's part in a zone would mean for it. */
    public enum Verdict {
        /** Not opted in: a zone experiment never touches it (a real outage would). */
        NOT_OPTED_IN,
        /** Every healthy member is in this zone: refused LAST_HEALTHY_INSTANCE; a real outage takes it to zero. */
        SINGLE_ZONE,
        /** It would keep fewer healthy members than its minimum: refused MIN_HEALTHY. */
        BELOW_MINIMUM,
        /** Killed, and predicted back within the recovery window. */
        RECOVERS,
        /** Killed, and not predicted back within the simulated window. */
        NOT_RECOVERED
    }

    /**
     * @param region  the zone's region (zone names repeat across regions on some clouds)
     * @param members healthy in-service members in the zone, over every group (opted in or not)
     */
    public record Zone(String region, String zone, int members, List<GroupInZone> groups) {
        public Zone {
            groups = List.copyOf(groups);
        }

        public long count(Verdict verdict) {
            return groups.stream().filter(g -> g.verdict() == verdict).count();
        }
    }

    /**
     * @param inZone            its healthy members in the zone
     * @param healthyAfter      healthy members left while the zone is down
     * @param detail            the guardrail's message for a refused group; else empty
     * @param predictedRecovery for {@link Verdict#RECOVERS}: from the kill until it is back at its healthy count
     */
    public record GroupInZone(GroupRef group, boolean optedIn, int desired, int healthy, int inZone, int healthyAfter,
                              Verdict verdict, String detail, Duration predictedRecovery) {
        public GroupInZone {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(verdict, "verdict");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** How long the recovery of each zone's simulated experiment is watched (plus the prediction's margin). */
    public static final Duration RECOVERY_WINDOW = ExperimentSpec.Recovery.DEFAULT_TIMEOUT;

    /** Readiness of every zone of {@code snapshot}'s fleet under {@code limits} (its maxTerminations is not used). */
    public static ZoneReadiness assess(FleetSnapshot snapshot, Guardrails limits) {
        Map<String, Map<String, List<FleetGroup>>> byRegionAndZone = new TreeMap<>();
        for (FleetGroup group : snapshot.fleet()) {
            for (int i = 0; i < group.healthyCount(); i++) {
                String zone = group.healthyZone(i);
                if (!zone.isEmpty()) {
                    List<FleetGroup> hosted = byRegionAndZone.computeIfAbsent(group.ref().region(), r -> new TreeMap<>())
                            .computeIfAbsent(zone, z -> new ArrayList<>());
                    if (hosted.isEmpty() || hosted.get(hosted.size() - 1) != group) {
                        hosted.add(group);
                    }
                }
            }
        }
        // an outage is judged whole: every member of the zone, however many (maxTerminations is a run's setting)
        Guardrails outage = new Guardrails(limits.minHealthyPercent(), limits.minHealthyInstances(), Integer.MAX_VALUE,
                Duration.ZERO);
        List<Zone> zones = new ArrayList<>();
        byRegionAndZone.forEach((region, byZone) -> byZone.forEach((zone, hosted) ->
                zones.add(assessZone(snapshot, region, zone, hosted, outage))));
        return new ZoneReadiness(snapshot.providerId(), snapshot.takenAt(), limits, zones, snapshot.caveats());
    }

    private static Zone assessZone(FleetSnapshot snapshot, String region, String zone, List<FleetGroup> hosted,
                                   Guardrails outage) {
        ExperimentSpec.Targets targets = new ExperimentSpec.Targets(Set.of(snapshot.providerId()), Set.of(region), Set.of(),
                Map.of());
        ExperimentSpec.Selection selection = ExperimentSpec.Selection.zone(zone);
        ZoneOutage plan = ZoneOutage.plan(hosted, targets, selection, outage, new SplittableRandom(0));
        Map<GroupRef, ZoneOutage.GroupOutage> planned = new HashMap<>();
        plan.groups().forEach(g -> planned.put(g.group(), g));
        Map<GroupRef, Prediction.GroupRecoveryPrediction> recoveries = new HashMap<>();
        if (plan.kills() > 0) {
            ExperimentSpec spec = new ExperimentSpec("zone-readiness " + region + "/" + zone, targets, selection, outage,
                    new ExperimentSpec.Recovery(RECOVERY_WINDOW, ExperimentSpec.Recovery.DEFAULT_POLL_INTERVAL), false, 0L);
            Prediction.predict(snapshot, spec, 0L).recoveries().forEach(r -> recoveries.put(r.group(), r));
        }
        List<GroupInZone> groups = new ArrayList<>();
        int members = 0;
        for (FleetGroup group : hosted) {
            int inZone = 0;
            for (int i = 0; i < group.healthyCount(); i++) {
                if (zone.equals(group.healthyZone(i))) {
                    inZone++;
                }
            }
            members += inZone;
            int after = group.healthyCount() - inZone;
            ZoneOutage.GroupOutage part = planned.get(group.ref());
            GroupInZone entry;
            if (part == null) {
                entry = new GroupInZone(group.ref(), group.optedIn(), group.desiredCapacity(), group.healthyCount(), inZone, after,
                        Verdict.NOT_OPTED_IN, "", null);
            } else if (part.refused()) {
                Verdict verdict = after < 1 ? Verdict.SINGLE_ZONE : Verdict.BELOW_MINIMUM;
                entry = new GroupInZone(group.ref(), true, group.desiredCapacity(), group.healthyCount(), inZone, after,
                        verdict, part.refusal().message(), null);
            } else {
                Prediction.GroupRecoveryPrediction predicted = recoveries.get(group.ref());
                Duration back = predicted == null ? null : predicted.recovery().orElse(null);
                entry = new GroupInZone(group.ref(), true, group.desiredCapacity(), group.healthyCount(), inZone, after,
                        back == null ? Verdict.NOT_RECOVERED : Verdict.RECOVERS, "", back);
            }
            groups.add(entry);
        }
        return new Zone(region, zone, members, groups);
    }
}
