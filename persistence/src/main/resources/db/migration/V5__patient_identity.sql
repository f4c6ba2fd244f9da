-- The provider's side of "patient identity apart" (issue: sharing end to end). Neither table is part
-- of the ledger: they are the provider's data server, like cl_blob and cl_key_envelope, and are
-- never sent to another member.
--
-- cl_patient_identity: which patient a pseudonym on a channel stands for, at the institution that
-- registered the patient's records. The chain and every federation message carry only the
-- pseudonym (HMAC of the patient id under the channel's key); only this table can turn it back.
--
-- cl_record_metadata: what a provider's users type about a document that must not go on the chain
-- (its title is clinical text; its clinical date is a quasi-identifier). Deleted when the record is
-- erased.

CREATE TABLE cl_patient_identity (
    channel_id  VARCHAR(63)              NOT NULL,
    pseudonym   VARCHAR(64)              NOT NULL,
    patient_id  VARCHAR(128)             NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_cl_patient_identity PRIMARY KEY (channel_id, pseudonym),
    CONSTRAINT ck_cl_patient_identity_pseudonym CHECK (LENGTH(pseudonym) = 64)
);

CREATE TABLE cl_record_metadata (
    channel_id    VARCHAR(63)              NOT NULL,
    record_id     VARCHAR(64)              NOT NULL,
    pseudonym     VARCHAR(64)              NOT NULL,
    title         VARCHAR(500),
    document_date DATE,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_cl_record_metadata PRIMARY KEY (channel_id, record_id)
);

-- cl_record_index: the records registered on each channel this node holds, as every member can
-- read them from its chain (pseudonym, class, media type, size, provider, content hash): a
-- projection written in the same transaction as the block, so searches by patient pseudonym,
-- class and time need not decode every transaction. Derived data: keyed by transaction, never
-- able to fail a commit, and rebuildable from the chain.
CREATE TABLE cl_record_index (
    channel_id     VARCHAR(63)              NOT NULL,
    tx_id          VARCHAR(64)              NOT NULL,
    record_id      VARCHAR(64)              NOT NULL,
    record_version BIGINT                   NOT NULL,
    pseudonym      VARCHAR(64)              NOT NULL,
    document_class VARCHAR(16)              NOT NULL,
    media_type     VARCHAR(128)             NOT NULL,
    size_bytes     BIGINT                   NOT NULL,
    content_hash   VARCHAR(64)              NOT NULL,
    provider       VARCHAR(63)              NOT NULL,
    height         BIGINT                   NOT NULL,
    registered_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_cl_record_index PRIMARY KEY (channel_id, tx_id)
);
CREATE INDEX ix_cl_record_index_patient ON cl_record_index (channel_id, pseudonym, registered_at);
CREATE INDEX ix_cl_record_index_record ON cl_record_index (channel_id, record_id);
