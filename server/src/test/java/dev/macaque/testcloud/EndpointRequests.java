package dev.macaque.testcloud;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What a loopback cloud endpoint received, counted where the calls land: each request's kind (a listing, a member
 * read, ...) and arrival time, with counts by kind and the busiest one-second window; and faults to inject, each
 * answering the next request that matches it once.
 */
public final class EndpointRequests {
    /** @param kind what the request was, as {@code classify} named it; @param detail the request as the endpoint saw it */
    public record Request(String kind, String detail, long atNanos) {
    }

    private final Function<String, String> classify;
    private final List<Request> requests = new ArrayList<>();
    private final List<Predicate<String>> faults = new ArrayList<>();

    /** @param classify a request's kind from its detail (e.g. {@code GET /path} or an AWS action) */
    public EndpointRequests(Function<String, String> classify) {
        this.classify = classify;
    }

    /**
     * Records one request arriving now.
     *
     * @return whether a fault was injected for it: the first pending fault that matches, consumed
     */
    public synchronized boolean arrived(String detail) {
        requests.add(new Request(classify.apply(detail), detail, System.nanoTime()));
        for (int i = 0; i < faults.size(); i++) {
            if (faults.get(i).test(detail)) {
                faults.remove(i);
                return true;
            }
        }
        return false;
    }

    /** Answers the next request whose detail matches {@code which} with the endpoint's fault, once. */
    public synchronized void failNext(Predicate<String> which) {
        faults.add(which);
    }

    /** Faults injected but not yet met by a request. */
    public synchronized int pendingFaults() {
        return faults.size();
    }

    public synchronized void forget() {
        requests.clear();
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Requests by kind, in kind order. */
    public synchronized Map<String, Integer> counts() {
        return requests.stream().collect(Collectors.toMap(Request::kind, r -> 1, Integer::sum, TreeMap::new));
    }

    public synchronized int total() {
        return requests.size();
    }

    /** Most requests that arrived within any one second (a window starting at each arrival). */
    public synchronized int busiestSecond() {
        return busiest(requests.stream().mapToLong(Request::atNanos).sorted().toArray(), Duration.ofSeconds(1));
    }

    /** Most of the sorted {@code times} (nanoseconds) lying in any half-open window {@code [t, t + window)}. */
    static int busiest(long[] times, Duration window) {
        int most = 0;
        int start = 0;
        for (int end = 0; end < times.length; end++) {
            while (times[end] - times[start] >= window.toNanos()) {
                start++;
            }
            most = Math.max(most, end - start + 1);
        }
        return most;
    }
}
