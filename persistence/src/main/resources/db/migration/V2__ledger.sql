-- 2026-11-23 Ledger core. Channels, blocks and transactions hold exactly the canonical bytes that
-- were signed (header_bytes, certificate_bytes, tx_bytes), so verification re-checks what is
-- stored, not a re-encoding of it. The other columns are indexes into those bytes for queries.
-- Ledger tables are append-only: the code has no update or delete path, and on PostgreSQL a
-- trigger refuses both (db/vendor/postgresql/V2_1).
-- Off-chain tables (cl_blob, cl_key_envelope) are the provider's data server: erasure
-- (crypto-shredding) deletes envelopes and marks the blob erased after deleting its ciphertext.

CREATE TABLE cl_channel (
    channel_id   VARCHAR(63)              NOT NULL,
    genesis_hash VARCHAR(64)              NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_cl_channel PRIMARY KEY (channel_id),
    CONSTRAINT ck_cl_channel_genesis_hash CHECK (LENGTH(genesis_hash) = 64)
);

CREATE TABLE cl_block (
    channel_id        VARCHAR(63)              NOT NULL,
    height            BIGINT                   NOT NULL,
    block_hash        VARCHAR(64)              NOT NULL,
    previous_hash     VARCHAR(64)              NOT NULL,
    tx_root           VARCHAR(64)              NOT NULL,
    tx_count          INTEGER                  NOT NULL,
    header_bytes      BYTEA                    NOT NULL,
    certificate_bytes BYTEA                    NOT NULL,
    committed_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_cl_block PRIMARY KEY (channel_id, height),
    CONSTRAINT uq_cl_block_hash UNIQUE (block_hash),
    CONSTRAINT fk_cl_block_channel FOREIGN KEY (channel_id) REFERENCES cl_channel (channel_id),
    CONSTRAINT ck_cl_block_height CHECK (height >= 0),
    CONSTRAINT ck_cl_block_tx_count CHECK (tx_count >= 0)
);

CREATE TABLE cl_ledger_tx (
    channel_id VARCHAR(63) NOT NULL,
    tx_id      VARCHAR(64) NOT NULL,
    height     BIGINT      NOT NULL,
    tx_index   INTEGER     NOT NULL,
    tx_type    VARCHAR(32) NOT NULL,
    author     VARCHAR(63) NOT NULL,
    tx_bytes   BYTEA       NOT NULL,
    CONSTRAINT pk_cl_ledger_tx PRIMARY KEY (channel_id, tx_id),
    CONSTRAINT uq_cl_ledger_tx_position UNIQUE (channel_id, height, tx_index),
    CONSTRAINT fk_cl_ledger_tx_block FOREIGN KEY (channel_id, height) REFERENCES cl_block (channel_id, height),
    CONSTRAINT ck_cl_ledger_tx_index CHECK (tx_index >= 0)
);

CREATE INDEX ix_cl_ledger_tx_type ON cl_ledger_tx (channel_id, tx_type);

CREATE TABLE cl_blob (
    content_hash   VARCHAR(64)              NOT NULL,
    size_bytes     BIGINT                   NOT NULL,
    stored_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    erased_at      TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_cl_blob PRIMARY KEY (content_hash),
    CONSTRAINT ck_cl_blob_size CHECK (size_bytes >= 0)
);

CREATE TABLE cl_key_envelope (
    envelope_hash VARCHAR(64)              NOT NULL,
    record_id     VARCHAR(64)              NOT NULL,
    recipient     VARCHAR(63)              NOT NULL,
    envelope      BYTEA                    NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_cl_key_envelope PRIMARY KEY (envelope_hash)
);

CREATE INDEX ix_cl_key_envelope_record ON cl_key_envelope (record_id, recipient);
