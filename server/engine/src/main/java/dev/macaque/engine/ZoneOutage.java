package dev.macaque.engine;

import dev.macaque.engine.ExperimentSpec.Guardrails;
import dev.macaque.engine.ExperimentSpec.Selection;
import dev.macaque.engine.ExperimentSpec.Targets;
import dev.macaque.engine.GuardrailDecision.Refused;
import dev.macaque.spi.GroupRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A zone outage planned over a fleet snapshot ({@code selection: {mode: zone}}): every healthy in-service member in
 * the zone of every eligible group is a victim, and the guardrails are judged for each group as a whole, since an
 * outage takes a zone at once, not one instance at a time.
 *
 * <ul>
 *   <li>A group whose every healthy member is in the zone is refused {@code LAST_HEALTHY_INSTANCE} (the absolute
 *       floor): a finding, "single-zone group: a real outage of this zone takes it to zero".</li>
 *   <li>A group that would keep fewer healthy members than {@code minHealthyInstances} or {@code minHealthyPercent}
 *       of its desired capacity is refused {@code MIN_HEALTHY} whole: half a zone is no outage.</li>
 *   <li>An outage needing more terminations than {@code maxTerminations} is refused whole ({@code MAX_TERMINATIONS});
 *       the fleet budgets are checked for the outage as a whole in the one atomic step that records all its
 *       intents ({@link #fleetBudgets(FleetView, int, Set)}).</li>
 * </ul>
 *
 * <p>Eligible groups are those the other modes draw from (opted in, valid weight, matching the targets, with a
 * healthy member); {@code targets.regions} narrows which zone is meant where names repeat. {@code random} draws a
 * zone with probability proportional to its eligible members, from the run's {@code selection} stream. Victims are in
 * snapshot order (provider, region, name), then by instance id. Deterministic and stateless.
 *
 * @param zone   the zone taken down ({@code ""} when {@code random} found no eligible member anywhere)
 * @param drawn  whether the zone was drawn from the seed ({@code random})
 * @param groups every eligible group with a member in the zone, in snapshot order, with the plan's verdict
 */
public record ZoneOutage(String zone, boolean drawn, List<GroupOutage> groups) {

    /** What the message of a single-zone refusal begins with (a finding wherever it is shown). */
    public static final String SINGLE_ZONE_FINDING = "single-zone group: a real outage of this zone takes it to zero";

    public ZoneOutage {
        Objects.requireNonNull(zone, "zone");
        groups = List.copyOf(groups);
    }

    /**
     * One group's part in the outage.
     *
     * @param group   the group
     * @param desired its desired capacity
     * @param healthy its healthy in-service members
     * @param victims its healthy members in the zone, by instance id
     * @param refusal why the whole group is spared, or null when its members in the zone are killed
     */
    public record GroupOutage(GroupRef group, int desired, int healthy, List<String> victims, Refused refusal) {
        public GroupOutage {
            Objects.requireNonNull(group, "group");
            victims = List.copyOf(victims);
        }

        public boolean refused() {
            return refusal != null;
        }

        /** Healthy members left once the zone is gone (as a real outage would leave them, refused or not). */
        public int healthyAfter() {
            return healthy - victims.size();
        }

        GroupOutage refuse(Refused why) {
            return new GroupOutage(group, desired, healthy, victims, why);
        }
    }

    /** The outage {@code selection} asks for over {@code snapshot}, ordered by (provider, region, name). */
    public static ZoneOutage plan(List<FleetGroup> snapshot, Targets targets, Selection selection, Guardrails limits,
                                  SplittableRandom random) {
        List<FleetGroup> eligible = eligible(snapshot, targets);
        String zone = selection.randomZone() ? draw(eligible, random) : selection.zone();
        List<GroupOutage> groups = new ArrayList<>();
        for (FleetGroup group : eligible) {
            List<String> inZone = new ArrayList<>();
            for (int i = 0; i < group.healthyCount(); i++) {
                if (!zone.isEmpty() && zone.equals(group.healthyZone(i))) {
                    inZone.add(group.healthyInstanceIds().get(i));
                }
            }
            if (!inZone.isEmpty()) {
                GroupOutage outage = new GroupOutage(group.ref(), group.desiredCapacity(), group.healthyCount(), inZone, null);
                groups.add(outage.refuse(judge(outage, zone, limits)));
            }
        }
        int kills = groups.stream().filter(g -> !g.refused()).mapToInt(g -> g.victims().size()).sum();
        if (kills > limits.maxTerminations()) {
            Refused whole = new Refused(RefusalReason.MAX_TERMINATIONS, "the outage of zone " + zone + " needs " + kills
                    + " terminations, more than guardrails.maxTerminations=" + limits.maxTerminations()
                    + ": refused whole, nothing killed");
            groups.replaceAll(g -> g.refused() ? g : g.refuse(whole));
        }
        return new ZoneOutage(zone, selection.randomZone(), groups);
    }

    /** Every zone member, in kill order: the refused groups' members too (each is reported with its refusal). */
    public List<Victim> victims() {
        List<Victim> victims = new ArrayList<>();
        groups.forEach(g -> g.victims().forEach(id -> victims.add(new Victim(g.group(), id))));
        return victims;
    }

    /** Terminations the outage makes (the members of groups not refused). */
    public int kills() {
        return groups.stream().filter(g -> !g.refused()).mapToInt(g -> g.victims().size()).sum();
    }

    /** The groups the outage acts on. */
    public Set<GroupRef> actedOn() {
        Set<GroupRef> acted = new LinkedHashSet<>();
        groups.stream().filter(g -> !g.refused()).forEach(g -> acted.add(g.group()));
        return acted;
    }

    /** The refusal of {@code group}'s members, or null when they are killed. */
    public Refused refusalOf(GroupRef group) {
        return groups.stream().filter(g -> g.group().equals(group)).findFirst().map(GroupOutage::refusal).orElse(null);
    }

    /**
     * The fleet budgets for the outage as planned ({@link #kills}, {@link #actedOn}): what a preview shows. The run
     * judges {@link #fleetBudgets(FleetView, int, Set)} on what it is about to record.
     */
    public GuardrailDecision fleetBudgets(FleetView view) {
        return fleetBudgets(view, kills(), actedOn());
    }

    /**
     * The fleet budgets for the outage as a whole, judged on the fleet's record in the atomic step that records all
     * its intents: its {@code kills} terminations on top of the last hour's and day's, and its {@code groups} on top
     * of those already degraded. Refused names the budget and the number needed.
     */
    public GuardrailDecision fleetBudgets(FleetView view, int kills, Set<GroupRef> groups) {
        FleetBudgets budgets = view.budgets();
        if ((long) view.terminationsLastHour() + kills > budgets.maxTerminationsPerHour()) {
            return new Refused(RefusalReason.FLEET_BUDGET, "the outage of zone " + zone + " needs " + kills
                    + " terminations; the fleet already had " + view.terminationsLastHour() + " in the last hour, "
                    + (view.terminationsLastHour() + kills) + " > safety.maxTerminationsPerHour="
                    + budgets.maxTerminationsPerHour() + ": refused whole, nothing killed");
        }
        if ((long) view.terminationsLastDay() + kills > budgets.maxTerminationsPerDay()) {
            return new Refused(RefusalReason.FLEET_BUDGET, "the outage of zone " + zone + " needs " + kills
                    + " terminations; the fleet already had " + view.terminationsLastDay() + " in the last 24 hours, "
                    + (view.terminationsLastDay() + kills) + " > safety.maxTerminationsPerDay="
                    + budgets.maxTerminationsPerDay() + ": refused whole, nothing killed");
        }
        Set<GroupRef> degraded = new LinkedHashSet<>(view.degradedGroups());
        degraded.addAll(groups);
        if (degraded.size() > budgets.maxGroupsDegraded()) {
            return new Refused(RefusalReason.FLEET_BUDGET, "the outage of zone " + zone + " degrades "
                    + dev.macaque.text.Counts.of(groups.size(), "group") + "; with those already degraded that is " + degraded.size()
                    + " > safety.maxGroupsDegraded=" + budgets.maxGroupsDegraded() + ": refused whole, nothing killed");
        }
        return GuardrailDecision.ALLOWED;
    }

    /**
     * A group's outage guardrails judged again on the group as read just now ({@code healthy} healthy in-service
     * members, {@code victims} of them in the zone): null when its members in the zone may still be killed.
     */
    Refused judgeFresh(GroupRef group, int desired, int healthy, List<String> victims, Guardrails limits) {
        return judge(new GroupOutage(group, desired, healthy, victims, null), zone, limits);
    }

    /** Eligible members per zone over the eligible groups of {@code snapshot}, by zone name (members without a zone left out). */
    public static Map<String, Integer> membersByZone(List<FleetGroup> snapshot, Targets targets) {
        Map<String, Integer> byZone = new TreeMap<>();
        for (FleetGroup group : eligible(snapshot, targets)) {
            for (int i = 0; i < group.healthyCount(); i++) {
                if (!group.healthyZone(i).isEmpty()) {
                    byZone.merge(group.healthyZone(i), 1, Integer::sum);
                }
            }
        }
        return Collections.unmodifiableMap(byZone);
    }

    private static List<FleetGroup> eligible(List<FleetGroup> snapshot, Targets targets) {
        return snapshot.stream().filter(g -> Eligibility.optedInWithValidWeight(g) && g.healthyCount() > 0
                && targets.matches(g.ref(), g.tags())).toList();
    }

    /** A zone drawn in proportion to its eligible members; zones in name order, so the draw is reproducible. */
    private static String draw(List<FleetGroup> eligible, SplittableRandom random) {
        Map<String, Integer> byZone = membersByZone(eligible, Targets.ANY);
        long total = byZone.values().stream().mapToLong(Integer::longValue).sum();
        if (total == 0) {
            return "";
        }
        long point = random.nextLong(total);
        for (Map.Entry<String, Integer> zone : byZone.entrySet()) {
            point -= zone.getValue();
            if (point < 0) {
                return zone.getKey();
            }
        }
        throw new IllegalStateException("unreachable: the draw is below the total");
    }

    /** The per-group guardrails with the whole zone gone at once. */
    private static Refused judge(GroupOutage g, String zone, Guardrails limits) {
        int after = g.healthyAfter();
        if (after < 1) {
            return new Refused(RefusalReason.LAST_HEALTHY_INSTANCE, SINGLE_ZONE_FINDING + " (all "
                    + dev.macaque.text.Counts.of(g.healthy(), "healthy member") + " of group " + g.group() + " are in " + zone + "); nothing is killed in it");
        }
        if (after < limits.minHealthyInstances()) {
            return new Refused(RefusalReason.MIN_HEALTHY, "group " + g.group() + " would keep " + after + " of "
                    + dev.macaque.text.Counts.of(g.healthy(), "healthy member") + " without zone " + zone + ", fewer than guardrails.minHealthyInstances="
                    + limits.minHealthyInstances() + "; nothing is killed in it");
        }
        int required = GuardrailCheck.requiredHealthy(g.desired(), limits.minHealthyPercent());
        if (after < required) {
            return new Refused(RefusalReason.MIN_HEALTHY, "group " + g.group() + " would keep " + after + " of "
                    + g.desired() + " desired healthy without zone " + zone + ", fewer than guardrails.minHealthyPercent="
                    + limits.minHealthyPercent() + "% (" + required + "); nothing is killed in it");
        }
        return null;
    }
}
