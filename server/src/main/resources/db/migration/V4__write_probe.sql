-- One row that readiness rewrites (at most about once a second, and only while someone asks) to learn whether the
-- database can still commit a write: a full disk or a read-only replica answers reads but not this.
CREATE TABLE write_probe (
    id        INTEGER PRIMARY KEY,
    probed_at TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO write_probe (id, probed_at) VALUES (1, CURRENT_TIMESTAMP);
