package dev.macaque.chaosmonkey;

import dev.macaque.text.Counts;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.macaque.audit.AuditLog;
import dev.macaque.engine.ExperimentSpec;
import dev.macaque.engine.SeededRandom;
import dev.macaque.engine.SpecValidationException;
import dev.macaque.experiments.ExperimentService;
import dev.macaque.killswitch.KillSwitchStore;
import dev.macaque.schedule.KillSchedule;
import dev.macaque.schedule.KillScheduleParser;
import dev.macaque.schedule.PlannedKill;
import dev.macaque.schedule.ScheduleCalendar;
import dev.macaque.spi.GroupRef;
import dev.macaque.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chaos Monkey mode at run time. On each {@link #tick(Instant)} (every {@code cluster.pollInterval}), for every enabled
 * schedule and every eligible group, it asks the shared {@link ScheduleCalendar} for the kills planned on the window's
 * days from {@value #LOOKBACK_DAYS} days back to today; a planned kill whose time has come (and that is not older than
 * the schedule's last change: a new, edited or re-enabled schedule starts afresh) and that has no decision yet gets one — the database's primary key (schedule, group, day) lets exactly one node create it:
 * <ul>
 *   <li>if the window of that day has already ended (no node ran in time), it is recorded
 *       {@link DecisionState#SKIPPED_MISSED_WINDOW} and never fired late;</li>
 *   <li>otherwise the creating node holds it with a lease and executes it: kill switch, then outage check (a failure
 *       postpones it to the next tick, until the window ends), then a run of
 *       {@link KillSchedule#experimentFor(GroupRef)} under the run id reserved in the decision — the engine then
 *       re-checks opt-in, the kill switch and every guardrail before it kills.</li>
 * </ul>
 * A decision whose node died before finishing it is taken over when the lease expires; because the run id was
 * reserved with the claim, a run that had already been created is never started a second time.
 */
public final class ScheduleRunner {
    static final int LOOKBACK_DAYS = 7;
    private static final Logger log = LoggerFactory.getLogger(ScheduleRunner.class);

    private final ScheduleStore store;
    private final EligibleGroups groups;
    private final OutageCheck outageCheck;
    private final KillSwitchStore killSwitch;
    private final ExperimentService experiments;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final String node;
    private final Duration lease;
    private final KillScheduleParser parser = new KillScheduleParser();

    public ScheduleRunner(ScheduleStore store, EligibleGroups groups, OutageCheck outageCheck, KillSwitchStore killSwitch,
            ExperimentService experiments, AuditLog audit, ObjectMapper json, String node, Duration lease) {
        this.store = Objects.requireNonNull(store, "store is null");
        this.groups = Objects.requireNonNull(groups, "groups is null");
        this.outageCheck = Objects.requireNonNull(outageCheck, "outageCheck is null");
        this.killSwitch = Objects.requireNonNull(killSwitch, "killSwitch is null");
        this.experiments = Objects.requireNonNull(experiments, "experiments is null");
        this.audit = Objects.requireNonNull(audit, "audit is null");
        this.json = Objects.requireNonNull(json, "json is null");
        this.node = Objects.requireNonNull(node, "node is null");
        this.lease = Objects.requireNonNull(lease, "lease is null");
    }

    /** One pass at time {@code now}; returns the decisions this node executed or recorded in it. */
    public synchronized List<Decision> tick(Instant now) {
        List<Decision> handled = new ArrayList<>();
        // First the decisions postponed earlier or abandoned by a node whose lease expired, then the newly due ones.
        for (Decision retry : store.claimRetryable(node, now, now.plus(lease))) {
            Optional<StoredSchedule> row = store.find(retry.scheduleId());
            handled.add(execute(retry, row.orElse(null), row.map(this::parse).orElse(null), now));
        }
        for (StoredSchedule row : store.list()) {
            if (!row.enabled()) {
                continue;
            }
            KillSchedule schedule;
            try {
                schedule = parser.parse(json.readTree(row.definitionJson()));
            } catch (JsonProcessingException | SpecValidationException e) {
                log.error("Schedule {} ({}) is stored unreadable and is not run: {}", row.name(), row.id(), e.getMessage());
                continue;
            }
            handled.addAll(planDue(row, schedule, now));
        }
        return handled;
    }

    private KillSchedule parse(StoredSchedule row) {
        try {
            return parser.parse(json.readTree(row.definitionJson()));
        } catch (JsonProcessingException | SpecValidationException e) {
            return null;
        }
    }

    private List<Decision> planDue(StoredSchedule row, KillSchedule schedule, Instant now) {
        List<Decision> handled = new ArrayList<>();
        ScheduleCalendar calendar = new ScheduleCalendar(schedule, row.seed());
        LocalDate today = now.atZone(schedule.window().zone()).toLocalDate();
        LocalDate first = today.minusDays(LOOKBACK_DAYS);
        Set<String> known = store.decisionKeys(row.id(), first);
        List<GroupRef> eligible = null;
        for (LocalDate day = first; !day.isAfter(today); day = day.plusDays(1)) {
            if (!schedule.window().isWorkingDay(day)) {
                continue;
            }
            if (eligible == null) {
                eligible = groups.of(schedule);
            }
            for (GroupRef group : eligible) {
                if (known.contains(group + "|" + day)) {
                    continue;
                }
                Optional<PlannedKill> kill = calendar.killOn(group, day);
                if (kill.isEmpty() || kill.get().at().isAfter(now) || kill.get().at().isBefore(row.updatedAt())) {
                    continue; // not due yet, or planned before the schedule took its current form
                }
                Instant windowEnd = day.atTime(schedule.window().to()).atZone(schedule.window().zone()).toInstant();
                String runId = "run_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
                if (!now.isBefore(windowEnd)) {
                    Decision missed = new Decision(row.id(), group.toString(), day, kill.get().at(), windowEnd,
                            DecisionState.SKIPPED_MISSED_WINDOW, runId, node, null, 0,
                            "the window ended at " + windowEnd + " before any node executed the kill planned for " + kill.get().at(), now);
                    if (store.insert(missed)) {
                        audit.record("schedule:" + row.name(), null, "schedule.skip", group.toString(), node, "missed-window", missed.detail());
                        handled.add(missed);
                    }
                    continue;
                }
                Decision claimed = new Decision(row.id(), group.toString(), day, kill.get().at(), windowEnd, DecisionState.CLAIMED, runId,
                        node, now.plus(lease), 0, null, now);
                if (store.insert(claimed)) {
                    handled.add(execute(claimed, row, schedule, now));
                }
            }
        }
        return handled;
    }

    /** Executes a decision this node holds; returns it as it ends up. */
    private Decision execute(Decision decision, StoredSchedule row, KillSchedule schedule, Instant now) {
        if (row == null || schedule == null || !row.enabled()) {
            return finish(decision, DecisionState.SKIPPED_SCHEDULE_DISABLED, decision.attempts(), "the schedule was disabled or removed", now);
        }
        if (!now.isBefore(decision.windowEnd())) {
            DecisionState state = decision.attempts() > 0 ? DecisionState.SKIPPED_OUTAGE : DecisionState.SKIPPED_MISSED_WINDOW;
            String why = decision.attempts() > 0 ? "postponed " + Counts.of(decision.attempts(), "time") + " until the window ended at "
                    + decision.windowEnd() + "; last: " + decision.detail() : "the window ended at " + decision.windowEnd()
                    + " before the kill could be executed";
            return finish(decision, state, decision.attempts(), why, now);
        }
        if (experiments.store().find(decision.runId()).isPresent()) {
            // A node started the run and stopped before recording it here: the run exists, so it is never started again.
            return finish(decision, DecisionState.STARTED, decision.attempts(), "run " + decision.runId() + " was started before a takeover", now);
        }
        if (killSwitch.engaged()) {
            return finish(decision, DecisionState.SKIPPED_KILL_SWITCH, decision.attempts(), "the kill switch was engaged at " + now, now);
        }
        GroupRef group = GroupRef.parse(decision.groupKey());
        Optional<String> incident = outageCheck.incident(group);
        if (incident.isPresent()) {
            audit.record("schedule:" + row.name(), null, "schedule.postpone", decision.groupKey(), node, "postponed", incident.get());
            return finish(decision, DecisionState.POSTPONED, decision.attempts() + 1, incident.get(), now);
        }
        ExperimentSpec spec = schedule.experimentFor(group)
                .withSeed(SeededRandom.stream(row.seed(), "run/" + group + "/" + decision.day()).nextLong());
        try {
            experiments.startScheduled(decision.runId(), spec, runSpec(row, decision), "schedule:" + row.name());
        } catch (StoreException e) {
            if (ScheduleStore.isDuplicate(e)) {
                return finish(decision, DecisionState.STARTED, decision.attempts(), "run " + decision.runId() + " already existed", now);
            }
            return finish(decision, DecisionState.FAILED, decision.attempts(), "could not start the run: " + e.getMessage(), now);
        }
        log.info("Schedule '{}' started run {} against {} (planned {})", row.name(), decision.runId(), group, decision.plannedAt());
        return finish(decision, DecisionState.STARTED, decision.attempts(), "run " + decision.runId(), now);
    }

    private Decision finish(Decision d, DecisionState state, int attempts, String detail, Instant now) {
        if (!store.finish(d, node, state, attempts, detail, now)) {
            log.warn("Decision {} {} {} was taken over by another node before node {} finished it", d.scheduleId(), d.groupKey(), d.day(), node);
        } else if (state.name().startsWith("SKIPPED") || state == DecisionState.FAILED) {
            audit.record("schedule:" + d.scheduleId(), null, "schedule.skip", d.groupKey(), node,
                    state.name().toLowerCase(java.util.Locale.ROOT), detail);
        }
        return new Decision(d.scheduleId(), d.groupKey(), d.day(), d.plannedAt(), d.windowEnd(), state, d.runId(),
                state == DecisionState.POSTPONED ? null : node, null, attempts, detail, now);
    }

    private JsonNode runSpec(StoredSchedule row, Decision decision) {
        ObjectNode spec = json.createObjectNode();
        ObjectNode by = spec.putObject("schedule");
        by.put("id", row.id());
        by.put("name", row.name());
        spec.put("group", decision.groupKey());
        spec.put("day", decision.day().toString());
        spec.put("plannedAt", decision.plannedAt().toString());
        try {
            spec.set("experiment", json.readTree(row.definitionJson()).get("experiment"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return spec;
    }
}
