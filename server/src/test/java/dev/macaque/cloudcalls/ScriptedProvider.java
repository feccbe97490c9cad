package dev.macaque.cloudcalls;

import dev.macaque.spi.CallGate;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.VmGroup;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A provider whose calls fail as scripted, then answer; it records when each call arrived (the "endpoint"). Made
 * {@linkplain #gating gating}, each call sends several requests, each through the gate first, and each request is an
 * arrival.
 */
final class ScriptedProvider implements CloudProvider {
    final ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
    private final Deque<ProviderException> failures = new ArrayDeque<>();
    private CallGate gate;
    private int requestsPerCall = 1;

    /** Every call sends {@code requestsPerCall} requests (pages), each passing {@code gate} first (SPI 1.4). */
    ScriptedProvider gating(CallGate gate, int requestsPerCall) {
        this.gate = gate;
        this.requestsPerCall = requestsPerCall;
        return this;
    }

    @Override
    public boolean gatesEachRequest() {
        return gate != null;
    }

    /** Reads of a group's members by group name, in the order they arrived. */
    final ConcurrentLinkedQueue<String> reads = new ConcurrentLinkedQueue<>();
    private final Map<String, ProviderException> failOnce = new java.util.HashMap<>();

    /** The next read of group {@code name} fails with {@code failure}. */
    synchronized ScriptedProvider failNextReadOf(String name, ProviderException failure) {
        failOnce.put(name, failure);
        return this;
    }

    synchronized ScriptedProvider failNext(ProviderException failure) {
        failures.add(failure);
        return this;
    }

    private void arrive() {
        for (int request = 0; request < requestsPerCall; request++) {
            if (gate != null) {
                gate.acquire("page " + (request + 1));
            }
            synchronized (this) {
                arrivals.add(System.nanoTime());
                ProviderException next = failures.poll();
                if (next != null) {
                    throw next;
                }
            }
        }
    }

    @Override
    public String id() {
        return "scripted";
    }

    @Override
    public String type() {
        return "scripted";
    }

    @Override
    public List<GroupSummary> listGroups(GroupFilter filter) {
        arrive();
        return List.of(new GroupSummary(new GroupRef("scripted", "r1", "web"), 2, Map.of()));
    }

    @Override
    public VmGroup describeGroup(GroupRef group) {
        arrive();
        reads.add(group.name());
        synchronized (this) {
            ProviderException failure = failOnce.remove(group.name());
            if (failure != null) {
                throw failure;
            }
        }
        return new VmGroup(new GroupSummary(group, 0, Map.of()), List.of());
    }

    @Override
    public GroupHealth health(GroupRef group) {
        arrive();
        return new GroupHealth(group, 2, 2, 0);
    }

    @Override
    public TerminationResult terminate(TerminationRequest request) {
        arrive();
        return new TerminationResult(request.group(), request.instanceId(), TerminationResult.Outcome.TERMINATED, "done");
    }
}
