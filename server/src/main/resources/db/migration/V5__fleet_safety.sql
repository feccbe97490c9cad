-- Fleet-wide safety: every termination intent is decided against every run's kills in flight, in the transaction that
-- records it, holding the one fleet lock (a row lock here, the same statement on H2 and PostgreSQL).
CREATE TABLE fleet_lock (
    id INTEGER PRIMARY KEY
);
INSERT INTO fleet_lock (id) VALUES (1);

-- A real kill is in flight from its intent until it settles (failed, not a kill, its group verified back or found
-- not recovered, or its run ended): settled_at is NULL meanwhile. reconciled_at is when a termination whose outcome a
-- crash left unknown was checked against its provider.
ALTER TABLE terminations ADD COLUMN settled_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE terminations ADD COLUMN reconciled_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX terminations_in_flight ON terminations (provider, region, group_name, settled_at);
CREATE INDEX terminations_by_intent_time ON terminations (intended_at);

-- Terminations of runs that ended before this version are settled; those of unfinished runs settle when the runs are
-- reconciled and closed at start.
UPDATE terminations SET settled_at = COALESCE(completed_at, intended_at)
    WHERE run_id IN (SELECT id FROM runs WHERE state IN ('COMPLETED', 'FAILED', 'ABORTED'));
