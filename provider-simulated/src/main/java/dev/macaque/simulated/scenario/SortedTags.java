package dev.macaque.simulated.scenario;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A group's tags: sorted by key and unmodifiable. Specs built from another spec's tags share them instead of copying
 * (a million groups with the same two tags would otherwise hold a million tree maps).
 */
final class SortedTags extends AbstractMap<String, String> {
    private final SortedMap<String, String> map;

    private SortedTags(Map<String, String> tags) {
        this.map = Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    }

    /** {@code tags} itself when it already is sorted tags, else a sorted, unmodifiable copy. */
    static Map<String, String> of(Map<String, String> tags) {
        return tags instanceof SortedTags ? tags : new SortedTags(tags);
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return map.entrySet();
    }

    @Override
    public String get(Object key) {
        return map.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return map.containsKey(key);
    }

    @Override
    public int size() {
        return map.size();
    }
}
