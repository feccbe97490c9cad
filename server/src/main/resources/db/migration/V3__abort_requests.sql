-- An abort asked for on one node for a run another node drives: the driving node sees it at its next poll.
ALTER TABLE runs ADD COLUMN abort_requested_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE runs ADD COLUMN abort_requested_by VARCHAR(200);
ALTER TABLE runs ADD COLUMN abort_reason VARCHAR(500);
