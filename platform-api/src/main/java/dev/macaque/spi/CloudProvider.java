package dev.macaque.spi;

import java.util.List;

/**
 * One configured provider instance: one account, subscription set or project set, or one simulated world.
 *
 * <p>Thread-safe: the server calls it from several threads at once. Every method either returns or throws
 * {@link ProviderException}; no other exception type (in particular no SDK exception) escapes.
 */
public interface CloudProvider extends AutoCloseable {

    /** The instance id from {@link ProviderContext#instanceId()}. */
    String id();

    /** The provider type, same as {@link ProviderFactory#type()}. */
    String type();

    /**
     * Lists the VM groups matching {@code filter}, with their tags and desired capacity but without instances.
     * Paging is followed to the end. The order is stable: by region, then group name.
     */
    List<GroupSummary> listGroups(GroupFilter filter);

    /**
     * Reads one group with its current instances, ordered by instance id.
     *
     * @throws ProviderException of kind {@link ProviderException.Kind#NOT_FOUND} when the group does not exist
     */
    VmGroup describeGroup(GroupRef group);

    /**
     * Reads many groups at once, with their members: the engine's discovery calls this once per provider instead of
     * {@link #describeGroup(GroupRef)} once per candidate, because cloud API rate limits are what a large fleet runs
     * into. Since SPI 1.1.
     *
     * <p>Providers implement it with the cloud's batch or list calls (many names per call, list calls that return
     * members with their group). Each {@link VmGroup} carries what victim selection needs: desired capacity, tags and
     * every member's id, zone, state and health. {@link Instance#launchTime()} may be {@code null} here even where
     * {@link #describeGroup(GroupRef)} reports it, so that no per-member detail call is made for groups that get no
     * victim. A group that does not exist is in {@link DescribedGroups#notFound()}, not an error; a part of the cloud
     * that could not be read is in {@link DescribedGroups#unreachable()}; any other failure is a
     * {@link ProviderException} for the whole call (the caller retries it).
     *
     * <p>The default reads the groups one by one with {@link #describeGroup(GroupRef)}, so providers built for SPI 1.0
     * keep working unchanged.
     *
     * @param groups the groups to read, all of this provider instance; duplicates are read once
     */
    default DescribedGroups describeGroups(List<GroupRef> groups) {
        return DescribedGroups.oneByOne(this, groups.stream().distinct().toList());
    }

    /**
     * Lists the groups matching {@code filter} and reads those that {@code read} accepts with their members, in one
     * pass over the cloud where its list calls already return members: a whole-fleet run then costs the listing's
     * pages, not the listing plus a second read of every candidate. Since SPI 1.2.
     *
     * <p>The groups read are what {@link #describeGroups(List)} would return for them, read in the same listing (so
     * at the same moment). {@code read} is a pure predicate over a listed summary (the caller's opt-in and target
     * rule); it may be called more than once for a group, and the call as a whole may be repeated on failure.
     *
     * <p>The default lists with {@link #listGroups} and reads the accepted groups with {@link #describeGroups(List)},
     * so providers built for SPI 1.1 or 1.0 keep working unchanged.
     */
    default ListedGroups listAndDescribeGroups(GroupFilter filter, java.util.function.Predicate<GroupSummary> read) {
        List<GroupSummary> listed = listGroups(filter);
        List<GroupRef> wanted = listed.stream().filter(read).map(GroupSummary::ref).toList();
        return new ListedGroups(listed, wanted.isEmpty()
                ? new DescribedGroups(List.of(), java.util.Map.of(), List.of()) : describeGroups(wanted));
    }

    /**
     * Whether {@link #listAndDescribeGroups} reads members at no call beyond the listing's pages (AWS: the Auto
     * Scaling listing carries every member with its health). The server's inventory then reads every group's members
     * with the listing; otherwise it lists, and reads a group's members only when someone needs them
     * ({@link #describeListedGroups}). Since SPI 1.3; the default says no.
     */
    default boolean listingCarriesMembers() {
        return false;
    }

    /**
     * Whether this provider passes every HTTP request it sends to its cloud through {@link ProviderContext#callGate()}
     * (each page, each SDK retry, each long-running operation poll). The server then counts its call budget per
     * request, where the cloud counts, and takes no permit per SPI call; otherwise it takes one permit per SPI call,
     * which a call that pages or polls exceeds at the cloud's endpoint. Since SPI 1.4; the default says no.
     */
    default boolean gatesEachRequest() {
        return false;
    }

    /**
     * Reads the members of groups this provider has just listed, without listing again: each group's summary is
     * returned as listed (the caller judges tags and capacity from its listing), with the members read now. A
     * provider whose cloud has a members call per group makes one such call per group and nothing else, so N groups
     * cost N calls. Since SPI 1.3.
     *
     * <p>The default reads them with {@link #describeGroups(List)}, so providers built for 1.2 and before keep
     * working (at their {@code describeGroups} cost, which may include a listing).
     *
     * @param listed summaries this provider returned from {@link #listGroups} or {@link #listAndDescribeGroups}
     */
    default DescribedGroups describeListedGroups(List<GroupSummary> listed) {
        return describeGroups(listed.stream().map(GroupSummary::ref).distinct().toList());
    }

    /**
     * Reads a group's health for recovery verification: desired capacity against members that are in service
     * and healthy.
     *
     * @throws ProviderException of kind {@link ProviderException.Kind#NOT_FOUND} when the group does not exist
     */
    GroupHealth health(GroupRef group);

    /**
     * Terminates one member of a group so that the group replaces it (capacity is kept).
     *
     * <ul>
     *   <li>Idempotent: terminating an instance that is already terminating or gone returns
     *       {@link TerminationResult.Outcome#ALREADY_TERMINATED}, not an error. Repeating a request with the same
     *       {@link TerminationRequest#idempotencyKey()} never terminates a second instance.</li>
     *   <li>Dry-run ({@link TerminationRequest#dryRun()}): changes nothing. Returns
     *       {@link TerminationResult.Outcome#DRY_RUN_WOULD_TERMINATE} when everything that could be checked without
     *       acting passed, with {@link TerminationResult#detail()} saying what was proven (membership,
     *       permissions) and what was not; throws {@link ProviderException} (e.g. permission denied) when a check
     *       failed.</li>
     *   <li>The instance must currently be a member of {@link TerminationRequest#group()}; an id that is not a
     *       member (and was never seen terminated) is {@link ProviderException.Kind#NOT_FOUND}.</li>
     * </ul>
     */
    TerminationResult terminate(TerminationRequest request);

    /**
     * Terminates several members of one group together, as a zone outage does: one cloud call where the cloud has a
     * batch call (an Azure scale set's {@code deleteInstances}, a GCP managed instance group's
     * {@code deleteInstances}/{@code recreateInstances}), so the members go down at once and the API budget is spent
     * once. Since SPI 1.3.
     *
     * <p>Each request is handled with the semantics of {@link #terminate(TerminationRequest)} (idempotency key, dry
     * run, membership) and gets its own outcome, in request order: a result, or the {@link ProviderException} of that
     * member alone. A failure before anything was done (throttled, unavailable) is thrown for the whole call, which
     * the caller may repeat with the same requests.
     *
     * <p>The default terminates them one by one with {@link #terminate(TerminationRequest)}, so providers built for SPI
     * 1.2 and earlier keep working unchanged.
     *
     * @param group    the group every request is about
     * @param requests at most one per member
     */
    default java.util.List<MemberTermination> terminateMembers(GroupRef group, java.util.List<TerminationRequest> requests) {
        java.util.List<MemberTermination> outcomes = new java.util.ArrayList<>();
        for (TerminationRequest request : requests) {
            if (!request.group().equals(group)) {
                throw new IllegalArgumentException("request for " + request.group() + " in a call for " + group);
            }
            try {
                outcomes.add(MemberTermination.done(request, terminate(request)));
            } catch (ProviderException e) {
                if (outcomes.isEmpty() && e.retryable()) {
                    throw e; // nothing was done yet: the whole call may be repeated
                }
                outcomes.add(MemberTermination.failed(request, e));
            }
        }
        return outcomes;
    }

    /** Releases clients and threads. Idempotent. */
    @Override
    default void close() {
    }
}
