package dev.macaque.experiments;

import dev.macaque.engine.TargetPreview;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A target preview as the API shows it ({@code POST /api/v1/experiments/preview}, and the body of a 422 when no
 * group is eligible): what a run of the spec would do now, computed by the engine's {@link TargetPreview}.
 *
 * @param dryRun  whether the run would be a dry run (leashed mode forces it)
 * @param leashed    the server would force the run to a dry run because it may reach a leashed cloud provider
 * @param prediction with {@code "predict": true}: the run simulated against a snapshot of the fleet; else absent
 */
public record PreviewView(@com.fasterxml.jackson.databind.annotation.JsonSerialize(using = JsonSafeSeed.class) long seed, boolean dryRun, boolean leashed, List<EligibleView> eligible, long eligibleInstances,
        List<ExcludedView> excluded, Map<String, Integer> excludedByReason, List<RunView.VictimView> victims,
        List<WouldRefuseView> refusals,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        PredictionView prediction,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        ZoneView zone) {

    /**
     * A zone outage's plan ({@code selection.mode: zone}): the zone, and per group its members in the zone and the
     * refusal that spares it whole, if any.
     */
    public record ZoneView(String zone, boolean drawn, int kills, List<ZoneGroupView> groups) {
        static ZoneView of(dev.macaque.engine.ZoneOutage outage) {
            return outage == null ? null : new ZoneView(outage.zone(), outage.drawn(), outage.kills(),
                    outage.groups().stream().map(g -> new ZoneGroupView(g.group().toString(), g.desired(), g.healthy(),
                            g.victims().size(), g.healthyAfter(), g.refused() ? g.refusal().reason().name() : null,
                            g.refused() ? g.refusal().message() : null)).toList());
        }
    }

    /** @param refusal null when the group's members in the zone are killed */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record ZoneGroupView(String group, int desired, int healthy, int inZone, int healthyAfter, String refusal,
                                String message) {
    }

    /** @param membersRead false when {@code healthy} is the count assumed from the listing (members not read) */
    public record EligibleView(String provider, String region, String group, int weight, int desired, int healthy,
                               boolean membersRead) {
    }

    /** @param suggestion for NOT_FOUND: the closest name a provider lists, when one is close */
    public record ExcludedView(String provider, String region, String group, String reason, String detail, String suggestion) {
        static ExcludedView of(TargetPreview.ExcludedGroup e) {
            return new ExcludedView(e.provider(), e.region(), e.group(), e.reason().name(), e.detail(), e.suggestion());
        }
    }

    public record WouldRefuseView(String group, String instanceId, String reason, String message) {
    }

    static PreviewView of(TargetPreview.Result result, boolean dryRun, boolean leashed) {
        Map<String, Integer> byReason = new TreeMap<>();
        result.excludedByReason().forEach((reason, count) -> byReason.put(reason.name(), count));
        return new PreviewView(result.seed(), dryRun, leashed,
                result.eligible().stream().map(g -> new EligibleView(g.group().provider(), g.group().region(), g.group().name(),
                        g.weight(), g.desired(), g.healthy(), g.membersRead())).toList(),
                result.eligibleInstances(),
                result.excluded().stream().map(ExcludedView::of).toList(), byReason,
                result.victims().stream().map(RunView.VictimView::of).toList(),
                result.refusals().stream().map(r -> new WouldRefuseView(r.victim().group().toString(), r.victim().instanceId(),
                        r.reason().name(), r.message())).toList(), null, ZoneView.of(result.zoneOutage()));
    }

    /** The same preview with the run's prediction. */
    PreviewView withPrediction(PredictionView value) {
        return new PreviewView(seed, dryRun, leashed, eligible, eligibleInstances, excluded, excludedByReason, victims, refusals, value, zone);
    }

    /** One sentence for a problem's detail: why nothing would be eligible. */
    String whyNothingIsEligible() {
        if (excluded.isEmpty()) {
            return "no group matches the targets";
        }
        List<String> reasons = excluded.stream().filter(e -> !e.reason().startsWith("FILTERED_BY_")).limit(5)
                .map(e -> (e.group() == null ? e.provider() : e.provider() == null ? e.group()
                        : e.provider() + "/" + e.region() + "/" + e.group()) + ": " + e.reason() + " (" + e.detail() + ")")
                .toList();
        return reasons.isEmpty() ? "every listed group is filtered out by the targets (" + byReasonText() + ")"
                : String.join("; ", reasons);
    }

    private String byReasonText() {
        return String.join(", ", excludedByReason.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList());
    }
}
