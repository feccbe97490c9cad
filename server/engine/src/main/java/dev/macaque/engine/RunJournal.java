package dev.macaque.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * A run's event journal: numbers its events gap-free, keeps them in the run's own list and hands each to the
 * {@link RunRecorder}. A recorder failure ends the run (through {@link RecorderFailure}) and unwinds the current
 * step with {@link RecorderFailed}, which {@link #guarded} stops quietly.
 */
final class RunJournal {
    /** Ends the run after its recorder failed; called with the run's lock held. */
    @FunctionalInterface
    interface RecorderFailure {
        void ended(RunEvent event, RuntimeException cause);
    }

    private final String runId;
    private final TaskScheduler scheduler;
    private final RunRecorder recorder;
    private final RecorderFailure onRecorderFailure;
    private long nextSeq = 1;
    private final List<RunEvent> events = new ArrayList<>();

    RunJournal(String runId, TaskScheduler scheduler, RunRecorder recorder, RecorderFailure onRecorderFailure) {
        this.runId = runId;
        this.scheduler = scheduler;
        this.recorder = recorder;
        this.onRecorderFailure = onRecorderFailure;
    }

    /** The run's events so far (its own list; read under the run's lock). */
    List<RunEvent> events() {
        return events;
    }

    void record(RunStep step) {
        RunEvent event = appendEvent(step);
        try {
            recorder.record(event);
        } catch (RuntimeException e) {
            failBecauseTheRecorderFailed(event, e);
        }
    }

    /** The next event of this run, in its own list (the recorder is called by the caller). */
    RunEvent appendEvent(RunStep step) {
        RunEvent event = new RunEvent(runId, nextSeq++, scheduler.now(), step);
        events.add(event);
        return event;
    }

    /** The latest event, just appended. */
    RunEvent last() {
        return events.get(events.size() - 1);
    }

    /** Takes the latest event back: it is not on record, so the run's events stay gap-free and match the store. */
    void takeBackLast() {
        events.remove(events.size() - 1);
        nextSeq--;
    }

    /**
     * An event that cannot be kept must stop the run: nothing may be done that is not on record (above all, no
     * termination without its intent). The run ends FAILED, and the current step unwinds.
     */
    void failBecauseTheRecorderFailed(RunEvent event, RuntimeException cause) {
        onRecorderFailure.ended(event, cause);
        throw new RecorderFailed(cause);
    }

    /** Unwinds a step after the recorder failed; caught by {@link #guarded}. */
    static final class RecorderFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RecorderFailed(RuntimeException cause) {
            super(cause);
        }
    }

    /** A task of this run: a recorder failure has already ended the run, so it stops the task quietly. */
    static Runnable guarded(Runnable step) {
        return () -> {
            try {
                step.run();
            } catch (RecorderFailed alreadyHandled) {
                // The run is FAILED and its result says why; nothing is left to do in this task.
            }
        };
    }
}
