package dev.macaque.simulate;

import dev.macaque.engine.RunEvent;
import dev.macaque.engine.RunStep;
import dev.macaque.engine.TerminationStatus;
import dev.macaque.simulated.eventlog.EventSink;
import dev.macaque.simulated.eventlog.LoggedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads the world's event log as it is written, and the engine's typed run events right after each is logged, and
 * pairs every engine kill with the world's recovery: a kill at {@code t} in group {@code g} belongs to the recovery
 * episode open at {@code t} (the kill opens one when none is open) and recovers when the world logs the next
 * {@code group.recovered} of {@code g}. The times are the log's exact virtual instants, not the engine's polling.
 * Also counts refusals, engine verdicts and overload windows.
 */
final class KillLedger implements EventSink, WorldRunRecorder.TypedListener {
    /** A kill whose recovery and verdict are filled in as the log goes on. */
    private static final class OpenKill {
        final String run;
        final String group;
        final String instance;
        final long atNanos;
        long recoveredNanos = -1;

        OpenKill(String run, String group, String instance, long atNanos) {
            this.run = run;
            this.group = group;
            this.instance = instance;
            this.atNanos = atNanos;
        }
    }

    private final List<OpenKill> kills = new ArrayList<>();
    private final Map<String, List<OpenKill>> unrecoveredByGroup = new TreeMap<>();
    private final List<RefusalRecord> refusals = new ArrayList<>();
    /** group → run → the engine's verdict for (run, group); group → run → its measured time when RECOVERED */
    private final Map<String, Map<String, String>> verdicts = new TreeMap<>();
    private final Map<String, Map<String, Duration>> engineTimes = new TreeMap<>();
    private final Map<String, Long> overloadStart = new LinkedHashMap<>();
    private final List<OverloadWindow> overloads = new ArrayList<>();

    /** The world's own events. */
    @Override
    public void accept(LoggedEvent event) {
        switch (event.type()) {
            case "group.recovered" -> {
                List<OpenKill> open = unrecoveredByGroup.remove((String) event.field("group"));
                if (open != null) {
                    open.forEach(kill -> kill.recoveredNanos = event.timeNanos());
                }
            }
            case "service.overloaded" -> overloadStart.put((String) event.field("service"), event.timeNanos());
            case "service.overload_ended" -> {
                Long from = overloadStart.remove((String) event.field("service"));
                if (from != null) {
                    overloads.add(new OverloadWindow((String) event.field("service"), Duration.ofNanos(from),
                            Optional.of(Duration.ofNanos(event.timeNanos()))));
                }
            }
            default -> {
            }
        }
    }

    /** The engine's events; a world group's name is the name of the engine's group reference. */
    @Override
    public void onRunEvent(RunEvent event, long timeNanos) {
        String run = event.runId();
        RunStep step = event.step();
        if (step instanceof RunStep.TerminationOutcome outcome) {
            // Only real terminations are kills: a dry run's WOULD_TERMINATE and ALREADY_TERMINATED take nothing out.
            if (outcome.outcome() == TerminationStatus.TERMINATED) {
                OpenKill kill = new OpenKill(run, outcome.group().name(), outcome.instance(), timeNanos);
                kills.add(kill);
                unrecoveredByGroup.computeIfAbsent(kill.group, g -> new ArrayList<>()).add(kill);
            }
        } else if (step instanceof RunStep.TerminationRefused refused) {
            refusals.add(new RefusalRecord(run, refused.group().name(), refused.instance(), Duration.ofNanos(timeNanos),
                    refused.reason().name()));
        } else if (step instanceof RunStep.GroupRecovered recovered) {
            String group = recovered.group().name();
            verdicts.computeIfAbsent(group, g -> new TreeMap<>()).put(run, "RECOVERED");
            engineTimes.computeIfAbsent(group, g -> new TreeMap<>()).put(run, recovered.after());
        } else if (step instanceof RunStep.GroupNotRecovered notRecovered) {
            verdicts.computeIfAbsent(notRecovered.group().name(), g -> new TreeMap<>()).put(run, "NOT_RECOVERED");
        }
    }

    List<KillRecord> kills() {
        List<KillRecord> records = new ArrayList<>(kills.size());
        for (OpenKill kill : kills) {
            records.add(new KillRecord(kill.run, kill.group, kill.instance, Duration.ofNanos(kill.atNanos),
                    kill.recoveredNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(kill.recoveredNanos)),
                    verdicts.getOrDefault(kill.group, Map.of()).getOrDefault(kill.run, "PENDING"),
                    Optional.ofNullable(engineTimes.getOrDefault(kill.group, Map.of()).get(kill.run))));
        }
        return records;
    }

    /** Every refused termination, in log order. */
    List<RefusalRecord> refusals() {
        return List.copyOf(refusals);
    }

    /** How many runs the engine judged {@code verdict} ({@code RECOVERED} or {@code NOT_RECOVERED}) for {@code group}. */
    int verdicts(String group, String verdict) {
        return (int) verdicts.getOrDefault(group, Map.of()).values().stream().filter(verdict::equals).count();
    }

    /** Overload windows in start order; the ones still open have no end. */
    List<OverloadWindow> overloads() {
        List<OverloadWindow> all = new ArrayList<>(overloads);
        overloadStart.forEach((service, from) -> all.add(new OverloadWindow(service, Duration.ofNanos(from), Optional.empty())));
        all.sort(java.util.Comparator.comparing(OverloadWindow::from));
        return all;
    }
}
