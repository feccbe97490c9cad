package dev.macaque.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.macaque.spi.GroupRef;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.TerminationResult.Outcome;
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

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
