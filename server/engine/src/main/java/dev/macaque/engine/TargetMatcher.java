package dev.macaque.engine;

import dev.macaque.spi.GroupRef;
import java.util.Map;
import java.util.Set;

/**
 * {@link ExperimentSpec.Targets#matches} compiled once per selection into plain arrays: the same answer, without the
 * sorted-set lookups and map iterators that would otherwise run (and allocate) for every group of a large fleet.
 */
final class TargetMatcher {
    private final String[] providers;
    private final String[] regions;
    private final String[] groups;
    private final Set<String> manyGroups;
    private final String[] tagKeys;
    private final String[] tagValues;

    private TargetMatcher(ExperimentSpec.Targets targets) {
        providers = targets.providers().toArray(String[]::new);
        regions = targets.regions().toArray(String[]::new);
        // Group lists can be long (a schedule naming hundreds of groups): hash them beyond a handful.
        groups = targets.groups().size() <= 8 ? targets.groups().toArray(String[]::new) : null;
        manyGroups = groups == null ? Set.copyOf(targets.groups()) : null;
        // The scope's tags are required like targets.tags (a key in both must match both values: then nothing does).
        int n = targets.tags().size() + targets.scope().size();
        tagKeys = new String[n];
        tagValues = new String[n];
        int i = 0;
        for (Map.Entry<String, String> tag : targets.tags().entrySet()) {
            tagKeys[i] = tag.getKey();
            tagValues[i++] = tag.getValue();
        }
        for (Map.Entry<String, String> tag : targets.scope().entrySet()) {
            tagKeys[i] = tag.getKey();
            tagValues[i++] = tag.getValue();
        }
    }

    static TargetMatcher of(ExperimentSpec.Targets targets) {
        return new TargetMatcher(targets);
    }

    boolean matches(GroupRef ref, Map<String, String> groupTags) {
        return matchesPlace(ref.provider(), ref.region()) && matchesName(ref.name()) && matchesTags(groupTags);
    }

    /**
     * Every filter but the group name: what a group's (provider, region, tags) profile decides for all the groups
     * that share it ({@link IndexedFleet}).
     */
    boolean matchesProfile(String provider, String region, Map<String, String> groupTags) {
        return matchesPlace(provider, region) && matchesTags(groupTags);
    }

    /** Whether the selection names groups at all: only then does {@link #matchesName} need calling per group. */
    boolean filtersNames() {
        return groups == null || groups.length > 0;
    }

    boolean matchesName(String name) {
        return groups != null ? anyEquals(groups, name) : manyGroups.contains(name);
    }

    private boolean matchesPlace(String provider, String region) {
        return anyEquals(providers, provider) && anyEquals(regions, region);
    }

    private boolean matchesTags(Map<String, String> groupTags) {
        for (int i = 0; i < tagKeys.length; i++) {
            if (!tagValues[i].equals(groupTags.get(tagKeys[i]))) {
                return false;
            }
        }
        return true;
    }

    /** An empty filter lets everything through. */
    private static boolean anyEquals(String[] allowed, String value) {
        if (allowed.length == 0) {
            return true;
        }
        for (String candidate : allowed) {
            if (candidate.equals(value)) {
                return true;
            }
        }
        return false;
    }
}
