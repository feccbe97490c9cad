package dev.macaque.inventory;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.DescribedGroups;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.ListedGroups;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.VmGroup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One provider instance's groups and members, kept on this node and read from the cloud at most once per refresh
 * interval: the listing by the background refresh (or the first reader), a group's members the first time someone
 * needs them after the previous read expired, or when a new listing shows the group changed. Providers whose listing
 * carries members ({@link CloudProvider#listingCarriesMembers()}) get every group's members with the listing.
 *
 * <p>Single-flight: concurrent readers of the same listing or the same group's members share one cloud read. A
 * refresh that fails keeps what was read before and marks the inventory stale with the cloud's reason; readers then
 * get the older data and the reason, never the failure, as long as there is something to show.
 *
 * <p>Never decides a termination: the run reads the victim's group fresh from the cloud before its intent.
 */
public final class ProviderInventory {
    /** The longest a reader waits for a listing or members being read for it. */
    static final Duration READ_WAIT = Duration.ofSeconds(60);

    private final CloudProvider provider;
    private final Duration refresh;
    private final Clock clock;
    private final Executor executor;
    private final Object lock = new Object();
    // guarded by lock
    private ProviderListing listing;
    private Map<GroupRef, GroupSummary> listed = Map.of();
    private CompletableFuture<ProviderListing> listingInFlight;
    private String staleReason;
    private Instant lastAttemptAt;
    private final Map<GroupRef, MemberRead> members = new HashMap<>();

    /** One group's member read: shared by every reader until it expires. */
    private record MemberRead(CompletableFuture<GroupMembers> answer, Instant startedAt) {
    }

    ProviderInventory(CloudProvider provider, Duration refresh, Clock clock, Executor executor) {
        this.provider = Objects.requireNonNull(provider, "provider is null");
        this.refresh = Objects.requireNonNull(refresh, "refresh is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.executor = Objects.requireNonNull(executor, "executor is null");
    }

    public String providerId() {
        return provider.id();
    }

    public InventoryStatus status() {
        synchronized (lock) {
            return new InventoryStatus(provider.id(), listing == null ? null : listing.observedAt(), staleReason);
        }
    }

    /**
     * The latest listing. When it is older than the refresh interval a refresh is started (one at a time) and the
     * older listing is returned meanwhile; only when there is none yet does the reader wait for it.
     *
     * @throws ProviderException when nothing was ever listed and the listing fails (or takes over {@link #READ_WAIT})
     */
    public ProviderListing listing() {
        CompletableFuture<ProviderListing> pending;
        synchronized (lock) {
            if (listing != null) {
                if (due()) {
                    startRefresh();
                }
                return listing;
            }
            if (listingInFlight == null && !due()) {
                // The last attempt failed within the interval: say why rather than ask the cloud again.
                throw new ProviderException(ProviderException.Kind.UNAVAILABLE, "provider '" + provider.id()
                        + "' has not been listed yet: " + staleReason);
            }
            pending = startRefresh();
        }
        return await(pending, "listing the groups of provider '" + provider.id() + "'");
    }

    /**
     * Starts a refresh of the listing if it is due (the background tick calls this), without waiting for it: the tick
     * and the listing share one small pool, and a tick that waited for a listing queued behind it would hold the very
     * thread the listing needs (with as many providers as threads, every refresh would stall until its timeout).
     */
    void refreshIfDue() {
        synchronized (lock) {
            if (due()) {
                startRefresh();
            }
        }
    }

    /**
     * Called under the lock: whether to list again, at most once per interval even while listing fails (the cloud's
     * throttling is not answered with more calls).
     */
    private boolean due() {
        return (listing == null || !fresh(listing.observedAt())) && (lastAttemptAt == null || !fresh(lastAttemptAt));
    }

    /** Called under the lock: the refresh in flight, or a new one. */
    private CompletableFuture<ProviderListing> startRefresh() {
        if (listingInFlight == null) {
            lastAttemptAt = clock.instant();
            CompletableFuture<ProviderListing> started = new CompletableFuture<>();
            listingInFlight = started;
            executor.execute(() -> refreshListing(started));
        }
        return listingInFlight;
    }

    private void refreshListing(CompletableFuture<ProviderListing> answer) {
        try {
            boolean withMembers = provider.listingCarriesMembers();
            Instant at = clock.instant();
            ListedGroups read = withMembers
                    ? provider.listAndDescribeGroups(GroupFilter.ALL, summary -> true)
                    : new ListedGroups(provider.listGroups(GroupFilter.ALL), new DescribedGroups(List.of(), Map.of(), List.of()));
            ProviderListing fresh = new ProviderListing(provider.id(), read.listed(), at, read.described().unreachable());
            synchronized (lock) {
                Map<GroupRef, GroupSummary> before = listed;
                listing = fresh;
                listed = fresh.byRef();
                staleReason = null;
                listingInFlight = null;
                // Members of groups gone, changed in the listing, or whose read failed are read again when needed.
                members.entrySet().removeIf(entry -> {
                    GroupSummary now = listed.get(entry.getKey());
                    CompletableFuture<GroupMembers> memberAnswer = entry.getValue().answer();
                    return now == null || !now.equals(before.get(entry.getKey()))
                            || memberAnswer.isCompletedExceptionally();
                });
                if (withMembers) {
                    for (VmGroup group : read.described().groups()) {
                        members.put(group.ref(), new MemberRead(CompletableFuture.completedFuture(new GroupMembers(group, at)), at));
                    }
                }
            }
            answer.complete(fresh);
        } catch (RuntimeException e) {
            synchronized (lock) {
                staleReason = e instanceof ProviderException p ? p.kind() + ": " + p.getMessage() : String.valueOf(e);
                listingInFlight = null;
            }
            answer.completeExceptionally(e);
        }
    }

    /**
     * The members of {@code refs} (groups of this provider's current listing), each read from the cloud at most once
     * per refresh interval and shared by concurrent readers; the groups still to read are read together with one
     * {@link CloudProvider#describeListedGroups} on the caller's thread. A group not in the listing, not found by the
     * read, or whose read failed, is in {@link Members#errors()} with why.
     */
    public Members members(Collection<GroupRef> refs) {
        ProviderListing current = listing();
        boolean carriesMembers = provider.listingCarriesMembers();
        Map<GroupRef, CompletableFuture<GroupMembers>> answers = new LinkedHashMap<>();
        Map<GroupRef, String> errors = new LinkedHashMap<>();
        java.util.Set<GroupRef> gone = new java.util.HashSet<>();
        List<GroupSummary> toRead = new ArrayList<>();
        Map<GroupRef, CompletableFuture<GroupMembers>> mine = new HashMap<>();
        Instant now = clock.instant();
        synchronized (lock) {
            for (GroupRef ref : refs) {
                GroupSummary summary = listed.get(ref);
                if (summary == null) {
                    errors.put(ref, "not in the listing of " + current.observedAt());
                    gone.add(ref);
                    continue;
                }
                MemberRead read = members.get(ref);
                // Where the listing carries members, they are renewed with the listing (started above when due).
                boolean usable = read != null && (!read.answer().isDone() || fresh(read.startedAt())
                        || carriesMembers && !read.answer().isCompletedExceptionally());
                if (!usable) {
                    read = new MemberRead(new CompletableFuture<>(), now);
                    members.put(ref, read);
                    toRead.add(summary);
                    mine.put(ref, read.answer());
                }
                answers.put(ref, read.answer());
            }
        }
        if (!toRead.isEmpty()) {
            readMembers(toRead, mine);
        }
        Map<GroupRef, GroupMembers> found = new LinkedHashMap<>();
        answers.forEach((ref, answer) -> {
            try {
                found.put(ref, await(answer, "reading the members of " + ref));
            } catch (ProviderException e) {
                errors.put(ref, e.kind() + ": " + e.getMessage());
                if (e.kind() == ProviderException.Kind.NOT_FOUND) {
                    gone.add(ref);
                }
            }
        });
        return new Members(found, errors, gone);
    }

    private void readMembers(List<GroupSummary> toRead, Map<GroupRef, CompletableFuture<GroupMembers>> mine) {
        try {
            Instant at = clock.instant();
            DescribedGroups read = provider.describeListedGroups(toRead);
            for (VmGroup group : read.groups()) {
                CompletableFuture<GroupMembers> answer = mine.remove(group.ref());
                if (answer != null) {
                    answer.complete(new GroupMembers(group, at));
                }
            }
            read.notFound().forEach((ref, why) -> Optional.ofNullable(mine.remove(ref)).ifPresent(answer ->
                    answer.completeExceptionally(new ProviderException(ProviderException.Kind.NOT_FOUND, why))));
            // neither read nor said to be gone: unreadable for now, not gone (only the provider's notFound says that)
            mine.forEach((ref, answer) -> answer.completeExceptionally(new ProviderException(ProviderException.Kind.UNAVAILABLE,
                    "provider '" + provider.id() + "' did not report " + ref
                            + (read.unreachable().isEmpty() ? "" : " (unreachable: " + String.join("; ", read.unreachable()) + ")"))));
        } catch (RuntimeException e) {
            ProviderException failure = e instanceof ProviderException p ? p
                    : new ProviderException(ProviderException.Kind.UNAVAILABLE, String.valueOf(e), e);
            mine.values().forEach(answer -> answer.completeExceptionally(failure));
        }
    }

    /** Forgets what was read of {@code ref}'s members (this node just changed them): the next reader reads them again. */
    public void forget(GroupRef ref) {
        synchronized (lock) {
            members.remove(ref);
        }
    }

    /**
     * @param found  members by group
     * @param errors why a group's members are not there
     * @param gone   the groups of {@code errors} that no longer exist (not in the listing, or not found when read);
     *               the others could not be read
     */
    public record Members(Map<GroupRef, GroupMembers> found, Map<GroupRef, String> errors, java.util.Set<GroupRef> gone) {
        public Members {
            gone = java.util.Set.copyOf(gone);
        }
    }

    private boolean fresh(Instant observedAt) {
        return Duration.between(observedAt, clock.instant()).compareTo(refresh) < 0;
    }

    private static <T> T await(CompletableFuture<T> answer, String what) {
        try {
            return answer.get(READ_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(ProviderException.Kind.UNAVAILABLE, "interrupted while " + what);
        } catch (TimeoutException e) {
            throw new ProviderException(ProviderException.Kind.TRANSIENT, what + " took over " + READ_WAIT.toSeconds() + "s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ProviderException p) {
                throw p;
            }
            throw new ProviderException(ProviderException.Kind.UNAVAILABLE, what + " failed: " + e.getCause(), e.getCause());
        }
    }
}
