package dev.macaque.engine;

import dev.macaque.engine.probe.SteadyState;
import dev.macaque.spi.GroupRef;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One experiment: which groups are candidates, how many instances to kill, the guardrails and how long recovery may
 * take. Read from JSON or YAML by {@link ExperimentSpecParser}, which fills in the documented defaults; the records
 * here only hold values already validated there (their constructors re-check the invariants the engine relies on).
 *
 * @param name       a label for people and reports
 * @param targets    which groups are candidates; {@link Targets#ANY} when omitted
 * @param selection  how many instances to kill
 * @param guardrails limits checked before every termination
 * @param recovery   how recovery is verified
 * @param dryRun     decide and record everything, terminate nothing (default {@code false})
 * @param seed        the random seed, or {@code null} to have the runner draw one and record it
 * @param concurrency whether other runs may act on the same groups at the same time (default {@link
 *                    Concurrency#EXCLUSIVE})
 * @param steadyState the probes that say whether the service is fine ({@link SteadyState#NONE}: only the groups'
 *                    instance counts are watched)
 * @param pacing      the pause between two kills (default zero: one after the other), so that probes can stop a run
 *                    before its next kill
 */
public record ExperimentSpec(String name, Targets targets, Selection selection, Guardrails guardrails, Recovery recovery,
                             boolean dryRun, Long seed, Concurrency concurrency, SteadyState steadyState,
                             Duration pacing) {

    public ExperimentSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(targets, "targets");
        Objects.requireNonNull(selection, "selection");
        Objects.requireNonNull(guardrails, "guardrails");
        Objects.requireNonNull(recovery, "recovery");
        Objects.requireNonNull(concurrency, "concurrency");
        Objects.requireNonNull(steadyState, "steadyState");
        Objects.requireNonNull(pacing, "pacing");
        if (pacing.isNegative()) {
            throw new IllegalArgumentException("pacing.between must be >= 0, was " + pacing);
        }
    }

    /** An experiment without probes or pacing. */
    public ExperimentSpec(String name, Targets targets, Selection selection, Guardrails guardrails, Recovery recovery,
                          boolean dryRun, Long seed, Concurrency concurrency) {
        this(name, targets, selection, guardrails, recovery, dryRun, seed, concurrency, SteadyState.NONE, Duration.ZERO);
    }

    /** An experiment that has its groups to itself ({@link Concurrency#EXCLUSIVE}). */
    public ExperimentSpec(String name, Targets targets, Selection selection, Guardrails guardrails, Recovery recovery,
                          boolean dryRun, Long seed) {
        this(name, targets, selection, guardrails, recovery, dryRun, seed, Concurrency.EXCLUSIVE);
    }

    /**
     * Whether a run shares its groups. A group some run is acting on, or that is still recovering from a run's kill, is
     * {@code GROUP_BUSY} for every other exclusive run; a shared run may act on it too (the fleet-wide healthy floor
     * and minimums still hold, counting every run's kills in flight). Schedules never share.
     */
    public enum Concurrency {
        EXCLUSIVE("exclusive"),
        SHARED("shared");

        private final String wireName;

        Concurrency(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** The same experiment with {@code concurrency} forced (schedules are always exclusive). */
    public ExperimentSpec withConcurrency(Concurrency value) {
        return new ExperimentSpec(name, targets, selection, guardrails, recovery, dryRun, seed, value, steadyState, pacing);
    }

    /** The same experiment without probes and pacing: the offline comparison's baseline. */
    public ExperimentSpec withoutSteadyState() {
        return new ExperimentSpec(name, targets, selection, guardrails, recovery, dryRun, seed, concurrency,
                SteadyState.NONE, Duration.ZERO);
    }

    public OptionalLong seedIfAny() {
        return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
    }

    /** The same experiment with {@code dryRun} forced (the server's leashed mode). */
    public ExperimentSpec withDryRun(boolean value) {
        return new ExperimentSpec(name, targets, selection, guardrails, recovery, value, seed, concurrency, steadyState, pacing);
    }

    public ExperimentSpec withSeed(long value) {
        return new ExperimentSpec(name, targets, selection, guardrails, recovery, dryRun, value, concurrency, steadyState, pacing);
    }

    /**
     * Which groups are candidates. Every filter is optional; an empty one does not restrict. A group must match every
     * given filter and, independently of these filters, be opted in ({@code macaque-enabled=true}).
     *
     * @param providers provider instance ids
     * @param regions   regions (zones for zonal GCP groups)
     * @param groups    group names
     * @param tags      tags the group must carry with exactly these values
     * @param scope     the team scope of whoever started the run: tags a group must carry to be touched at all
     *                  ({@code OUT_OF_SCOPE} otherwise); the server sets it from a scoped principal, and it is judged
     *                  with the rest of the eligibility rule right before every kill
     */
    public record Targets(Set<String> providers, Set<String> regions, Set<String> groups, Map<String, String> tags,
                          Map<String, String> scope) {
        public static final Targets ANY = new Targets(Set.of(), Set.of(), Set.of(), Map.of());

        public Targets {
            providers = Collections.unmodifiableSet(new TreeSet<>(providers));
            regions = Collections.unmodifiableSet(new TreeSet<>(regions));
            groups = Collections.unmodifiableSet(new TreeSet<>(groups));
            tags = Collections.unmodifiableMap(new TreeMap<>(tags));
            scope = scope == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(scope));
        }

        /** Targets without a team scope. */
        public Targets(Set<String> providers, Set<String> regions, Set<String> groups, Map<String, String> tags) {
            this(providers, regions, groups, tags, Map.of());
        }

        /** Whether a group passes every filter (opt-in is checked separately); see {@link Eligibility}. */
        public boolean matches(GroupRef ref, Map<String, String> groupTags) {
            return Eligibility.filtered(ref, groupTags, this).eligible();
        }

        public boolean isUnrestricted() {
            return providers.isEmpty() && regions.isEmpty() && groups.isEmpty() && tags.isEmpty() && scope.isEmpty();
        }
    }

    /** How victims are chosen; see {@link TargetSelector}. */
    public enum SelectionMode {
        /** Kill {@code value} instances in total (a whole number >= 1). */
        COUNT("count"),
        /** Kill {@code value}% of the eligible instances, rounded down, at least one when any is eligible. */
        PERCENT("percent"),
        /** Each eligible group independently loses one instance with probability {@code value} in (0, 1]. */
        PER_GROUP("perGroup"),
        /**
         * A zone outage: every healthy in-service member in {@code zone} of every eligible group, killed together; see
         * {@link ZoneOutage}. {@code value} is unused.
         */
        ZONE("zone");

        private final String wireName;

        SelectionMode(String wireName) {
            this.wireName = wireName;
        }

        /** The name used in JSON and YAML. */
        public String wireName() {
            return wireName;
        }
    }

    /**
     * @param mode  the mode
     * @param value its parameter: a count, a percentage in (0, 100] or a probability in (0, 1]; 0 for {@code zone}
     * @param zone  for {@code zone} only: the cloud's own zone name, or {@value #RANDOM_ZONE} to draw one from the seed
     *              weighted by eligible members; null for the other modes
     */
    public record Selection(SelectionMode mode, double value, String zone) {
        /** The zone that asks for a zone drawn from the seed. */
        public static final String RANDOM_ZONE = "random";

        public Selection {
            Objects.requireNonNull(mode, "mode");
            boolean valid = switch (mode) {
                case COUNT -> value >= 1 && value == Math.rint(value);
                case PERCENT -> value > 0 && value <= 100;
                case PER_GROUP -> value > 0 && value <= 1;
                case ZONE -> value == 0;
            };
            if (!valid) {
                throw new IllegalArgumentException("selection.value " + value + " is not valid for mode " + mode.wireName());
            }
            if ((mode == SelectionMode.ZONE) != (zone != null)) {
                throw new IllegalArgumentException("selection.zone is for mode zone only (mode " + mode.wireName()
                        + ", zone " + zone + ")");
            }
            if (zone != null && zone.isBlank()) {
                throw new IllegalArgumentException("selection.zone must not be blank");
            }
        }

        public Selection(SelectionMode mode, double value) {
            this(mode, value, null);
        }

        /** A zone outage of {@code zone} (or {@value #RANDOM_ZONE}). */
        public static Selection zone(String zone) {
            return new Selection(SelectionMode.ZONE, 0, zone);
        }

        public boolean randomZone() {
            return RANDOM_ZONE.equals(zone);
        }

        public static Selection count(int n) {
            return new Selection(SelectionMode.COUNT, n);
        }

        public static Selection percent(double p) {
            return new Selection(SelectionMode.PERCENT, p);
        }

        public static Selection perGroup(double probability) {
            return new Selection(SelectionMode.PER_GROUP, probability);
        }
    }

    /**
     * Limits checked before every termination; see {@link GuardrailCheck}. Never killing a group's last healthy
     * instance is always on and has no setting.
     *
     * @param minHealthyPercent   after a kill, the group keeps at least this percentage of its desired capacity
     *                            healthy and in service (rounded up); default {@value #DEFAULT_MIN_HEALTHY_PERCENT}
     * @param minHealthyInstances after a kill, the group keeps at least this many healthy in-service instances;
     *                            default {@value #DEFAULT_MIN_HEALTHY_INSTANCES}
     * @param maxTerminations     at most this many terminations (or would-be terminations in a dry run) per run;
     *                            default {@value #DEFAULT_MAX_TERMINATIONS}
     * @param minTimeBetweenKills at least this long between two kills in the same group, across runs; default 0
     *                            (off), since an explicit experiment is usually meant to run when asked
     */
    public record Guardrails(int minHealthyPercent, int minHealthyInstances, int maxTerminations,
                             Duration minTimeBetweenKills) {
        public static final int DEFAULT_MIN_HEALTHY_PERCENT = 50;
        public static final int DEFAULT_MIN_HEALTHY_INSTANCES = 1;
        public static final int DEFAULT_MAX_TERMINATIONS = 10;
        public static final Guardrails DEFAULTS = new Guardrails(DEFAULT_MIN_HEALTHY_PERCENT,
                DEFAULT_MIN_HEALTHY_INSTANCES, DEFAULT_MAX_TERMINATIONS, Duration.ZERO);

        public Guardrails {
            if (minHealthyPercent < 0 || minHealthyPercent > 100) {
                throw new IllegalArgumentException("guardrails.minHealthyPercent must be in [0, 100], was " + minHealthyPercent);
            }
            if (minHealthyInstances < 0) {
                throw new IllegalArgumentException("guardrails.minHealthyInstances must be >= 0, was " + minHealthyInstances);
            }
            if (maxTerminations < 1) {
                throw new IllegalArgumentException("guardrails.maxTerminations must be >= 1, was " + maxTerminations);
            }
            Objects.requireNonNull(minTimeBetweenKills, "minTimeBetweenKills");
            if (minTimeBetweenKills.isNegative()) {
                throw new IllegalArgumentException("guardrails.minTimeBetweenKills must be >= 0, was " + minTimeBetweenKills);
            }
        }
    }

    /**
     * @param timeout      a group that is not back to its pre-kill healthy count this long after its first kill is
     *                     NOT_RECOVERED; default {@code 10m}
     * @param pollInterval how often group health is read while verifying; default {@code 15s}
     */
    public record Recovery(Duration timeout, Duration pollInterval) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
        public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(15);
        public static final Recovery DEFAULTS = new Recovery(DEFAULT_TIMEOUT, DEFAULT_POLL_INTERVAL);

        public Recovery {
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(pollInterval, "pollInterval");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("recovery.timeout must be > 0, was " + timeout);
            }
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("recovery.pollInterval must be > 0, was " + pollInterval);
            }
        }
    }
}
