package dev.macaque.engine;

import dev.macaque.engine.ExperimentSpec.Targets;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.OptIn;
import java.util.Map;
import java.util.Objects;

/**
 * The one rule that decides whether a group may lose an instance to an experiment: reported under the provider's
 * own id, opted in by its owner ({@code macaque-enabled=true}), with a valid weight, and matched by every target
 * filter. Runs, schedules, the simulator and the target preview all judge groups here, so they can never disagree.
 *
 * <p>A listed group is judged on its summary first (cheap, before any describe); the group's fresh tags are judged
 * again right before selection, because eligibility is decided on the freshest data before any kill.
 */
public final class Eligibility {
    private Eligibility() {
    }

    /** Why a group is not a candidate; in the order the rule checks. */
    public enum Exclusion {
        /** The provider reported it under another provider instance's id: never trusted. */
        FOREIGN_PROVIDER_ID,
        /** Its owner did not opt it in. */
        NOT_OPTED_IN,
        /** {@code macaque-weight} is not a positive integer. */
        INVALID_WEIGHT,
        /** It lacks a tag of the run's team scope ({@code targets.scope}, set from a scoped principal). */
        OUT_OF_SCOPE,
        /** {@code targets.providers} does not name its provider. */
        FILTERED_BY_PROVIDER,
        /** {@code targets.regions} does not name its region. */
        FILTERED_BY_REGION,
        /** {@code targets.groups} does not name it. */
        FILTERED_BY_NAME,
        /** One of {@code targets.tags} is not on it with that value. */
        FILTERED_BY_TAG,
        /** No healthy in-service instance: nothing a kill could take (decided at selection, not by this rule). */
        NO_HEALTHY_INSTANCE,
        /** A group or provider the targets name that no provider lists (decided by discovery). */
        NOT_FOUND,
        /** Its provider could not list or read groups (decided by discovery). */
        PROVIDER_UNAVAILABLE,
        /** Another run is acting on the group now (fleet-wide safety; decided by the fleet's state). */
        GROUP_BUSY
    }

    /** The rule's answer. */
    public sealed interface Verdict {
        boolean eligible();
    }

    public record Eligible() implements Verdict {
        @Override
        public boolean eligible() {
            return true;
        }
    }

    /** @param detail one sentence for a person, naming the value that decided */
    public record Excluded(Exclusion reason, String detail) implements Verdict {
        public Excluded {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public boolean eligible() {
            return false;
        }
    }

    private static final Eligible ELIGIBLE = new Eligible();

    /** A group as provider {@code providerId} listed it: its summary's opt-in and tags. */
    public static Verdict ofListed(String providerId, GroupSummary summary, Targets targets) {
        if (!summary.ref().provider().equals(providerId)) {
            return new Excluded(Exclusion.FOREIGN_PROVIDER_ID, "reported by provider " + providerId
                    + " under another provider id");
        }
        if (!summary.optedIn()) {
            return new Excluded(Exclusion.NOT_OPTED_IN, "not opted in (" + OptIn.ENABLED_KEY + " is not 'true')");
        }
        return filtered(summary.ref(), summary.tags(), targets);
    }

    /** A group by its fresh tags, as described right before selection. */
    public static Verdict ofDescribed(GroupRef ref, Map<String, String> tags, Targets targets) {
        if (!OptIn.isEnabled(tags)) {
            return new Excluded(Exclusion.NOT_OPTED_IN, "not opted in (" + OptIn.ENABLED_KEY + " is not 'true')");
        }
        if (OptIn.weight(tags).isEmpty()) {
            return new Excluded(Exclusion.INVALID_WEIGHT, "invalid " + OptIn.WEIGHT_KEY + " '" + tags.get(OptIn.WEIGHT_KEY)
                    + "': must be a positive integer");
        }
        return filtered(ref, tags, targets);
    }

    /**
     * The owner's half of the rule on an already-derived group, for selection over large fleets: {@link FleetGroup}
     * derives opt-in and weight from its tags once; the target filters are then applied compiled
     * ({@link TargetMatcher}), which agrees with {@link #filtered}.
     */
    public static boolean optedInWithValidWeight(FleetGroup group) {
        return group.optedIn() && group.weight() > 0;
    }

    /**
     * The run's team scope alone ({@code targets.scope}): judged with the filters, and again on the group's tags as
     * read right before each kill ({@link TerminationStep}), so that a group retagged meanwhile is not touched.
     */
    public static Verdict inScope(Map<String, String> tags, Targets targets) {
        for (Map.Entry<String, String> wanted : targets.scope().entrySet()) {
            String actual = tags.get(wanted.getKey());
            if (!wanted.getValue().equals(actual)) {
                return new Excluded(Exclusion.OUT_OF_SCOPE, "outside the scope " + wanted.getKey() + "=" + wanted.getValue()
                        + " (its " + wanted.getKey() + " is " + (actual == null ? "absent" : "'" + actual + "'") + ")");
            }
        }
        return ELIGIBLE;
    }

    /** The target filters alone (opt-in is judged by the other methods): {@link Targets#matches} is this. */
    public static Verdict filtered(GroupRef ref, Map<String, String> tags, Targets targets) {
        Verdict scope = inScope(tags, targets);
        if (!scope.eligible()) {
            return scope;
        }
        if (!targets.providers().isEmpty() && !targets.providers().contains(ref.provider())) {
            return new Excluded(Exclusion.FILTERED_BY_PROVIDER, "provider " + ref.provider() + " is not in targets.providers");
        }
        if (!targets.regions().isEmpty() && !targets.regions().contains(ref.region())) {
            return new Excluded(Exclusion.FILTERED_BY_REGION, "region " + ref.region() + " is not in targets.regions");
        }
        if (!targets.groups().isEmpty() && !targets.groups().contains(ref.name())) {
            return new Excluded(Exclusion.FILTERED_BY_NAME, "group " + ref.name() + " is not in targets.groups");
        }
        for (Map.Entry<String, String> wanted : targets.tags().entrySet()) {
            String actual = tags.get(wanted.getKey());
            if (!wanted.getValue().equals(actual)) {
                return new Excluded(Exclusion.FILTERED_BY_TAG, "tag " + wanted.getKey() + " is "
                        + (actual == null ? "absent" : "'" + actual + "'") + ", targets.tags wants '" + wanted.getValue() + "'");
            }
        }
        return ELIGIBLE;
    }
}
