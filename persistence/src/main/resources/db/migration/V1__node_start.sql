-- 2026-11-22 Foundation: one row per node start, so operators and auditors can see that a node's
-- institution id and signing key never changed between restarts. Append-only by design.
-- Written in the SQL common to H2 2.x and PostgreSQL 13+.
CREATE SEQUENCE cl_node_start_seq START WITH 1 INCREMENT BY 1;

CREATE TABLE cl_node_start (
    id                  BIGINT                   NOT NULL,
    institution_id      VARCHAR(64)              NOT NULL,
    signing_fingerprint VARCHAR(64)              NOT NULL,
    careledger_version  VARCHAR(32)              NOT NULL,
    started_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_cl_node_start PRIMARY KEY (id),
    CONSTRAINT ck_cl_node_start_fingerprint CHECK (LENGTH(signing_fingerprint) = 64)
);

CREATE INDEX ix_cl_node_start_started_at ON cl_node_start (started_at);
