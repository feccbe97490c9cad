-- Training simulations the server ran (POST /api/v1/simulations) and their reports, so that they are listed after a
-- restart. Bounded: the server keeps the latest simulations.keep finished ones and deletes older ones.
CREATE TABLE training_simulations (
    id                VARCHAR(64)   NOT NULL PRIMARY KEY,
    scenario          VARCHAR(200)  NOT NULL,
    seed              BIGINT        NOT NULL,
    state             VARCHAR(20)   NOT NULL,
    node_id           VARCHAR(100)  NOT NULL,
    created_by        VARCHAR(200)  NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at       TIMESTAMP WITH TIME ZONE,
    passed            BOOLEAN,
    error             VARCHAR(2000),
    hypotheses        INTEGER,
    hypotheses_failed INTEGER,
    incidents         INTEGER,
    report_json       TEXT,
    report_html       TEXT
);
CREATE INDEX training_simulations_by_created ON training_simulations (created_at, id);
