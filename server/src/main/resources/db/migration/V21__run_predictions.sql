-- The prediction a run was started with ("predict": true): the spec run in virtual time against a snapshot of the
-- live fleet with the run's seed. Written in the run's creation transaction; compared with what the run did on read.
CREATE TABLE run_predictions (
    run_id          VARCHAR(64)   NOT NULL PRIMARY KEY REFERENCES runs (id),
    predicted_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    prediction_json TEXT          NOT NULL
);
