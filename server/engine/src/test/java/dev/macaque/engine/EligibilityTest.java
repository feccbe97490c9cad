package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.engine.Eligibility.Excluded;
import dev.macaque.engine.Eligibility.Exclusion;
import dev.macaque.engine.ExperimentSpec.Targets;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one eligibility rule: each exclusion, in the order it is checked, with the value that decided it. */
class EligibilityTest {
    private static final GroupRef WEB = new GroupRef("sim", "us-east-1", "web");
    private static final Map<String, String> OPTED_IN = Map.of("macaque-enabled", "true", "team", "shop");

    private static Exclusion exclusion(Eligibility.Verdict verdict) {
        return verdict instanceof Excluded excluded ? excluded.reason() : null;
    }

    @Test
    void anOptedInGroupThatEveryFilterMatchesIsEligible() {
        Targets targets = new Targets(Set.of("sim"), Set.of("us-east-1"), Set.of("web"), Map.of("team", "shop"));
        assertThat(Eligibility.ofDescribed(WEB, OPTED_IN, targets).eligible()).isTrue();
        assertThat(Eligibility.ofListed("sim", new GroupSummary(WEB, 3, OPTED_IN), targets).eligible()).isTrue();
    }

    @Test
    void eachExclusionIsNamedWithTheValueThatDecidedIt() {
        assertThat(exclusion(Eligibility.ofListed("other", new GroupSummary(WEB, 3, OPTED_IN), Targets.ANY)))
                .isEqualTo(Exclusion.FOREIGN_PROVIDER_ID);
        assertThat(exclusion(Eligibility.ofDescribed(WEB, Map.of("team", "shop"), Targets.ANY))).isEqualTo(Exclusion.NOT_OPTED_IN);
        Eligibility.Verdict heavy = Eligibility.ofDescribed(WEB, Map.of("macaque-enabled", "true", "macaque-weight", "heavy"),
                Targets.ANY);
        assertThat(exclusion(heavy)).isEqualTo(Exclusion.INVALID_WEIGHT);
        assertThat(((Excluded) heavy).detail()).contains("'heavy'");
        assertThat(exclusion(Eligibility.ofDescribed(WEB, OPTED_IN, new Targets(Set.of("aws"), Set.of(), Set.of(), Map.of()))))
                .isEqualTo(Exclusion.FILTERED_BY_PROVIDER);
        assertThat(exclusion(Eligibility.ofDescribed(WEB, OPTED_IN, new Targets(Set.of(), Set.of("eu-west-1"), Set.of(), Map.of()))))
                .isEqualTo(Exclusion.FILTERED_BY_REGION);
        assertThat(exclusion(Eligibility.ofDescribed(WEB, OPTED_IN, new Targets(Set.of(), Set.of(), Set.of("api"), Map.of()))))
                .isEqualTo(Exclusion.FILTERED_BY_NAME);
        Eligibility.Verdict tag = Eligibility.ofDescribed(WEB, OPTED_IN, new Targets(Set.of(), Set.of(), Set.of(), Map.of("team", "pay")));
        assertThat(exclusion(tag)).isEqualTo(Exclusion.FILTERED_BY_TAG);
        assertThat(((Excluded) tag).detail()).isEqualTo("tag team is 'shop', targets.tags wants 'pay'");
    }

    @Test
    void aListedGroupWithoutTheOptInTagIsExcludedBeforeAnyFilter() {
        assertThat(exclusion(Eligibility.ofListed("sim", new GroupSummary(WEB, 3, Map.of("team", "shop")),
                new Targets(Set.of(), Set.of("eu-west-1"), Set.of(), Map.of())))).isEqualTo(Exclusion.NOT_OPTED_IN);
    }

    @Test
    void targetsMatchExactlyWhenTheRulesFiltersPass() {
        Targets targets = new Targets(Set.of(), Set.of("us-east-1"), Set.of(), Map.of("team", "shop"));
        assertThat(targets.matches(WEB, OPTED_IN)).isTrue();
        assertThat(targets.matches(WEB, Map.of())).isFalse();
        assertThat(targets.matches(new GroupRef("sim", "eu-west-1", "web"), OPTED_IN)).isFalse();
    }
}
