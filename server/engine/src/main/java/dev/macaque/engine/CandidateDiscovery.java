package dev.macaque.engine;

import dev.macaque.text.Counts;
import dev.macaque.engine.ProviderCalls.CallContext;
import dev.macaque.engine.RunStep.GroupSkipped;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.DescribedGroups;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.VmGroup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A run's discovery: the providers its targets name, their groups listed (or, when every candidate is named, read
 * directly) and the candidates read with one batched {@code describeGroups} per provider, eligibility decided on
 * the freshest data. Hands the eligible groups to {@link Discovered}.
 */
final class CandidateDiscovery {
    /** Discovery is done; called without the lock held. {@code counts} = {listed, not opted in}. */
    @FunctionalInterface
    interface Discovered {
        void found(List<FleetGroup> found, int[] counts, List<String> unreachable);
    }

    private final ExperimentSpec spec;
    private final ProviderDirectory directory;
    private final Object lock;
    private final RunJournal journal;
    private final ProviderCalls calls;
    private final RunControl run;
    private final Discovered discovered;
    private final Map<String, CloudProvider> providersById = new HashMap<>();
    private final List<String> unavailableProviders = new ArrayList<>();
    /** Groups taken from a listing without their members ({@link FleetGroup#listed}), as listed. Guarded by the lock. */
    private final Map<GroupRef, GroupSummary> listedOnly = new HashMap<>();

    CandidateDiscovery(ExperimentSpec spec, ProviderDirectory directory, Object lock, RunJournal journal,
                       ProviderCalls calls, RunControl run, Discovered discovered) {
        this.spec = spec;
        this.directory = directory;
        this.lock = lock;
        this.journal = journal;
        this.calls = calls;
        this.run = run;
        this.discovered = discovered;
    }

    /** The run's provider of that id (one of those chosen). */
    CloudProvider provider(String id) {
        return providersById.get(id);
    }

    /**
     * Called under the lock: the providers the targets name (all when they name none), sorted by id; null when one
     * is not configured, after the run failed with that reason.
     */
    List<CloudProvider> chooseProviders() {
        List<CloudProvider> chosen = new ArrayList<>();
        List<CloudProvider> all = directory.providers();
        if (spec.targets().providers().isEmpty()) {
            chosen.addAll(all);
        } else {
            for (String id : spec.targets().providers()) {
                Optional<CloudProvider> provider = directory.provider(id);
                if (provider.isEmpty()) {
                    run.fail("targets.providers names '" + id + "', which is not a configured provider (configured: "
                            + all.stream().map(CloudProvider::id).collect(Collectors.joining(", ")) + ")");
                    return null;
                }
                chosen.add(provider.get());
            }
        }
        chosen.sort(Comparator.comparing(CloudProvider::id));
        chosen.forEach(p -> providersById.put(p.id(), p));
        return chosen;
    }

    /** Called without the lock held. */
    void discover(List<CloudProvider> chosen) {
        ExperimentSpec.Targets targets = spec.targets();
        if (!targets.providers().isEmpty() && !targets.regions().isEmpty() && !targets.groups().isEmpty()) {
            // Every candidate is named (a scheduled kill names exactly one group): read those groups instead of
            // listing whole regions, which on a large account is many calls for one answer.
            List<GroupRef> named = new ArrayList<>();
            for (CloudProvider provider : chosen) {
                for (String region : new java.util.TreeSet<>(targets.regions())) {
                    for (String name : new java.util.TreeSet<>(targets.groups())) {
                        named.add(new GroupRef(provider.id(), region, name));
                    }
                }
            }
            describeGroups(named, 0, new ArrayList<>(), new int[] {named.size(), 0});
            return;
        }
        listGroups(chosen, 0, new ArrayList<>(), new int[2], new ArrayList<>());
    }

    /**
     * Lists the groups of each provider in turn and reads the candidates among them with their members in the same
     * pass ({@link CloudProvider#listAndDescribeGroups}, SPI 1.2; a provider built for 1.1 lists, then reads the
     * candidates in one batched {@link CloudProvider#describeGroups}): a whole-fleet run costs the listing's pages,
     * not one read per group. {@code counts} = {listed, not opted in}.
     */
    private void listGroups(List<CloudProvider> chosen, int index, List<FleetGroup> found, int[] counts,
                            List<String> unreachable) {
        if (index == chosen.size()) {
            if (!chosen.isEmpty() && unavailableProviders.size() == chosen.size()) {
                run.fail("discovery failed: no provider could list its groups: " + String.join("; ", unavailableProviders));
                return;
            }
            discovered.found(found, counts, unreachable);
            return;
        }
        CloudProvider provider = chosen.get(index);
        GroupFilter filter = new GroupFilter(spec.targets().regions(), spec.targets().tags());
        // Where members cost a call per group (Azure, GCP), the listing alone is read here: selection draws on listed
        // counts and only the groups drawn are read (VictimSelection). Where the listing carries them, take them.
        boolean withMembers = provider.listingCarriesMembers();
        calls.callProvider("listGroups", new CallContext(provider.id(), null, null, null),
                () -> provider.listAndDescribeGroups(filter,
                        summary -> withMembers && Eligibility.ofListed(provider.id(), summary, spec.targets()).eligible()),
                (listing, attempts) -> {
                    synchronized (lock) {
                        if (run.state() != RunState.RUNNING) {
                            return;
                        }
                        List<GroupRef> candidates = new ArrayList<>();
                        for (GroupSummary summary : listing.listed()) {
                            counts[0]++;
                            Eligibility.Verdict verdict = Eligibility.ofListed(provider.id(), summary, spec.targets());
                            if (verdict.eligible() && !withMembers) {
                                // judged as a read group would be (its weight too): the listing's tags are all there is
                                Eligibility.Verdict listedVerdict = Eligibility.ofDescribed(summary.ref(), summary.tags(), spec.targets());
                                if (listedVerdict instanceof Eligibility.Excluded excluded) {
                                    countOrSkip(summary.ref(), excluded, counts);
                                } else {
                                    listedOnly.put(summary.ref(), summary);
                                    found.add(FleetGroup.listed(summary.ref(), summary.tags(), summary.desiredCapacity(),
                                            summary.desiredCapacity()));
                                }
                            } else if (verdict.eligible()) {
                                candidates.add(summary.ref());
                            } else if (verdict instanceof Eligibility.Excluded excluded) {
                                countOrSkip(summary.ref(), excluded, counts);
                            }
                        }
                        takeDescribed(provider.id(), candidates, listing.described(), found, counts, unreachable);
                        run.continueWith(() -> listGroups(chosen, index + 1, found, counts, unreachable));
                    }
                },
                (error, attempts) -> {
                    String reason = "listGroups failed after " + Counts.of(attempts, "attempt") + ": " + error;
                    if (!spec.targets().providers().isEmpty()) {
                        // The spec asked for this provider by name: without it the run cannot do what was asked.
                        run.fail("discovery failed: provider " + provider.id() + " (named in targets.providers) is unavailable: "
                                + reason);
                        return;
                    }
                    // One unreachable provider must not stop runs that never needed it: say so, go on with the others.
                    synchronized (lock) {
                        if (run.state() != RunState.RUNNING) {
                            return;
                        }
                        unavailableProviders.add(provider.id() + ": " + reason);
                        journal.record(new RunStep.ProviderUnavailable(provider.id(), reason));
                        run.continueWith(() -> listGroups(chosen, index + 1, found, counts, unreachable));
                    }
                });
    }

    /**
     * Reads named candidates with one batched {@link CloudProvider#describeGroups} per provider (SPI 1.1; a provider
     * built for 1.0 reads them one by one through the SPI's default), instead of one describeGroup per candidate:
     * cloud API rate limits are what a whole-fleet run meets first. {@code counts} = {listed, not opted in}.
     */
    private void describeGroups(List<GroupRef> candidates, int index, List<FleetGroup> found, int[] counts) {
        describeGroups(candidates.stream().collect(Collectors.groupingBy(GroupRef::provider, java.util.TreeMap::new,
                Collectors.toList())).entrySet().stream().toList(), 0, found, counts, new ArrayList<>());
    }

    private void describeGroups(List<Map.Entry<String, List<GroupRef>>> byProvider, int index, List<FleetGroup> found,
                                int[] counts, List<String> unreachable) {
        if (index == byProvider.size()) {
            discovered.found(found, counts, unreachable);
            return;
        }
        String providerId = byProvider.get(index).getKey();
        List<GroupRef> refs = byProvider.get(index).getValue();
        CloudProvider provider = providersById.get(providerId);
        calls.callProvider("describeGroups", new CallContext(providerId, refs.size(), null, null),
                () -> provider.describeGroups(refs),
                (batch, attempts) -> {
                    synchronized (lock) {
                        if (run.state() != RunState.RUNNING) {
                            return;
                        }
                        takeDescribed(providerId, refs, batch, found, counts, unreachable);
                        run.continueWith(() -> describeGroups(byProvider, index + 1, found, counts, unreachable));
                    }
                },
                (error, attempts) -> run.fail("discovery failed: describeGroups on provider " + providerId + " ("
                        + Counts.of(refs.size(), "group") + ") after " + Counts.of(attempts, "attempt") + ": " + error));
    }

    /** Takes the groups a provider read for {@code asked} into {@code found}, judging their fresh tags. */
    private void takeDescribed(String providerId, List<GroupRef> asked, DescribedGroups batch, List<FleetGroup> found,
                               int[] counts, List<String> unreachable) {
        java.util.Set<GroupRef> wanted = new java.util.HashSet<>(asked);
        for (VmGroup group : batch.groups()) {
            GroupRef ref = group.ref();
            if (!ref.provider().equals(providerId) || !wanted.contains(ref)) {
                journal.record(new GroupSkipped(ref, "reported by provider " + providerId + " but not asked for"));
                continue;
            }
            // Tags are read again here: eligibility is decided on the freshest data before any kill.
            Eligibility.Verdict verdict = Eligibility.ofDescribed(ref, group.tags(), spec.targets());
            if (verdict.eligible()) {
                found.add(fleetGroup(group));
            } else if (verdict instanceof Eligibility.Excluded excluded) {
                countOrSkip(ref, excluded, counts);
            }
        }
        batch.notFound().forEach((ref, why) -> journal.record(new GroupSkipped(ref, "not found during discovery: " + why)));
        batch.unreachable().forEach(where -> unreachable.add(providerId + ": " + where));
    }

    /**
     * Called under the lock: reads the members of groups drawn from the listing alone, one
     * {@link CloudProvider#describeListedGroups} per provider (one member call per group on Azure and GCP), outside
     * the lock, then hands them to {@code done} under it: each group read with its healthy members and fresh tags
     * judged again; a group not found or no longer eligible is left out (with a {@code GROUP_SKIPPED} event).
     */
    void readMembers(List<FleetGroup> unread, java.util.function.Consumer<Map<GroupRef, FleetGroup>> done) {
        Map<String, List<GroupSummary>> byProvider = new java.util.TreeMap<>();
        for (FleetGroup group : unread) {
            byProvider.computeIfAbsent(group.ref().provider(), p -> new ArrayList<>()).add(listedOnly.get(group.ref()));
        }
        run.continueWith(() -> readMembers(new ArrayList<>(byProvider.entrySet()), 0, new HashMap<>(), done));
    }

    private void readMembers(List<Map.Entry<String, List<GroupSummary>>> byProvider, int index, Map<GroupRef, FleetGroup> read,
                             java.util.function.Consumer<Map<GroupRef, FleetGroup>> done) {
        if (index == byProvider.size()) {
            synchronized (lock) {
                if (run.state() == RunState.RUNNING) {
                    done.accept(read);
                }
            }
            return;
        }
        String providerId = byProvider.get(index).getKey();
        List<GroupSummary> summaries = byProvider.get(index).getValue();
        CloudProvider provider = providersById.get(providerId);
        calls.callProvider("describeListedGroups", new CallContext(providerId, summaries.size(), null, null),
                () -> provider.describeListedGroups(summaries),
                (batch, attempts) -> {
                    synchronized (lock) {
                        if (run.state() != RunState.RUNNING) {
                            return;
                        }
                        List<FleetGroup> taken = new ArrayList<>();
                        List<String> unreadable = new ArrayList<>();
                        takeDescribed(providerId, summaries.stream().map(GroupSummary::ref).toList(), batch, taken, new int[2], unreadable);
                        // a group drawn whose members could not be read is left out of the draw: said, never silent
                        java.util.Set<GroupRef> reported = new java.util.HashSet<>(batch.notFound().keySet());
                        batch.groups().forEach(g -> reported.add(g.ref()));
                        summaries.stream().map(GroupSummary::ref).filter(ref -> !reported.contains(ref)).forEach(ref ->
                                journal.record(new GroupSkipped(ref, "drawn, but its members could not be read"
                                        + unreadable.stream().filter(why -> why.contains(ref.toString())).findFirst()
                                        .or(() -> unreadable.stream().findFirst()).map(why -> ": " + why).orElse(""))));
                        taken.forEach(group -> {
                            read.put(group.ref(), group);
                            listedOnly.remove(group.ref());
                        });
                        run.continueWith(() -> readMembers(byProvider, index + 1, read, done));
                    }
                },
                (error, attempts) -> run.fail("discovery failed: reading the members of " + dev.macaque.text.Counts.of(summaries.size(), "group")
                        + " drawn on provider " + providerId + " after " + dev.macaque.text.Counts.of(attempts, "attempt") + ": " + error));
    }

    /**
     * Not opted in is counted (a fleet is mostly groups that did not opt in: one event each would drown the run);
     * a group excluded for a reason its owner would want to hear of (a foreign provider id, an invalid weight) is a
     * {@code GROUP_SKIPPED} event; a group the filters leave out is simply not a candidate.
     */
    private void countOrSkip(GroupRef ref, Eligibility.Excluded excluded, int[] counts) {
        switch (excluded.reason()) {
            case NOT_OPTED_IN -> counts[1]++;
            case FOREIGN_PROVIDER_ID, INVALID_WEIGHT -> journal.record(new GroupSkipped(ref, excluded.detail()));
            default -> {
            }
        }
    }

    private static FleetGroup fleetGroup(VmGroup group) {
        return FleetGroup.of(group);
    }
}
