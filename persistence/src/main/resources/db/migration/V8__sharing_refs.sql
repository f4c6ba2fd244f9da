-- The view of one record (its versions, grants, requests, revocations, erasure) was built from every
-- sharing transaction of the channel, for every request, grant, amendment and retrieval, and again by
-- every member validating a block with a grant or amendment: with ~70,000 registrations on a channel
-- a grant took over 45 s (2026-12-07). Each sharing transaction is now indexed, with its block, under
-- the record, request and grant it refers to (SharingRefs in the EJB module), and a record's view
-- reads only its own transactions. Derived data, rebuildable from the chain.
CREATE TABLE cl_sharing_ref (
    ref_key    VARCHAR(73) NOT NULL,
    channel_id VARCHAR(63) NOT NULL,
    tx_id      VARCHAR(64) NOT NULL,
    CONSTRAINT pk_cl_sharing_ref PRIMARY KEY (ref_key, channel_id, tx_id)
);

-- Chains committed before this migration: the node indexes their transactions up to this height once
-- at start, and deletes the row in the same transaction; until then, views read the whole channel.
CREATE TABLE cl_sharing_ref_backfill (
    channel_id   VARCHAR(63) NOT NULL,
    up_to_height BIGINT      NOT NULL,
    CONSTRAINT pk_cl_sharing_ref_backfill PRIMARY KEY (channel_id)
);

INSERT INTO cl_sharing_ref_backfill (channel_id, up_to_height)
SELECT channel_id, MAX(height) FROM cl_block WHERE height > 0 GROUP BY channel_id;
