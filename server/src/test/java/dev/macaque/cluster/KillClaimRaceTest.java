package dev.macaque.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.engine.RefusalReason;
import dev.macaque.engine.RunEvent;
import dev.macaque.engine.RunEventType;
import dev.macaque.engine.TerminationClaimRefused;
import dev.macaque.experiments.RunStore;
import dev.macaque.store.Database;
import dev.macaque.store.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code minTimeBetweenKills} is enforced where a termination intent commits: of several nodes (stores with their own
 * node ids and connection pools on one PostgreSQL database) racing for one group, exactly one intent commits.
 */
class KillClaimRaceTest {
    private static final int NODES = 6;
    private final Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    private final List<Database> databases = new ArrayList<>();
    private final ExecutorService threads = Executors.newFixedThreadPool(NODES);

    @AfterEach
    void close() {
        threads.shutdownNow();
        databases.forEach(Database::close);
    }

    private static RunEvent intent(String runId, String group, Instant at, String minTime, boolean dryRun) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("group", group);
        fields.put("instance", "i-" + runId);
        fields.put("dryRun", Boolean.toString(dryRun));
        fields.put("idempotencyKey", runId + "-0");
        fields.put("minTimeBetweenKills", minTime);
        return new RunEvent(runId, 1, at, RunEventType.TERMINATION_INTENT, fields);
    }

    private List<RunStore> nodes() {
        var config = TestDatabases.postgres();
        List<RunStore> stores = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            Database database = Database.open(config);
            databases.add(database);
            stores.add(new RunStore(database, new ObjectMapper(), "node-" + i, Duration.ofSeconds(30)));
        }
        return stores;
    }

    @Test
    void ofSeveralNodesRacingToKillOneGroupExactlyOneCommitsItsIntent() throws Exception {
        List<RunStore> stores = nodes();
        for (int round = 0; round < 10; round++) {
            String group = "tc/eu-west-1/group-" + round;
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < NODES; i++) {
                RunStore store = stores.get(i);
                String runId = "run_" + round + "_" + i;
                store.create(runId, "race", 1, false, "test", now, "{}", null, null);
                attempts.add(threads.submit(() -> {
                    go.await();
                    try {
                        store.record(intent(runId, group, now, "1h", false));
                        return true;
                    } catch (TerminationClaimRefused refused) {
                        assertThat(refused.reason()).isEqualTo(RefusalReason.MIN_TIME_BETWEEN_KILLS);
                        return false;
                    }
                }));
            }
            go.countDown();
            int committed = 0;
            for (Future<Boolean> attempt : attempts) {
                committed += attempt.get() ? 1 : 0;
            }
            assertThat(committed).as("round " + round).isEqualTo(1);
            int intents = 0;
            for (int i = 0; i < NODES; i++) {
                intents += stores.get(0).openIntents("run_" + round + "_" + i).size();
            }
            assertThat(intents).as("a refused intent leaves no row").isEqualTo(1);
        }
    }

    @Test
    void aKillOlderThanMinTimeBetweenKillsDoesNotBlockAndDryRunsClaimNothing() {
        RunStore store = nodes().get(0);
        String group = "tc/eu-west-1/web";
        for (String id : List.of("run_a", "run_b", "run_c", "run_d")) {
            store.create(id, "t", 1, false, "test", now, "{}", null, null);
        }
        store.record(intent("run_a", group, now, "1h", false));
        store.record(intent("run_b", group, now.plusSeconds(60), "1h", true));  // dry run: not a kill, not blocked
        assertThatThrownBy(() -> store.record(intent("run_c", group, now.plus(Duration.ofMinutes(59)), "1h", false)))
                .isInstanceOf(TerminationClaimRefused.class).hasMessageContaining("minTimeBetweenKills is 1h");
        store.record(intent("run_d", group, now.plus(Duration.ofMinutes(61)), "1h", false));
        assertThat(store.lastKill(new dev.macaque.spi.GroupRef("tc", "eu-west-1", "web"))).contains(now.plus(Duration.ofMinutes(61)));
    }

    @Test
    void onlyTheNodeThatOwnsARunMayCommitItsIntents() {
        List<RunStore> stores = nodes();
        stores.get(0).create("run_x", "t", 1, false, "test", now, "{}", null, null);
        assertThatThrownBy(() -> stores.get(1).record(intent("run_x", "tc/eu-west-1/web", now, "0s", false)))
                .hasMessageContaining("no longer driven by node node-1");
        assertThat(stores.get(0).openIntents("run_x")).isEmpty();
    }
}
