package dev.macaque.engine;

import dev.macaque.engine.Eligibility.Exclusion;
import dev.macaque.engine.GuardrailDecision.Refused;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.ListedGroups;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.VmGroup;
import dev.macaque.text.Suggestions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a run of an experiment would do now, without doing it: the eligible and the excluded groups (each with its
 * reason), the victims the seed picks, and the refusals the guardrails would make.
 *
 * <p>It is the engine's own computation, not a copy: groups are judged by {@link Eligibility}, the snapshot is
 * ordered as {@link ExperimentRun} orders it (provider, region, name), victims are drawn by {@link TargetSelector}
 * from {@code SeededRandom.stream(seed, "selection")}, and the victims are walked in order through
 * {@link GuardrailCheck} with healthy counts and termination counts kept as a run keeps them. On an unchanged fleet
 * a run started with the same seed picks exactly these victims. Where a listing does not carry the members (Azure,
 * GCP), the draw is made as the run makes it ({@link TargetSelector#pick}): on the listed counts, then the members of
 * the groups drawn are read and the draw is made again, so that a whole-fleet preview reads the drawn groups only. Differences from a run: one attempt per provider
 * call (a preview answers a request; it does not wait out backoffs), and groups are listed without the target
 * filters so that a filtered-out group can be explained.
 *
 * <p>Bounded: at most {@link #MAX_EXCLUDED} excluded groups are listed (the interesting reasons first); every
 * exclusion is counted by reason. Thread-safe.
 */
public final class TargetPreview {
    /** Excluded groups listed in full; the rest are only counted. */
    public static final int MAX_EXCLUDED = 200;

    /** Which groups other runs are acting on now (fleet-wide safety fills it); none by default. */
    @FunctionalInterface
    public interface FleetState {
        FleetState NONE = Set::of;

        Set<GroupRef> busyGroups();

        /**
         * The fleet's counts and budgets now, against which a zone outage's budgets are judged as a whole (advisory:
         * the run decides under the fleet lock); by default nothing is recorded and there is no budget.
         */
        default FleetView fleet(Instant now) {
            return FleetView.ALONE;
        }
    }

    /**
     * @param weight      {@code macaque-weight}
     * @param healthy     healthy in-service instances a kill may take; for a group whose members were not read, the
     *                    count the selection assumed from the listing (its desired capacity)
     * @param membersRead whether {@code healthy} was read from the group's members, or assumed from the listing: as a
     *                    run does, the preview reads the members of the groups the seed draws, not of every group
     */
    public record EligibleGroup(GroupRef group, int weight, int desired, int healthy, boolean membersRead) {
    }

    /**
     * A group (or a name, or a provider) left out.
     *
     * @param provider   the provider instance, or null for a name no provider lists
     * @param region     null when not about one group
     * @param group      the group's name, or the name the targets gave; null for a whole provider
     * @param suggestion for {@code NOT_FOUND}: the closest listed name, when one is close
     */
    public record ExcludedGroup(String provider, String region, String group, Exclusion reason, String detail,
                                String suggestion) {
        public ExcludedGroup {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }

        boolean filtered() {
            return reason.name().startsWith("FILTERED_BY_");
        }
    }

    /** A victim a guardrail would refuse, with the numbers that decided it. */
    public record WouldRefuse(Victim victim, RefusalReason reason, String message) {
    }

    /**
     * @param excluded         at most {@link #MAX_EXCLUDED}, non-filter reasons first
     * @param excludedByReason every exclusion, counted
     * @param victims          as the selector draws them (the order a run kills them)
     * @param refusals         the victims the guardrails would refuse, in order
     */
    public record Result(long seed, List<EligibleGroup> eligible, long eligibleInstances, List<ExcludedGroup> excluded,
                         Map<Exclusion, Integer> excludedByReason, List<Victim> victims, List<WouldRefuse> refusals,
                         ZoneOutage zoneOutage) {
        public Result {
            eligible = List.copyOf(eligible);
            excluded = List.copyOf(excluded);
            excludedByReason = Map.copyOf(excludedByReason);
            victims = List.copyOf(victims);
            refusals = List.copyOf(refusals);
        }

        /** A preview of a count, percent or perGroup selection (no zone outage). */
        public Result(long seed, List<EligibleGroup> eligible, long eligibleInstances, List<ExcludedGroup> excluded,
                      Map<Exclusion, Integer> excludedByReason, List<Victim> victims, List<WouldRefuse> refusals) {
            this(seed, eligible, eligibleInstances, excluded, excludedByReason, victims, refusals, null);
        }

        /** The providers that could not be read, by id. */
        public Set<String> unavailableProviders() {
            Set<String> ids = new TreeSet<>();
            excluded.stream().filter(e -> e.reason() == Exclusion.PROVIDER_UNAVAILABLE && e.group() == null)
                    .forEach(e -> ids.add(e.provider()));
            return ids;
        }
    }

    private final ProviderDirectory directory;
    private final KillSwitch killSwitch;
    private final KillHistory killHistory;
    private final FleetState fleetState;
    private final TargetSelector selector = new TargetSelector();

    public TargetPreview(ProviderDirectory directory, KillSwitch killSwitch, KillHistory killHistory, FleetState fleetState) {
        this.directory = Objects.requireNonNull(directory, "directory is null");
        this.killSwitch = Objects.requireNonNull(killSwitch, "killSwitch is null");
        this.killHistory = Objects.requireNonNull(killHistory, "killHistory is null");
        this.fleetState = Objects.requireNonNull(fleetState, "fleetState is null");
    }

    /** What a run of {@code spec} with {@code seed}, started at {@code now}, would do. */
    public Result preview(ExperimentSpec spec, long seed, Instant now) {
        Discovery discovery = new Discovery(spec.targets());
        List<CloudProvider> chosen = discovery.chooseProviders();
        ExperimentSpec.Targets targets = spec.targets();
        if (!targets.providers().isEmpty() && !targets.regions().isEmpty() && !targets.groups().isEmpty()) {
            discovery.describeNamed(chosen);
        } else {
            // a zone outage takes every member in its zone: every eligible group's members must be read
            discovery.listAndDescribe(chosen, spec.selection().mode() == ExperimentSpec.SelectionMode.ZONE);
        }
        Set<GroupRef> busy = fleetState.busyGroups();
        List<FleetGroup> snapshot = new ArrayList<>();
        for (FleetGroup group : discovery.found) {
            // as the run does: an exclusive run leaves busy groups out, a shared one may act on them
            if (spec.concurrency() == ExperimentSpec.Concurrency.EXCLUSIVE && busy.contains(group.ref())) {
                discovery.exclude(group.ref(), Exclusion.GROUP_BUSY, "another run is acting on this group now");
            } else if (group.healthyCount() == 0) {
                discovery.exclude(group.ref(), Exclusion.NO_HEALTHY_INSTANCE, "no healthy in-service instance to kill");
                snapshot.add(group);
            } else {
                snapshot.add(group);
            }
        }
        // The order ExperimentRun gives the selector: the victims depend on it.
        snapshot.sort(Comparator.comparing((FleetGroup g) -> g.ref().provider())
                .thenComparing(g -> g.ref().region()).thenComparing(g -> g.ref().name()));
        ZoneOutage zone = spec.selection().mode() == ExperimentSpec.SelectionMode.ZONE
                ? ZoneOutage.plan(snapshot, targets, spec.selection(), spec.guardrails(), SeededRandom.stream(seed, "selection"))
                : null;
        SelectionResult selection = zone == null
                ? selectReadingDrawnGroups(snapshot, targets, spec.selection(), seed, discovery)
                : new SelectionResult(zone.victims(), 0, snapshot.stream().filter(g -> Eligibility.optedInWithValidWeight(g)
                        && targets.matches(g.ref(), g.tags())).mapToLong(FleetGroup::healthyCount).sum());
        List<EligibleGroup> eligible = snapshot.stream().filter(g -> g.healthyCount() > 0)
                .map(g -> new EligibleGroup(g.ref(), g.weight(), g.desiredCapacity(), g.healthyCount(), g.membersRead())).toList();
        // as the run's first intent does: the fleet budgets for the outage as a whole
        Refused outageRefused = zone != null && zone.kills() > 0
                && zone.fleetBudgets(fleetState.fleet(now)) instanceof Refused whole ? whole : null;
        List<WouldRefuse> refusals = walkGuardrails(spec, snapshot, selection.victims(), zone, outageRefused, now);
        return new Result(seed, eligible, selection.eligibleInstances(), discovery.listedExclusions(), discovery.byReason,
                selection.victims(), refusals, zone);
    }

    /**
     * As the run's selection does ({@code VictimSelection}): draw on the snapshot; when a draw falls on a group only
     * listed, read the groups drawn (one {@link CloudProvider#describeListedGroups} per provider) and draw again from
     * the start of the seed's stream, until every group drawn was read. {@code snapshot} is updated in place: groups
     * read replace their listed entries, groups gone or unreadable leave it (each excluded with its reason).
     */
    private SelectionResult selectReadingDrawnGroups(List<FleetGroup> snapshot, ExperimentSpec.Targets targets,
                                                     ExperimentSpec.Selection selection, long seed, Discovery discovery) {
        while (true) {
            TargetSelector.Picks picks = selector.pick(snapshot, targets, selection, SeededRandom.stream(seed, "selection"));
            if (picks.unread().isEmpty()) {
                return picks.victims();
            }
            Map<GroupRef, FleetGroup> read = discovery.readListed(picks.unread());
            Set<GroupRef> asked = new HashSet<>();
            picks.unread().forEach(g -> asked.add(g.ref()));
            snapshot.replaceAll(g -> read.getOrDefault(g.ref(), g));
            snapshot.removeIf(g -> asked.contains(g.ref()) && !read.containsKey(g.ref()));
            read.values().stream().filter(g -> g.healthyCount() == 0).forEach(g ->
                    discovery.exclude(g.ref(), Exclusion.NO_HEALTHY_INSTANCE, "no healthy in-service instance to kill"));
        }
    }

    /** The run's kill loop without the kills: each victim in order, counting what a successful kill changes. */
    private List<WouldRefuse> walkGuardrails(ExperimentSpec spec, List<FleetGroup> snapshot, List<Victim> victims,
                                             ZoneOutage zone, Refused outageRefused, Instant now) {
        Map<GroupRef, FleetGroup> byRef = new HashMap<>();
        Map<GroupRef, Integer> healthyNow = new HashMap<>();
        for (FleetGroup group : snapshot) {
            byRef.put(group.ref(), group);
            healthyNow.put(group.ref(), group.healthyCount());
        }
        Set<GroupRef> killedHere = new HashSet<>();
        KillHistory withThisRun = new KillHistory() {
            @Override
            public Optional<Instant> lastKill(GroupRef group) {
                return killedHere.contains(group) ? Optional.of(now) : killHistory.lastKill(group);
            }

            @Override
            public void recordKill(GroupRef group, Instant at) {
                throw new UnsupportedOperationException("a preview records no kill");
            }
        };
        GuardrailCheck guardrails = new GuardrailCheck(killSwitch, withThisRun);
        List<WouldRefuse> refusals = new ArrayList<>();
        int terminationsMade = 0;
        for (Victim victim : victims) {
            Refused spared = zone == null ? null : zone.refusalOf(victim.group()) != null ? zone.refusalOf(victim.group())
                    : outageRefused;
            if (spared != null) {
                // as the run does: a group a zone outage spares whole is refused before any per-kill check
                refusals.add(new WouldRefuse(victim, spared.reason(), spared.message()));
                continue;
            }
            FleetGroup group = byRef.get(victim.group());
            KillCandidate candidate = new KillCandidate(group.ref(), group.tags(), group.desiredCapacity(),
                    healthyNow.get(group.ref()));
            // as the run does: minTimeBetweenKills spaces a group's outages, not the members one outage takes together
            ExperimentSpec.Guardrails limits = zone != null && healthyNow.get(group.ref()) < group.healthyCount()
                    ? new ExperimentSpec.Guardrails(spec.guardrails().minHealthyPercent(),
                            spec.guardrails().minHealthyInstances(), spec.guardrails().maxTerminations(), java.time.Duration.ZERO)
                    : spec.guardrails();
            GuardrailDecision decision = guardrails.check(candidate, limits, terminationsMade, now);
            if (decision instanceof Refused refused) {
                refusals.add(new WouldRefuse(victim, refused.reason(), refused.message()));
                continue;
            }
            terminationsMade++;
            healthyNow.merge(group.ref(), -1, Integer::sum);
            if (!spec.dryRun()) {
                killedHere.add(group.ref()); // a real kill is in the history the next check reads
            }
        }
        return refusals;
    }

    /** One preview's discovery: what was found, and every exclusion with its reason. */
    private final class Discovery {
        private final ExperimentSpec.Targets targets;
        final List<FleetGroup> found = new ArrayList<>();
        final List<ExcludedGroup> excluded = new ArrayList<>();
        final Map<Exclusion, Integer> byReason = new EnumMap<>(Exclusion.class);
        private final Set<String> listedNames = new TreeSet<>();
        /** Groups taken from a listing without their members, as listed, to read when a draw falls on them. */
        private final Map<GroupRef, GroupSummary> listedOnly = new HashMap<>();
        private final Map<String, CloudProvider> providers = new HashMap<>();

        Discovery(ExperimentSpec.Targets targets) {
            this.targets = targets;
        }

        List<CloudProvider> chooseProviders() {
            List<CloudProvider> all = directory.providers();
            if (targets.providers().isEmpty()) {
                return all.stream().sorted(Comparator.comparing(CloudProvider::id)).toList();
            }
            List<CloudProvider> chosen = new ArrayList<>();
            List<String> ids = all.stream().map(CloudProvider::id).toList();
            for (String id : targets.providers()) {
                Optional<CloudProvider> provider = directory.provider(id);
                if (provider.isPresent()) {
                    chosen.add(provider.get());
                } else {
                    Optional<String> closest = Suggestions.closest(id, ids);
                    add(new ExcludedGroup(id, null, null, Exclusion.NOT_FOUND, "targets.providers names '" + id
                            + "', which is not a configured provider (configured: " + String.join(", ", ids) + ")"
                            + closest.map(s -> "; did you mean '" + s + "'?").orElse(""), closest.orElse(null)));
                }
            }
            chosen.sort(Comparator.comparing(CloudProvider::id));
            return chosen;
        }

        /** As the run does when every candidate is named: read those groups, list nothing. */
        void describeNamed(List<CloudProvider> chosen) {
            for (CloudProvider provider : chosen) {
                for (String region : targets.regions()) {
                    for (String name : targets.groups()) {
                        GroupRef ref = new GroupRef(provider.id(), region, name);
                        describe(provider, ref, true);
                    }
                }
            }
        }

        /**
         * As the run does: one listing per provider that reads the candidates with their members in the same pass
         * ({@link CloudProvider#listAndDescribeGroups}), not one describe per candidate.
         */
        void listAndDescribe(List<CloudProvider> chosen, boolean everyMember) {
            for (CloudProvider provider : chosen) {
                providers.put(provider.id(), provider);
                // Where members cost a call per group (Azure, GCP), the listing alone is read here, as the run does.
                boolean withMembers = everyMember || provider.listingCarriesMembers();
                ListedGroups listing;
                try {
                    listing = provider.listAndDescribeGroups(GroupFilter.ALL,
                            summary -> withMembers && Eligibility.ofListed(provider.id(), summary, targets).eligible());
                } catch (ProviderException e) {
                    unavailable(provider.id(), "listGroups failed: " + e.kind() + ": " + e.getMessage());
                    continue;
                } catch (RuntimeException e) {
                    unavailable(provider.id(), "listGroups failed: UNEXPECTED: " + e);
                    continue;
                }
                Map<GroupRef, VmGroup> read = new HashMap<>();
                listing.described().groups().forEach(group -> read.put(group.ref(), group));
                for (GroupSummary summary : listing.listed()) {
                    listedNames.add(summary.ref().name());
                    Eligibility.Verdict verdict = Eligibility.ofListed(provider.id(), summary, targets);
                    if (verdict instanceof Eligibility.Excluded no) {
                        exclude(summary.ref(), no.reason(), no.detail());
                    } else if (!withMembers) {
                        // judged as a read group would be (its weight too): the listing's tags are all there is
                        if (Eligibility.ofDescribed(summary.ref(), summary.tags(), targets) instanceof Eligibility.Excluded no) {
                            exclude(summary.ref(), no.reason(), no.detail());
                        } else {
                            listedOnly.put(summary.ref(), summary);
                            found.add(FleetGroup.listed(summary.ref(), summary.tags(), summary.desiredCapacity(),
                                    summary.desiredCapacity()));
                        }
                    } else if (read.containsKey(summary.ref())) {
                        judge(read.get(summary.ref()));
                    } else if (listing.described().notFound().containsKey(summary.ref())) {
                        exclude(summary.ref(), Exclusion.NOT_FOUND, "listed, then not found when read: "
                                + listing.described().notFound().get(summary.ref()));
                    } else {
                        exclude(summary.ref(), Exclusion.PROVIDER_UNAVAILABLE, "listed, but its members could not be read"
                                + (listing.described().unreachable().isEmpty() ? ""
                                : ": " + String.join("; ", listing.described().unreachable())));
                    }
                }
            }
            for (String name : targets.groups()) {
                if (!listedNames.contains(name)) {
                    notFound(null, null, name, listedNames);
                }
            }
        }

        /**
         * The members of groups drawn from the listing alone, one {@link CloudProvider#describeListedGroups} per
         * provider: each group read and judged on its fresh tags; a group gone, no longer eligible or unreadable is
         * absent from the answer and excluded with its reason.
         */
        Map<GroupRef, FleetGroup> readListed(List<FleetGroup> unread) {
            Map<String, List<GroupSummary>> byProvider = new java.util.TreeMap<>();
            unread.forEach(g -> byProvider.computeIfAbsent(g.ref().provider(), p -> new ArrayList<>()).add(listedOnly.get(g.ref())));
            Map<GroupRef, FleetGroup> read = new HashMap<>();
            byProvider.forEach((providerId, summaries) -> {
                dev.macaque.spi.DescribedGroups batch;
                try {
                    batch = providers.get(providerId).describeListedGroups(summaries);
                } catch (RuntimeException e) {
                    String why = e instanceof ProviderException p ? p.kind() + ": " + p.getMessage() : "UNEXPECTED: " + e;
                    summaries.forEach(s -> exclude(s.ref(), Exclusion.PROVIDER_UNAVAILABLE, "drawn, but its members could "
                            + "not be read: describeListedGroups failed: " + why));
                    return;
                }
                Map<GroupRef, VmGroup> described = new HashMap<>();
                batch.groups().forEach(g -> described.put(g.ref(), g));
                for (GroupSummary summary : summaries) {
                    VmGroup group = described.get(summary.ref());
                    if (group != null) {
                        Eligibility.Verdict verdict = Eligibility.ofDescribed(group.ref(), group.tags(), targets);
                        if (verdict instanceof Eligibility.Excluded no) {
                            exclude(group.ref(), no.reason(), no.detail());
                        } else {
                            read.put(group.ref(), FleetGroup.of(group));
                        }
                    } else if (batch.notFound().containsKey(summary.ref())) {
                        exclude(summary.ref(), Exclusion.NOT_FOUND, "listed, then not found when read: "
                                + batch.notFound().get(summary.ref()));
                    } else {
                        exclude(summary.ref(), Exclusion.PROVIDER_UNAVAILABLE, "drawn, but its members could not be read"
                                + (batch.unreachable().isEmpty() ? "" : ": " + String.join("; ", batch.unreachable())));
                    }
                }
            });
            read.keySet().forEach(listedOnly::remove);
            return read;
        }

        private void describe(CloudProvider provider, GroupRef ref, boolean named) {
            VmGroup group;
            try {
                group = provider.describeGroup(ref);
            } catch (ProviderException e) {
                if (e.kind() == ProviderException.Kind.NOT_FOUND) {
                    if (named) {
                        notFound(provider, ref.region(), ref.name(), namesIn(provider, ref.region()));
                    } else {
                        exclude(ref, Exclusion.NOT_FOUND, "listed, then not found when read: " + e.getMessage());
                    }
                } else {
                    exclude(ref, Exclusion.PROVIDER_UNAVAILABLE, "describeGroup failed: " + e.kind() + ": " + e.getMessage());
                }
                return;
            } catch (RuntimeException e) {
                exclude(ref, Exclusion.PROVIDER_UNAVAILABLE, "describeGroup failed: UNEXPECTED: " + e);
                return;
            }
            judge(group);
        }

        /** A group read with its members: judged on its fresh tags. */
        private void judge(VmGroup group) {
            Eligibility.Verdict verdict = Eligibility.ofDescribed(group.ref(), group.tags(), targets);
            if (verdict instanceof Eligibility.Excluded no) {
                exclude(group.ref(), no.reason(), no.detail());
            } else {
                found.add(FleetGroup.of(group));
            }
        }

        /** The names a provider lists in a region, only to suggest a spelling. */
        private Set<String> namesIn(CloudProvider provider, String region) {
            try {
                Set<String> names = new TreeSet<>();
                provider.listGroups(GroupFilter.regions(region)).forEach(s -> names.add(s.ref().name()));
                return names;
            } catch (RuntimeException e) {
                return Set.of();
            }
        }

        private void notFound(CloudProvider provider, String region, String name, Set<String> candidates) {
            Optional<String> closest = Suggestions.closest(name, candidates);
            String where = provider == null ? "no provider lists a group named '" + name + "'"
                    : "provider " + provider.id() + " has no group '" + name + "' in " + region;
            add(new ExcludedGroup(provider == null ? null : provider.id(), region, name, Exclusion.NOT_FOUND,
                    where + " (targets.groups)" + closest.map(s -> "; did you mean '" + s + "'?").orElse(""),
                    closest.orElse(null)));
        }

        private void unavailable(String providerId, String reason) {
            add(new ExcludedGroup(providerId, null, null, Exclusion.PROVIDER_UNAVAILABLE, reason, null));
        }

        void exclude(GroupRef ref, Exclusion reason, String detail) {
            add(new ExcludedGroup(ref.provider(), ref.region(), ref.name(), reason, detail, null));
        }

        private void add(ExcludedGroup exclusion) {
            excluded.add(exclusion);
            byReason.merge(exclusion.reason(), 1, Integer::sum);
        }

        /** The interesting reasons first, then the filters; each part by provider, region, name. */
        List<ExcludedGroup> listedExclusions() {
            Comparator<String> nullsFirst = Comparator.nullsFirst(Comparator.naturalOrder());
            return excluded.stream()
                    .sorted(Comparator.comparing(ExcludedGroup::filtered)
                            .thenComparing(ExcludedGroup::provider, nullsFirst)
                            .thenComparing(ExcludedGroup::region, nullsFirst)
                            .thenComparing(ExcludedGroup::group, nullsFirst))
                    .limit(MAX_EXCLUDED).toList();
        }
    }
}
