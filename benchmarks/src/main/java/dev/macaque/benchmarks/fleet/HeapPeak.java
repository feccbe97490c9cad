package dev.macaque.benchmarks.fleet;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Heap peaks over a measured period, two ways: {@link #usedBytes()}, the sum of every heap pool's own peak (pools
 * peak at different moments, and garbage counts, so it is an upper bound that tracks the young generation's size),
 * and {@link #liveBytes()}, the largest heap occupancy right after any collection (the live data the run held at
 * its worst, to GC precision). The JVM's {@code -Xmx} is the hard check that the run fits.
 */
public final class HeapPeak implements AutoCloseable {
    private final AtomicLong liveBytes = new AtomicLong();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final Set<String> heapPools;
    private final NotificationListener listener = (notification, handback) -> {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                    (CompositeData) notification.getUserData());
            long after = 0;
            for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                if (heapPools().contains(pool.getKey())) {
                    after += pool.getValue().getUsed();
                }
            }
            liveBytes.accumulateAndGet(after, Math::max);
        }
    };

    private HeapPeak() {
        heapPools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    }

    private Set<String> heapPools() {
        return heapPools;
    }

    /** Resets the pools' peaks and starts listening to collections. */
    public static HeapPeak start() {
        HeapPeak peak = new HeapPeak();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
                pool.resetPeakUsage();
            }
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(peak.listener, null, null);
                peak.emitters.add(emitter);
            }
        }
        return peak;
    }

    public long usedBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** The largest heap occupancy after a collection since {@link #start()}; 0 when nothing was collected. */
    public long liveBytes() {
        return liveBytes.get();
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (javax.management.ListenerNotFoundException e) {
                // already gone: nothing to undo
            }
        }
    }
}
