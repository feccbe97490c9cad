-- The template a run was started from (null for a spec sent as is, a scheduled run, or a run created before V8), kept
-- in the run's creation transaction so that the history can be filtered by template while the run is still going.
ALTER TABLE runs ADD COLUMN template_name VARCHAR(100);
CREATE INDEX runs_by_template ON runs (template_name, created_at, id);
