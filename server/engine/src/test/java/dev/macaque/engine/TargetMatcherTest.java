package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.spi.GroupRef;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The compiled matcher answers exactly as {@link ExperimentSpec.Targets#matches}, for any targets and group. */
class TargetMatcherTest {
    private static final List<String> WORDS = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l");

    private static Set<String> pick(java.util.Random random, int max) {
        Set<String> picked = new TreeSet<>();
        int n = random.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            picked.add(WORDS.get(random.nextInt(WORDS.size())));
        }
        return picked;
    }

    @Property(tries = 300)
    void agreesWithTargetsMatches(@ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        java.util.Random random = new java.util.Random(seed);
        Map<String, String> wantedTags = new TreeMap<>();
        for (String key : pick(random, 2)) {
            wantedTags.put(key, WORDS.get(random.nextInt(3)));
        }
        ExperimentSpec.Targets targets = new ExperimentSpec.Targets(pick(random, 2), pick(random, 2), pick(random, 11), wantedTags);
        TargetMatcher matcher = TargetMatcher.of(targets);
        for (int i = 0; i < 50; i++) {
            GroupRef ref = new GroupRef(WORDS.get(random.nextInt(4)), WORDS.get(random.nextInt(4)), WORDS.get(random.nextInt(WORDS.size())));
            Map<String, String> tags = new TreeMap<>();
            for (String key : pick(random, 3)) {
                tags.put(key, WORDS.get(random.nextInt(3)));
            }
            boolean expected = targets.matches(ref, tags);
            assertThat(matcher.matches(ref, tags)).as("%s %s against %s", ref, tags, targets).isEqualTo(expected);
        }
    }
}
