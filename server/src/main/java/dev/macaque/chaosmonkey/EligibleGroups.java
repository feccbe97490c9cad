package dev.macaque.chaosmonkey;

import dev.macaque.engine.Eligibility;
import dev.macaque.engine.ExperimentSpec.Targets;
import dev.macaque.schedule.KillSchedule;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The groups a schedule plans kills for: opted-in groups its experiment targets, as the providers list them now. A
 * provider that fails to list is left out this time (and logged), never guessed.
 */
public final class EligibleGroups {
    private static final Logger log = LoggerFactory.getLogger(EligibleGroups.class);

    private final Supplier<Map<String, CloudProvider>> providers;

    public EligibleGroups(Supplier<Map<String, CloudProvider>> providers) {
        this.providers = Objects.requireNonNull(providers, "providers is null");
    }

    /** In a stable order (provider, region, name). */
    public List<GroupRef> of(KillSchedule schedule) {
        Targets targets = schedule.experiment().targets();
        List<GroupRef> out = new ArrayList<>();
        providers.get().values().stream().sorted(Comparator.comparing(CloudProvider::id))
                .filter(p -> targets.providers().isEmpty() || targets.providers().contains(p.id()))
                .forEach(provider -> {
                    try {
                        for (GroupSummary group : provider.listGroups(new GroupFilter(targets.regions(), targets.tags()))) {
                            if (Eligibility.ofListed(provider.id(), group, targets).eligible()) {
                                out.add(group.ref());
                            }
                        }
                    } catch (RuntimeException e) {
                        log.warn("Schedule '{}': provider {} could not list groups ({}); its groups are not planned this time",
                                schedule.name(), provider.id(), e.toString());
                    }
                });
        out.sort(Comparator.comparing(GroupRef::provider).thenComparing(GroupRef::region).thenComparing(GroupRef::name));
        return out;
    }
}
