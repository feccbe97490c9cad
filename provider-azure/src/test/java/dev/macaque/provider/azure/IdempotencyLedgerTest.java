package dev.macaque.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.macaque.spi.GroupRef;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.TerminationResult.Outcome;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IdempotencyLedgerTest {
    private static final GroupRef GROUP = new GroupRef("az", "westeurope", "rg/web");

    private static TerminationResult result(String instanceId) {
        return new TerminationResult(GROUP, instanceId, Outcome.TERMINATED, "deleted");
    }

    @Test
    void concurrentCallsWithOneKeyRunTheTerminationOnce() throws Exception {
        IdempotencyLedger ledger = new IdempotencyLedger(10);
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<TerminationResult> first = threads.submit(() -> ledger.once("k", () -> {
                runs.incrementAndGet();
                firstRunning.countDown();
                await(release);
                return result("0");
            }));
            assertThat(firstRunning.await(5, TimeUnit.SECONDS)).isTrue();
            Future<TerminationResult> second = threads.submit(() -> ledger.once("k", () -> {
                runs.incrementAndGet();
                return result("1");
            }));
            release.countDown();

            assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(first.get(5, TimeUnit.SECONDS));
            assertThat(runs).hasValue(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void afterAFirstAttemptThrewAWaiterAndANewcomerNeverRunTheTerminationAtTheSameTime() throws Exception {
        IdempotencyLedger ledger = new IdempotencyLedger(10);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch waiterRunning = new CountDownLatch(1);
        Thread[] waiter = new Thread[1];
        Thread[] newcomer = new Thread[1];
        java.util.function.Supplier<TerminationResult> counted = () -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                waiterRunning.countDown();
                // give a newcomer every chance to get in: wait until it is blocked, or has come in
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (System.nanoTime() < until && (newcomer[0] == null || newcomer[0].getState() != Thread.State.BLOCKED)
                        && running.get() < 2) {
                    Thread.onSpinWait();
                }
                return result("1");
            } finally {
                running.decrementAndGet();
            }
        };
        Thread first = new Thread(() -> {
            try {
                ledger.once("k", () -> {
                    firstRunning.countDown();
                    // fail once the waiter is blocked on this key's lock
                    while (waiter[0] == null || waiter[0].getState() != Thread.State.BLOCKED) {
                        Thread.onSpinWait();
                    }
                    throw new IllegalStateException("throttled");
                });
            } catch (IllegalStateException expected) {
                // the first attempt failed and is not remembered
            }
        });
        first.start();
        assertThat(firstRunning.await(5, TimeUnit.SECONDS)).isTrue();
        List<TerminationResult> answers = new CopyOnWriteArrayList<>();
        waiter[0] = new Thread(() -> answers.add(ledger.once("k", counted)));
        waiter[0].start();
        first.join(5_000);
        assertThat(waiterRunning.await(5, TimeUnit.SECONDS)).isTrue();
        newcomer[0] = new Thread(() -> answers.add(ledger.once("k", counted)));
        newcomer[0].start();
        waiter[0].join(5_000);
        newcomer[0].join(5_000);

        assertThat(mostAtOnce).as("terminations of one key at the same time").hasValue(1);
        assertThat(answers).hasSize(2).containsOnly(result("1"));
    }

    @Test
    void aTerminationThatFailedIsNotRememberedSoItCanBeRetried() {
        IdempotencyLedger ledger = new IdempotencyLedger(10);
        assertThatThrownBy(() -> ledger.once("k", () -> {
            throw new IllegalStateException("throttled");
        })).hasMessage("throttled");

        assertThat(ledger.once("k", () -> result("0"))).isEqualTo(result("0"));
    }

    @Test
    void forgetsTheOldestEntriesBeyondItsCapacity() {
        IdempotencyLedger ledger = new IdempotencyLedger(2);
        ledger.once("a", () -> result("a"));
        ledger.once("b", () -> result("b"));
        ledger.once("c", () -> result("c"));
        ledger.markTerminated("m1");
        ledger.markTerminated("m2");
        ledger.markTerminated("m3");

        assertThat(ledger.once("a", () -> result("again"))).isEqualTo(result("again"));
        assertThat(ledger.once("c", () -> result("never"))).isEqualTo(result("c"));
        assertThat(ledger.wasTerminated("m1")).isFalse();
        assertThat(ledger.wasTerminated("m3")).isTrue();
    }

    @Test
    void aBatchRunsOnlyForKeysNotAnsweredAndAKeyItLeavesOutCanBeRetried() {
        IdempotencyLedger ledger = new IdempotencyLedger(10);
        ledger.once("a", () -> result("0"));
        List<Set<String>> asked = new CopyOnWriteArrayList<>();

        Map<String, TerminationResult> first = ledger.onceEach(List.of("a", "b", "c"), open -> {
            asked.add(open);
            return Map.of("b", result("1")); // c failed: no result
        });
        Map<String, TerminationResult> second = ledger.onceEach(List.of("a", "b", "c"), open -> {
            asked.add(open);
            return Map.of("c", result("2"), "a", result("not asked for"));
        });

        assertThat(asked).containsExactly(Set.of("b", "c"), Set.of("c"));
        assertThat(first).isEqualTo(Map.of("a", result("0"), "b", result("1")));
        assertThat(second).isEqualTo(Map.of("a", result("0"), "b", result("1"), "c", result("2")));
        assertThat(ledger.once("c", () -> result("never"))).isEqualTo(result("2"));
    }

    @Test
    void aSingleCallForAKeyOfARunningBatchWaitsForTheBatchsResult() throws Exception {
        IdempotencyLedger ledger = new IdempotencyLedger(10);
        CountDownLatch batchRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger singleRuns = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Map<String, TerminationResult>> batch = threads.submit(() -> ledger.onceEach(List.of("x", "y"), open -> {
                batchRunning.countDown();
                await(release);
                return Map.of("x", result("0"), "y", result("1"));
            }));
            assertThat(batchRunning.await(5, TimeUnit.SECONDS)).isTrue();
            Future<TerminationResult> single = threads.submit(() -> ledger.once("y", () -> {
                singleRuns.incrementAndGet();
                return result("again");
            }));
            release.countDown();

            assertThat(single.get(5, TimeUnit.SECONDS)).isEqualTo(result("1"));
            assertThat(batch.get(5, TimeUnit.SECONDS)).containsEntry("y", result("1"));
            assertThat(singleRuns).hasValue(0);
        } finally {
            threads.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
