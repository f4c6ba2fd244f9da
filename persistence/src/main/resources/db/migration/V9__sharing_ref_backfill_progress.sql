-- V8's backfill indexed a channel's transactions from before V8 in one database transaction: ~104,000
-- transactions took 45-52 s at start (2026-12-07), so a chain of several hundred thousand could pass
-- the application server's transaction timeout (300 s) and fail every start. The node now indexes
-- them in parts of a bounded number of transactions, each part a database transaction of its own
-- that records how far it got here; the row is deleted with the last part, as before.
ALTER TABLE cl_sharing_ref_backfill ADD COLUMN indexed_height BIGINT DEFAULT 0 NOT NULL;
