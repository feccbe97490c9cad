package dev.macaque.chaosmonkey;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.audit.AuditLog;
import dev.macaque.auth.Principal;
import dev.macaque.auth.Scope;
import dev.macaque.experiments.ScopedSpecs;
import dev.macaque.http.ProblemException;
import dev.macaque.engine.SpecValidationException;
import dev.macaque.schedule.KillSchedule;
import dev.macaque.schedule.KillScheduleParser;
import dev.macaque.schedule.PlannedKill;
import dev.macaque.schedule.ScheduleCalendar;
import dev.macaque.spi.GroupRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, changes and removes schedules (validated by {@link KillScheduleParser}, every change audited), seeds the
 * configuration file's schedules, and previews what a schedule will do.
 *
 * <p>Schedules from the configuration file are stored with {@code source: config} at every start: created or
 * replaced by name, and removed when the file no longer lists them. They are read-only through the API (409): the
 * file is their single source of truth.
 */
public final class ScheduleService {
    private static final Logger log = LoggerFactory.getLogger(ScheduleService.class);
    private static final SecureRandom SEEDS = new SecureRandom();

    private final ScheduleStore store;
    private final EligibleGroups groups;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final Clock clock;
    private final KillScheduleParser parser = new KillScheduleParser();

    public ScheduleService(ScheduleStore store, EligibleGroups groups, AuditLog audit, ObjectMapper json, Clock clock) {
        this.store = Objects.requireNonNull(store, "store is null");
        this.groups = Objects.requireNonNull(groups, "groups is null");
        this.audit = Objects.requireNonNull(audit, "audit is null");
        this.json = Objects.requireNonNull(json, "json is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    /** A stored schedule with its parsed definition. */
    public record ScheduleView(String id, String name, String source, boolean enabled, long seed, JsonNode definition, String createdBy,
            Instant createdAt, Instant updatedAt) {
    }

    /** The outcome of a change. */
    public sealed interface Change {
        record Done(ScheduleView schedule) implements Change {
        }

        record NotFound() implements Change {
        }

        record NameTaken(String name) implements Change {
        }

        record ReadOnly(String name) implements Change {
        }
    }

    /** Parses a definition, throwing {@link SpecValidationException} with every bad field. */
    public KillSchedule parse(JsonNode definition) {
        return parser.parse(definition);
    }

    /** A scoped principal's schedule kills only within its scope: the scope is written into its experiment's targets. */
    public Change create(JsonNode requested, Principal principal, String source) {
        JsonNode definition = ScopedSpecs.scheduleWithin(requested, principal.scope());
        KillSchedule schedule = parser.parse(definition);
        Instant now = clock.instant();
        StoredSchedule row = new StoredSchedule("sch_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16), schedule.name(),
                StoredSchedule.SOURCE_API, write(definition), seedOf(schedule), schedule.enabled(), principal.display(), now, now);
        if (!store.insert(row)) {
            return new Change.NameTaken(schedule.name());
        }
        audit.record(principal.display(), principal.role().wireName(), "schedule.create", row.id(), source, "ok", schedule.toString());
        return new Change.Done(view(row));
    }

    public Change update(String id, JsonNode requested, Principal principal, String source) {
        JsonNode definition = ScopedSpecs.scheduleWithin(requested, principal.scope());
        KillSchedule schedule = parser.parse(definition);
        Optional<StoredSchedule> existing = store.find(id);
        if (existing.isEmpty()) {
            return new Change.NotFound();
        }
        requireWithinScope(existing.get(), principal, source);
        if (existing.get().source().equals(StoredSchedule.SOURCE_CONFIG)) {
            return new Change.ReadOnly(existing.get().name());
        }
        if (!store.update(id, schedule.name(), write(definition), schedule.enabled(), clock.instant())) {
            return store.find(id).isEmpty() ? new Change.NotFound() : new Change.NameTaken(schedule.name());
        }
        audit.record(principal.display(), principal.role().wireName(), "schedule.update", id, source, "ok", schedule.toString());
        return new Change.Done(view(store.find(id).orElseThrow()));
    }

    public Change delete(String id, Principal principal, String source) {
        Optional<StoredSchedule> existing = store.find(id);
        if (existing.isEmpty()) {
            return new Change.NotFound();
        }
        if (existing.get().source().equals(StoredSchedule.SOURCE_CONFIG)) {
            return new Change.ReadOnly(existing.get().name());
        }
        requireWithinScope(existing.get(), principal, source);
        if (!store.delete(id)) {
            return new Change.NotFound();
        }
        audit.record(principal.display(), principal.role().wireName(), "schedule.delete", id, source, "ok", existing.get().name());
        return new Change.Done(view(existing.get()));
    }

    /** A scoped principal changes only its own scope's schedules (403 otherwise, audited). */
    private void requireWithinScope(StoredSchedule existing, Principal principal, String source) {
        if (principal.scope().unscoped()) {
            return;
        }
        Scope scheduleScope;
        try {
            scheduleScope = ScopedSpecs.of(json.readTree(existing.definitionJson()).path("experiment"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored schedule " + existing.id() + " is not readable", e);
        }
        if (!principal.scope().covers(scheduleScope)) {
            audit.record(principal.display(), principal.role().wireName(), "auth.denied", "schedule " + existing.id(), source, "forbidden",
                    "schedule outside the scope " + principal.scope());
            throw new ProblemException(403, "schedule '" + existing.name() + "' is not within your scope (" + principal.scope() + "): "
                    + "only its team or an unscoped operator may change it");
        }
    }

    public Optional<ScheduleView> find(String id) {
        return store.find(id).map(this::view);
    }

    public List<ScheduleView> list() {
        return store.list().stream().map(this::view).toList();
    }

    /**
     * Stores the configuration file's schedules ({@code source: config}): new ones are created, changed ones replaced,
     * and config schedules the file no longer lists are removed. A schedule created through the API under the same name
     * is left alone and reported.
     */
    public void seedFromConfig(List<Map<String, Object>> schedules) {
        Set<String> names = new TreeSet<>();
        Instant now = clock.instant();
        for (Map<String, Object> raw : schedules) {
            JsonNode definition = json.valueToTree(raw);
            KillSchedule schedule = parser.parse(definition);
            names.add(schedule.name());
            Optional<StoredSchedule> existing = store.findByName(schedule.name());
            if (existing.isEmpty()) {
                StoredSchedule row = new StoredSchedule(configId(schedule.name()), schedule.name(), StoredSchedule.SOURCE_CONFIG,
                        write(definition), seedOf(schedule), schedule.enabled(), "config", now, now);
                if (store.insert(row)) {
                    audit.record("config", null, "schedule.create", row.id(), "config", "ok", schedule.toString());
                }
            } else if (!existing.get().source().equals(StoredSchedule.SOURCE_CONFIG)) {
                log.warn("The configuration's schedule '{}' is ignored: a schedule of that name was created through the API ({})",
                        schedule.name(), existing.get().id());
            } else if (!existing.get().definitionJson().equals(write(definition))) {
                store.update(existing.get().id(), schedule.name(), write(definition), schedule.enabled(), now);
                audit.record("config", null, "schedule.update", existing.get().id(), "config", "ok", schedule.toString());
            }
        }
        for (StoredSchedule row : store.list()) {
            if (row.source().equals(StoredSchedule.SOURCE_CONFIG) && !names.contains(row.name()) && store.delete(row.id())) {
                audit.record("config", null, "schedule.delete", row.id(), "config", "ok", row.name() + " (no longer in the configuration)");
            }
        }
    }

    /** Upcoming planned kills of a schedule, and its latest recorded decisions. */
    public record Upcoming(String scheduleId, String name, boolean enabled, List<GroupRef> eligibleGroups, List<PlannedKillView> upcoming,
            List<Decision> recentDecisions) {
    }

    public record PlannedKillView(String group, LocalDate day, Instant plannedAt) {
    }

    public Optional<Upcoming> upcoming(String id, int count) {
        return store.find(id).map(row -> {
            KillSchedule schedule = parser.parse(read(row.definitionJson()));
            List<GroupRef> eligible = groups.of(schedule);
            List<PlannedKill> kills = new ScheduleCalendar(schedule, row.seed()).upcoming(eligible, clock.instant(), count);
            return new Upcoming(row.id(), row.name(), row.enabled(), eligible,
                    kills.stream().map(k -> new PlannedKillView(k.group().toString(), k.day(), k.at())).toList(),
                    store.decisions(row.id(), 20));
        });
    }

    /** A spec's own seed when it has one, so that a schedule can be replayed in {@code macaque simulate}; else random. */
    private static long seedOf(KillSchedule schedule) {
        return schedule.experiment().seedIfAny().orElseGet(SEEDS::nextLong);
    }

    /** Config schedules get an id derived from their name, so that every node seeding the same file agrees. */
    static String configId(String name) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return "sch_cfg_" + java.util.HexFormat.of().formatHex(hash).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    ScheduleView view(StoredSchedule row) {
        return new ScheduleView(row.id(), row.name(), row.source(), row.enabled(), row.seed(), read(row.definitionJson()), row.createdBy(),
                row.createdAt(), row.updatedAt());
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode read(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored schedule is not JSON", e);
        }
    }
}
