-- Experiment templates: named specs, every version kept. A run started from a template names it and its version in
-- its view; a deleted template keeps its versions (runs refer to them) but is no longer listed or runnable.
CREATE TABLE experiment_templates (
    name        VARCHAR(100)  NOT NULL,
    version     INTEGER       NOT NULL,
    spec_json   TEXT          NOT NULL,
    created_by  VARCHAR(200)  NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    deleted     BOOLEAN       NOT NULL,
    PRIMARY KEY (name, version)
);
