package dev.macaque.auth;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The groups a principal may act on: those carrying every tag of {@code tags} with that value ({@code {team: payments}}).
 * {@link #ALL} (no tags) is an unscoped principal. A scope only narrows: the engine applies it to every run's
 * eligibility ({@code targets.scope}), so it holds at kill time, not only in a preview.
 */
public record Scope(Map<String, String> tags) {
    public static final Scope ALL = new Scope(Map.of());
    public static final int MAX_TAGS = 10;

    public Scope {
        tags = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(tags, "tags is null")));
    }

    public boolean unscoped() {
        return tags.isEmpty();
    }

    /**
     * Whether {@code other} is this scope or narrower: it requires every tag this one requires, with the same value.
     * An unscoped principal covers every scope; a scoped one covers only scopes within its own.
     */
    public boolean covers(Scope other) {
        return other.tags.entrySet().containsAll(tags.entrySet());
    }

    /** Whether a group with {@code groupTags} is inside this scope. */
    public boolean matches(Map<String, String> groupTags) {
        return tags.entrySet().stream().allMatch(t -> t.getValue().equals(groupTags.get(t.getKey())));
    }

    /** {@code team=payments,tier=web}; empty when unscoped. */
    @Override
    public String toString() {
        return tags.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    /** Checks a requested scope: at most {@link #MAX_TAGS} tags, names and values 1-100 characters, none blank. */
    public static Scope of(Map<String, String> tags) {
        if (tags == null) {
            return ALL;
        }
        if (tags.size() > MAX_TAGS) {
            throw new IllegalArgumentException("a scope has at most " + MAX_TAGS + " tags, was " + tags.size());
        }
        tags.forEach((tag, value) -> {
            if (tag == null || tag.isBlank() || tag.length() > 100 || value == null || value.isBlank() || value.length() > 100) {
                throw new IllegalArgumentException("a scope is tag: value pairs, each 1-100 characters and not blank; was " + tags);
            }
        });
        return new Scope(tags);
    }
}
