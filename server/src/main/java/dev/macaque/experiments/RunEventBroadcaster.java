package dev.macaque.experiments;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process fan-out of a run's events to its live subscribers ({@code text/event-stream}). Per run that has a
 * subscriber, one task reads the events committed since the last look (one database query per run and node, however
 * many subscribers) and pushes them to every subscriber; no subscriber holds a thread. A heartbeat comment every
 * {@code heartbeat} finds subscribers that hung up: their write fails and they are dropped. Subscribers are limited
 * per run and in total; {@link #reserve} refuses beyond that.
 */
public final class RunEventBroadcaster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunEventBroadcaster.class);
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
    static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    /** One live stream. Called only from the broadcaster's thread; a method that throws counts as a hang-up. */
    public interface Subscriber {
        void send(RunEventView event) throws Exception;

        void heartbeat() throws Exception;

        /** The run has ended and every event was sent. */
        void end(String runId) throws Exception;

        /** Whether the client is known to be gone. */
        boolean closed();

        /** Releases the stream; called once when the subscriber is dropped or the run ended. */
        void close();
    }

    /** Why {@link #reserve} refused a stream. */
    public static final class TooManySubscribers extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooManySubscribers(String message) {
            super(message);
        }
    }

    /** A place among a run's subscribers, taken before the stream's response starts. */
    public final class Slot {
        private final String runId;
        private boolean used;

        private Slot(String runId) {
            this.runId = runId;
        }

        /** Starts pushing the run's events, from its first, to {@code subscriber}. */
        public void attach(Subscriber subscriber) {
            Feed feed;
            synchronized (RunEventBroadcaster.this) {
                if (used) {
                    throw new IllegalStateException("slot already used");
                }
                used = true;
                feed = feeds.get(runId);
            }
            feed.subscribers.add(new Subscription(subscriber));
            feed.wake();
        }

        /** Gives the place back when the stream never started. */
        public void release() {
            synchronized (RunEventBroadcaster.this) {
                if (!used) {
                    used = true;
                    leave(feeds.get(runId));
                }
            }
        }
    }

    private static final class Subscription {
        final Subscriber subscriber;
        long sentSeq;

        Subscription(Subscriber subscriber) {
            this.subscriber = subscriber;
        }
    }

    private final class Feed {
        final String runId;
        final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
        int places;
        ScheduledFuture<?> polling;
        long lastHeartbeat = System.nanoTime();

        Feed(String runId) {
            this.runId = runId;
        }

        void wake() {
            executor.execute(this::poll);
        }

        /** Pushes what is new to every subscriber; ends the feed once the run has ended and everything was sent. */
        synchronized void poll() {
            if (subscribers.isEmpty()) {
                return;
            }
            try {
                boolean ended = isTerminal(stateOf.apply(runId));
                long from = subscribers.stream().mapToLong(s -> s.sentSeq).min().orElse(0);
                List<RunEventView> fresh = store.events(runId, from).stream().map(RunEventView::of).toList();
                for (Subscription subscription : subscribers) {
                    for (RunEventView event : fresh) {
                        if (event.seq() > subscription.sentSeq && deliver(subscription, s -> s.send(event))) {
                            subscription.sentSeq = event.seq();
                        }
                    }
                }
                boolean heartbeatDue = System.nanoTime() - lastHeartbeat >= heartbeat.toNanos();
                if (heartbeatDue) {
                    lastHeartbeat = System.nanoTime();
                }
                for (Subscription subscription : subscribers) {
                    if (subscription.subscriber.closed()) {
                        drop(subscription);
                    } else if (ended) {
                        deliver(subscription, s -> s.end(runId));
                        drop(subscription);
                    } else if (heartbeatDue) {
                        deliver(subscription, Subscriber::heartbeat);
                    }
                }
            } catch (RuntimeException e) {
                // the store could not be read (the database may be down): the subscribers wait for the next look
                log.debug("Could not read the events of run {} for its subscribers: {}", runId, e.toString());
            }
        }

        private boolean deliver(Subscription subscription, Step step) {
            if (!subscribers.contains(subscription)) {
                return false;
            }
            try {
                step.run(subscription.subscriber);
                return true;
            } catch (Exception e) {
                drop(subscription);
                return false;
            }
        }

        private void drop(Subscription subscription) {
            if (subscribers.remove(subscription)) {
                try {
                    subscription.subscriber.close();
                } catch (RuntimeException e) {
                    log.debug("Closing a subscriber of run {} failed: {}", runId, e.toString());
                }
                synchronized (RunEventBroadcaster.this) {
                    leave(this);
                }
            }
        }
    }

    @FunctionalInterface
    private interface Step {
        void run(Subscriber subscriber) throws Exception;
    }

    private final RunStore store;
    private final Function<String, String> stateOf;
    private final int maxPerRun;
    private final int maxTotal;
    private final Duration heartbeat;
    private final ScheduledExecutorService executor;
    private final Map<String, Feed> feeds = new ConcurrentHashMap<>();
    private int total;

    /**
     * @param stateOf a run's current state ({@code RUNNING}, {@code COMPLETED}, ...)
     */
    public RunEventBroadcaster(RunStore store, Function<String, String> stateOf, int maxPerRun, int maxTotal, Duration heartbeat) {
        this.store = Objects.requireNonNull(store, "store is null");
        this.stateOf = Objects.requireNonNull(stateOf, "stateOf is null");
        this.maxPerRun = maxPerRun;
        this.maxTotal = maxTotal;
        this.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat is null");
        this.executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "macaque-event-fanout");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Takes a place among {@code runId}'s subscribers.
     *
     * @throws TooManySubscribers when the run or the server has as many subscribers as allowed
     */
    public synchronized Slot reserve(String runId) {
        if (total >= maxTotal) {
            throw new TooManySubscribers("this server already streams events to " + total + " subscribers, the most it allows "
                    + "(limits.eventStreams)");
        }
        Feed feed = feeds.computeIfAbsent(runId, Feed::new);
        if (feed.places >= maxPerRun) {
            throw new TooManySubscribers("run " + runId + " already has " + feed.places + " live subscribers, the most it allows "
                    + "(limits.eventStreamsPerRun)");
        }
        feed.places++;
        total++;
        if (feed.polling == null) {
            feed.polling = executor.scheduleWithFixedDelay(feed::poll, POLL_INTERVAL.toMillis(), POLL_INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return new Slot(runId);
    }

    /** Live subscribers now, on every run. */
    public synchronized int subscribers() {
        return total;
    }

    /** Runs that have at least one subscriber, each polled once per interval. */
    public int feeds() {
        return feeds.size();
    }

    private void leave(Feed feed) {
        if (feed == null) {
            return;
        }
        feed.places--;
        total--;
        if (feed.places == 0) {
            feed.polling.cancel(false);
            feeds.remove(feed.runId, feed);
        }
    }

    private static boolean isTerminal(String state) {
        return ExperimentService.isTerminal(state);
    }

    /** Ends every stream: the server is stopping. */
    @Override
    public void close() {
        executor.shutdownNow();
        for (Feed feed : feeds.values()) {
            for (Subscription subscription : feed.subscribers) {
                try {
                    subscription.subscriber.close();
                } catch (RuntimeException e) {
                    log.debug("Closing a subscriber of run {} failed: {}", feed.runId, e.toString());
                }
            }
        }
        feeds.clear();
    }
}
