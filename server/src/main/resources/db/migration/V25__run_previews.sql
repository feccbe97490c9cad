-- The preview a person saw on the dashboard before starting a run (its seed and the victims it showed), kept in the
-- run's creation transaction only when the run is exactly the previewed spec, so that the run's page can show the
-- previewed victims against the ones the run picked.
CREATE TABLE run_previews (
    run_id       VARCHAR(64)   NOT NULL PRIMARY KEY REFERENCES runs (id),
    previewed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    preview_json TEXT          NOT NULL
);
